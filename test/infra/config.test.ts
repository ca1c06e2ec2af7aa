// Stack config validation is pure (no Pulumi engine, no AWS): every bad setting is reported
// with the key it concerns, all at once, before the program could register anything.
import { expect } from "chai";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { readStackConfigFile, loadStackConfigFile } from "../../src/infra/config-file.js";
import { parseStackConfig, type ConfigValues } from "../../src/infra/config.js";
import { PROJECT_ROOT } from "../../src/support/project-root.js";
import { formatProblem } from "../../src/support/errors.js";

const stackFile = (stack: string) => path.join(PROJECT_ROOT, "stacks", `Pulumi.${stack}.yaml`);

/** The prod settings as the Pulumi CLI passes them: the happy path every case changes once. */
function prodValues(): Map<string, string> {
  const read = readStackConfigFile(stackFile("prod"));
  if (!read.ok) throw new Error(JSON.stringify(read.problems));
  return new Map(read.values);
}

/** Changes one setting; a path inside a structured setting is given after the key. */
function withSetting(key: string, change: (value: unknown) => unknown): ConfigValues {
  const values = prodValues();
  const text = values.get(key);
  let value: unknown = text;
  try {
    value = text === undefined ? undefined : JSON.parse(text);
  } catch {
    // a plain string setting
  }
  const changed = change(value);
  if (changed === undefined) values.delete(key);
  else values.set(key, typeof changed === "string" ? changed : JSON.stringify(changed));
  return values;
}

const problemsOf = (values: ConfigValues) => {
  const parsed = parseStackConfig(values, { file: "stacks/Pulumi.prod.yaml" });
  return parsed.ok ? [] : parsed.problems;
};

type Json = Record<string, unknown>;

interface Case {
  readonly name: string;
  readonly values: () => ConfigValues;
  readonly pointer: string;
  readonly message: RegExp;
}

const cases: Case[] = [
  {
    name: "the DR region equal to the primary region",
    values: () => withSetting("stronghold:drRegion", () => "us-east-1"),
    pointer: "/config/stronghold:drRegion",
    message: /must differ from stronghold:primaryRegion \(us-east-1\)/,
  },
  {
    name: "the replica region equal to the DR region",
    values: () => withSetting("stronghold:replicaRegion", () => "us-west-2"),
    pointer: "/config/stronghold:replicaRegion",
    message: /must differ from stronghold:drRegion/,
  },
  {
    name: "an Object Lock retention below the legal minimum",
    values: () =>
      withSetting("stronghold:offsiteStorage", (s) => ({ ...(s as Json), lockDays: 90 })),
    pointer: "/config/stronghold:offsiteStorage/lockDays",
    message: /90 days, below the legal minimum stronghold:legalMinimumRetentionDays \(365\)/,
  },
  {
    name: "backup plans that keep nothing as long as the legal minimum",
    values: () => withSetting("stronghold:legalMinimumRetentionDays", () => 3000),
    pointer: "/config/stronghold:backupPlans",
    message: /at most 2555 days, below the legal minimum/,
  },
  {
    name: "noncurrent versions expiring before their lock ends",
    values: () =>
      withSetting("stronghold:offsiteStorage", (s) => ({ ...(s as Json), retentionDays: 399 })),
    pointer: "/config/stronghold:offsiteStorage/retentionDays",
    message: /shorter than the Object Lock retention/,
  },
  {
    name: "a malformed CIDR block",
    values: () =>
      withSetting("stronghold:drNetwork", (n) => ({ ...(n as Json), vpcCidr: "10.90.0/16" })),
    pointer: "/config/stronghold:drNetwork/vpcCidr",
    message: /"10\.90\.0\/16" is not an IPv4 CIDR block/,
  },
  {
    name: "a CIDR block with host bits set",
    values: () =>
      withSetting("stronghold:drNetwork", (n) => ({ ...(n as Json), vpcCidr: "10.90.4.0/16" })),
    pointer: "/config/stronghold:drNetwork/vpcCidr",
    message: /host bits set \(the network is 10\.90\.0\.0\/16\)/,
  },
  {
    name: "an octet above 255",
    values: () =>
      withSetting("stronghold:drNetwork", (n) => ({
        ...(n as Json),
        onPremisesCidrs: ["10.20.0.0/16", "10.300.0.0/16"],
      })),
    pointer: "/config/stronghold:drNetwork/onPremisesCidrs/1",
    message: /octet above 255/,
  },
  {
    name: "an on-premises network overlapping the DR VPC",
    values: () =>
      withSetting("stronghold:drNetwork", (n) => ({
        ...(n as Json),
        onPremisesCidrs: ["10.90.128.0/24"],
      })),
    pointer: "/config/stronghold:drNetwork/onPremisesCidrs/0",
    message: /overlaps the DR VPC 10\.90\.0\.0\/16/,
  },
  {
    name: "an availability zone outside the DR region",
    values: () =>
      withSetting("stronghold:drNetwork", (n) => ({
        ...(n as Json),
        availabilityZones: ["us-west-2a", "us-east-1b"],
      })),
    pointer: "/config/stronghold:drNetwork/availabilityZones/1",
    message: /not a zone of stronghold:drRegion \(us-west-2\)/,
  },
  {
    name: "an unknown key",
    values: () => withSetting("stronghold:drRegoin", () => "us-west-1"),
    pointer: "/config/stronghold:drRegoin",
    message: /is not a known setting \(known: stronghold:town, /,
  },
  {
    name: "an unknown namespace",
    values: () => withSetting("strongold:town", () => "millbrook"),
    pointer: "/config/strongold:town",
    message: /unknown namespace "strongold"/,
  },
  {
    name: "a provider region other than the primary region",
    values: () => withSetting("aws:region", () => "us-west-2"),
    pointer: "/config/aws:region",
    message: /is us-west-2 but stronghold:primaryRegion is us-east-1/,
  },
  {
    name: "a backup rule the vault lock would refuse",
    values: () =>
      withSetting("stronghold:vaultLock", (l) => ({ ...(l as Json), minRetentionDays: 60 })),
    pointer: "/config/stronghold:backupPlans/0/rules/0/retentionDays",
    message: /35 days, outside the vault lock's 60–2555 days/,
  },
  {
    name: "cold storage too close to the end of retention",
    values: () =>
      withSetting("stronghold:backupPlans", (plans) => {
        const [plan] = plans as [{ name: string; rules: Json[] }];
        return [{ ...plan, rules: [{ ...plan.rules[3], coldStorageAfterDays: 2500 }] }];
      }),
    pointer: "/config/stronghold:backupPlans/0/rules/0/coldStorageAfterDays",
    message: /90 days AWS Backup requires in cold storage/,
  },
  {
    name: "an unknown lock mode (schema)",
    values: () =>
      withSetting("stronghold:offsiteStorage", (s) => ({ ...(s as Json), lockMode: "FOREVER" })),
    pointer: "/config/stronghold:offsiteStorage/lockMode",
    message: /must be "GOVERNANCE" or must be "COMPLIANCE"/,
  },
  {
    name: "a missing required setting",
    values: () => withSetting("stronghold:town", () => undefined),
    pointer: "/config/stronghold:town",
    message: /is required/,
  },
  {
    name: "a structured setting that is not JSON",
    values: () => withSetting("stronghold:objectives", () => "{rtoHours: 24"),
    pointer: "/config/stronghold:objectives",
    message: /must be an object \(its value is not valid JSON\)/,
  },
  {
    name: "a structured setting that repeats a key",
    values: () => withSetting("stronghold:objectives", () => '{"rtoHours": 24, "rtoHours": 2400}'),
    pointer: "/config/stronghold:objectives/rtoHours",
    message: /is a duplicate key/,
  },
  {
    name: "two backup agents sharing a prefix",
    values: () =>
      withSetting("stronghold:backupAgents", (agents) =>
        (agents as Json[]).map((a) => ({ ...a, prefix: "restic/" })),
      ),
    pointer: "/config/stronghold:backupAgents/0/prefix",
    message: /lies inside the prefix of backup agent "veeam"/,
  },
  {
    name: "a backup agent writing under the evidence prefix",
    values: () =>
      withSetting("stronghold:backupAgents", (agents) =>
        (agents as Json[]).map((a, i) => (i === 0 ? { ...a, prefix: "evidence/restic/" } : a)),
      ),
    pointer: "/config/stronghold:backupAgents/0/prefix",
    message: /overlaps evidence\/, where the evidence ledger's locked copy lives/,
  },
  {
    name: "a domain controller recovered with restic",
    values: () =>
      withSetting("stronghold:criticalSystems", (systems) =>
        (systems as Json[]).map((s, i) => (i === 0 ? { ...s, recovery: "restic" } : s)),
      ),
    pointer: "/config/stronghold:criticalSystems/0/recovery",
    message:
      /domain-controller is a domain controller: a DC cannot be brought back from file-level backups/,
  },
  {
    name: "a domain controller promoted from a replica without a VPN",
    values: () => {
      const values = new Map(
        withSetting("stronghold:criticalSystems", (systems) =>
          (systems as Json[]).map((s, i) => (i === 0 ? { ...s, recovery: "replica-dc" } : s)),
        ),
      );
      values.delete("stronghold:vpn");
      values.delete("stronghold:vpnPresharedKey");
      return values;
    },
    pointer: "/config/stronghold:criticalSystems/0/recovery",
    message: /needs a surviving domain controller to replicate from over stronghold:vpn/,
  },
  {
    name: "replica-dc for a system that is no domain controller",
    values: () =>
      withSetting("stronghold:criticalSystems", (systems) =>
        (systems as Json[]).map((s, i) => (i === 1 ? { ...s, recovery: "replica-dc" } : s)),
      ),
    pointer: "/config/stronghold:criticalSystems/1/recovery",
    message: /file-server does not serve active-directory/,
  },
  {
    name: "a udp rule without a port",
    values: () =>
      withSetting("stronghold:criticalSystems", (systems) =>
        (systems as Json[]).map((s, i) =>
          i === 0 ? { ...s, extraRules: [{ protocol: "udp" }] } : s,
        ),
      ),
    pointer: "/config/stronghold:criticalSystems/0/extraRules/0/fromPort",
    message: /is required for protocol udp/,
  },
  {
    name: "a port range that runs backwards",
    values: () =>
      withSetting("stronghold:criticalSystems", (systems) =>
        (systems as Json[]).map((s, i) =>
          i === 0 ? { ...s, extraRules: [{ protocol: "tcp", fromPort: 9389, toPort: 80 }] } : s,
        ),
      ),
    pointer: "/config/stronghold:criticalSystems/0/extraRules/0/toPort",
    message: /is 80, below fromPort \(9389\)/,
  },
  {
    name: "an icmp rule with a port",
    values: () =>
      withSetting("stronghold:criticalSystems", (systems) =>
        (systems as Json[]).map((s, i) =>
          i === 0 ? { ...s, extraRules: [{ protocol: "icmp", fromPort: 8 }] } : s,
        ),
      ),
    pointer: "/config/stronghold:criticalSystems/0/extraRules/0/fromPort",
    message: /must be absent for protocol icmp/,
  },
  {
    name: "an unknown service (schema)",
    values: () =>
      withSetting("stronghold:criticalSystems", (systems) =>
        (systems as Json[]).map((s, i) => (i === 0 ? { ...s, services: ["ldap"] } : s)),
      ),
    pointer: "/config/stronghold:criticalSystems/0/services/0",
    message: /must be one of "active-directory", "dns"/,
  },
  {
    name: "a public service served in DR by a system that does not exist",
    values: () =>
      withSetting("stronghold:publicServices", (services) =>
        (services as Json[]).map((s) => ({ ...s, drSystem: "web" })),
      ),
    pointer: "/config/stronghold:publicServices/0/drSystem",
    message:
      /names "web", which is not one of stronghold:criticalSystems .* would point at nothing/,
  },
  {
    name: "a public service served by a system that does not open its port",
    values: () =>
      withSetting("stronghold:publicServices", (services) =>
        (services as Json[]).map((s) => ({ ...s, drSystem: "file-server" })),
      ),
    pointer: "/config/stronghold:publicServices/0/drSystem",
    message: /file-server, whose services and extraRules do not open tcp 443/,
  },
  {
    name: "automatic failover onto a system nothing runs",
    values: () =>
      withSetting("stronghold:publicServices", (services) =>
        (services as Json[]).map((s) => ({ ...s, failover: "automatic" })),
      ),
    pointer: "/config/stronghold:publicServices/0/failover",
    message: /is automatic, but gis is not standing/,
  },
  {
    name: "serving set with automatic failover",
    values: () => {
      const values = new Map(
        withSetting("stronghold:publicServices", (services) =>
          (services as Json[]).map((s) => ({ ...s, failover: "automatic", serving: "dr" })),
        ),
      );
      const systems = JSON.parse(values.get("stronghold:criticalSystems")!) as Json[];
      values.set(
        "stronghold:criticalSystems",
        JSON.stringify(systems.map((s) => (s.name === "gis" ? { ...s, standing: true } : s))),
      );
      return values;
    },
    pointer: "/config/stronghold:publicServices/0/serving",
    message: /applies to manual failover only/,
  },
  {
    name: "noncurrent versions leaving Glacier IR before its 90-day minimum (dev's old 14 → 21)",
    values: () =>
      withSetting("stronghold:offsiteStorage", (st) => ({
        ...(st as Json),
        noncurrentToGlacierIrDays: 14,
        noncurrentToDeepArchiveDays: 21,
      })),
    pointer: "/config/stronghold:offsiteStorage/noncurrentToGlacierIrDays",
    message:
      /keeps versions in Glacier Instant Retrieval 7 days .* under its 90-day minimum storage duration/,
  },
  {
    name: "noncurrent versions expiring from Deep Archive before its 180-day minimum",
    values: () =>
      withSetting("stronghold:offsiteStorage", (st) => ({
        ...(st as Json),
        noncurrentToDeepArchiveDays: 600,
      })),
    pointer: "/config/stronghold:offsiteStorage/noncurrentToDeepArchiveDays",
    message:
      /keeps versions in Glacier Deep Archive 130 days .* under its 180-day minimum storage duration/,
  },
  {
    name: "an RTO shorter than Deep Archive's retrieval",
    values: () => withSetting("stronghold:objectives", (o) => ({ ...(o as Json), rtoHours: 8 })),
    pointer: "/config/stronghold:objectives/rtoHours",
    message:
      /is 8 hours, but noncurrent versions .* and the S3 replica sit in Glacier Deep Archive/,
  },
];

describe("stack config validation", () => {
  for (const stack of ["dev", "prod"]) {
    it(`accepts the sample town's ${stack} stack`, () => {
      const loaded = loadStackConfigFile(stackFile(stack));
      expect(loaded.ok, JSON.stringify(loaded)).to.equal(true);
    });
  }

  it("normalises the DR network into one public and one private subnet per zone", () => {
    const loaded = loadStackConfigFile(stackFile("prod"));
    if (!loaded.ok) throw new Error("prod config should load");
    expect(loaded.config.drNetwork.subnets).to.deep.equal([
      { availabilityZone: "us-west-2a", publicCidr: "10.90.0.0/19", privateCidr: "10.90.128.0/19" },
      {
        availabilityZone: "us-west-2b",
        publicCidr: "10.90.32.0/19",
        privateCidr: "10.90.160.0/19",
      },
    ]);
  });

  for (const c of cases) {
    it(`refuses ${c.name}, naming the key`, () => {
      const problems = problemsOf(c.values());
      expect(problems.map((p) => p.pointer)).to.include(c.pointer);
      const problem = problems.find((p) => p.pointer === c.pointer)!;
      expect(problem.message).to.match(c.message);
      expect(problem.file).to.equal("stacks/Pulumi.prod.yaml");
    });
  }

  it("reports every problem at once, each with its own key", () => {
    const values = new Map(prodValues());
    values.set("aws:region", "eu-west-1");
    values.set("stronghold:replicaRegion", "us-west-2");
    values.set("stronghold:colour", "blue");
    const network = JSON.parse(values.get("stronghold:drNetwork")!) as Json;
    values.set("stronghold:drNetwork", JSON.stringify({ ...network, vpcCidr: "10.90.0.0/33" }));
    const storage = JSON.parse(values.get("stronghold:offsiteStorage")!) as Json;
    values.set("stronghold:offsiteStorage", JSON.stringify({ ...storage, lockDays: 30 }));
    expect(problemsOf(values).map((p) => p.pointer)).to.have.members([
      "/config/stronghold:colour",
      "/config/aws:region",
      "/config/stronghold:replicaRegion",
      "/config/stronghold:offsiteStorage/lockDays",
      "/config/stronghold:drNetwork/vpcCidr",
    ]);
  });

  describe("a stack file on disk", () => {
    let dir: string;
    before(async () => (dir = await mkdtemp(path.join(tmpdir(), "stronghold-stack-"))));
    after(() => rm(dir, { recursive: true, force: true }));

    it("locates each problem on the line of its key", async () => {
      const text = (await readFile(stackFile("prod"), "utf8"))
        .replace("stronghold:drRegion: us-west-2", "stronghold:drRegion: us-east-1")
        .replace("    lockDays: 400", "    lockDays: 100");
      const file = path.join(dir, "Pulumi.prod.yaml");
      await writeFile(file, text);
      const loaded = loadStackConfigFile(file);
      if (loaded.ok) throw new Error("should be refused");
      const lines = text.split("\n");
      const lineOf = (needle: string) => lines.findIndex((l) => l.includes(needle)) + 1;
      expect(loaded.problems).to.deep.include({
        file,
        pointer: "/config/stronghold:drRegion",
        line: lineOf("stronghold:drRegion:"),
        message:
          "must differ from stronghold:primaryRegion (us-east-1): a regional outage would take the backups with it",
      });
      const lock = loaded.problems.find(
        (p) => p.pointer === "/config/stronghold:offsiteStorage/lockDays",
      );
      expect(lock?.line).to.equal(lineOf("lockDays: 100"));
    });

    it("passes structured values and `secure:` values on the way the Pulumi CLI does", async () => {
      const file = path.join(dir, "Pulumi.secret.yaml");
      const text = (await readFile(stackFile("dev"), "utf8")).replace(
        "config:\n",
        "config:\n  stronghold:vpnPresharedKey:\n    secure: AAABAEncryptedByTheCli\n",
      );
      await writeFile(file, text);
      const read = readStackConfigFile(file);
      if (!read.ok) throw new Error(JSON.stringify(read.problems));
      expect(read.secretKeys).to.deep.equal(["stronghold:vpnPresharedKey"]);
      expect(read.values.get("stronghold:legalMinimumRetentionDays")).to.equal("7");
      expect(JSON.parse(read.values.get("stronghold:tags")!)).to.deep.equal({
        department: "manager",
        dataClassification: "internal",
      });
      expect(loadStackConfigFile(file).ok).to.equal(true);
    });

    it("refuses a file without a config map", async () => {
      const file = path.join(dir, "Pulumi.empty.yaml");
      await writeFile(file, "encryptionsalt: v1:abc\n");
      const loaded = loadStackConfigFile(file);
      expect(loaded).to.deep.equal({
        ok: false,
        problems: [{ file, pointer: "/config", message: "is required: a map of stack settings" }],
      });
    });
  });
});

describe("the stack config example of docs/infrastructure.md", () => {
  it("is what the checks print for the change it describes", async () => {
    const page = await readFile(path.join(PROJECT_ROOT, "docs/infrastructure.md"), "utf8");
    const section = page.slice(page.indexOf("## Stack settings"));
    const block = /```text\n([\s\S]*?)```/.exec(section)![1]!.trim().split("\n");
    const dir = await mkdtemp(path.join(tmpdir(), "stronghold-readme-"));
    try {
      const file = path.join(dir, "Pulumi.prod.yaml");
      await writeFile(
        file,
        (await readFile(stackFile("prod"), "utf8"))
          .replace("stronghold:drRegion: us-west-2", "stronghold:drRegion: us-east-1")
          .replace("    lockDays: 400", "    lockDays: 90"),
      );
      const loaded = loadStackConfigFile(file);
      if (loaded.ok) throw new Error("should be refused");
      const printed = loaded.problems.map((p) =>
        formatProblem({ ...p, file: "stacks/Pulumi.prod.yaml" }),
      );
      expect(printed).to.include.members(block);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
