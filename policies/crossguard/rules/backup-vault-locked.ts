/** Recovery points in every AWS Backup vault are protected by a vault lock. */
import * as aws from "@pulumi/aws";
import type { PolicyConfigSchema, PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { configOf } from "../lib/config.js";
import { tryRead, UnknownTracker } from "../lib/known.js";
import { describeResource, nonEmptyString, prop } from "../lib/values.js";

/** Configuration of backup-vault-locked. */
export interface VaultLockConfig {
  readonly minRetentionDays: number;
  readonly requireComplianceMode: boolean;
  readonly maxChangeableForDays: number;
}

const configSchema: PolicyConfigSchema = {
  properties: {
    minRetentionDays: {
      type: "integer",
      minimum: 1,
      default: 7,
      description:
        "The floor for a vault lock's minRetentionDays: no recovery point can be deleted sooner.",
    },
    requireComplianceMode: {
      type: "boolean",
      default: false,
      description:
        "Require changeableForDays, which turns the lock into compliance mode: after the grace time nobody, not even the account root, can remove it.",
    },
    maxChangeableForDays: {
      type: "integer",
      minimum: 3,
      default: 30,
      description:
        "The longest grace time a compliance-mode lock may have: until it ends the lock can still be removed, so changeableForDays: 36500 is governance mode for a century.",
    },
  },
};

const VAULT_TYPE = "aws:backup/vault:Vault";

/** The vaults a lock configuration's backupVaultName refers to; an Error while it is unknown. */
function lockedVaults(
  lock: PolicyResource,
  vaults: readonly PolicyResource[],
): PolicyResource[] | Error {
  const byDependency = (lock.propertyDependencies.backupVaultName ?? []).filter(
    (d) => d.type === VAULT_TYPE,
  );
  if (byDependency.length > 0) return byDependency;
  const name = tryRead(() => nonEmptyString(prop(lock, "backupVaultName")));
  if (!name.known) return name.error;
  return vaults.filter((vault) =>
    ["name", "id"].some((key) => {
      const value = tryRead(() => prop(vault, key));
      return value.known && value.value === name.value;
    }),
  );
}

/** Stack policy: pairs each vault with its lock configuration. */
export const backupVaultLocked: StackValidationPolicy = {
  name: "backup-vault-locked",
  description:
    "Every AWS Backup vault has an aws.backup.VaultLockConfiguration whose minRetentionDays is at least the configured floor (and, when required, changeableForDays for compliance mode).",
  enforcementLevel: "mandatory",
  configSchema,
  validateStack: (args, reportViolation) => {
    const config = configOf<VaultLockConfig>(configSchema, args);
    const vaults = args.resources.filter((r) => r.isType(aws.backup.Vault));
    if (vaults.length === 0) args.notApplicable("the stack has no AWS Backup vaults");
    const unknowns = new UnknownTracker();
    const locksByVault = new Map<PolicyResource, PolicyResource[]>();
    let undecided: Error | undefined;
    for (const lock of args.resources.filter((r) => r.isType(aws.backup.VaultLockConfiguration))) {
      const targets = lockedVaults(lock, vaults);
      if (targets instanceof Error) undecided ??= targets;
      else
        for (const vault of targets)
          locksByVault.set(vault, [...(locksByVault.get(vault) ?? []), lock]);
    }
    for (const vault of vaults) {
      const report = (message: string) =>
        reportViolation(`${describeResource(vault)}: ${message}`, vault.urn);
      const locks = locksByVault.get(vault) ?? [];
      if (locks.length === 0) {
        if (undecided !== undefined) unknowns.note(undecided);
        else {
          report(
            `no aws.backup.VaultLockConfiguration for this vault; add one with minRetentionDays >= ${config.minRetentionDays}`,
          );
        }
      }
      for (const lock of locks) {
        const where = `vault lock "${lock.name}"`;
        const min = unknowns.read(() => prop(lock, "minRetentionDays"));
        if (min.known && (typeof min.value !== "number" || min.value < config.minRetentionDays)) {
          report(
            `${where} has minRetentionDays ${JSON.stringify(min.value)}; at least ${config.minRetentionDays} required`,
          );
        }
        const max = unknowns.read(() => prop(lock, "maxRetentionDays"));
        if (
          min.known &&
          max.known &&
          typeof max.value === "number" &&
          typeof min.value === "number" &&
          max.value < min.value
        ) {
          report(`${where} has maxRetentionDays ${max.value} below minRetentionDays ${min.value}`);
        }
        const changeable = unknowns.read(() => prop(lock, "changeableForDays"));
        if (
          config.requireComplianceMode &&
          changeable.known &&
          typeof changeable.value !== "number"
        ) {
          report(`${where} sets no changeableForDays, so it stays a governance-mode lock`);
        }
        // AWS Backup: until changeableForDays have passed the lock can be deleted or changed;
        // only then is it compliance mode. A long grace time is governance mode in disguise.
        if (
          config.requireComplianceMode &&
          changeable.known &&
          typeof changeable.value === "number" &&
          changeable.value > config.maxChangeableForDays
        ) {
          report(
            `${where} has changeableForDays ${changeable.value}: the lock stays removable that long; at most ${config.maxChangeableForDays} days before it becomes immutable`,
          );
        }
      }
    }
    unknowns.rethrow();
  },
};
