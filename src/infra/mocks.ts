/**
 * Stand-ins for AWS behind `pulumi.runtime.setMocks`: for each resource type the id and the
 * computed attributes (ARNs, names, prefix lists) AWS would return, derived deterministically from
 * the resource's name so a mocked run is reproducible. AWS itself cannot be reached here.
 */
import { createHash } from "node:crypto";
import type { MockCallArgs, MockResourceArgs } from "@pulumi/pulumi/runtime/index.js";

/** The account the mocked resources live in (AWS's documentation example account). */
export const MOCK_ACCOUNT_ID = "123456789012";

type State = Record<string, unknown>;

/** Hex digits derived from the resource's name: stable across runs, distinct across resources. */
function digits(seed: string, length: number): string {
  return createHash("sha256").update(seed).digest("hex").slice(0, length);
}

/** A UUID-shaped id (KMS keys, backup plans, health checks). */
function uuid(seed: string): string {
  const h = digits(seed, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Pulumi auto-naming: the logical name plus a random suffix, unless a name was given. */
function autoName(args: Registration, explicit: unknown): string {
  return typeof explicit === "string" && explicit !== ""
    ? explicit
    : `${args.name}-${digits(args.name, 7)}`;
}

/** A registration as the mocks read it: the SDK types its inputs as `any`. */
interface Registration {
  readonly type: string;
  readonly name: string;
  readonly inputs: Readonly<Record<string, unknown>>;
}

type Mocker = (args: Registration, region: string, account: string) => { id: string; state: State };

const ec2 =
  (prefix: string, kind: string): Mocker =>
  (args, region, account) => {
    const id = `${prefix}-${digits(args.name, 17)}`;
    return { id, state: { arn: `arn:aws:ec2:${region}:${account}:${kind}/${id}` } };
  };

/** Per resource type: the id and attributes AWS computes. Types not listed get a generic id. */
const MOCKERS: Readonly<Record<string, Mocker>> = {
  "aws:s3/bucket:Bucket": (args, region) => {
    const bucket = autoName(args, args.inputs.bucket);
    return {
      id: bucket,
      state: {
        bucket,
        arn: `arn:aws:s3:::${bucket}`,
        bucketDomainName: `${bucket}.s3.amazonaws.com`,
        bucketRegionalDomainName: `${bucket}.s3.${region}.amazonaws.com`,
        hostedZoneId: "Z3AQBSTGFYJSTF",
      },
    };
  },
  "aws:kms/key:Key": (args, region, account) => {
    const keyId = uuid(args.name);
    return {
      id: keyId,
      state: { keyId, arn: `arn:aws:kms:${region}:${account}:key/${keyId}` },
    };
  },
  "aws:kms/alias:Alias": (args, region, account) => {
    const name = String(args.inputs.name);
    return { id: name, state: { arn: `arn:aws:kms:${region}:${account}:${name}` } };
  },
  "aws:backup/vault:Vault": (args, region, account) => {
    const name = autoName(args, args.inputs.name);
    return {
      id: name,
      state: {
        name,
        arn: `arn:aws:backup:${region}:${account}:backup-vault:${name}`,
        recoveryPoints: 0,
      },
    };
  },
  "aws:backup/logicallyAirGappedVault:LogicallyAirGappedVault": (args, region, account) => {
    const name = autoName(args, args.inputs.name);
    return {
      id: name,
      state: { name, arn: `arn:aws:backup:${region}:${account}:backup-vault:${name}` },
    };
  },
  "aws:backup/plan:Plan": (args, region, account) => {
    const id = uuid(args.name);
    return {
      id,
      state: {
        arn: `arn:aws:backup:${region}:${account}:backup-plan:${id}`,
        version: digits(id, 32),
      },
    };
  },
  "aws:backup/framework:Framework": (args, region, account) => {
    const name = autoName(args, args.inputs.name);
    return {
      id: name,
      state: {
        arn: `arn:aws:backup:${region}:${account}:framework:${name}-${uuid(args.name)}`,
        deploymentStatus: "COMPLETED",
        status: "ACTIVE",
      },
    };
  },
  "aws:backup/restoreTestingPlan:RestoreTestingPlan": (args, region, account) => {
    const name = autoName(args, args.inputs.name);
    return {
      id: name,
      state: {
        arn: `arn:aws:backup:${region}:${account}:restore-testing-plan:${name}-${digits(name, 6)}`,
      },
    };
  },
  "aws:iam/role:Role": (args, _region, account) => {
    const name = autoName(args, args.inputs.name);
    return {
      id: name,
      state: {
        name,
        arn: `arn:aws:iam::${account}:role/${name}`,
        uniqueId: `AROA${digits(name, 17).toUpperCase()}`,
      },
    };
  },
  "aws:iam/user:User": (args, _region, account) => {
    const name = autoName(args, args.inputs.name);
    const path = typeof args.inputs.path === "string" ? args.inputs.path : "/";
    return {
      id: name,
      state: {
        name,
        arn: `arn:aws:iam::${account}:user${path}${name}`,
        uniqueId: `AIDA${digits(name, 17).toUpperCase()}`,
      },
    };
  },
  "aws:iam/policy:Policy": (args, _region, account) => {
    const name = autoName(args, args.inputs.name);
    const path = typeof args.inputs.path === "string" ? args.inputs.path : "/";
    const arn = `arn:aws:iam::${account}:policy${path}${name}`;
    return { id: arn, state: { name, arn, policyId: `ANPA${digits(name, 17).toUpperCase()}` } };
  },
  "aws:iam/instanceProfile:InstanceProfile": (args, _region, account) => {
    const name = autoName(args, args.inputs.name);
    return {
      id: name,
      state: { name, arn: `arn:aws:iam::${account}:instance-profile/${name}` },
    };
  },
  "aws:iam/accessKey:AccessKey": (args) => ({
    id: `AKIA${digits(args.name, 16).toUpperCase()}`,
    state: { secret: digits(`secret:${args.name}`, 40), status: "Active" },
  }),
  "aws:sns/topic:Topic": (args, region, account) => {
    const name = autoName(args, args.inputs.name);
    const arn = `arn:aws:sns:${region}:${account}:${name}`;
    return { id: arn, state: { name, arn } };
  },
  "aws:sns/topicSubscription:TopicSubscription": (args, region, account) => {
    const arn = `arn:aws:sns:${region}:${account}:${args.name}:${uuid(args.name)}`;
    return { id: arn, state: { arn, pendingConfirmation: true } };
  },
  "aws:cloudwatch/eventRule:EventRule": (args, region, account) => {
    const name = autoName(args, args.inputs.name);
    return {
      id: name,
      state: { name, arn: `arn:aws:events:${region}:${account}:rule/${name}` },
    };
  },
  "aws:cloudwatch/logGroup:LogGroup": (args, region, account) => {
    const name = autoName(args, args.inputs.name);
    return {
      id: name,
      state: { name, arn: `arn:aws:logs:${region}:${account}:log-group:${name}` },
    };
  },
  "aws:cloudtrail/trail:Trail": (args, region, account) => {
    const name = autoName(args, args.inputs.name);
    return {
      id: name,
      state: { name, arn: `arn:aws:cloudtrail:${region}:${account}:trail/${name}` },
    };
  },
  "aws:cloudwatch/metricAlarm:MetricAlarm": (args, region, account) => {
    const name = autoName(args, args.inputs.name);
    return {
      id: name,
      state: { arn: `arn:aws:cloudwatch:${region}:${account}:alarm:${name}` },
    };
  },
  "aws:ec2/vpc:Vpc": (args, region, account) => {
    const mocked = ec2("vpc", "vpc")(args, region, account);
    return {
      id: mocked.id,
      state: {
        ...mocked.state,
        defaultRouteTableId: `rtb-${digits(`${args.name}:main`, 17)}`,
        mainRouteTableId: `rtb-${digits(`${args.name}:main`, 17)}`,
      },
    };
  },
  "aws:ec2/subnet:Subnet": (args, region, account) => {
    const mocked = ec2("subnet", "subnet")(args, region, account);
    // AWS picks a zone when the program names none.
    const zone =
      typeof args.inputs.availabilityZone === "string"
        ? args.inputs.availabilityZone
        : `${region}a`;
    return { id: mocked.id, state: { ...mocked.state, availabilityZone: zone } };
  },
  "aws:backup/reportPlan:ReportPlan": (args, region, account) => {
    const name = autoName(args, args.inputs.name);
    return { id: name, state: { arn: `arn:aws:backup:${region}:${account}:report-plan:${name}` } };
  },
  "aws:lambda/function:Function": (args, region, account) => {
    const name = autoName(args, args.inputs.name);
    return { id: name, state: { arn: `arn:aws:lambda:${region}:${account}:function:${name}` } };
  },
  "aws:ec2/internetGateway:InternetGateway": ec2("igw", "internet-gateway"),
  "aws:ec2/routeTable:RouteTable": ec2("rtb", "route-table"),
  "aws:ec2/routeTableAssociation:RouteTableAssociation": (args) => ({
    id: `rtbassoc-${digits(args.name, 17)}`,
    state: {},
  }),
  "aws:ec2/securityGroup:SecurityGroup": ec2("sg", "security-group"),
  "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": ec2("sg", "security-group"),
  "aws:ec2/vpcEndpoint:VpcEndpoint": (args, region, account) => {
    const mocked = ec2("vpce", "vpc-endpoint")(args, region, account);
    return { id: mocked.id, state: { ...mocked.state, prefixListId: `pl-${digits(region, 8)}` } };
  },
  "aws:ec2/launchTemplate:LaunchTemplate": (args, region, account) => {
    const mocked = ec2("lt", "launch-template")(args, region, account);
    return { id: mocked.id, state: { ...mocked.state, latestVersion: 1, defaultVersion: 1 } };
  },
  "aws:ec2/customerGateway:CustomerGateway": ec2("cgw", "customer-gateway"),
  "aws:ec2/vpnGateway:VpnGateway": ec2("vgw", "vpn-gateway"),
  "aws:ec2/vpnConnection:VpnConnection": (args, region, account) => {
    const mocked = ec2("vpn", "vpn-connection")(args, region, account);
    return {
      id: mocked.id,
      state: { ...mocked.state, tunnel1Address: "192.0.2.11", tunnel2Address: "192.0.2.12" },
    };
  },
  "aws:ec2/eip:Eip": (args, region, account) => {
    const id = `eipalloc-${digits(args.name, 17)}`;
    // An address from TEST-NET-3 (RFC 5737): documentation, never routed.
    const last = parseInt(digits(args.name, 2), 16) % 254;
    return {
      id,
      state: {
        allocationId: id,
        publicIp: `203.0.113.${last + 1}`,
        arn: `arn:aws:ec2:${region}:${account}:elastic-ip/${id}`,
      },
    };
  },
  "aws:ec2/eipAssociation:EipAssociation": (args) => ({
    id: `eipassoc-${digits(args.name, 17)}`,
    state: {},
  }),
  "aws:ec2/instance:Instance": ec2("i", "instance"),
  "aws:route53/healthCheck:HealthCheck": (args) => {
    const id = uuid(args.name);
    return { id, state: { arn: `arn:aws:route53:::healthcheck/${id}` } };
  },
  "aws:route53/record:Record": (args) => ({
    id: [args.inputs.zoneId, args.inputs.name, args.inputs.type, args.inputs.setIdentifier]
      .map((part) => (typeof part === "string" ? part : ""))
      .join("_"),
    state: { fqdn: args.inputs.name },
  }),
};

/**
 * The account each explicit provider deploys into, by provider id: a provider whose
 * `allowedAccountIds` names one account (the backup account's) creates its resources there.
 */
export type ProviderAccounts = Map<string, string>;

/** The account a resource lands in: its provider's, else the mocked caller's. */
function accountOf(request: MockResourceArgs, accounts: ProviderAccounts): string {
  const providerId = request.provider?.split("::").pop();
  return (providerId === undefined ? undefined : accounts.get(providerId)) ?? MOCK_ACCOUNT_ID;
}

/** What AWS would return for a new resource: its inputs plus the computed attributes. */
export function mockResource(
  request: MockResourceArgs,
  defaultRegion: string,
  accounts: ProviderAccounts = new Map(),
): { id: string; state: State } {
  const args: Registration = {
    type: request.type,
    name: request.name,
    inputs: request.inputs as Record<string, unknown>,
  };
  const region = typeof args.inputs.region === "string" ? args.inputs.region : defaultRegion;
  const mocker = MOCKERS[args.type];
  const mocked = mocker
    ? mocker(args, region, accountOf(request, accounts))
    : { id: `${args.name}-${digits(args.name, 8)}`, state: {} };
  if (args.type === "pulumi:providers:aws") {
    // Provider settings reach the engine JSON-encoded, as Pulumi passes them to the plugin.
    const raw = args.inputs.allowedAccountIds;
    const allowed: unknown = typeof raw === "string" ? JSON.parse(raw) : raw;
    if (Array.isArray(allowed) && allowed.length === 1 && typeof allowed[0] === "string") {
      accounts.set(mocked.id, allowed[0]);
    }
  }
  // Resources without a region argument (IAM, Route 53) are global; the rest report theirs.
  const withRegion =
    args.type.startsWith("aws:iam/") || args.type.startsWith("aws:route53/") ? {} : { region };
  return { id: mocked.id, state: { ...args.inputs, ...withRegion, ...mocked.state } };
}

/** What AWS would answer to the data-source calls the program makes. */
export function mockCall(args: MockCallArgs): Record<string, unknown> {
  switch (args.token) {
    case "aws:index/getCallerIdentity:getCallerIdentity":
      return {
        accountId: MOCK_ACCOUNT_ID,
        arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:user/stronghold-deployer`,
        userId: "AIDAEXAMPLEDEPLOYER",
        id: MOCK_ACCOUNT_ID,
      };
    default:
      throw new Error(
        `the mocked AWS has no answer for ${args.token}; add one to src/infra/mocks.ts`,
      );
  }
}
