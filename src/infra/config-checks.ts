/**
 * The checks a schema cannot express: relations between stack settings (the DR region is not the
 * primary region, retention meets the legal minimum, lifecycle steps come in order) and CIDR
 * blocks that parse. Each check is a small named function returning located findings.
 */
import { formatCidr, overlaps, parseCidr, type Ipv4Block } from "../support/cidr.js";
import { EVIDENCE_PREFIX, type RawStackConfig } from "./config-schema.js";
import { covers, rulesFor, ruleProblem } from "./dr-services.js";

/** A finding about one setting: the JSON pointer inside the `stronghold:` object, and what is wrong. */
export interface ConfigFinding {
  /** Pointer relative to the stronghold namespace, e.g. "/drRegion" or "/offsiteStorage/lockDays". */
  readonly pointer: string;
  readonly message: string;
}

type Check = (config: RawStackConfig) => ConfigFinding[];

const regionsDiffer: Check = (c) => {
  const findings: ConfigFinding[] = [];
  if (c.drRegion === c.primaryRegion) {
    findings.push({
      pointer: "/drRegion",
      message: `must differ from stronghold:primaryRegion (${c.primaryRegion}): a regional outage would take the backups with it`,
    });
  }
  if (c.replicaRegion !== undefined) {
    for (const [other, value] of [
      ["primaryRegion", c.primaryRegion],
      ["drRegion", c.drRegion],
    ] as const) {
      if (c.replicaRegion === value) {
        findings.push({
          pointer: "/replicaRegion",
          message: `must differ from stronghold:${other} (${value}): the replica belongs in a third region`,
        });
      }
    }
  }
  return findings;
};

const offsiteRetention: Check = (c) => {
  const s = c.offsiteStorage;
  const findings: ConfigFinding[] = [];
  if (s.lockDays < c.legalMinimumRetentionDays) {
    findings.push({
      pointer: "/offsiteStorage/lockDays",
      message: `is ${s.lockDays} days, below the legal minimum stronghold:legalMinimumRetentionDays (${c.legalMinimumRetentionDays})`,
    });
  }
  if (s.retentionDays < s.lockDays) {
    findings.push({
      pointer: "/offsiteStorage/retentionDays",
      message: `is ${s.retentionDays} days, shorter than the Object Lock retention lockDays (${s.lockDays}): versions would be scheduled to expire while still locked`,
    });
  }
  const ir = s.noncurrentToGlacierIrDays;
  const deep = s.noncurrentToDeepArchiveDays;
  if (ir !== undefined && deep !== undefined && deep <= ir) {
    findings.push({
      pointer: "/offsiteStorage/noncurrentToDeepArchiveDays",
      message: `must be later than noncurrentToGlacierIrDays (${ir}): versions move to Glacier Instant Retrieval first`,
    });
  }
  const last = deep ?? ir;
  if (last !== undefined && s.retentionDays <= last) {
    findings.push({
      pointer: "/offsiteStorage/retentionDays",
      message: `must be later than ${deep !== undefined ? "noncurrentToDeepArchiveDays" : "noncurrentToGlacierIrDays"} (${last}): S3 refuses an expiry before the last transition`,
    });
  }
  return findings;
};

/**
 * S3 bills each class's minimum storage duration even when an object leaves it earlier
 * ("Amazon S3 pricing": Glacier Instant Retrieval 90 days, Glacier Deep Archive 180 days), so a
 * step shorter than that costs more than staying where it was.
 */
export const MINIMUM_STORAGE_DAYS = { GLACIER_IR: 90, DEEP_ARCHIVE: 180 } as const;

/** Deep Archive's standard retrieval finishes within 12 hours (bulk: 48); a restore waits for it. */
export const DEEP_ARCHIVE_RETRIEVAL_HOURS = 12;

const lifecycleCosts: Check = (c) => {
  const s = c.offsiteStorage;
  const findings: ConfigFinding[] = [];
  const ir = s.noncurrentToGlacierIrDays;
  const deep = s.noncurrentToDeepArchiveDays;
  if (ir !== undefined) {
    const leaves = deep ?? s.retentionDays;
    if (leaves > ir && leaves - ir < MINIMUM_STORAGE_DAYS.GLACIER_IR) {
      findings.push({
        pointer: "/offsiteStorage/noncurrentToGlacierIrDays",
        message: `keeps versions in Glacier Instant Retrieval ${leaves - ir} days (until ${deep !== undefined ? "noncurrentToDeepArchiveDays" : "retentionDays"}, ${leaves}), under its ${MINIMUM_STORAGE_DAYS.GLACIER_IR}-day minimum storage duration: each one pays an early-deletion fee; drop the step or move the next one later`,
      });
    }
  }
  if (deep !== undefined && s.retentionDays > deep) {
    const stay = s.retentionDays - deep;
    if (stay < MINIMUM_STORAGE_DAYS.DEEP_ARCHIVE) {
      findings.push({
        pointer: "/offsiteStorage/noncurrentToDeepArchiveDays",
        message: `keeps versions in Glacier Deep Archive ${stay} days (until retentionDays, ${s.retentionDays}), under its ${MINIMUM_STORAGE_DAYS.DEEP_ARCHIVE}-day minimum storage duration: each one pays an early-deletion fee; drop the step or keep versions longer`,
      });
    }
  }
  // Deep Archive holds old versions (and the replica): fetching them back takes hours.
  const deepTiers = [
    ...(deep === undefined ? [] : ["noncurrent versions (noncurrentToDeepArchiveDays)"]),
    ...(c.replicaRegion === undefined && c.backupAccount === undefined ? [] : ["the S3 replica"]),
  ];
  if (deepTiers.length > 0 && c.objectives.rtoHours < DEEP_ARCHIVE_RETRIEVAL_HOURS) {
    findings.push({
      pointer: "/objectives/rtoHours",
      message: `is ${c.objectives.rtoHours} hours, but ${deepTiers.join(" and ")} sit in Glacier Deep Archive, whose standard retrieval takes up to ${DEEP_ARCHIVE_RETRIEVAL_HOURS} hours before a restore can start; raise the RTO or keep that data in an instant class`,
    });
  }
  return findings;
};

const vaultLockBounds: Check = (c) => {
  const lock = c.vaultLock;
  const findings: ConfigFinding[] = [];
  if (lock.maxRetentionDays < lock.minRetentionDays) {
    findings.push({
      pointer: "/vaultLock/maxRetentionDays",
      message: `is below minRetentionDays (${lock.minRetentionDays})`,
    });
  }
  c.backupPlans.forEach((plan, p) =>
    plan.rules.forEach((rule, r) => {
      const pointer = `/backupPlans/${p}/rules/${r}`;
      if (
        rule.retentionDays < lock.minRetentionDays ||
        rule.retentionDays > lock.maxRetentionDays
      ) {
        findings.push({
          pointer: `${pointer}/retentionDays`,
          message: `is ${rule.retentionDays} days, outside the vault lock's ${lock.minRetentionDays}–${lock.maxRetentionDays} days: the vault would refuse these recovery points`,
        });
      }
      if (
        rule.coldStorageAfterDays !== undefined &&
        rule.retentionDays < rule.coldStorageAfterDays + 90
      ) {
        findings.push({
          pointer: `${pointer}/coldStorageAfterDays`,
          message: `leaves less than the 90 days AWS Backup requires in cold storage before retentionDays (${rule.retentionDays})`,
        });
      }
    }),
  );
  return findings;
};

const backupRetentionMeetsLegalMinimum: Check = (c) => {
  const longest = Math.max(...c.backupPlans.flatMap((p) => p.rules.map((r) => r.retentionDays)));
  return longest >= c.legalMinimumRetentionDays
    ? []
    : [
        {
          pointer: "/backupPlans",
          message: `keep recovery points at most ${longest} days, below the legal minimum stronghold:legalMinimumRetentionDays (${c.legalMinimumRetentionDays}); add a rule that keeps them longer`,
        },
      ];
};

const uniqueNames: Check = (c) => {
  const findings: ConfigFinding[] = [];
  const lists = [
    ["backupPlans", c.backupPlans.map((p) => p.name)],
    ["backupAgents", c.backupAgents.map((a) => a.name)],
    ["criticalSystems", c.criticalSystems.map((s) => s.name)],
    ["publicServices", (c.publicServices ?? []).map((s) => s.name)],
  ] as const;
  for (const [key, names] of lists) {
    names.forEach((name, i) => {
      if (names.indexOf(name) !== i) {
        findings.push({ pointer: `/${key}/${i}/name`, message: `repeats the name "${name}"` });
      }
    });
  }
  c.backupAgents.forEach((agent, i) =>
    c.backupAgents.forEach((other, j) => {
      if (i !== j && agent.prefix.startsWith(other.prefix)) {
        findings.push({
          pointer: `/backupAgents/${i}/prefix`,
          message: `${agent.prefix} lies inside the prefix of backup agent "${other.name}" (${other.prefix}): each agent needs its own prefix`,
        });
      }
    }),
  );
  c.backupAgents.forEach((agent, i) => {
    if (agent.prefix.startsWith(EVIDENCE_PREFIX) || EVIDENCE_PREFIX.startsWith(agent.prefix))
      findings.push({
        pointer: `/backupAgents/${i}/prefix`,
        message: `${agent.prefix} overlaps ${EVIDENCE_PREFIX}, where the evidence ledger's locked copy lives: give the agent another prefix`,
      });
  });
  return findings;
};

/** Parses the block at `pointer`, recording a finding when it is malformed. */
function block(text: string, pointer: string, findings: ConfigFinding[]): Ipv4Block | undefined {
  const parsed = parseCidr(text);
  if (parsed.ok) return parsed.block;
  findings.push({ pointer, message: `"${text}" ${parsed.reason}` });
  return undefined;
}

const networkCidrs: Check = (c) => {
  const n = c.drNetwork;
  const findings: ConfigFinding[] = [];
  const vpc = block(n.vpcCidr, "/drNetwork/vpcCidr", findings);
  if (vpc && (vpc.prefix < 16 || vpc.prefix > 24)) {
    findings.push({
      pointer: "/drNetwork/vpcCidr",
      message: `is a /${vpc.prefix}; a VPC takes /16 to /24 here (AWS allows /16–/28, and the subnets per zone need room)`,
    });
  }
  n.onPremisesCidrs.forEach((text, i) => {
    const onPrem = block(text, `/drNetwork/onPremisesCidrs/${i}`, findings);
    if (vpc && onPrem && overlaps(vpc, onPrem)) {
      findings.push({
        pointer: `/drNetwork/onPremisesCidrs/${i}`,
        message: `${text} overlaps the DR VPC ${formatCidr(vpc)}: routes over the VPN would be ambiguous`,
      });
    }
  });
  n.availabilityZones.forEach((zone, i) => {
    if (!zone.startsWith(c.drRegion) || zone.length !== c.drRegion.length + 1) {
      findings.push({
        pointer: `/drNetwork/availabilityZones/${i}`,
        message: `${zone} is not a zone of stronghold:drRegion (${c.drRegion})`,
      });
    }
  });
  return findings;
};

const distinctAccessRoles: Check = (c) => {
  const roles = c.accessRoles;
  const findings: ConfigFinding[] = [];
  for (const [key, other] of [
    ["admin", "deployer"],
    ["breakGlass", "deployer"],
    ["breakGlass", "admin"],
  ] as const) {
    if (roles[key] === roles[other]) {
      findings.push({
        pointer: `/accessRoles/${key}`,
        message: `must differ from accessRoles.${other} (${roles[other]}): each role is a separate line of defence`,
      });
    }
  }
  return findings;
};

const backupAccountHasCopies: Check = (c) =>
  c.backupAccount === undefined || c.backupPlans.some((p) => p.rules.some((r) => r.copyToDr))
    ? []
    : [
        {
          pointer: "/backupAccount",
          message:
            "is set but no backup rule has copyToDr: true, so nothing would be copied to it; set copyToDr on the rules to copy",
        },
      ];

const airGappedVaultBounds: Check = (c) => {
  const vault = c.airGappedVault;
  if (vault === undefined) return [];
  const findings: ConfigFinding[] = [];
  if (vault.maxRetentionDays < vault.minRetentionDays) {
    findings.push({
      pointer: "/airGappedVault/maxRetentionDays",
      message: `is below minRetentionDays (${vault.minRetentionDays})`,
    });
  }
  let copies = 0;
  c.backupPlans.forEach((plan, p) =>
    plan.rules.forEach((rule, r) => {
      if (!rule.copyToDr) return;
      copies += 1;
      if (
        rule.retentionDays < vault.minRetentionDays ||
        rule.retentionDays > vault.maxRetentionDays
      ) {
        findings.push({
          pointer: `/backupPlans/${p}/rules/${r}/retentionDays`,
          message: `is ${rule.retentionDays} days, outside the air-gapped vault's ${vault.minRetentionDays}–${vault.maxRetentionDays} days: its copy jobs would fail`,
        });
      }
    }),
  );
  if (copies === 0) {
    findings.push({
      pointer: "/airGappedVault",
      message:
        "is set but no backup rule has copyToDr: true, so nothing would be copied to it; set copyToDr on the rules to copy",
    });
  }
  return findings;
};

const criticalSystemRecovery: Check = (c) => {
  const findings: ConfigFinding[] = [];
  c.criticalSystems.forEach((system, i) => {
    const pointer = `/criticalSystems/${i}`;
    (system.extraRules ?? []).forEach((rule, r) => {
      const problem = ruleProblem(rule);
      if (problem !== undefined) {
        findings.push({
          pointer: `${pointer}/extraRules/${r}/${problem.field}`,
          message: problem.message,
        });
      }
    });
    const isDc = system.services.includes("active-directory");
    if (isDc && (system.recovery === "restic" || system.recovery === "rebuild")) {
      findings.push({
        pointer: `${pointer}/recovery`,
        message: `is ${system.recovery}, but ${system.name} is a domain controller: a DC cannot be brought back from file-level backups or a reinstall; use aws-backup (its AWS Backup recovery point) or replica-dc (a fresh DC promoted from a surviving replica)`,
      });
    }
    if (system.recovery === "replica-dc" && !isDc) {
      findings.push({
        pointer: `${pointer}/recovery`,
        message: `is replica-dc, but ${system.name} does not serve active-directory: only a domain controller is promoted from a replica`,
      });
    }
    if (system.recovery === "replica-dc" && c.vpn === undefined) {
      findings.push({
        pointer: `${pointer}/recovery`,
        message:
          "is replica-dc, which needs a surviving domain controller to replicate from over stronghold:vpn, and no VPN is set; use aws-backup or add the VPN",
      });
    }
  });
  return findings;
};

const publicServiceTargets: Check = (c) => {
  const findings: ConfigFinding[] = [];
  (c.publicServices ?? []).forEach((service, i) => {
    const pointer = `/publicServices/${i}`;
    const system = c.criticalSystems.find((s) => s.name === service.drSystem);
    if (system === undefined) {
      findings.push({
        pointer: `${pointer}/drSystem`,
        message: `names "${service.drSystem}", which is not one of stronghold:criticalSystems (${c.criticalSystems.map((s) => s.name).join(", ") || "none"}): the DR answer would point at nothing`,
      });
    } else if (
      !rulesFor(system.services, system.extraRules).some((rule) =>
        covers(rule, {
          protocol: "tcp",
          fromPort: service.port,
          toPort: service.port,
          purpose: "",
        }),
      )
    ) {
      findings.push({
        pointer: `${pointer}/drSystem`,
        message: `names ${system.name}, whose services and extraRules do not open tcp ${service.port}, the port of ${service.name}`,
      });
    }
    const mode = service.failover ?? "manual";
    if (mode === "automatic" && system !== undefined && system.standing !== true) {
      findings.push({
        pointer: `${pointer}/failover`,
        message: `is automatic, but ${system.name} is not standing: Route 53 would send citizens to an address nothing answers on; keep failover manual or set standing: true on ${system.name}`,
      });
    }
    if (mode === "automatic" && service.serving !== undefined) {
      findings.push({
        pointer: `${pointer}/serving`,
        message: "applies to manual failover only; with automatic failover Route 53 decides",
      });
    }
  });
  return findings;
};

/** Every semantic check, in the order their findings are reported. */
export const CONFIG_CHECKS: readonly Check[] = [
  regionsDiffer,
  offsiteRetention,
  lifecycleCosts,
  vaultLockBounds,
  backupRetentionMeetsLegalMinimum,
  uniqueNames,
  networkCidrs,
  distinctAccessRoles,
  backupAccountHasCopies,
  airGappedVaultBounds,
  criticalSystemRecovery,
  publicServiceTargets,
];

/** Runs every check; an empty list means the settings hang together. */
export function checkStackConfig(config: RawStackConfig): ConfigFinding[] {
  return CONFIG_CHECKS.flatMap((check) => check(config));
}
