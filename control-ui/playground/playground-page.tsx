// The API playground (/_control/playground): the explorer on the left; the request editor, the
// auth presets, the variables and the response in the middle; the flow and the history on the
// right. One request is sent as a flow of one step (the engine's runFlow, as the CLI does), so a
// request behaves the same here, in a saved flow and in `gati playground run`.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { parseFlow, serializeFlow, type FlowResult, type FlowStep, type Json, type StepResult } from '../../playground/index';
import type { PlaygroundFlowFile, PlaygroundFlows, PlaygroundRoute, PlaygroundRoutes } from '../../runtime-shim/control/playground/playground-types';
import type { VersionsInfo } from '../../runtime-shim/control/api-types';
import { ApiError, getJson, postJson } from '../api';
import { Loading, PageHeader, Section } from '../components/ui';
import type { PageProps } from '../pages/page';
import { useApi } from '../use-api';
import { draftToStep, newDraft, stepToDraft, type Draft } from './draft';
import { runInPage, type AuthPreset } from './engine';
import { Explorer } from './explorer';
import { FlowPanel } from './flow-panel';
import { addHistory, clearHistory, readHistory, type HistoryEntry } from './history';
import { PLAYGROUND_PATHS } from './playground-paths';
import { RequestEditor, bodyProblems } from './request-editor';
import { ResponseView } from './response-view';
import { WsSession } from './ws-session';

export function Playground(_props: PageProps) {
  const loaded = useApi<PlaygroundRoutes>(PLAYGROUND_PATHS.routes);
  return (
    <>
      <PageHeader title="Playground" sub="Requests built from the routes' types, scripts in a sandbox, flows saved in the app" />
      <Loading loaded={loaded} what="the routes" render={(data) => <Workbench routes={data.routes} />} />
    </>
  );
}

function Workbench(props: { routes: PlaygroundRoute[] }) {
  const { routes } = props;
  const [selected, setSelected] = useState<string | undefined>(routes[0]?.key);
  const [drafts, setDrafts] = useState<Record<string, Draft>>({});
  const [auth, setAuth] = useState<AuthPreset>({ kind: 'none', token: '' });
  const [version, setVersion] = useState('');
  const [versions, setVersions] = useState<string[]>([]);
  const [env, setEnv] = useState<Record<string, Json>>({});
  const [envText, setEnvText] = useState('{}');
  const [envError, setEnvError] = useState<string | undefined>();
  /** The variables typed in (or a loaded flow's): what a saved flow starts from, not what scripts set. */
  const [startVars, setStartVars] = useState<Record<string, Json>>({});
  const [sending, setSending] = useState(false);
  const [last, setLast] = useState<{ step: StepResult; headers?: Record<string, string> } | undefined>();
  const [history, setHistory] = useState<HistoryEntry[]>(readHistory);
  const [flowName, setFlowName] = useState('');
  const [steps, setSteps] = useState<FlowStep[]>([]);
  const [flowResult, setFlowResult] = useState<FlowResult | undefined>();
  const [running, setRunning] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | undefined>();
  const [saved, setSaved] = useState<PlaygroundFlowFile[]>([]);
  const [editing, setEditing] = useState<number | undefined>();

  const route = useMemo(() => routes.find((r) => r.key === selected), [routes, selected]);
  const draft = route ? drafts[route.key] ?? newDraft(route) : undefined;
  const setDraft = (d: Draft) => route && setDrafts((all) => ({ ...all, [route.key]: d }));
  const updateEnv = (next: Record<string, Json>) => {
    setEnv(next);
    setEnvText(JSON.stringify(next, null, 2));
    setEnvError(undefined);
  };

  const refreshFlows = () => getJson<PlaygroundFlows>(PLAYGROUND_PATHS.flows).then((f) => setSaved(f.flows), () => setSaved([]));
  useEffect(() => {
    void refreshFlows();
    getJson<VersionsInfo>(PLAYGROUND_PATHS.versions).then((v) => setVersions(v.versions.map((x) => x.semver).reverse()), () => setVersions([]));
  }, []);

  const send = async () => {
    if (!route || !draft) return;
    const step = draftToStep(route, draft);
    setSending(true);
    try {
      const { result, headers } = await runInPage({ steps: [step] }, 'request', routes, { auth, version, env });
      const ran = result.steps[0]!;
      setLast({ step: ran, headers: ran.request ? headers.get(`${ran.request.method} ${ran.request.url}`) : undefined });
      updateEnv(result.env);
      setHistory(addHistory({ at: Date.now(), step, ...(ran.status !== undefined ? { status: ran.status } : {}), ...(ran.timeMs !== undefined ? { timeMs: Math.round(ran.timeMs) } : {}), passed: ran.passed }));
    } catch (error) {
      setLast({ step: { name: step.name, route: step.route, checks: [{ name: 'request', source: 'request', passed: false, error: String(error) }], passed: false } });
    } finally {
      setSending(false);
    }
  };

  const addToFlow = () => {
    if (!route || !draft) return;
    const step = draftToStep(route, draft);
    const taken = new Set(steps.filter((_s, i) => i !== editing).map((s) => s.name));
    let name = step.name;
    for (let n = 2; taken.has(name); n++) name = `${step.name} ${n}`;
    const next = { ...step, name };
    setSteps((list) => (editing !== undefined && editing < list.length ? list.map((s, i) => (i === editing ? next : s)) : [...list, next]));
    setEditing(undefined);
    setFlowResult(undefined);
  };

  const runFlowHere = async () => {
    setRunning(true);
    setMessage(undefined);
    setFlowResult(undefined);
    try {
      const { result } = await runInPage({ variables: startVars, steps }, flowName || 'flow', routes, { auth, version, env: {} }, (event) => {
        if (event.type === 'step') setFlowResult((r) => ({ name: event.flow, steps: [...(r?.steps ?? []), event.step], passed: false, env: {}, durationMs: 0 }));
      });
      setFlowResult(result);
      updateEnv(result.env);
    } catch (error) {
      setMessage({ ok: false, text: `The flow did not run: ${String(error)}` });
    } finally {
      setRunning(false);
    }
  };

  const save = async () => {
    const text = serializeFlow({ ...(Object.keys(startVars).length ? { variables: startVars } : {}), steps });
    const file = `playground/${flowName}.flow.json`;
    const read = parseFlow(text, file);
    if (read.problems) return setMessage({ ok: false, text: read.problems.map((p) => `${p.pointer || '/'}: ${p.message}`).join('; ') });
    try {
      const written = await postJson<PlaygroundFlowFile>(PLAYGROUND_PATHS.flows, { name: flowName, text });
      setMessage({ ok: true, text: `Saved ${written.file}` });
      void refreshFlows();
    } catch (error) {
      setMessage({ ok: false, text: error instanceof ApiError ? error.message : String(error) });
    }
  };

  const load = async (name: string) => {
    try {
      const file = await getJson<PlaygroundFlowFile>(PLAYGROUND_PATHS.flow(name));
      const read = parseFlow(file.text, file.file);
      if (read.problems) return setMessage({ ok: false, text: read.problems.map((p) => `${p.pointer || '/'}: ${p.message}`).join('; ') });
      setFlowName(name);
      setSteps(read.flow.steps);
      setFlowResult(undefined);
      updateEnv(read.flow.variables ?? {});
      setStartVars(read.flow.variables ?? {});
      setMessage({ ok: true, text: `Opened ${file.file}` });
    } catch (error) {
      setMessage({ ok: false, text: String(error) });
    }
  };

  const edit = (index: number) => {
    const step = steps[index]!;
    if (!routes.some((r) => r.key === step.route)) return setMessage({ ok: false, text: `the app has no route ${step.route}` });
    setSelected(step.route);
    setDrafts((all) => ({ ...all, [step.route]: stepToDraft(step) }));
    setEditing(index);
  };

  const blocked = route && draft && route.kind === 'http' ? bodyProblems(route, draft, env).errors.length > 0 : false;
  return (
    <div class="pg-layout" data-testid="playground">
      <Explorer routes={routes} selected={selected} onSelect={(key) => (setSelected(key), setEditing(undefined))} versions={versions} version={version} onVersion={setVersion} />
      <div class="pg-center">
        {route && draft ? (
          <Section
            title="Request"
            actions={
              <>
                {route.kind === 'http' && (
                  <button class="primary" data-testid="pg-send" disabled={sending} title={blocked ? 'the body does not match its type: it is sent anyway' : undefined} onClick={() => void send()}>
                    Send
                  </button>
                )}
                <button data-testid="pg-add-step" onClick={addToFlow}>
                  {editing !== undefined ? 'Update step' : 'Add to flow'}
                </button>
              </>
            }
          >
            <RequestEditor route={route} draft={draft} env={env} onChange={setDraft} />
            <AuthPresets auth={auth} onChange={setAuth} />
          </Section>
        ) : (
          <p class="muted">The app has no routes.</p>
        )}
        {route?.kind === 'ws' && draft ? <WsSession key={route.key} route={route} draft={draft} env={env} onEnv={updateEnv} /> : <ResponseView step={last?.step} headers={last?.headers} sending={sending} />}
        <Section title="Variables" class="pg-vars">
          <textarea
            aria-label="Variables"
            class="mono"
            rows={4}
            value={envText}
            onInput={(e) => {
              const text = (e.target as HTMLTextAreaElement).value;
              setEnvText(text);
              try {
                const value = JSON.parse(text) as unknown;
                if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error('an object of variables');
                setEnv(value as Record<string, Json>);
                setStartVars(value as Record<string, Json>);
                setEnvError(undefined);
              } catch (error) {
                setEnvError((error as Error).message);
              }
            }}
          />
          {envError && <p class="pg-error small">{envError}</p>}
          <p class="muted small">The flow's variables: `{'{{name}}'}` in params, query, headers and body; gati.env.get/set in scripts.</p>
        </Section>
      </div>
      <div class="pg-side">
        <FlowPanel
          name={flowName}
          steps={steps}
          result={flowResult}
          running={running}
          message={message}
          saved={saved}
          onName={setFlowName}
          onRun={() => void runFlowHere()}
          onSave={() => void save()}
          onLoad={(name) => void load(name)}
          onEdit={edit}
          onRemove={(i) => (setSteps((list) => list.filter((_s, j) => j !== i)), setFlowResult(undefined))}
        />
        <Section title="History" actions={history.length > 0 && <button class="link" onClick={() => (clearHistory(), setHistory([]))}>clear</button>}>
          {history.length === 0 && <p class="muted small">Requests you send appear here.</p>}
          <ol class="pg-history" data-testid="pg-history">
            {history.map((h) => (
              <li key={h.at}>
                <button class="link" onClick={() => routes.some((r) => r.key === h.step.route) && (setSelected(h.step.route), setDrafts((all) => ({ ...all, [h.step.route]: stepToDraft(h.step) })))}>
                  <span class="mono small">{h.step.route}</span>
                </button>{' '}
                <span class={h.passed ? 'pg-ok small' : 'pg-error small'}>{h.status ?? 'failed'}</span> <span class="muted small">{h.timeMs !== undefined ? `${h.timeMs} ms` : ''}</span>
              </li>
            ))}
          </ol>
        </Section>
      </div>
    </div>
  );
}

function AuthPresets(props: { auth: AuthPreset; onChange: (auth: AuthPreset) => void }) {
  const { auth } = props;
  return (
    <fieldset class="pg-auth">
      <legend>Auth</legend>
      <label class="pg-inline">
        <input type="radio" name="pg-auth" checked={auth.kind === 'none'} onChange={() => props.onChange({ ...auth, kind: 'none' })} /> none
      </label>
      <label class="pg-inline">
        <input type="radio" name="pg-auth" checked={auth.kind === 'bearer'} onChange={() => props.onChange({ ...auth, kind: 'bearer' })} /> bearer token
      </label>
      <label class="pg-inline">
        <input type="radio" name="pg-auth" checked={auth.kind === 'cookie'} onChange={() => props.onChange({ ...auth, kind: 'cookie' })} /> cookie session
      </label>
      {auth.kind === 'bearer' && <input aria-label="Bearer token" placeholder="token or {{var}}" value={auth.token} onInput={(e) => props.onChange({ ...auth, token: (e.target as HTMLInputElement).value })} />}
      {auth.kind === 'cookie' && <span class="muted small">The cookies the app sets on a response sent with this preset (a login) are kept by the browser and sent with every request from here on; other presets send none and keep none.</span>}
    </fieldset>
  );
}
