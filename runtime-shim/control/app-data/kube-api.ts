// The Kubernetes API from inside a pod, with the pod's service account (the Role the k8s emitter
// writes for the panel: docs/control-panel.md): https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT,
// the mounted token as a bearer and the mounted CA as the only trusted root. GATI_KUBE_API_URL
// points it elsewhere (`kubectl proxy`'s http://127.0.0.1:8001, where no token is needed), and
// GATI_KUBE_SERVICE_ACCOUNT_DIR at another mount. node:https rather than fetch: fetch cannot be
// given a CA per request.
import { existsSync, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';

const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
const TIMEOUT_MS = 10_000;

export class KubeError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export interface KubeApi {
  /** The pod's own namespace (from the service account), when it is mounted. */
  namespace?: string;
  get<T>(path: string): Promise<T>;
  patch<T>(path: string, body: unknown, type: 'merge' | 'json'): Promise<T>;
}

/** In a cluster (KUBERNETES_SERVICE_HOST set, or GATI_KUBE_API_URL), the API; else undefined. */
export function kubeApi(env: NodeJS.ProcessEnv = process.env): KubeApi | undefined {
  const base = env['GATI_KUBE_API_URL'] || (env['KUBERNETES_SERVICE_HOST'] ? `https://${hostPart(env['KUBERNETES_SERVICE_HOST'])}:${env['KUBERNETES_SERVICE_PORT'] || '443'}` : undefined);
  if (!base) return undefined;
  const dir = env['GATI_KUBE_SERVICE_ACCOUNT_DIR'] || SERVICE_ACCOUNT_DIR;
  const read = (name: string) => (existsSync(join(dir, name)) ? readFileSync(join(dir, name), 'utf8').trim() : undefined);
  const namespace = read('namespace');
  const call = <T>(method: string, path: string, body?: { text: string; type: string }): Promise<T> => {
    // The token is read at each call: the kubelet rotates the projected token file.
    const token = read('token');
    const url = new URL(path, base);
    const headers: Record<string, string> = { accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': body.type, 'content-length': String(Buffer.byteLength(body.text)) } : {}) };
    const ca = url.protocol === 'https:' ? read('ca.crt') : undefined;
    return new Promise<T>((resolve, reject) => {
      const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, { method, headers, timeout: TIMEOUT_MS, ...(ca ? { ca } : {}) }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) {
            try {
              resolve(JSON.parse(text) as T);
            } catch {
              reject(new KubeError(502, `the Kubernetes API answered ${path} with something other than JSON`));
            }
            return;
          }
          let message = text.slice(0, 300);
          try {
            message = (JSON.parse(text) as { message?: string }).message ?? message;
          } catch {}
          reject(new KubeError(status, `Kubernetes API ${method} ${url.pathname}: ${status} ${message}`));
        });
      });
      req.on('timeout', () => req.destroy(new KubeError(504, `Kubernetes API ${method} ${url.pathname}: no answer in ${TIMEOUT_MS / 1000} s`)));
      req.on('error', (e) => reject(e instanceof KubeError ? e : new KubeError(502, `Kubernetes API ${method} ${url.pathname}: ${e.message}`)));
      req.end(body?.text);
    });
  };
  return {
    namespace,
    get: (path) => call('GET', path),
    patch: (path, body, type) => call('PATCH', path, { text: JSON.stringify(body), type: type === 'merge' ? 'application/merge-patch+json' : 'application/json-patch+json' }),
  };
}

/** An IPv6 service host goes in brackets. */
const hostPart = (host: string) => (host.includes(':') ? `[${host}]` : host);
