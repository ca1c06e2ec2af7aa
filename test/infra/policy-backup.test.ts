// The KMS, AWS Backup and region rules of the CrossGuard pack, offline: AWS and the Pulumi engine
// are not involved (they cannot run here); each case changes the compliant stack and runs the
// policy with the arguments CrossGuard builds.
import { backupPlanCopiesToAnotherRegion } from "../../policies/crossguard/rules/backup-plan-copies-to-another-region.js";
import { backupVaultLocked } from "../../policies/crossguard/rules/backup-vault-locked.js";
import { drRegionDiffersFromPrimary } from "../../policies/crossguard/rules/dr-region-differs-from-primary.js";
import { kmsKeyRotationEnabled } from "../../policies/crossguard/rules/kms-key-rotation-enabled.js";
import {
  DR,
  named,
  policyCases,
  PRIMARY,
  UNKNOWN_STRING,
  without,
  type MutableRecord,
} from "./policy-fixtures.js";

describe("kms-key-rotation-enabled", () => {
  const key = (s: MutableRecord[]) => named(s, "offsite-key").inputs;
  policyCases(kmsKeyRotationEnabled, [
    { name: "rotation on", expect: "pass" },
    {
      name: "rotation off",
      change: (s) => {
        key(s).enableKeyRotation = false;
      },
      expect: ["enableKeyRotation is not true"],
    },
    {
      name: "rotation not set",
      change: (s) => {
        delete key(s).enableKeyRotation;
      },
      expect: ["enableKeyRotation is not true"],
    },
    {
      name: "rotation every 180 days",
      change: (s) => {
        key(s).rotationPeriodInDays = 180;
      },
      expect: "pass",
    },
    {
      name: "rotation every 730 days, beyond the default 365",
      change: (s) => {
        key(s).rotationPeriodInDays = 730;
      },
      expect: ["rotationPeriodInDays is 730; at most 365 allowed"],
    },
    {
      name: "730 days allowed by config",
      change: (s) => {
        key(s).rotationPeriodInDays = 730;
      },
      config: { maxRotationPeriodDays: 730 },
      expect: "pass",
    },
    {
      name: "an asymmetric signing key cannot rotate",
      change: (s) => {
        s.splice(0, s.length, named(s, "offsite-key"));
        key(s).customerMasterKeySpec = "RSA_2048";
        key(s).keyUsage = "SIGN_VERIFY";
        key(s).enableKeyRotation = false;
      },
      expect: "not-applicable",
    },
  ]);
});

describe("backup-vault-locked", () => {
  const lock = (s: MutableRecord[]) => named(s, "dr-vault-lock").inputs;
  const VAULT = 'aws:backup/vault:Vault "dr-vault"';
  policyCases(backupVaultLocked, [
    { name: "both vaults locked for 7 days or more", expect: "pass" },
    {
      name: "the DR vault has no lock",
      change: (s) => without(s, "dr-vault-lock"),
      expect: [`${VAULT}: no aws.backup.VaultLockConfiguration for this vault`],
    },
    {
      name: "minimum retention below the default floor of 7",
      change: (s) => {
        lock(s).minRetentionDays = 1;
      },
      expect: [`${VAULT}: vault lock "dr-vault-lock" has minRetentionDays 1; at least 7 required`],
    },
    {
      name: "minimum retention below a floor of 30 set in config",
      config: { minRetentionDays: 30 },
      expect: [
        "has minRetentionDays 7; at least 30 required",
        "has minRetentionDays 7; at least 30 required",
      ],
    },
    {
      name: "no minimum retention at all",
      change: (s) => {
        delete lock(s).minRetentionDays;
      },
      expect: ["has minRetentionDays undefined; at least 7 required"],
    },
    {
      name: "maximum below minimum",
      change: (s) => {
        lock(s).maxRetentionDays = 5;
        lock(s).minRetentionDays = 8;
      },
      expect: ["has maxRetentionDays 5 below minRetentionDays 8"],
    },
    {
      name: "compliance mode required but the locks are governance mode",
      config: { requireComplianceMode: true },
      expect: ["sets no changeableForDays", "sets no changeableForDays"],
    },
    {
      name: "compliance mode required and set",
      change: (s) => {
        named(s, "dr-vault-lock").inputs.changeableForDays = 3;
        named(s, "primary-vault-lock").inputs.changeableForDays = 3;
      },
      config: { requireComplianceMode: true },
      expect: "pass",
    },
    {
      name: "defeat: changeableForDays 36500 passes itself off as compliance mode",
      change: (s) => {
        named(s, "dr-vault-lock").inputs.changeableForDays = 3;
        named(s, "primary-vault-lock").inputs.changeableForDays = 36500;
      },
      config: { requireComplianceMode: true },
      expect: ["has changeableForDays 36500: the lock stays removable that long; at most 30 days"],
    },
    {
      name: "preview: the vault name is unknown, the lock found by dependency",
      change: (s) => {
        lock(s).backupVaultName = UNKNOWN_STRING;
        named(s, "dr-vault-lock").propertyDependencies = {
          backupVaultName: [named(s, "dr-vault").urn],
        };
      },
      expect: "pass",
    },
    {
      name: "preview: the vault name is unknown and no dependency recorded",
      change: (s) => {
        lock(s).backupVaultName = UNKNOWN_STRING;
      },
      expect: "pass",
      advisory: true,
    },
    {
      name: "no vaults",
      change: (s) => {
        without(s, "dr-vault");
        without(s, "primary-vault");
      },
      expect: "not-applicable",
    },
  ]);
});

describe("backup-plan-copies-to-another-region", () => {
  const rules = (s: MutableRecord[]) =>
    named(s, "daily-plan").inputs.rules as Record<string, unknown>[];
  const copyTo = (region: string) => [
    {
      destinationVaultArn: `arn:aws:backup:${region}:123456789012:backup-vault:millbrook-${region}`,
    },
  ];
  policyCases(backupPlanCopiesToAnotherRegion, [
    { name: `plan in ${PRIMARY} copies to ${DR}`, expect: "pass" },
    {
      name: "a rule without copy actions",
      change: (s) => {
        rules(s).push({ ruleName: "weekly", targetVaultName: "millbrook-primary" });
      },
      expect: ['rule "weekly" (rules[1]) has no copyActions'],
    },
    {
      name: "a rule copying within the primary region",
      change: (s) => {
        rules(s)[0]!.copyActions = copyTo(PRIMARY);
      },
      expect: [`rule "daily" (rules[0]) copies only within ${PRIMARY}`],
    },
    {
      name: "one copy in region and one out: the rule is covered",
      change: (s) => {
        rules(s)[0]!.copyActions = [...copyTo(PRIMARY), ...copyTo("eu-west-1")];
      },
      expect: "pass",
    },
    {
      name: "the plan's region taken from its provider",
      change: (s) => {
        const plan = named(s, "daily-plan");
        delete plan.inputs.region;
        s.push({
          type: "pulumi:providers:aws",
          name: "primary",
          urn: "urn:pulumi:test::stronghold::pulumi:providers:aws::primary",
          inputs: { region: PRIMARY },
        });
        plan.provider = "urn:pulumi:test::stronghold::pulumi:providers:aws::primary::provider-id";
        rules(s)[0]!.copyActions = copyTo(PRIMARY);
      },
      expect: [`copies only within ${PRIMARY}`],
    },
    {
      name: "no region anywhere",
      change: (s) => {
        delete named(s, "daily-plan").inputs.region;
      },
      expect: ["the plan's region is not set"],
    },
    {
      name: "preview: the destination vault's ARN is unknown",
      change: (s) => {
        rules(s)[0]!.copyActions = [{ destinationVaultArn: UNKNOWN_STRING }];
      },
      expect: "pass",
      advisory: true,
    },
  ]);
});

describe("dr-region-differs-from-primary", () => {
  policyCases(drRegionDiffersFromPrimary, [
    { name: `plans in ${PRIMARY}, DR network and offsite bucket in ${DR}`, expect: "pass" },
    {
      name: "the DR network in the primary region",
      change: (s) => {
        named(s, "dr-vpc").inputs.region = PRIMARY;
      },
      expect: [
        `aws:ec2/vpc:Vpc "dr-vpc" is in ${PRIMARY}, the primary region where backup plan "daily-plan" runs`,
      ],
    },
    {
      name: "the offsite bucket in the primary region",
      change: (s) => {
        named(s, "offsite").inputs.region = PRIMARY;
      },
      expect: ['aws:s3/bucket:Bucket "offsite" is in us-east-1'],
    },
    {
      name: "a log bucket may sit in any region",
      change: (s) => {
        named(s, "logs").inputs.region = PRIMARY;
      },
      expect: "pass",
    },
    { name: "no plans", change: (s) => without(s, "daily-plan"), expect: "not-applicable" },
    {
      name: "an isolated restore-test VPC in the primary region (nothing connects to it)",
      change: (s) => void isolatedVpc(s),
      expect: "pass",
    },
    ...(
      [
        ["an internet gateway", "aws:ec2/internetGateway:InternetGateway"],
        ["an interface endpoint", "aws:ec2/vpcEndpoint:VpcEndpoint"],
        ["a VPN gateway", "aws:ec2/vpnGateway:VpnGateway"],
        ["a transit gateway attachment", "aws:ec2transitgateway/vpcAttachment:VpcAttachment"],
      ] as const
    ).map(([what, type]) => ({
      name: `that VPC with ${what} is DR side again`,
      change: (s: MutableRecord[]) => {
        isolatedVpc(s);
        s.push({
          type,
          name: "connector",
          urn: `urn:pulumi:test::stronghold::${type}::connector`,
          inputs: { region: PRIMARY, vpcId: "vpc-0isolated" },
        });
      },
      expect: [`aws:ec2/vpc:Vpc "restore-vpc" is in ${PRIMARY}`],
    })),
    {
      name: "that VPC peered from elsewhere is DR side again",
      change: (s: MutableRecord[]) => {
        isolatedVpc(s);
        s.push({
          type: "aws:ec2/vpcPeeringConnection:VpcPeeringConnection",
          name: "peering",
          urn: "urn:pulumi:test::stronghold::aws:ec2/vpcPeeringConnection:VpcPeeringConnection::peering",
          inputs: { region: DR, vpcId: "vpc-0dr", peerVpcId: "vpc-0isolated" },
        });
      },
      expect: [`aws:ec2/vpc:Vpc "restore-vpc" is in ${PRIMARY}`],
    },
  ]);
});

/** A VPC in the primary region with an id, as restore tests use. */
function isolatedVpc(records: MutableRecord[]): void {
  records.push({
    type: "aws:ec2/vpc:Vpc",
    name: "restore-vpc",
    urn: "urn:pulumi:test::stronghold::aws:ec2/vpc:Vpc::restore-vpc",
    id: "vpc-0isolated",
    inputs: {
      region: PRIMARY,
      cidrBlock: "10.254.0.0/24",
      tags: named(records, "dr-vpc").inputs.tags,
    },
  });
}
