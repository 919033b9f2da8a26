// One HTTP request on a connection of its own (no keep-alive agent), so that the requests of a test
// spread over a server's `--workers` as separate clients would; answered with status, body and headers.
import { request } from 'node:http';

export interface Sent {
  status: number;
  text: string;
  headers: Record<string, string | string[] | undefined>;
}

/** `body` goes as JSON. */
export function send(url: string, method = 'GET', body?: unknown, headers: Record<string, string> = {}): Promise<Sent> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(url, { method, agent: false, headers: payload ? { 'content-type': 'application/json', ...headers } : headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, text, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}
