// Offline validation of emitted Kubernetes objects with kubernetes-models (k8s 1.27 schemas) and its
// cert-manager, prometheus-operator and GKE (with Config Connector) packages: apiVersion/kind → the model class, whose validate() runs ajv.
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
  'monitoring.coreos.com': '@kubernetes-models/prometheus-operator/monitoring.coreos.com',
};

export function parseK8sYaml(text: string): K8sObject[] {
  return parseAllDocuments(text).map((d) => d.toJS() as K8sObject);
}

/**
 * Config Connector kinds newer than @kubernetes-models/gke (4.6.2, its latest): their spec checked
 * against the fields of the CRD's reference (cloud.google.com/config-connector/docs/reference).
 */
const CRD_SPECS: Record<string, { required: string[]; fields: Record<string, (value: unknown) => boolean> }> = {
  'firestore.cnrm.cloud.google.com/v1beta1/FirestoreDatabase': {
    required: ['projectRef'],
    fields: {
      projectRef: (v) => isRef(v),
      resourceID: (v) => typeof v === 'string',
      locationID: (v) => typeof v === 'string',
      concurrencyMode: (v) => ['OPTIMISTIC', 'PESSIMISTIC', 'OPTIMISTIC_WITH_ENTITY_GROUPS'].includes(v as string),
      pointInTimeRecoveryEnablement: (v) => ['POINT_IN_TIME_RECOVERY_ENABLED', 'POINT_IN_TIME_RECOVERY_DISABLED'].includes(v as string),
    },
  },
};

const isRef = (v: unknown) => typeof v === 'object' && v !== null && Object.keys(v).every((k) => ['external', 'name', 'namespace', 'kind'].includes(k) && typeof (v as Record<string, unknown>)[k] === 'string');

function validateCrdSpec(object: K8sObject, crd: (typeof CRD_SPECS)[string]): void {
  const spec = (object as { spec?: Record<string, unknown> }).spec ?? {};
  const where = `${object.kind} ${object.metadata?.name}`;
  if (typeof object.metadata?.name !== 'string' || !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(object.metadata.name)) throw new Error(`${where}: metadata.name is not a Kubernetes name`);
  for (const key of crd.required) if (!(key in spec)) throw new Error(`${where}: spec.${key} is required`);
  for (const [key, value] of Object.entries(spec)) {
    const check = crd.fields[key];
    if (!check) throw new Error(`${where}: spec.${key} is not a field of the CRD`);
    if (!check(value)) throw new Error(`${where}: spec.${key} has an invalid value ${JSON.stringify(value)}`);
  }
}

/** Throws with the object's kind/name and the schema error when an object is invalid or has no model. */
export function validateK8s(object: K8sObject): void {
  const crd = CRD_SPECS[`${object.apiVersion}/${object.kind}`];
  if (crd) return validateCrdSpec(object, crd);
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
