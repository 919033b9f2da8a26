// The generated context types' parts (`gctx.modules.<name>`, `gctx.effects.<name>`) as discovery
// sees them, before any analysis: every module and effect file whose name can be a property. Fed
// to the program before the analysis, so that the type check runs on the analysis's own program
// and checker instead of a rebuilt one. The model agrees but for files with errors (an effect
// without `run`); the type check then rebuilds the program with the model's parts.
import type { ContextParts } from '../../model/context-parts.js';
import { relPath, type DiscoveredApp } from '../discover/discover.js';
import { baseName, checkName } from './names.js';

export function discoveredContextParts(app: DiscoveredApp): ContextParts {
  const parts = (files: string[]) => files
    .map((abs) => ({ name: baseName(abs), file: relPath(app.root, abs) }))
    .filter((p) => checkName(p.name) === undefined);
  return { modules: parts(app.modules), effects: parts(app.effects) };
}
