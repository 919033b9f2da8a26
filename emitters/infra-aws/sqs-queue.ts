// Effects on SQS in one region's stack: the queue with its dead-letter queue (redrive policy), the
// DynamoDB table of job records, and the IAM role the app's pods assume through IRSA: it trusts only
// the app's ServiceAccount on that region's EKS cluster (the OIDC issuer's `sub` and `aud`), and its
// policy names only these two resources. Written as CloudFormation (L1) resources, so every property
// is the one stated here and nothing is hashed, looked up or bundled.
import type * as Cdk from 'aws-cdk-lib';
import { DEAD_RETENTION, MAX_DELIVERIES, serviceAccountSubject, type CloudQueue } from '../infra/cloud-queue.js';
import { regionNamespace, type EnvPlan } from '../infra/plan.js';

/**
 * What the SQS backend calls (runtime-shim/effects/sqs-queue.ts, dynamodb-records.ts), and nothing
 * more: not CreateQueue or CreateTable (this stack creates them; the backend finds them and creates
 * nothing), not the dead-letter queue.
 * test/infra-cloud-queues.test.ts holds this list to those two files' source.
 */
export const SQS_ACTIONS = ['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage', 'sqs:SendMessage'];
export const DYNAMODB_ACTIONS = ['dynamodb:BatchWriteItem', 'dynamodb:DescribeTable', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Scan', 'dynamodb:UpdateItem'];

const RETENTION_S = DEAD_RETENTION.sqsDays * 86_400;

export function sqsQueue(cdk: typeof Cdk, stack: Cdk.Stack, plan: EnvPlan, queue: Extract<CloudQueue, { backend: 'sqs' }>, region: string): void {
  const sqs = cdk.aws_sqs;
  const dynamodb = cdk.aws_dynamodb;
  const iam = cdk.aws_iam;
  // Jobs outlive a stack update or deletion: the queues and the table are kept.
  const keep = (r: Cdk.CfnResource) => r.applyRemovalPolicy(cdk.RemovalPolicy.RETAIN);
  const dead = new sqs.CfnQueue(stack, 'EffectsDeadLetterQueue', { queueName: queue.deadQueue, messageRetentionPeriod: RETENTION_S });
  const main = new sqs.CfnQueue(stack, 'EffectsQueue', {
    queueName: queue.queue,
    // The backend's messages are re-sent when a job is due later than this, so none is lost to age.
    messageRetentionPeriod: RETENTION_S,
    redrivePolicy: { deadLetterTargetArn: dead.attrArn, maxReceiveCount: MAX_DELIVERIES },
  });
  const table = new dynamodb.CfnTable(stack, 'EffectsTable', {
    tableName: queue.table,
    billingMode: 'PAY_PER_REQUEST',
    attributeDefinitions: [{ attributeName: 'id', attributeType: 'S' }],
    keySchema: [{ attributeName: 'id', keyType: 'HASH' }],
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    sseSpecification: { sseEnabled: true },
  });
  for (const r of [dead, main, table]) keep(r);

  const issuer = queue.oidcIssuers[region]!;
  const role = new iam.CfnRole(stack, 'EffectsRole', {
    roleName: queue.role(region),
    description: `gati ${plan.app} ${plan.env}: the api and worker pods in ${region} (IRSA), on the effects queue and table`,
    assumeRolePolicyDocument: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Federated: cdk.Fn.sub(`arn:\${AWS::Partition}:iam::${queue.accountId}:oidc-provider/${issuer}`) },
          Action: 'sts:AssumeRoleWithWebIdentity',
          // Only the app's ServiceAccount in this region's namespace, with the token's STS audience.
          Condition: { StringEquals: { [`${issuer}:sub`]: serviceAccountSubject(regionNamespace(plan.namespace, region), queue.serviceAccount), [`${issuer}:aud`]: 'sts.amazonaws.com' } },
        },
      ],
    },
    policies: [
      {
        policyName: 'effects',
        policyDocument: {
          Version: '2012-10-17',
          Statement: [
            { Sid: 'Queue', Effect: 'Allow', Action: SQS_ACTIONS, Resource: main.attrArn },
            { Sid: 'Records', Effect: 'Allow', Action: DYNAMODB_ACTIONS, Resource: table.attrArn },
          ],
        },
      },
    ],
  });
  new cdk.CfnOutput(stack, 'EffectsQueueUrl', { value: main.ref });
  new cdk.CfnOutput(stack, 'EffectsRoleArn', { value: role.attrArn });
}
