// Everything whose loss loses backups is `protect`ed (pulumi refuses to delete it) and
// `retainOnDelete` (it stays in AWS if it ever leaves the program). Mocks see no resource
// options, so the mocked run records them through a stack transform (src/infra/mock-run.ts).
import { expect } from "chai";
import type { RecordedResource } from "../../src/infra/mock-run.js";
import { mockedStack, Resources, tagsOf } from "../fixtures/mocked-stacks.js";

/** Types kept whole: every instance guards backups. */
const KEPT_TYPES = [
  "aws:kms/key:Key",
  "aws:kms/keyPolicy:KeyPolicy",
  "aws:backup/vault:Vault",
  "aws:backup/vaultLockConfiguration:VaultLockConfiguration",
  "aws:backup/vaultPolicy:VaultPolicy",
];

/** Per backup bucket, the settings that keep its versions. */
const KEPT_BUCKET_SETTINGS = [
  "aws:s3/bucketVersioning:BucketVersioning",
  "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
  "aws:s3/bucketPolicy:BucketPolicy",
];

for (const stack of ["dev", "prod"]) {
  describe(`protection of the ${stack} stack's backups (options seen by a stack transform)`, () => {
    let r: Resources;
    before(async () => {
      r = new Resources((await mockedStack(stack)).resources);
    });

    const unkept = (resources: readonly RecordedResource[]) =>
      resources.filter((x) => !x.protect || !x.retainOnDelete).map((x) => `${x.type} ${x.name}`);

    it("protects and retains every KMS key, key policy, vault, vault lock and vault policy", () => {
      const kept = KEPT_TYPES.flatMap((type) => r.ofType(type));
      expect(kept.filter((x) => x.type === "aws:kms/keyPolicy:KeyPolicy")).to.have.length(
        r.ofType("aws:kms/key:Key").length,
      );
      expect(unkept(kept)).to.deep.equal([]);
    });

    it("protects and retains every backup bucket with its versioning, Object Lock and policy", () => {
      const buckets = r
        .ofType("aws:s3/bucket:Bucket")
        .filter((b) => String(tagsOf(b).purpose).startsWith("offsite-backup"));
      expect(buckets.length).to.be.at.least(stack === "prod" ? 3 : 1);
      const settings = buckets.flatMap((b) =>
        KEPT_BUCKET_SETTINGS.flatMap((type) => r.forBucket(type, b)),
      );
      expect(settings).to.have.length(buckets.length * KEPT_BUCKET_SETTINGS.length);
      expect(unkept([...buckets, ...settings])).to.deep.equal([]);
    });

    it("leaves the rest replaceable (a DR subnet or an alarm is not kept)", () => {
      for (const type of ["aws:ec2/subnet:Subnet", "aws:sns/topic:Topic"]) {
        for (const resource of r.ofType(type))
          expect(resource.protect, resource.name).to.equal(false);
      }
    });
  });
}
