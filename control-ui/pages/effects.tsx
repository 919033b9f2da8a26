// Effects: jobs per effect and state, and the dead jobs with their payload and error, each retryable.
import { useState } from 'preact/hooks';
import type { DeadJob, EffectsInfo, List } from '../../runtime-shim/control/api-types';
import { API_PATHS } from '../api-paths';
import { ApiError, postJson } from '../api';
import { useApi } from '../use-api';
import { href, navigate } from '../router';
import { Badge, Empty, Loading, PageHeader, Section } from '../components/ui';
import { ago } from '../format';
import type { PageProps } from './page';

const STATES = ['queued', 'running', 'delayed', 'done', 'dead'] as const;

export function EffectsPage({ where }: PageProps) {
  const effect = where.query.get('effect') ?? '';
  const info = useApi<EffectsInfo>(API_PATHS.effects);
  const dead = useApi<List<DeadJob>>(API_PATHS.deadJobs(effect || undefined));
  // Kept here: a retried job leaves the dead list (and the list may empty) while the message stays.
  const [message, setMessage] = useState<Message | undefined>();
  const reload = () => {
    info.reload();
    dead.reload();
  };
  return (
    <>
      <PageHeader title="Effects" sub={info.data ? `Backend: ${info.data.backend}` : undefined}>
        <button onClick={reload}>Refresh</button>
      </PageHeader>
      <Section title="Jobs by state">
        <Loading
          loaded={info}
          what="effects"
          render={(data) =>
            data.effects.length ? (
              <table class="table hover" data-testid="effects">
                <thead>
                  <tr>
                    <th>Effect</th>
                    {STATES.map((s) => (
                      <th key={s} class="num">
                        {s}
                      </th>
                    ))}
                    <th>File</th>
                  </tr>
                </thead>
                <tbody>
                  {data.effects.map((e) => (
                    <tr key={e.name} class={e.name === effect ? 'focus' : undefined}>
                      <td>
                        <a href={href('effects', { effect: e.name === effect ? undefined : e.name })}>{e.name}</a>
                      </td>
                      {STATES.map((s) => (
                        <td key={s} class={`num ${s === 'dead' && e.counts.dead ? 'text-error' : ''}`}>
                          {e.counts[s]}
                        </td>
                      ))}
                      <td class="mono dim">{e.file}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : (
              <Empty>This app declares no effect.</Empty>
            )
          }
        />
      </Section>
      <Section
        title={<>Dead jobs{effect && <> of {effect}</>}</>}
        actions={effect ? <button onClick={() => navigate(href('effects'), true)}>All effects</button> : undefined}
      >
        {message && (
          <div class={`notice ${message.tone}`} role="status">
            {message.text}
          </div>
        )}
        <Loading loaded={dead} what="dead jobs" render={(list) => (list.items.length ? <DeadJobs jobs={list.items} onRetried={reload} onMessage={setMessage} /> : <Empty>No dead job.</Empty>)} />
      </Section>
    </>
  );
}

/** The error's first line; the rest (a stack) folded away. */
function ErrorText({ error }: { error: string }) {
  const newline = error.indexOf('\n');
  if (newline < 0) return <>{error}</>;
  return (
    <details>
      <summary>{error.slice(0, newline)}</summary>
      <pre class="fields">{error.slice(newline + 1)}</pre>
    </details>
  );
}

type Message = { tone: 'ok' | 'error'; text: string };

function DeadJobs({ jobs, onRetried, onMessage: setMessage }: { jobs: DeadJob[]; onRetried: () => void; onMessage: (message: Message | undefined) => void }) {
  const [busy, setBusy] = useState<string | undefined>();
  const retry = async (job: DeadJob) => {
    setBusy(job.id);
    setMessage(undefined);
    try {
      await postJson(API_PATHS.retryDeadJob(job.id));
      setMessage({ tone: 'ok', text: `Job ${job.id} of ${job.effect} is queued again.` });
      onRetried();
    } catch (error) {
      setMessage({ tone: 'error', text: `Retry failed: ${error instanceof ApiError ? error.message : String(error)}` });
    } finally {
      setBusy(undefined);
    }
  };
  return (
    <>
      <table class="table" data-testid="dead-jobs">
        <thead>
          <tr>
            <th>Job</th>
            <th>Effect</th>
            <th>Failed</th>
            <th class="num">Attempts</th>
            <th>Error</th>
            <th>Payload</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {jobs.map((job) => (
            <tr key={job.id}>
              <td class="mono">{job.id}</td>
              <td>{job.effect}</td>
              <td class="nowrap">{ago(job.failedAt)}</td>
              <td class="num">
                <Badge tone="error">{job.attempts}</Badge>
              </td>
              <td class="text-error wrap">
                <ErrorText error={job.error} />
              </td>
              <td>
                <details>
                  <summary>payload</summary>
                  <pre class="fields">{JSON.stringify(job.payload, null, 2)}</pre>
                </details>
              </td>
              <td>
                <button onClick={() => retry(job)} disabled={busy !== undefined}>
                  {busy === job.id ? 'Retrying…' : 'Retry'}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
