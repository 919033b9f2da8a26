// A small HTTP server that answers the payments routes the way a Gati server does (declared
// statuses with JSON bodies; problem+json for 400/404/405/500; X-API-Version echoed), for the
// client SDK tests. The real Gati server is built on another branch; when it lands, the client
// test swaps `startPaymentsServer` for it in one line (test/client-sdk.test.ts).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest { method: string; url: string; headers: IncomingMessage['headers']; body: string }
export interface RunningServer { url: string; seen: SeenRequest[]; close(): Promise<void> }

const problem = (res: ServerResponse, status: number, title: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/problem+json', ...headers });
  res.end(JSON.stringify({ type: 'about:blank', title, status, ...extra }));
};
const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

export async function startPaymentsServer(): Promise<RunningServer> {
  const seen: SeenRequest[] = [];
  const payments = new Map<string, Record<string, unknown>>();
  let sequence = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const url = req.url ?? '/';
      seen.push({ method: req.method ?? '', url, headers: req.headers, body });
      if (req.headers['x-api-version']) res.setHeader('x-api-version', String(req.headers['x-api-version']));
      const [rawPath, search = ''] = url.split('?');
      const path = rawPath!.split('/').map(decodeURIComponent);
      const query = new URLSearchParams(search);
      const segments = path.slice(1);
      const route = segments[0] === 'receipts' && segments.length > 1
        ? `${req.method} /receipts/*`
        : `${req.method} /${segments.map((s, i) => (segments[0] === 'payments' && i === 1 ? ':id' : s)).join('/')}`;
      const input = body ? JSON.parse(body) as Record<string, unknown> : undefined;
      switch (route) {
        case 'GET /health': {
          const delay = Number(query.get('delayMs') ?? 0);
          setTimeout(() => json(res, 200, { ok: true }), delay);
          return;
        }
        case 'POST /payments': {
          if (typeof input?.amount !== 'number') return problem(res, 400, 'Invalid request', { errors: [{ path: '/body/amount', message: 'must be number' }] });
          const id = `pay_${++sequence}`;
          const now = new Date(0).toISOString();
          const payment = { ...input, id, status: 'pending', risk: 0, labels: {}, metadata: null, capturedAt: null, capturedAmount: null, failureReason: null, refunds: [], createdAt: now, updatedAt: now };
          payments.set(id, payment);
          return json(res, 201, payment, { location: `/payments/${id}` });
        }
        case 'GET /payments': {
          const statuses = query.getAll('status');
          return json(res, 200, { items: [], nextCursor: null, total: statuses.length });
        }
        case 'GET /payments/:id': {
          const payment = payments.get(path[2]!);
          return payment ? json(res, 200, payment) : json(res, 404, { error: 'NotFound' });
        }
        case 'DELETE /payments/:id':
          if (path[2] === 'pay_boom') return problem(res, 500, 'Internal Server Error');
          res.writeHead(204).end();
          return;
        case 'POST /payments/:id/capture':
          return payments.has(path[2]!) ? json(res, 202, { state: 'capturing' }) : json(res, 409, { error: 'ReservationFailed' });
        case 'GET /receipts/*':
          return json(res, 404, { error: 'NotFound', key: path.slice(2).join('/') });
        case 'PUT /payments/:id':
          return problem(res, 405, 'Method Not Allowed', {}, { allow: 'GET, PATCH, DELETE' });
        default:
          return problem(res, 404, 'Not Found', { detail: `no route ${req.method} ${rawPath}` });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
