/** The policy pack `pulumi preview --policy-pack policies/crossguard` runs. */
import { PolicyPack } from "@pulumi/policy";
import { PACK, PACK_NAME } from "./policies.js";

new PolicyPack(PACK_NAME, PACK);
