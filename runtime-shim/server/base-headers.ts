// Bun's cheapest way to a Response with Gati's headers (bench/RESULTS.md, issue 24, bd24): a Response
// made from a Headers object copies it natively, so the headers every answer of a route repeats
// (content-type, x-api-version, CORS) are kept here as one Headers per distinct set, and only the
// request id is set on each answer. Against one header in the init plus a `set` per other header
// (what Deno keeps: its Response init is slow with a Headers or a record) this saves ~0.1-0.2 µs per
// answer on Bun 1.4. Deno is not offered this: there a Response built on a Headers costs 1.1 µs vs 0.7.

/** The request's own header: always present, different on every answer, so never part of a cached set. */
const REQUEST_ID = 'x-request-id';
/** Distinct header sets kept at most; past this the cache starts over (a handler's per-request values, e.g. ETag, churn it). */
const MAX_SETS = 256;

export class BaseHeaders {
  private readonly sets = new Map<string, Headers>();

  /**
   * The answer as a web Response, or undefined when a header repeats (`set-cookie`'s array): the
   * caller's general path appends those.
   */
  response(body: string | Uint8Array | undefined, status: number, headers: Record<string, string | string[]>): Response | undefined {
    let key = '';
    let id: string | undefined;
    for (const name in headers) {
      const value = headers[name]!;
      if (typeof value !== 'string') return undefined;
      if (name === REQUEST_ID) id = value;
      else key += `${name}\0${value}\n`;
    }
    let base = this.sets.get(key);
    if (base === undefined) {
      base = new Headers();
      for (const name in headers) if (name !== REQUEST_ID) base.set(name, headers[name] as string);
      if (this.sets.size >= MAX_SETS) this.sets.clear();
      this.sets.set(key, base);
    }
    const response = new Response(body, { status, headers: base });
    if (id !== undefined) response.headers.set(REQUEST_ID, id);
    return response;
  }
}
