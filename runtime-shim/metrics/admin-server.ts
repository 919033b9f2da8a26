// The admin port (`--admin-port` / ADMIN_PORT, default 9464): `GET /metrics` in Prometheus text
// format, apart from the app's public port so that metrics are never exposed where the app is.
// A plain node:http server: Bun and Deno implement it too, so it is the same on every engine.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../types.js';

export type RenderMetrics = () => Promise<{ contentType: string; text: string }>;

export interface AdminServer {
  /** The `/metrics` address (the port chosen when 0 was asked). */
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startAdminServer(port: number, host: string, render: RenderMetrics, log: Logger): Promise<AdminServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found: the admin port serves GET /metrics\n');
      return;
    }
    render().then(
      ({ contentType, text }) => res.writeHead(200, { 'content-type': contentType }).end(req.method === 'HEAD' ? undefined : text),
      (error: unknown) => {
        log.error({ err: String(error) }, 'rendering /metrics failed');
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('metrics are unavailable; see the server log\n');
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // The admin server must never keep a stopping process alive.
  server.unref();
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}/metrics`,
    port: bound,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections?.();
    }),
  };
}
