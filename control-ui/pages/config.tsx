// Config: the effective config (secrets masked by the server), and the settings that can change at
// run time: edited here, checked in the page, previewed as a ChangePlan and applied on confirm.
import { useState } from 'preact/hooks';
import type { ConfigInfo } from '../../runtime-shim/control/api-types';
import { API_PATHS } from '../api-paths';
import { useApi } from '../use-api';
import { usePlan } from '../use-plan';
import { Empty, Loading, PageHeader, Section } from '../components/ui';
import { ChangePlanView } from '../components/change-plan';

type Setting = ConfigInfo['editable'][number];

/** The value typed for a setting, or an error message. */
export function parseSetting(setting: Setting, raw: string): { value: unknown } | { error: string } {
  switch (setting.type) {
    case 'number': {
      const n = Number(raw);
      return raw.trim() === '' || !Number.isFinite(n) ? { error: `${setting.path} needs a number` } : { value: n };
    }
    case 'boolean':
      return raw === 'true' || raw === 'false' ? { value: raw === 'true' } : { error: `${setting.path} is true or false` };
    case 'enum':
      return setting.options?.includes(raw) ? { value: raw } : { error: `${setting.path} is one of ${setting.options?.join(', ')}` };
    default:
      return { value: raw };
  }
}

export function ConfigPage() {
  const loaded = useApi<ConfigInfo>(API_PATHS.config);
  const plan = usePlan(API_PATHS.config, loaded.reload);
  const [edits, setEdits] = useState<Record<string, string>>({});
  return (
    <>
      <PageHeader title="Config" sub="The effective configuration; secrets are masked">
        <button onClick={loaded.reload}>Refresh</button>
      </PageHeader>
      <Loading
        loaded={loaded}
        what="the config"
        render={(info) => {
          const parsed = info.editable.filter((s) => edits[s.path] !== undefined && edits[s.path] !== String(s.value ?? '')).map((s) => ({ s, result: parseSetting(s, edits[s.path]!) }));
          const errors = parsed.flatMap(({ result }) => ('error' in result ? [result.error] : []));
          const changes = Object.fromEntries(parsed.flatMap(({ s, result }) => ('value' in result ? [[s.path, result.value]] : [])));
          return (
            <>
              <Section
                title="Runtime settings"
                actions={
                  <button class="primary" disabled={!parsed.length || errors.length > 0 || plan.busy} onClick={() => plan.preview({ changes })}>
                    Preview {parsed.length || ''} change{parsed.length === 1 ? '' : 's'}…
                  </button>
                }
              >
                {info.editable.length ? (
                  <table class="table" data-testid="settings">
                    <thead>
                      <tr>
                        <th>Setting</th>
                        <th>Value</th>
                        <th>Description</th>
                      </tr>
                    </thead>
                    <tbody>
                      {info.editable.map((s) => (
                        <tr key={s.path} class={edits[s.path] !== undefined && edits[s.path] !== String(s.value ?? '') ? 'focus' : undefined}>
                          <td class="mono">{s.path}</td>
                          <td>
                            <SettingInput setting={s} value={edits[s.path] ?? String(s.value ?? '')} onChange={(v) => setEdits({ ...edits, [s.path]: v })} />
                          </td>
                          <td class="muted">{s.description}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                ) : (
                  <Empty>No setting can be changed at run time.</Empty>
                )}
                {errors.length > 0 && (
                  <ul class="notice error" role="alert">
                    {errors.map((e) => (
                      <li key={e}>{e}</li>
                    ))}
                  </ul>
                )}
                {plan.error && (
                  <div class="notice error" role="alert">
                    {plan.error}
                  </div>
                )}
                {plan.plan && (
                  <ChangePlanView
                    plan={plan.plan}
                    busy={plan.busy}
                    onApply={plan.apply}
                    onCancel={() => {
                      if (plan.plan?.applied) setEdits({});
                      plan.cancel();
                    }}
                  />
                )}
              </Section>
              <Section title="Effective config">
                <pre class="json" tabIndex={0} data-testid="effective-config">
                  {JSON.stringify(info.effective, null, 2)}
                </pre>
              </Section>
            </>
          );
        }}
      />
    </>
  );
}

function SettingInput({ setting, value, onChange }: { setting: Setting; value: string; onChange: (value: string) => void }) {
  const label = `${setting.path}`;
  if (setting.type === 'boolean' || setting.type === 'enum') {
    const options = setting.type === 'boolean' ? ['true', 'false'] : setting.options ?? [];
    return (
      <select aria-label={label} value={value} onChange={(e) => onChange(e.currentTarget.value)}>
        {value === '' && <option value="">(default)</option>}
        {options.map((o) => (
          <option key={o}>{o}</option>
        ))}
      </select>
    );
  }
  if (setting.type === 'number') return <input aria-label={label} type="number" value={value} onInput={(e) => onChange(e.currentTarget.value)} />;
  return <input aria-label={label} type="text" value={value} onInput={(e) => onChange(e.currentTarget.value)} />;
}
