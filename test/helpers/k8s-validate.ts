// Offline validation of emitted Kubernetes objects with kubernetes-models (k8s 1.27 schemas) and its
// cert-manager and GKE (with Config Connector) packages: apiVersion/kind → the model class, whose validate() runs ajv.
import { createRequire } from 'node:module';
import { parseAllDocuments } from 'yaml';

const require = createRequire(import.meta.url);

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: any;
  data?: Record<string, string>;
}

const PACKAGES: Record<string, string> = {
  'cert-manager.io': '@kubernetes-models/cert-manager/cert-manager.io',
  'cloud.google.com': '@kubernetes-models/gke/cloud.google.com',
  'networking.gke.io': '@kubernetes-models/gke/networking.gke.io',
};

export function parseK8sYaml(text: string): K8sObject[] {
  return parseAllDocuments(text).map((d) => d.toJS() as K8sObject);
}

/** Throws with the object's kind/name and the schema error when an object is invalid or has no model. */
export function validateK8s(object: K8sObject): void {
  const [group, version] = object.apiVersion.includes('/') ? object.apiVersion.split('/') : ['', object.apiVersion];
  // Config Connector (GKE's cloud resources as Kubernetes objects) is in the GKE package too.
  const pkg = PACKAGES[group!] ?? (group!.endsWith('.cnrm.cloud.google.com') ? `@kubernetes-models/gke/${group}` : undefined);
  const modulePath = group === '' ? `kubernetes-models/${version}` : pkg ? `${pkg}/${version}` : `kubernetes-models/${group}/${version}`;
  let models: Record<string, new (data: unknown) => { validate(): void }>;
  try {
    models = require(modulePath);
  } catch {
    throw new Error(`no kubernetes-models package for ${object.apiVersion} (${modulePath})`);
  }
  const Model = models[object.kind];
  if (!Model) throw new Error(`no model for ${object.apiVersion} ${object.kind}`);
  try {
    new Model(object).validate();
  } catch (error) {
    throw new Error(`${object.kind} ${object.metadata?.name}: ${(error as Error).message}`);
  }
}
