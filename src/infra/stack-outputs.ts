/**
 * The one shape of the infrastructure stack's outputs, which the drill runbooks read from
 * `pulumi stack output --json` or a saved copy of it. TypeBox gives the published JSON Schema
 * (policies/schemas/stack-outputs.schema.json) and the TS type from one definition.
 */
import { Type, type Static } from "@sinclair/typebox";
import { loadValidated, type Loaded } from "../documents/ajv.js";
import { pointerTokens } from "../documents/locate.js";
import { DR_EGRESS, FAILOVER_MODES, LOCK_MODES, SERVING_SIDES } from "./config-schema.js";

/** The current version of the outputs shape; bumped on any incompatible change. */
export const STACK_OUTPUTS_VERSION = 1;

/** What `pulumi stack output --json` prints for a secret unless --show-secrets is given. */
export const SECRET_MASK = "[secret]";

const Region = Type.String({ pattern: "^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\\d$" });
const Arn = Type.String({ pattern: "^arn:aws[a-z-]*:", description: "an AWS ARN" });
const Id = Type.String({ minLength: 1 });
const Hours = Type.Integer({ minimum: 1 });
const Secret = Type.String({
  minLength: 1,
  description: `a Pulumi secret: "${SECRET_MASK}" unless read with --show-secrets`,
});
const ByName = <T extends ReturnType<typeof Type.String>>(value: T) =>
  Type.Record(Type.String({ pattern: "^[a-z][a-z0-9-]*$" }), value);

const Vault = Type.Object(
  {
    name: Id,
    arn: Arn,
    region: Region,
    kmsKeyArn: Arn,
  },
  { additionalProperties: false },
);

const Bucket = Type.Object(
  {
    bucket: Id,
    bucketArn: Arn,
    region: Region,
    kmsKeyArn: Arn,
  },
  { additionalProperties: false },
);

/** The stack outputs of a Stronghold infrastructure stack. */
export const StackOutputsSchema = Type.Object(
  {
    schemaVersion: Type.Literal(STACK_OUTPUTS_VERSION),
    town: Id,
    stack: Id,
    regions: Type.Object(
      { primary: Region, dr: Region, replica: Type.Optional(Region) },
      { additionalProperties: false },
    ),
    offsite: Type.Object(
      {
        bucket: Id,
        bucketArn: Arn,
        region: Region,
        endpoint: Type.String({ format: "uri", description: "the regional S3 endpoint" }),
        kmsKeyArn: Arn,
        lockMode: Type.Union(LOCK_MODES.map((m) => Type.Literal(m))),
        lockDays: Type.Integer({ minimum: 1 }),
        logBucket: Id,
        veeam: Type.Optional(
          Type.Object(
            { bucket: Id, bucketArn: Arn },
            {
              additionalProperties: false,
              description: "Veeam's own bucket: Object Lock on, retention set per object by Veeam",
            },
          ),
        ),
        replica: Type.Optional(
          Type.Object(
            {
              ...Bucket.properties,
              account: Type.Optional(
                Type.String({
                  pattern: "^\\d{12}$",
                  description: "the backup account holding the replica, when it is not this one",
                }),
              ),
              veeam: Type.Optional(
                Type.Object(
                  { bucket: Id, bucketArn: Arn },
                  {
                    additionalProperties: false,
                    description: "the replica of Veeam's bucket (in the backup account)",
                  },
                ),
              ),
            },
            { additionalProperties: false },
          ),
        ),
      },
      { additionalProperties: false },
    ),
    evidence: Type.Optional(
      Type.Object(
        {
          bucket: Id,
          prefix: Type.String({
            description: "the key prefix of the ledger's copy, e.g. evidence/",
          }),
          region: Region,
          endpoint: Type.String({ format: "uri", description: "the regional S3 endpoint" }),
          lockMode: Type.Union(LOCK_MODES.map((m) => Type.Literal(m))),
          retentionDays: Type.Integer({
            minimum: 1,
            description: "each evidence object's Object Lock retention, set on its put",
          }),
          writer: Type.Object(
            { userName: Id, userArn: Arn, accessKeyId: Secret, secretAccessKey: Secret },
            {
              additionalProperties: false,
              description:
                "the put-only identity `stronghold evidence push` uses: adds locked objects under the prefix, deletes nothing",
            },
          ),
        },
        {
          additionalProperties: false,
          description:
            "where `stronghold evidence push` copies the evidence ledger (absent in outputs saved before it existed)",
        },
      ),
    ),
    vaults: Type.Object(
      {
        primary: Vault,
        dr: Vault,
        backupAccount: Type.Optional(Vault),
        airGapped: Type.Optional(
          Type.Object(
            { name: Id, arn: Arn, region: Region },
            {
              additionalProperties: false,
              description:
                "the logically air-gapped vault: AWS Backup owns its key and its compliance-mode lock",
            },
          ),
        ),
      },
      { additionalProperties: false },
    ),
    backupPlanArns: ByName(Arn),
    auditFrameworkArn: Arn,
    audit: Type.Optional(
      Type.Object(
        {
          reportPlanArn: Arn,
          reportsBucket: Id,
          reportsPrefix: Type.String(),
          configRecorder: Type.Optional(Id),
        },
        {
          additionalProperties: false,
          description:
            "the daily control compliance report of the audit framework: s3://reportsBucket/reportsPrefix/, and the Config recorder the framework evaluates through",
        },
      ),
    ),
    restoreTestingPlanArn: Type.Optional(Arn),
    restoreTesting: Type.Optional(
      Type.Object(
        {
          planArn: Arn,
          region: Region,
          isolatedSubnetId: Id,
          isolatedSecurityGroupId: Id,
          validationFunctionArn: Arn,
          validationLogGroup: Id,
        },
        {
          additionalProperties: false,
          description:
            "where restore tests land and where their results are: each restore job's ValidationStatus in AWS Backup (list-restore-jobs --by-restore-testing-plan-arn planArn) and one log line per job in validationLogGroup",
        },
      ),
    ),
    dr: Type.Object(
      {
        region: Region,
        vpcId: Id,
        vpcCidr: Type.String(),
        publicSubnetIds: Type.Array(Id, { minItems: 2 }),
        privateSubnetIds: Type.Array(Id, { minItems: 2 }),
        s3EndpointId: Id,
        ssmEndpointIds: Type.Optional(
          Type.Record(Type.String(), Id, {
            description: "the Systems Manager interface endpoints (ssm, ssmmessages, ec2messages)",
          }),
        ),
        egress: Type.Optional(Type.Union(DR_EGRESS.map((e) => Type.Literal(e)))),
        natGatewayId: Type.Optional(Id),
        securityGroupIds: ByName(Id),
        launchTemplateIds: ByName(Id),
        vpnConnectionId: Type.Optional(Id),
        healthCheckIds: ByName(Id),
        publicServices: Type.Optional(
          Type.Record(
            Type.String({ pattern: "^[a-z][a-z0-9-]*$" }),
            Type.Object(
              {
                drSystem: Id,
                failover: Type.Union(FAILOVER_MODES.map((m) => Type.Literal(m))),
                serving: Type.Optional(Type.Union(SERVING_SIDES.map((m) => Type.Literal(m)))),
                publicIp: Type.String({ format: "ipv4" }),
                allocationId: Id,
                healthCheckId: Id,
              },
              {
                additionalProperties: false,
                description:
                  "the Elastic IP the stack owns for the service's DR answer, and how failover happens (manual: `serving` says where the record points)",
              },
            ),
          ),
        ),
        standingInstanceIds: Type.Optional(
          Type.Record(Type.String({ pattern: "^[a-z][a-z0-9-]*$" }), Id, {
            description: "instances kept running for critical systems with standing: true",
          }),
        ),
      },
      { additionalProperties: false },
    ),
    objectives: Type.Object({ rtoHours: Hours, rpoHours: Hours }, { additionalProperties: false }),
    alerts: Type.Object(
      {
        topicArns: Type.Object({ primary: Arn, dr: Arn }, { additionalProperties: false }),
        budgetName: Type.Optional(
          Type.String({ minLength: 1, description: "the AWS Budget that mails alertEmails" }),
        ),
        backupAccountTopicArns: Type.Optional(
          Type.Record(Region, Arn, {
            description: "the backup account's alert topic per region holding a copy",
          }),
        ),
      },
      { additionalProperties: false },
    ),
    agents: Type.Record(
      Type.String({ pattern: "^[a-z][a-z0-9-]*$" }),
      Type.Object(
        {
          userName: Id,
          userArn: Arn,
          bucket: Type.Optional(Type.String({ description: "the bucket this agent writes to" })),
          prefix: Type.String(),
          accessKeyId: Secret,
          secretAccessKey: Secret,
        },
        { additionalProperties: false },
      ),
    ),
  },
  {
    additionalProperties: false,
    title: "Stronghold stack outputs",
    description:
      "What `pulumi stack output --json` prints for a Stronghold infrastructure stack; the drill runbooks read it",
  },
);

/** The stack outputs as the runbooks read them. */
export type StackOutputs = Static<typeof StackOutputsSchema>;

/** Reads a saved `pulumi stack output --json` and validates it; problems come back located. */
export function loadStackOutputs(file: string): Promise<Loaded<StackOutputs>> {
  return loadValidated(file, StackOutputsSchema);
}

/**
 * The text `pulumi stack output --json` prints for these outputs: two-space JSON with every
 * secret (given by JSON pointer) replaced by "[secret]", as without --show-secrets.
 */
export function stackOutputJson(outputs: unknown, secretPointers: readonly string[]): string {
  const masked = structuredClone(outputs) as Record<string, unknown>;
  for (const pointer of secretPointers) {
    const tokens = pointerTokens(pointer);
    const last = tokens.pop();
    let parent: unknown = masked;
    for (const token of tokens) parent = (parent as Record<string, unknown> | undefined)?.[token];
    if (last !== undefined && parent !== null && typeof parent === "object") {
      (parent as Record<string, unknown>)[last] = SECRET_MASK;
    }
  }
  return `${JSON.stringify(masked, null, 2)}\n`;
}
