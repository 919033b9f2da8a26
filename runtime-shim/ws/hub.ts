// Topics → subscribers. A message is serialized ONCE and the same string goes to every local
// subscriber (the fan-out) and, once, to the bridge that carries it to the other processes
// (the cluster primary for --workers, Redis across pods), which deliver it to theirs.
import { Buffer } from 'node:buffer';

/**
 * What the fan-out needs of a connection: to take an already serialized text frame. A session
 * (session.ts) is one; the hub knows only this, so hub.ts and session.ts do not import each other.
 */
export interface WsSubscriber {
  sendText(data: string, encoded: () => Uint8Array): void;
}

/** Local delivery: a Map of Sets on Node and Deno, Bun's native topics on Bun (bun.ts). */
export interface WsFanout {
  subscribe(session: WsSubscriber, topic: string): void;
  unsubscribe(session: WsSubscriber, topic: string): void;
  /** A closed session leaves every topic. */
  leave(session: WsSubscriber): void;
  /** To every local subscriber of `topic` but `except`. */
  publish(topic: string, data: string, except?: WsSubscriber): void;
}

/** Cross-process delivery: publish sends to the OTHER processes; receive is called with theirs. */
export interface WsBridge {
  publish(topic: string, data: string): void;
  onMessage(receive: (topic: string, data: string) => void): void;
  close(): Promise<void>;
}

export class MapFanout implements WsFanout {
  private readonly topics = new Map<string, Set<WsSubscriber>>();
  private readonly joined = new Map<WsSubscriber, Set<string>>();

  subscribe(session: WsSubscriber, topic: string): void {
    let members = this.topics.get(topic);
    if (!members) this.topics.set(topic, (members = new Set()));
    members.add(session);
    let topics = this.joined.get(session);
    if (!topics) this.joined.set(session, (topics = new Set()));
    topics.add(topic);
  }

  unsubscribe(session: WsSubscriber, topic: string): void {
    const members = this.topics.get(topic);
    if (members?.delete(session) && members.size === 0) this.topics.delete(topic);
    this.joined.get(session)?.delete(topic);
  }

  leave(session: WsSubscriber): void {
    for (const topic of this.joined.get(session) ?? []) this.unsubscribe(session, topic);
    this.joined.delete(session);
  }

  publish(topic: string, data: string, except?: WsSubscriber): void {
    const members = this.topics.get(topic);
    if (!members) return;
    // Encoded to UTF-8 at most once, not once per subscriber (when the engine takes bytes).
    let bytes: Uint8Array | undefined;
    const encoded = () => (bytes ??= Buffer.from(data));
    for (const session of members) if (session !== except) session.sendText(data, encoded);
  }
}

export class WsHub {
  constructor(
    readonly fanout: WsFanout = new MapFanout(),
    private readonly bridge?: WsBridge,
  ) {
    bridge?.onMessage((topic, data) => this.fanout.publish(topic, data));
  }

  /** `gctx.ws.publish`: to every subscriber of `topic` everywhere (but `except`, a local session). */
  publish(topic: string, msg: unknown, except?: WsSubscriber): void {
    this.publishText(topic, JSON.stringify(msg), except);
  }

  /** An already serialized message. */
  publishText(topic: string, data: string, except?: WsSubscriber): void {
    this.fanout.publish(topic, data, except);
    this.bridge?.publish(topic, data);
  }

  close(): Promise<void> {
    return this.bridge?.close() ?? Promise.resolve();
  }
}

/** A hub: local fan-out (Map of Sets unless the engine brings its own) and an optional bridge. */
export function createWsHub(options: { fanout?: WsFanout; bridge?: WsBridge } = {}): WsHub {
  return new WsHub(options.fanout, options.bridge);
}
