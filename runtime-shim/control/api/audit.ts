// GET /_control/api/audit?limit=: who did what, when (newest first).
import type { ControlEndpoint } from '../endpoint.js';
import type { AuditEntry, List } from '../api-types.js';

export const AUDIT_ENDPOINTS: ControlEndpoint[] = [
  {
    method: 'GET',
    path: 'audit',
    handler: async (call, env) => {
      const limit = Math.min(1000, Math.max(1, Number(call.query.get('limit')) || 100));
      const list: List<AuditEntry> = { items: await env.recentAudit(limit) };
      return { json: list };
    },
  },
];
