// A WebSocket session on a WS route: connect (the path's params and the query filled in), send messages checked
// against the route's `in` type, see what arrives (checked against `out`), and run the draft's
// message script on each one received (`gati.response.body` is the message) to assert on it.
import { useEffect, useRef, useState } from 'preact/hooks';
import { fillPath, interpolateText, parseRouteKey, type CheckResult, type Json } from '../../playground/index';
import type { PlaygroundRoute } from '../../runtime-shim/control/playground/playground-types';
import { Section } from '../components/ui';
import { CheckList } from './check-list';
import type { Draft } from './draft';
import { sandboxReady } from './engine';
import { checkSchema, formatErrors } from './schema-check';
import { exampleOf } from './schema-example';

interface Message {
  direction: 'sent' | 'received' | 'info';
  text: string;
  checks?: CheckResult[];
}

export function WsSession(props: { route: PlaygroundRoute; draft: Draft; env: Record<string, Json>; onEnv: (env: Record<string, Json>) => void }) {
  const socket = useRef<WebSocket | undefined>(undefined);
  const [open, setOpen] = useState(false);
  const [messages, setMessages] = useState<Message[]>([]);
  const [outgoing, setOutgoing] = useState(() => JSON.stringify(exampleOf(props.route.messages?.in), null, 2));
  const env = useRef(props.env);
  env.current = props.env;
  const add = (m: Message) => setMessages((list) => [...list.slice(-199), m]);
  useEffect(() => () => socket.current?.close(), [props.route.key]);

  const connect = () => {
    let path: string;
    try {
      const params = Object.fromEntries(Object.entries(props.draft.params).map(([k, v]) => [k, interpolateText(v, env.current)]));
      const query = new URLSearchParams();
      for (const [name, value] of Object.entries(props.draft.query)) if (value !== '') query.set(name, interpolateText(value, env.current));
      const search = query.toString();
      path = fillPath(parseRouteKey(props.route.key)?.path ?? props.route.path, params) + (search ? `?${search}` : '');
    } catch (error) {
      add({ direction: 'info', text: (error as Error).message });
      return;
    }
    const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${path}`);
    socket.current = ws;
    ws.onopen = () => (setOpen(true), add({ direction: 'info', text: `connected to ${path}` }));
    ws.onclose = (e) => (setOpen(false), add({ direction: 'info', text: `closed (${e.code}${e.reason ? ` ${e.reason}` : ''})` }));
    ws.onmessage = (e) => void received(String(e.data));
  };

  const received = async (text: string) => {
    let body: Json = text;
    try {
      body = JSON.parse(text) as Json;
    } catch {
      // Not JSON: the script sees the text.
    }
    const checks: CheckResult[] = [];
    if (props.route.messages?.out) {
      const errors = formatErrors(checkSchema(props.route.messages.out, body));
      checks.push({ name: 'the message matches the declared type', source: 'type', passed: errors.length === 0, ...(errors.length ? { error: errors.join('; ') } : {}) });
    }
    if (props.draft.post.trim()) {
      const sandbox = await sandboxReady();
      const ran = sandbox.runScript(props.draft.post, { request: { method: 'WS', url: props.route.path, headers: {} }, response: { status: 101, headers: {}, body, timeMs: 0 }, env: env.current });
      for (const t of ran.tests) checks.push({ ...t, source: 'post' });
      if (ran.error) checks.push({ name: 'message script', source: 'post', passed: false, error: ran.error.message, ...(ran.error.line !== undefined ? { line: ran.error.line } : {}) });
      props.onEnv(ran.env);
    }
    add({ direction: 'received', text, checks });
  };

  let problems: string[] = [];
  let value: unknown;
  try {
    value = JSON.parse(outgoing);
    if (props.route.messages?.in) problems = formatErrors(checkSchema(props.route.messages.in, value));
  } catch (error) {
    problems = [`not JSON: ${(error as Error).message}`];
  }
  return (
    <Section title="WebSocket session" actions={open ? <button data-testid="pg-ws-disconnect" onClick={() => socket.current?.close()}>Disconnect</button> : <button class="primary" data-testid="pg-ws-connect" onClick={connect}>Connect</button>}>
      <label class="pg-field">
        Message (checked against the route's `in` type)
        <textarea aria-label="Message" class="mono" rows={4} value={outgoing} onInput={(e) => setOutgoing((e.target as HTMLTextAreaElement).value)} />
      </label>
      {problems.length > 0 && (
        <ul class="pg-invalid small" data-testid="pg-ws-errors">
          {problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
      <button data-testid="pg-ws-send" disabled={!open || problems.length > 0} onClick={() => (socket.current?.send(JSON.stringify(value)), add({ direction: 'sent', text: JSON.stringify(value) }))}>
        Send
      </button>
      <ol class="pg-messages" data-testid="pg-ws-messages" data-open={String(open)}>
        {messages.map((m, i) => (
          <li key={i} class={m.direction} data-direction={m.direction}>
            <span class="muted small">{m.direction === 'sent' ? '→' : m.direction === 'received' ? '←' : '·'}</span> <span class="mono">{m.text}</span>
            {m.checks && m.checks.length > 0 && <CheckList checks={m.checks} />}
          </li>
        ))}
      </ol>
    </Section>
  );
}
