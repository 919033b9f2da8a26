// The Azure edge: an ARM template for Azure Front Door Standard (CDN, managed TLS certificate, health
// probes on /_ready) with one origin per region's AKS ingress, by priority, so the first region serves
// and the next takes over when its probes fail. Plain JSON: no SDK, no network.
import { jsonArtifact, type Artifact } from '../artifact.js';
import { regionHost, type EnvPlan } from '../infra/plan.js';

const API = '2023-05-01';
/** Probe every 10 s; an origin is out after its last 2 samples fail, ~20–30 s from the first failure. */
export const FRONT_DOOR_PROBE = { probeIntervalInSeconds: 10, sampleSize: 2, successfulSamplesRequired: 1 };

export function emitAzure(plan: EnvPlan): Artifact[] {
  const profile = `${plan.app}-${plan.env}-fd`;
  const endpoint = `${plan.app}-${plan.env}`;
  const domainName = plan.domain!.replace(/\./g, '-');
  const param = (region: string) => `originHost_${region.replace(/[^A-Za-z0-9]/g, '_')}`;
  const parameters: Record<string, unknown> = {};
  for (const region of plan.regions) {
    parameters[param(region)] = { type: 'string', defaultValue: regionHost(plan, region), metadata: { description: `Host name of the ${region} AKS ingress (a DNS name whose certificate the ingress serves)` } };
  }
  const resources: unknown[] = [
    { type: 'Microsoft.Cdn/profiles', apiVersion: API, name: profile, location: 'global', sku: { name: 'Standard_AzureFrontDoor' }, properties: { originResponseTimeoutSeconds: 30 } },
    { type: 'Microsoft.Cdn/profiles/afdEndpoints', apiVersion: API, name: `${profile}/${endpoint}`, location: 'global', dependsOn: [profileId(profile)], properties: { enabledState: 'Enabled' } },
    {
      type: 'Microsoft.Cdn/profiles/originGroups',
      apiVersion: API,
      name: `${profile}/regions`,
      dependsOn: [profileId(profile)],
      properties: {
        loadBalancingSettings: { sampleSize: FRONT_DOOR_PROBE.sampleSize, successfulSamplesRequired: FRONT_DOOR_PROBE.successfulSamplesRequired, additionalLatencyInMilliseconds: 0 },
        healthProbeSettings: { probePath: '/_ready', probeRequestType: 'GET', probeProtocol: 'Https', probeIntervalInSeconds: FRONT_DOOR_PROBE.probeIntervalInSeconds },
        sessionAffinityState: 'Disabled',
      },
    },
    ...plan.regions.map((region, i) => ({
      type: 'Microsoft.Cdn/profiles/originGroups/origins',
      apiVersion: API,
      name: `${profile}/regions/${region}`,
      dependsOn: [`[resourceId('Microsoft.Cdn/profiles/originGroups', '${profile}', 'regions')]`],
      properties: {
        hostName: `[parameters('${param(region)}')]`,
        originHostHeader: `[parameters('${param(region)}')]`,
        httpPort: 80,
        httpsPort: 443,
        priority: i + 1,
        weight: 1000,
        enabledState: 'Enabled',
        enforceCertificateNameCheck: true,
      },
    })),
    {
      type: 'Microsoft.Cdn/profiles/customDomains',
      apiVersion: API,
      name: `${profile}/${domainName}`,
      dependsOn: [profileId(profile)],
      properties: { hostName: plan.domain, tlsSettings: { certificateType: 'ManagedCertificate', minimumTlsVersion: 'TLS12' } },
    },
    {
      type: 'Microsoft.Cdn/profiles/afdEndpoints/routes',
      apiVersion: API,
      name: `${profile}/${endpoint}/default`,
      dependsOn: [
        `[resourceId('Microsoft.Cdn/profiles/afdEndpoints', '${profile}', '${endpoint}')]`,
        `[resourceId('Microsoft.Cdn/profiles/customDomains', '${profile}', '${domainName}')]`,
        ...plan.regions.map((r) => `[resourceId('Microsoft.Cdn/profiles/originGroups/origins', '${profile}', 'regions', '${r}')]`),
      ],
      properties: {
        customDomains: [{ id: `[resourceId('Microsoft.Cdn/profiles/customDomains', '${profile}', '${domainName}')]` }],
        originGroup: { id: `[resourceId('Microsoft.Cdn/profiles/originGroups', '${profile}', 'regions')]` },
        supportedProtocols: ['Http', 'Https'],
        patternsToMatch: ['/*'],
        forwardingProtocol: 'HttpsOnly',
        linkToDefaultDomain: 'Enabled',
        httpsRedirect: 'Enabled',
        enabledState: 'Enabled',
      },
    },
  ];
  const template = {
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
    contentVersion: '1.0.0.0',
    metadata: { generator: 'gati', app: plan.app, env: plan.env, version: plan.image.tag },
    parameters,
    resources,
    outputs: {
      endpointHostName: { type: 'string', value: `[reference(resourceId('Microsoft.Cdn/profiles/afdEndpoints', '${profile}', '${endpoint}'), '${API}').hostName]` },
      domainValidationToken: { type: 'string', value: `[reference(resourceId('Microsoft.Cdn/profiles/customDomains', '${profile}', '${domainName}'), '${API}').validationProperties.validationToken]` },
    },
  };
  return [jsonArtifact(`infra/${plan.env}/azure/frontdoor.template.json`, template)];
}

function profileId(profile: string): string {
  return `[resourceId('Microsoft.Cdn/profiles', '${profile}')]`;
}
