// defineVersionChange: a migration between the previous API version and the one it introduces.
// Core handlers only ever see the newest shapes; an old client's request is moved up through
// each newer change's `request`, and the handler's response is moved back down through each
// `response`, newest first (Stripe's and Cadwyn's model). The compiler reads the route keys of
// this object statically, so write `routes` as an object literal with string-literal keys.

/** An old client's request, as the migration sees and returns it (after validation against the old schema). */
export interface VersionedRequest {
  params: Record<string, unknown>;
  query: Record<string, unknown>;
  headers: Record<string, unknown>;
  body: unknown;
}

export interface RouteMigration {
  /** Old request → request of the version this change introduces. */
  request?(old: VersionedRequest): VersionedRequest;
  /** Response body of the version this change introduces → the body old clients expect, per status. */
  response?(body: unknown, status: number): unknown;
}

export interface VersionChange {
  /** One line for the changelog and `gati versions`. */
  description: string;
  /** Route key (`'POST /payments/:id/capture'`) → its migration. */
  routes: Record<string, RouteMigration>;
}

/** Gives a version change file its types; returns the change unchanged. */
export function defineVersionChange(change: VersionChange): VersionChange {
  return change;
}
