// The request editor, built from the route's input types: a field per path parameter and declared
// query parameter, header lines (declared ones listed), the JSON body checked against its schema as
// you type (`{{var}}` replaced from the variables first), and the pre/post scripts.
import { interpolateJson, type Json } from '../../playground/index';
import type { PlaygroundRoute } from '../../runtime-shim/control/playground/playground-types';
import { Method } from '../components/ui';
import { fieldsOf, paramNames, parseBody, requiredOf, type Draft } from './draft';
import { exampleOf } from './schema-example';
import { checkSchema, formatErrors } from './schema-check';

/** What is wrong with the draft's body (or why it could not be checked yet). */
export function bodyProblems(route: PlaygroundRoute, draft: Draft, env: Record<string, Json>): { errors: string[]; note?: string } {
  const parsed = parseBody(draft.body);
  if (parsed.error) return { errors: [parsed.error] };
  const schema = route.input.body;
  if (!schema) return { errors: [] };
  if (parsed.value === undefined) return { errors: ['the route needs a JSON body'] };
  let value: Json;
  try {
    value = interpolateJson(parsed.value, env);
  } catch (error) {
    return { errors: [], note: `${(error as Error).message}: the body is checked once it is` };
  }
  return { errors: formatErrors(checkSchema(schema, value)) };
}

export function RequestEditor(props: { route: PlaygroundRoute; draft: Draft; env: Record<string, Json>; onChange: (draft: Draft) => void }) {
  const { route, draft } = props;
  const set = (patch: Partial<Draft>) => props.onChange({ ...draft, ...patch });
  const text = (e: Event) => (e.target as HTMLInputElement | HTMLTextAreaElement).value;
  const queryFields = fieldsOf(route.input.query);
  const queryRequired = requiredOf(route.input.query);
  const body = route.kind === 'http' && (route.input.body || draft.body.trim()) ? bodyProblems(route, draft, props.env) : undefined;
  return (
    <div class="pg-editor" data-testid="pg-editor">
      <div class="row pg-title">
        <Method method={route.method} /> <span class="mono">{route.path}</span>
        <label class="pg-inline">
          Step name <input aria-label="Step name" value={draft.name} onInput={(e) => set({ name: text(e) })} />
        </label>
      </div>
      {paramNames(route).length > 0 && (
        <fieldset>
          <legend>Path</legend>
          {paramNames(route).map((name) => (
            <label key={name} class="pg-field">
              {name}
              <input aria-label={`param ${name}`} data-param={name} value={draft.params[name] ?? ''} placeholder="value or {{var}}" onInput={(e) => set({ params: { ...draft.params, [name]: text(e) } })} />
            </label>
          ))}
        </fieldset>
      )}
      {queryFields.length > 0 && (
        <fieldset>
          <legend>Query</legend>
          {queryFields.map((name) => (
            <label key={name} class="pg-field">
              {name}
              {queryRequired.has(name) ? ' *' : ''}
              <input aria-label={`query ${name}`} value={draft.query[name] ?? ''} onInput={(e) => set({ query: { ...draft.query, [name]: text(e) } })} />
            </label>
          ))}
        </fieldset>
      )}
      <label class="pg-field">
        Headers <span class="muted small">name: value, one a line{fieldsOf(route.input.headers).length ? ` (declared: ${fieldsOf(route.input.headers).join(', ')})` : ''}</span>
        <textarea aria-label="Headers" rows={2} value={draft.headers} onInput={(e) => set({ headers: text(e) })} />
      </label>
      {route.kind === 'http' && (
        <label class="pg-field">
          <span class="row">
            Body (JSON)
            {route.input.body && (
              <button type="button" class="link" onClick={() => set({ body: JSON.stringify(exampleOf(route.input.body), null, 2) })}>
                example from the type
              </button>
            )}
          </span>
          <textarea aria-label="Body" class="mono" rows={8} value={draft.body} onInput={(e) => set({ body: text(e) })} />
          {body && body.errors.length === 0 && !body.note && route.input.body && <span class="pg-ok small" data-testid="pg-body-valid">✓ matches the body type</span>}
          {body?.note && <span class="muted small">{body.note}</span>}
          {body && body.errors.length > 0 && (
            <ul class="pg-invalid small" data-testid="pg-body-errors">
              {body.errors.map((e) => (
                <li key={e}>{e}</li>
              ))}
            </ul>
          )}
        </label>
      )}
      <div class="pg-scripts">
        <label class="pg-field">
          Pre-request script
          <textarea aria-label="Pre-request script" class="mono" rows={4} placeholder="gati.request.headers['x-trace'] = 'pg';" value={draft.pre} onInput={(e) => set({ pre: text(e) })} />
        </label>
        <label class="pg-field">
          {route.kind === 'ws' ? 'Script on each received message' : 'Post-response script'}
          <textarea aria-label="Post-response script" class="mono" rows={4} placeholder="gati.test('ok', () => gati.expect(gati.response.status).toBe(200));" value={draft.post} onInput={(e) => set({ post: text(e) })} />
        </label>
      </div>
    </div>
  );
}
