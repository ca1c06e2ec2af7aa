// backup-storage-protected, offline: each case removes `protect` from one resource of the
// compliant stack, as a program that forgot (or dropped) it would register it.
import { backupStorageProtected } from "../../policies/crossguard/rules/backup-storage-protected.js";
import { named, policyCases, type MutableRecord } from "./policy-fixtures.js";

const unprotect = (name: string) => (s: MutableRecord[]) => {
  named(s, name).protect = false;
};

describe("backup-storage-protected", () => {
  policyCases(backupStorageProtected, [
    { name: "keys, vaults, locks and the backup bucket all protected", expect: "pass" },
    {
      name: "defeat: the KMS key registered without protect",
      change: unprotect("offsite-key"),
      expect: ['aws:kms/key:Key "offsite-key": not protected'],
    },
    {
      name: "defeat: the backup bucket without protect",
      change: unprotect("offsite"),
      expect: ['aws:s3/bucket:Bucket "offsite": not protected'],
    },
    {
      name: "defeat: its Object Lock configuration without protect",
      change: unprotect("offsite-object-lock"),
      expect: [/BucketObjectLockConfiguration "offsite-object-lock": not protected/],
    },
    {
      name: "defeat: a vault lock without protect",
      change: unprotect("primary-vault-lock"),
      expect: [/VaultLockConfiguration "primary-vault-lock": not protected/],
    },
    {
      name: "defeat: a logically air-gapped vault registered without protect",
      change: (s) => {
        const type = "aws:backup/logicallyAirGappedVault:LogicallyAirGappedVault";
        s.push({
          type,
          name: "air-gapped",
          urn: `urn:pulumi:test::stronghold::${type}::air-gapped`,
          inputs: { region: "us-west-2", minRetentionDays: 35, maxRetentionDays: 2555 },
        });
      },
      expect: [/LogicallyAirGappedVault "air-gapped": not protected/],
    },
    {
      name: "defeat: a log-delivery Allow added to the backup bucket's policy does not exempt it",
      change: (s) => {
        named(s, "offsite").protect = false;
        const policy = named(s, "offsite-policy");
        const doc = JSON.parse(String(policy.inputs.policy)) as { Statement: unknown[] };
        doc.Statement.push({
          Effect: "Allow",
          Principal: { Service: "logging.s3.amazonaws.com" },
          Action: "s3:PutObject",
          Resource: "arn:aws:s3:::millbrook-offsite/*",
        });
        policy.inputs.policy = JSON.stringify(doc);
      },
      expect: ['aws:s3/bucket:Bucket "offsite": not protected'],
    },
  ]);
});
