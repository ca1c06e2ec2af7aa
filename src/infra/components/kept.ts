/**
 * Resource options for everything whose loss loses backups (buckets, their lock and versioning,
 * KMS keys and key policies, vaults and vault locks): `protect` makes `pulumi up` and `destroy`
 * refuse to delete them, and `retainOnDelete` leaves them in AWS even if they ever leave the
 * program (a rename that would replace a key, a removed stack). Tests assert both through a
 * resource transform; the pack checks `protect`.
 */
import type * as pulumi from "@pulumi/pulumi";

/** The options of a resource that must outlive any change to the program. */
export function kept(
  parent: pulumi.Resource,
  extra: Omit<pulumi.CustomResourceOptions, "parent" | "protect" | "retainOnDelete"> = {},
): pulumi.CustomResourceOptions {
  return { ...extra, parent, protect: true, retainOnDelete: true };
}
