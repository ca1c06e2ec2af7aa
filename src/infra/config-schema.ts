/**
 * The stack settings of the infrastructure pillar: the `stronghold:` keys of
 * stacks/Pulumi.<stack>.yaml, one TypeBox schema giving both the JSON Schema ajv enforces at
 * program start (published as policies/schemas/stack-config.schema.json) and the raw TS type.
 */
import { Type, type Static } from "@sinclair/typebox";
import { DR_SERVICE_NAMES, PROTOCOLS } from "./dr-services.js";

/** The config namespace of this project: `stronghold:drRegion` and so on. */
export const CONFIG_NAMESPACE = "stronghold";

/** Where in the offsite bucket the evidence ledger's copy lives: no backup agent may write there. */
export const EVIDENCE_PREFIX = "evidence/";

export const LOCK_MODES = ["GOVERNANCE", "COMPLIANCE"] as const;
export type LockMode = (typeof LOCK_MODES)[number];

export const BACKUP_FREQUENCIES = ["daily", "weekly", "monthly", "yearly"] as const;
export type BackupFrequency = (typeof BACKUP_FREQUENCIES)[number];

export const AGENT_TOOLS = ["restic", "veeam"] as const;
export type AgentTool = (typeof AGENT_TOOLS)[number];

export const DATA_CLASSIFICATIONS = ["public", "internal", "confidential", "restricted"] as const;

/** Resource types AWS Backup restore testing can restore (protectedResourceType values). */
export const RESTORE_TEST_RESOURCE_TYPES = [
  "Aurora",
  "DocumentDB",
  "DynamoDB",
  "EBS",
  "EC2",
  "EFS",
  "FSx",
  "Neptune",
  "RDS",
  "S3",
] as const;

/**
 * How a critical system comes back in DR. A domain controller cannot be rebuilt from file-level
 * restic backups: it returns from an AWS Backup recovery point of the EC2 DC, or as a fresh DC
 * promoted from a surviving replica.
 */
export const RECOVERY_PATHS = ["aws-backup", "replica-dc", "restic", "rebuild"] as const;
export type RecoveryPath = (typeof RECOVERY_PATHS)[number];

/** How a public service moves to DR: a runbook step flips it, or Route 53 on a failed health check. */
export const FAILOVER_MODES = ["manual", "automatic"] as const;
export type FailoverMode = (typeof FAILOVER_MODES)[number];
/** How DR systems reach the internet: only AWS endpoints, or also a NAT gateway. */
export const DR_EGRESS = ["endpoints-only", "nat-gateway"] as const;
export type DrEgress = (typeof DR_EGRESS)[number];
/** Where a manually failed-over record points. */
export const SERVING_SIDES = ["primary", "dr"] as const;

const literals = <T extends string>(values: readonly T[]) =>
  Type.Union(values.map((v) => Type.Literal(v)));

const Region = Type.String({
  pattern: "^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\\d$",
  description: "an AWS region such as us-east-1",
});
const Days = (description: string) =>
  Type.Integer({ minimum: 1, maximum: 36500, description: `${description} (days)` });
const Slug = Type.String({
  pattern: "^[a-z][a-z0-9-]{0,30}[a-z0-9]$",
  description: "lower-case letters, digits and hyphens, 2–32 characters",
});
/** Checked by code (src/infra/cidr.ts) so a malformed block gets a precise message. */
const Cidr = Type.String({ description: "an IPv4 CIDR block such as 10.60.0.0/16" });
const Ipv4 = Type.String({ format: "ipv4" });

const Tags = Type.Object(
  {
    department: Slug,
    dataClassification: literals(DATA_CLASSIFICATIONS),
  },
  { additionalProperties: false, description: "Tags every resource carries" },
);

const OffsiteStorage = Type.Object(
  {
    lockMode: literals(LOCK_MODES),
    lockDays: Days("Object Lock default retention"),
    currentToGlacierIrDays: Type.Optional(
      Days(
        "move current objects to Glacier Instant Retrieval after (millisecond reads, so restic still restores directly; absent = they stay in S3 Standard)",
      ),
    ),
    noncurrentToGlacierIrDays: Type.Optional(
      Days("move noncurrent versions to Glacier Instant Retrieval after (absent = no such step)"),
    ),
    noncurrentToDeepArchiveDays: Type.Optional(
      Days("move noncurrent versions to Glacier Deep Archive after (absent = no such step)"),
    ),
    retentionDays: Days("expire noncurrent versions after"),
    accessLogRetentionDays: Days("keep S3 access logs for"),
    evidenceRetentionDays: Type.Optional(
      Days(
        "lock each evidence ledger object under evidence/ for, in lockMode (absent = 2555, seven years)",
      ),
    ),
  },
  { additionalProperties: false },
);

const BackupAgent = Type.Object(
  {
    name: Slug,
    tool: literals(AGENT_TOOLS),
    prefix: Type.String({
      pattern: "^[a-z0-9][a-z0-9-]*(/[a-z0-9][a-z0-9-]*)*/$",
      description: "a key prefix ending in a slash, such as restic/",
    }),
  },
  { additionalProperties: false },
);

const VaultLock = Type.Object(
  {
    minRetentionDays: Days("shortest retention a recovery point may have"),
    maxRetentionDays: Days("longest retention a recovery point may have"),
    changeableForDays: Type.Optional(
      Type.Integer({
        minimum: 3,
        maximum: 36500,
        description:
          "grace period before the lock becomes immutable (compliance mode); absent = governance mode",
      }),
    ),
  },
  { additionalProperties: false },
);

const BackupRule = Type.Object(
  {
    frequency: literals(BACKUP_FREQUENCIES),
    retentionDays: Days("keep recovery points for"),
    coldStorageAfterDays: Type.Optional(Days("move recovery points to cold storage after")),
    copyToDr: Type.Boolean({ description: "copy each recovery point to the DR-region vault" }),
  },
  { additionalProperties: false },
);

const BackupPlan = Type.Object(
  {
    name: Slug,
    rules: Type.Array(BackupRule, { minItems: 1 }),
  },
  { additionalProperties: false },
);

const RestoreTesting = Type.Object(
  {
    schedule: Type.String({
      pattern: "^cron\\([^)]+\\)$",
      description: "an AWS cron expression such as cron(0 6 ? * MON *)",
    }),
    resourceTypes: Type.Array(literals(RESTORE_TEST_RESOURCE_TYPES), {
      minItems: 1,
      uniqueItems: true,
    }),
    selectionWindowDays: Type.Integer({ minimum: 1, maximum: 365 }),
    validationWindowHours: Type.Integer({ minimum: 1, maximum: 168 }),
    isolatedCidr: Type.Optional(
      Type.String({
        description:
          "the block of the isolated VPC restore tests restore into, in the primary region (default 10.254.0.0/24); it has no routes out, so it may overlap other networks",
      }),
    ),
  },
  { additionalProperties: false },
);

const Objectives = Type.Object(
  {
    rtoHours: Type.Integer({ minimum: 1, maximum: 720, description: "recovery time objective" }),
    rpoHours: Type.Integer({ minimum: 1, maximum: 168, description: "recovery point objective" }),
  },
  { additionalProperties: false },
);

const DrNetwork = Type.Object(
  {
    vpcCidr: Cidr,
    availabilityZones: Type.Array(Type.String({ pattern: "^[a-z]{2}(-gov)?-[a-z]+-\\d[a-z]$" }), {
      minItems: 2,
      maxItems: 4,
      uniqueItems: true,
    }),
    onPremisesCidrs: Type.Array(Cidr, { minItems: 1 }),
    egress: Type.Optional(
      Type.Union(
        DR_EGRESS.map((e) => Type.Literal(e)),
        {
          description:
            "how DR systems reach the internet: endpoints-only (default: S3 gateway and SSM interface endpoints, nothing else) or nat-gateway (also HTTPS and HTTP out through a NAT gateway, billed per hour and GB)",
        },
      ),
    ),
  },
  { additionalProperties: false },
);

const Vpn = Type.Object(
  {
    customerGatewayIp: Ipv4,
    bgpAsn: Type.Integer({ minimum: 1, maximum: 4294967294 }),
    staticRoutesOnly: Type.Boolean(),
  },
  { additionalProperties: false },
);

const Port = Type.Integer({ minimum: 1, maximum: 65535 });
const PortRule = Type.Object(
  {
    protocol: literals(PROTOCOLS),
    fromPort: Type.Optional(Port),
    toPort: Type.Optional(Port),
  },
  {
    additionalProperties: false,
    description:
      "tcp or udp with fromPort (and toPort for a range), or icmp or all without ports; opened to the DR VPC and the town's networks",
  },
);

const CriticalSystem = Type.Object(
  {
    name: Slug,
    instanceType: Type.String({
      pattern: "^[a-z][a-z0-9-]*\\.[a-z0-9]+$",
      description: "an EC2 instance type such as t3.large",
    }),
    image: Type.String({
      pattern: "^(ami-[0-9a-f]{8,17}|resolve:ssm:/[A-Za-z0-9_./-]+)$",
      description: "an AMI id or resolve:ssm:/parameter/name",
    }),
    volumeGb: Type.Integer({ minimum: 8, maximum: 16384 }),
    services: Type.Array(literals(DR_SERVICE_NAMES), {
      uniqueItems: true,
      description:
        "what the system serves once recovered; each service opens its protocols and ports (docs/infrastructure.md lists them)",
    }),
    extraRules: Type.Optional(
      Type.Array(PortRule, {
        description: "further rules the town's system needs, beyond those of its services",
      }),
    ),
    standing: Type.Optional(
      Type.Boolean({
        description:
          "keep one instance of it running in DR (a warm standby, billed while it runs); required for automatic failover to it",
      }),
    ),
    recovery: Type.Union(
      RECOVERY_PATHS.map((v) => Type.Literal(v)),
      {
        description:
          "how it comes back: aws-backup (restore its AWS Backup recovery point), replica-dc (launch the template and promote a fresh DC from a surviving replica over the VPN), restic (launch the template and restore its files with restic), rebuild (launch the template and reinstall)",
      },
    ),
  },
  { additionalProperties: false },
);

const PublicService = Type.Object(
  {
    name: Slug,
    hostedZoneId: Type.String({ pattern: "^Z[A-Z0-9]{4,32}$", description: "a Route 53 zone id" }),
    recordName: Type.String({ format: "hostname" }),
    primaryIp: Ipv4,
    drSystem: Type.String({
      pattern: Slug.pattern,
      description:
        "the critical system that serves it in DR; the stack allocates the Elastic IP the DR answer points to",
    }),
    port: Type.Integer({ minimum: 1, maximum: 65535 }),
    healthCheckPath: Type.String({ pattern: "^/", description: "a URL path such as /health" }),
    failover: Type.Optional(
      Type.Union(
        FAILOVER_MODES.map((m) => Type.Literal(m)),
        {
          description:
            "manual (default): one record the runbook flips with `serving`; automatic: Route 53 failover records, only when drSystem is standing",
        },
      ),
    ),
    serving: Type.Optional(
      Type.Union(
        SERVING_SIDES.map((m) => Type.Literal(m)),
        {
          description:
            "manual failover only: which side the record points to, primary (default) or dr (the failover runbook step sets it)",
        },
      ),
    ),
  },
  { additionalProperties: false },
);

const RoleName = Type.String({
  pattern: "^[A-Za-z0-9+=,.@_-]{1,64}$",
  description: "the name of an IAM role in the account",
});

const AccessRoles = Type.Object(
  {
    deployer: RoleName,
    admin: RoleName,
    breakGlass: RoleName,
  },
  {
    additionalProperties: false,
    description:
      "IAM roles that exist before the first `pulumi up`: deployer (the role pulumi up runs as, the only one that may change policies, keys and locks), admin (the town's everyday administrator: reads settings only), breakGlass (kept in a safe; the only one that may disable a key or schedule its deletion)",
  },
);

const BackupAccount = Type.Object(
  {
    accountId: Type.String({
      pattern: "^\\d{12}$",
      description: "the backup (vault) account's 12-digit id",
    }),
    organizationId: Type.String({
      pattern: "^o-[a-z0-9]{10,32}$",
      description:
        "the AWS Organization both accounts belong to: AWS Backup copies across accounts only inside one",
    }),
    deployRole: RoleName,
  },
  {
    additionalProperties: false,
    description:
      "A second account in the same AWS Organization that holds a locked copy of every recovery point: production credentials cannot touch it. deployRole is the role pulumi up assumes there (the backup account's own deployer).",
  },
);

const AirGappedVault = Type.Object(
  {
    minRetentionDays: Days("shortest retention a copy in the air-gapped vault may have"),
    maxRetentionDays: Days("longest retention a copy in the air-gapped vault may have"),
  },
  {
    additionalProperties: false,
    description:
      "A logically air-gapped AWS Backup vault in the DR region (its recovery points live in an account AWS Backup owns, under a compliance-mode lock): every backup rule with copyToDr copies there too. An alternative, or an addition, to backupAccount; only in regions where AWS Backup offers it.",
  },
);

/** The stack config as written: every `stronghold:<key>` of Pulumi.<stack>.yaml, decoded. */
export const StackConfigSchema = Type.Object(
  {
    town: Slug,
    primaryRegion: Region,
    drRegion: Region,
    replicaRegion: Type.Optional(
      Type.String({
        pattern: Region.pattern,
        description:
          "a third region for the S3 replica of the offsite bucket; with backupAccount, the replica (of Veeam's bucket too) lives in the backup account, in this region or else the DR region",
      }),
    ),
    legalMinimumRetentionDays: Days("shortest retention the town's records schedule allows"),
    tags: Tags,
    accessRoles: AccessRoles,
    backupAccount: Type.Optional(BackupAccount),
    airGappedVault: Type.Optional(AirGappedVault),
    offsiteStorage: OffsiteStorage,
    backupAgents: Type.Array(BackupAgent, { minItems: 1 }),
    vaultLock: VaultLock,
    backupPlans: Type.Array(BackupPlan, { minItems: 1 }),
    restoreTesting: Type.Optional(RestoreTesting),
    objectives: Objectives,
    drNetwork: DrNetwork,
    vpn: Type.Optional(Vpn),
    vpnPresharedKey: Type.Optional(
      Type.String({
        pattern: "^[A-Za-z1-9._][A-Za-z0-9._]{7,63}$",
        description:
          "8–64 letters, digits, dots or underscores, not starting with 0 (set it with --secret)",
      }),
    ),
    criticalSystems: Type.Array(CriticalSystem),
    publicServices: Type.Optional(Type.Array(PublicService)),
    alertEmails: Type.Array(Type.String({ format: "email" }), { minItems: 1, uniqueItems: true }),
    configRecorder: Type.Optional(
      Type.Union([Type.Literal("create"), Type.Literal("existing")], {
        description:
          "create (default): an AWS Config recorder in the primary region for the backup audit framework; existing: the account already records there (AWS allows one recorder per region), so only the report plan is added",
      }),
    ),
    monthlyBudgetUsd: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 1000000,
        description:
          "an AWS Budget for the account's monthly cost: alertEmails hear at 80% of actual spend and when the forecast passes 100%",
      }),
    ),
  },
  {
    additionalProperties: false,
    title: "Stronghold stack config",
    description: "The stronghold: keys of stacks/Pulumi.<stack>.yaml",
  },
);

/** The raw, schema-valid stack config (before the semantic checks of config.ts). */
export type RawStackConfig = Static<typeof StackConfigSchema>;
