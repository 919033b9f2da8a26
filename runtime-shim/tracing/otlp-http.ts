// OTLP/HTTP: one POST of an export body to the traces endpoint, with the headers of
// OTEL_EXPORTER_OTLP_(TRACES_)HEADERS and the timeout of OTEL_EXPORTER_OTLP_(TRACES_)TIMEOUT
// (10 s by default, as the specification says). Connections are kept alive between batches.
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

export interface OtlpTarget {
  url: URL;
  headers: Record<string, string>;
  timeoutMs: number;
}

export function otlpTarget(endpoint: string, env: NodeJS.ProcessEnv): OtlpTarget {
  const timeout = Number((env.OTEL_EXPORTER_OTLP_TRACES_TIMEOUT ?? env.OTEL_EXPORTER_OTLP_TIMEOUT)?.trim() || NaN);
  return {
    url: new URL(endpoint),
    headers: { ...parseHeaders(env.OTEL_EXPORTER_OTLP_HEADERS), ...parseHeaders(env.OTEL_EXPORTER_OTLP_TRACES_HEADERS) },
    timeoutMs: Number.isFinite(timeout) && timeout > 0 ? timeout : 10_000,
  };
}

/** `key=value,key2=value2`, values percent-decoded (the specification's format); malformed pairs skipped. */
export function parseHeaders(raw: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of (raw ?? '').split(',')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    try {
      out[decodeURIComponent(pair.slice(0, eq).trim())] = decodeURIComponent(pair.slice(eq + 1).trim());
    } catch {
      // A bad escape: that header is left out.
    }
  }
  return out;
}

/** A sender for one target: resolves on a 2xx, rejects with an Error naming the failure otherwise. */
export function otlpSender(target: OtlpTarget, contentType: string): (body: Buffer | string) => Promise<void> {
  const https = target.url.protocol === 'https:';
  const agent = https ? new HttpsAgent({ keepAlive: true, maxSockets: 2 }) : new HttpAgent({ keepAlive: true, maxSockets: 2 });
  const request = https ? httpsRequest : httpRequest;
  return (body) => new Promise<void>((resolve, reject) => {
    const req = request(target.url, {
      method: 'POST',
      agent,
      timeout: target.timeoutMs,
      headers: { ...target.headers, 'content-type': contentType, 'content-length': Buffer.byteLength(body) },
    }, (res) => {
      res.resume();
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) resolve();
        else reject(new Error(`the collector answered ${status}`));
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from the collector in ${target.timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}
