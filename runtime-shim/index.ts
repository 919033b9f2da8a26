// The `gati` package: what an app imports.
export type {
  Handler, Req, Res, RequestShape, StatusMap, IsStatusMap, DeclaredStatus, ResponseBody,
  GlobalContext, LocalContext, EffectContext, Middleware, MiddlewareRequest, Logger, Effects, EnqueueOptions,
  GatiModules, GatiEffects, RetryPolicy,
  WsHandler, WsConnection, WsMessages, WsPublisher, WsOutOf, GatiWsRoutes,
} from './types.js';
export type * as tags from './tags.js';
export { HttpError } from './http-error.js';
export { defineConfig } from './config.js';
export type { GatiConfig } from './config.js';
export { defineVersionChange } from './version-change.js';
export type { VersionChange, RouteMigration, VersionedRequest } from './version-change.js';
