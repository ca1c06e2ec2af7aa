/**
 * The lock every backup vault gets. Without changeableForDays it stays in governance mode
 * (removable with IAM rights); with it, it becomes immutable once the grace period ends
 * (compliance mode).
 */
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../config.js";
import { kept } from "./kept.js";

/** Locks `vault` with the stack's vault lock settings, as a kept child of `parent`. */
export function lockVault(
  name: string,
  region: string,
  vault: aws.backup.Vault,
  lock: StackConfig["vaultLock"],
  parent: pulumi.Resource,
): aws.backup.VaultLockConfiguration {
  return new aws.backup.VaultLockConfiguration(
    name,
    {
      region,
      backupVaultName: vault.name,
      minRetentionDays: lock.minRetentionDays,
      maxRetentionDays: lock.maxRetentionDays,
      ...(lock.changeableForDays === undefined
        ? {}
        : { changeableForDays: lock.changeableForDays }),
    },
    kept(parent),
  );
}
