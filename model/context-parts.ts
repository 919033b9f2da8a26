/** What the generated context types are made of: each module's and effect's name and file (the model's, or discovery's). */
export interface ContextParts {
  modules: readonly { name: string; file: string }[];
  effects: readonly { name: string; file: string }[];
  /** The routes, for `gctx.ws.publish`'s WebSocket messages (discovery's prediction has none). */
  routes?: readonly { key: string; file: string; ws?: object }[];
}
