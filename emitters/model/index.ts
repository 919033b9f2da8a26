// .gati/model.json: the app model with sorted keys, byte-identical for equal models.
import type { AppModel } from '../../model/app-model.js';
import { jsonArtifact, type Artifact } from '../artifact.js';

export const MODEL_FILE = '.gati/model.json';

export function emitModel(model: AppModel): Artifact {
  return jsonArtifact(MODEL_FILE, model);
}
