// required-tags, offline: AWS and the Pulumi engine are not involved (they cannot run here).
import { expect } from "chai";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { requiredTags } from "../../policies/crossguard/rules/required-tags.js";
import { PROJECT_ROOT } from "../../src/support/project-root.js";
import { listTaggableTypes, taggableTypesFile } from "../../src/infra/taggable-types.js";
import { named, policyCases, UNKNOWN_STRING, type MutableRecord } from "./policy-fixtures.js";

const PROVIDER_URN = "urn:pulumi:test::stronghold::pulumi:providers:aws::tagged";

/** Moves every tag of the VPC into a provider's defaultTags. */
function tagsFromProvider(s: MutableRecord[], tags: Record<string, string>): void {
  s.push({
    type: "pulumi:providers:aws",
    name: "tagged",
    urn: PROVIDER_URN,
    inputs: { defaultTags: { tags } },
  });
  const vpc = named(s, "dr-vpc");
  delete vpc.inputs.tags;
  vpc.provider = `${PROVIDER_URN}::1234`;
}

describe("required-tags", () => {
  policyCases(requiredTags, [
    { name: "every taggable resource carries the four tags", expect: "pass" },
    {
      name: "a bucket without tags",
      change: (s) => {
        delete named(s, "offsite").inputs.tags;
      },
      expect: ["missing tag(s) department, data-classification, managed-by, stack"],
    },
    {
      name: "an empty department",
      change: (s) => {
        named(s, "dr-vpc").inputs.tags = {
          ...(named(s, "dr-vpc").inputs.tags as object),
          department: " ",
        };
      },
      expect: ["missing tag(s) department"],
    },
    {
      name: "tags from the provider's defaultTags",
      change: (s) =>
        tagsFromProvider(s, {
          department: "it",
          "data-classification": "internal",
          "managed-by": "pulumi",
          stack: "test",
        }),
      expect: "pass",
    },
    {
      name: "defaultTags missing one, the resource adds it",
      change: (s) => {
        tagsFromProvider(s, {
          department: "it",
          "data-classification": "internal",
          "managed-by": "pulumi",
        });
        named(s, "dr-vpc").inputs.tags = { stack: "test" };
      },
      expect: "pass",
    },
    {
      name: "defaultTags missing one",
      change: (s) =>
        tagsFromProvider(s, { department: "it", "managed-by": "pulumi", stack: "test" }),
      expect: ["missing tag(s) data-classification"],
    },
    {
      name: "a tag list from config",
      config: { requiredTags: ["department", "cost-centre"] },
      expect: Array<string>(9).fill("missing tag(s) cost-centre"),
    },
    {
      name: "types without tags are not checked (a bucket policy)",
      change: (s) => s.splice(0, s.length, named(s, "offsite-policy")),
      expect: "not-applicable",
    },
    {
      name: "preview: tags unknown",
      change: (s) => {
        named(s, "dr-vpc").inputs.tags = UNKNOWN_STRING;
      },
      expect: "pass",
      advisory: true,
    },
  ]);
});

describe("the taggable types list", () => {
  const awsRoot = path.dirname(createRequire(import.meta.url).resolve("@pulumi/aws/package.json"));

  it("is what the installed @pulumi/aws declares (run npx tsx scripts/export-taggable-types.ts)", async () => {
    const file = path.join(PROJECT_ROOT, "policies/crossguard/data/aws-taggable-types.json");
    expect(await readFile(file, "utf8")).to.equal(taggableTypesFile(awsRoot));
  });

  it("includes the types the stacks tag and leaves out those without tags", () => {
    const types = listTaggableTypes(awsRoot);
    expect(types).to.include.members([
      "aws:s3/bucket:Bucket",
      "aws:kms/key:Key",
      "aws:backup/vault:Vault",
      "aws:backup/plan:Plan",
      "aws:iam/policy:Policy",
      "aws:ec2/vpc:Vpc",
      "aws:sns/topic:Topic",
    ]);
    expect(types).to.not.include.members([
      "aws:s3/bucketPolicy:BucketPolicy",
      "aws:backup/vaultLockConfiguration:VaultLockConfiguration",
      "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    ]);
  });
});
