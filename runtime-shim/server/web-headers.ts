// A web Request's headers as the pipeline's record (lowercase names, `set-cookie` as an array like
// node:http), without copying them all for every request. The record is a view: a read of one
// lowercase name asks the Headers object for it (what a handler or middleware mostly does; the
// pipeline's own reads, `x-request-id`, `content-type`, ..., skip the view: IncomingRequest.header),
// and only listing, testing, writing or deleting keys copies every header once. On Deno, iterating Headers sorts and combines the whole list; on Bun, its native
// `Headers.toJSON()` (what this used there before) cost 2.0–2.8 µs per request with a browser's 13
// headers against 0.17–0.28 µs for the view, and the same with wrk's one (bench/RESULTS.md, issue 24).
type HeaderRecord = Record<string, string | string[] | undefined>;

export function headerRecord(headers: Headers): HeaderRecord {
  return new Proxy<HeaderRecord>({}, new LazyHeaders(headers));
}

/** Every header copied into `into`, duplicates joined with ", " as Headers joins them, `set-cookie` as an array. */
export function copyHeaders(headers: Headers, into: HeaderRecord): HeaderRecord {
  headers.forEach((value, name) => {
    if (name !== 'set-cookie') into[name] = value;
  });
  const cookies = headers.getSetCookie();
  if (cookies.length > 0) into['set-cookie'] = cookies;
  return into;
}

class LazyHeaders implements ProxyHandler<HeaderRecord> {
  private copied = false;
  constructor(private readonly headers: Headers) {}

  get(target: HeaderRecord, name: string | symbol, receiver: unknown): unknown {
    if (this.copied || typeof name !== 'string' || name in Object.prototype) return Reflect.get(target, name, receiver);
    // A record has only lowercase names: `headers['Content-Type']` is undefined, as on node:http.
    if (name !== name.toLowerCase()) return undefined;
    if (name === 'set-cookie') {
      const cookies = this.headers.getSetCookie();
      return cookies.length > 0 ? cookies : undefined;
    }
    try {
      return this.headers.get(name) ?? undefined;
    } catch {
      return undefined; // not a header name (Headers.get throws on one): no such key
    }
  }

  private copy(target: HeaderRecord): HeaderRecord {
    if (!this.copied) {
      this.copied = true;
      copyHeaders(this.headers, target);
    }
    return target;
  }

  has(target: HeaderRecord, name: string | symbol): boolean {
    return Reflect.has(this.copy(target), name);
  }
  ownKeys(target: HeaderRecord): ArrayLike<string | symbol> {
    return Reflect.ownKeys(this.copy(target));
  }
  getOwnPropertyDescriptor(target: HeaderRecord, name: string | symbol): PropertyDescriptor | undefined {
    return Reflect.getOwnPropertyDescriptor(this.copy(target), name);
  }
  set(target: HeaderRecord, name: string | symbol, value: unknown): boolean {
    return Reflect.set(this.copy(target), name, value);
  }
  defineProperty(target: HeaderRecord, name: string | symbol, descriptor: PropertyDescriptor): boolean {
    return Reflect.defineProperty(this.copy(target), name, descriptor);
  }
  deleteProperty(target: HeaderRecord, name: string | symbol): boolean {
    return Reflect.deleteProperty(this.copy(target), name);
  }
}
