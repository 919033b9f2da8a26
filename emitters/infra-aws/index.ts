// The AWS edge, synthesised in-process by aws-cdk-lib (loaded only when an AWS environment exists; it is
// an optional peer dependency): per region an ACM certificate the ALB ingress controller discovers by
// host (and, with effects on SQS, the queues, the record table and the pods' role: ./sqs-queue.ts),
// and in us-east-1 the CloudFront distribution, its certificate, and Route 53 health-checked
// failover records. No credentials, no network: no context lookups (the hosted zone comes from config),
// and the built-in CloudFormation validation is off unless asked for.
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as Cdk from 'aws-cdk-lib';
import type { Artifact } from '../artifact.js';
import { originHost, regionHost, type EnvPlan } from '../infra/plan.js';
import { sqsQueue } from './sqs-queue.js';

const require = createRequire(import.meta.url);

export interface AwsOptions {
  /** Run aws-cdk-lib's CloudFormation validator (6–15 s; CI runs it once) and fail on its findings. */
  validate?: boolean;
}

export class MissingInfraDependencyError extends Error {
  constructor(readonly packageName: string, readonly env: string) {
    super(`deploy environment '${env}' uses provider 'aws', which needs the optional package ${packageName}: install it in the app (npm install --save-dev ${packageName}@2)`);
  }
}

type Libs = {
  cdk: typeof Cdk;
  acm: typeof Cdk.aws_certificatemanager;
  cloudfront: typeof Cdk.aws_cloudfront;
  origins: typeof Cdk.aws_cloudfront_origins;
  route53: typeof Cdk.aws_route53;
};
let libs: Libs | undefined;

function load(env: string): Libs {
  if (libs) return libs;
  try {
    libs = {
      cdk: require('aws-cdk-lib') as typeof Cdk,
      acm: require('aws-cdk-lib/aws-certificatemanager') as Libs['acm'],
      cloudfront: require('aws-cdk-lib/aws-cloudfront') as Libs['cloudfront'],
      origins: require('aws-cdk-lib/aws-cloudfront-origins') as Libs['origins'],
      route53: require('aws-cdk-lib/aws-route53') as Libs['route53'],
    };
  } catch (error) {
    if ((error as { code?: string }).code === 'MODULE_NOT_FOUND') throw new MissingInfraDependencyError('aws-cdk-lib', env);
    throw error;
  }
  return libs;
}

/** Route 53 checks every 10 s and fails over after 2 misses; with a 10 s TTL clients move within ~30 s. */
export const FAILOVER = { requestInterval: 10, failureThreshold: 2, ttl: 10 };
/** CloudFront's hosted zone for alias records (the same in every partition's commercial regions). */
const CLOUDFRONT_ZONE = 'Z2FDTNDATAQYW2';

const cfnId = (region: string) => region.replace(/(^|-)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());

export function stackNames(plan: Pick<EnvPlan, 'app' | 'env' | 'regions'>): { edge: string; regions: Record<string, string> } {
  return { edge: `${plan.app}-${plan.env}-edge`, regions: Object.fromEntries(plan.regions.map((r) => [r, `${plan.app}-${plan.env}-${r}`])) };
}

/** CloudFormation parameter of the edge stack holding a region's load balancer host name. */
export const originParameter = (region: string) => `LoadBalancer${cfnId(region)}`;

export function emitAws(plan: EnvPlan, options: AwsOptions = {}): Artifact[] {
  const { cdk, acm, cloudfront, origins, route53 } = load(plan.env);
  const outdir = mkdtempSync(join(tmpdir(), 'gati-cdk-'));
  try {
    const context: Record<string, unknown> = { 'aws:cdk:enable-path-metadata': false, 'aws:cdk:enable-asset-metadata': false, 'aws:cdk:disable-stack-trace': true, 'aws:cdk:disable-creation-stack-traces': true };
    if (options.validate) Object.assign(context, { '@aws-cdk/core:validateAgainstDefaultRules': true, '@aws-cdk/core:strictCfnValidateErrors': true });
    const app = new cdk.App({ outdir, context, analyticsReporting: false, treeMetadata: false, stackTraces: false, builtinCloudFormationValidation: options.validate ?? false });
    const domain = plan.domain!;
    const zoneName = plan.config.aws!.hostedZoneName ?? domain;
    const names = stackNames(plan);
    const zoneOf = (scope: Cdk.Stack) => route53.HostedZone.fromHostedZoneAttributes(scope, 'Zone', { hostedZoneId: plan.config.aws!.hostedZoneId, zoneName });

    for (const region of plan.regions) {
      const queues = plan.queue?.backend === 'sqs' ? ", the effects queues, their record table and the pods' role" : '';
      const stack = new cdk.Stack(app, names.regions[region]!, { env: { region }, description: `gati ${plan.app} ${plan.env}: TLS certificate of the ${region} load balancer${queues}` });
      const cert = new acm.Certificate(stack, 'Certificate', {
        domainName: regionHost(plan, region)!,
        subjectAlternativeNames: [originHost(plan)!, domain],
        validation: acm.CertificateValidation.fromDns(zoneOf(stack)),
      });
      new cdk.CfnOutput(stack, 'CertificateArn', { value: cert.certificateArn });
      if (plan.queue?.backend === 'sqs') sqsQueue(cdk, stack, plan, plan.queue, region);
    }

    const edge = new cdk.Stack(app, names.edge, { env: { region: 'us-east-1' }, description: `gati ${plan.app} ${plan.env}: CloudFront, certificate and Route 53 failover` });
    const zone = zoneOf(edge);
    const certificate = new acm.Certificate(edge, 'Certificate', { domainName: domain, validation: acm.CertificateValidation.fromDns(zone) });
    plan.regions.forEach((region, i) => {
      const lb = new cdk.CfnParameter(edge, originParameter(region), { type: 'String', description: `Host name of the ${region} ingress load balancer (kubectl get ingress ${plan.app} -n ${plan.namespace})` });
      const id = cfnId(region);
      new route53.CfnRecordSet(edge, `Region${id}`, { hostedZoneId: zone.hostedZoneId, name: `${regionHost(plan, region)}.`, type: 'CNAME', ttl: '60', resourceRecords: [lb.valueAsString] });
      const check = new route53.CfnHealthCheck(edge, `Health${id}`, {
        healthCheckConfig: {
          type: 'HTTPS',
          fullyQualifiedDomainName: regionHost(plan, region),
          resourcePath: '/_ready',
          port: 443,
          enableSni: true,
          requestInterval: FAILOVER.requestInterval,
          failureThreshold: FAILOVER.failureThreshold,
        },
        healthCheckTags: [{ key: 'Name', value: `${plan.app}-${plan.env}-${region}` }],
      });
      new route53.CfnRecordSet(edge, `Origin${id}`, {
        hostedZoneId: zone.hostedZoneId,
        name: `${originHost(plan)}.`,
        type: 'CNAME',
        ttl: String(FAILOVER.ttl),
        resourceRecords: [regionHost(plan, region)!],
        ...(plan.regions.length > 1 ? { setIdentifier: `${plan.env}-${region}`, failover: i === 0 ? 'PRIMARY' : 'SECONDARY' } : {}),
        healthCheckId: check.attrHealthCheckId,
      });
    });
    const distribution = new cloudfront.Distribution(edge, 'Distribution', {
      comment: `${plan.app} ${plan.env}`,
      domainNames: [domain],
      certificate,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
      defaultBehavior: {
        // Every method goes to origin.<domain>, the failover record: writes fail over too.
        origin: new origins.HttpOrigin(originHost(plan)!, {
          protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
          connectionAttempts: 2,
          connectionTimeout: cdk.Duration.seconds(5),
          readTimeout: cdk.Duration.seconds(30),
        }),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
        cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
        originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      },
    });
    for (const type of ['A', 'AAAA']) {
      new route53.CfnRecordSet(edge, `Alias${type}`, {
        hostedZoneId: zone.hostedZoneId,
        name: `${domain}.`,
        type,
        aliasTarget: { dnsName: distribution.distributionDomainName, hostedZoneId: CLOUDFRONT_ZONE, evaluateTargetHealth: false },
      });
    }
    new cdk.CfnOutput(edge, 'DistributionDomainName', { value: distribution.distributionDomainName });
    app.synth();
    return readdirSync(outdir)
      .filter((f) => f.endsWith('.json') || f === 'cdk.out')
      .filter((f) => f !== 'validation-report.json' && f !== 'tree.json')
      .sort()
      .map((f) => ({ path: `infra/${plan.env}/aws/${f}`, contents: readFileSync(join(outdir, f), 'utf8') }));
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
