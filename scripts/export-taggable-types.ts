/** Regenerates policies/crossguard/data/aws-taggable-types.json from the installed @pulumi/aws. */
import { writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { taggableTypesFile } from "../src/infra/taggable-types.js";

const root = fileURLToPath(new URL("../", import.meta.url));
const awsRoot = path.dirname(createRequire(import.meta.url).resolve("@pulumi/aws/package.json"));
const out = path.join(root, "policies/crossguard/data/aws-taggable-types.json");
await writeFile(out, taggableTypesFile(awsRoot));
console.log(`wrote ${path.relative(root, out)}`);
