// Audit log: who did what, when (newest first).
import type { AuditEntry, List } from '../../runtime-shim/control/api-types';
import { API_PATHS, withQuery } from '../api-paths';
import { useApi } from '../use-api';
import { Empty, Loading, PageHeader, Section } from '../components/ui';
import { dateTime } from '../format';

export function AuditPage() {
  const loaded = useApi<List<AuditEntry>>(withQuery(API_PATHS.audit, { limit: 500 }));
  return (
    <>
      <PageHeader title="Audit log" sub="Every action taken through the panel and its logins">
        <button onClick={loaded.reload}>Refresh</button>
      </PageHeader>
      <Section>
        <Loading
          loaded={loaded}
          what="the audit log"
          render={(list) =>
            list.items.length ? (
              <table class="table" data-testid="audit">
                <thead>
                  <tr>
                    <th>When</th>
                    <th>Who</th>
                    <th>Action</th>
                    <th>Detail</th>
                    <th>Address</th>
                  </tr>
                </thead>
                <tbody>
                  {list.items.map((entry, i) => (
                    <tr key={i}>
                      <td class="nowrap">{dateTime(entry.at)}</td>
                      <td>{entry.user}</td>
                      <td>
                        <code>{entry.action}</code>
                      </td>
                      <td class="mono dim wrap">{entry.detail ? JSON.stringify(entry.detail) : ''}</td>
                      <td class="mono dim">{entry.ip ?? ''}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : (
              <Empty>Nothing recorded yet.</Empty>
            )
          }
        />
      </Section>
    </>
  );
}
