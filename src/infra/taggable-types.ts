/**
 * The AWS resource types that take `tags`, read from the installed @pulumi/aws type declarations:
 * a resource class whose `…Args` interface declares `tags` is taggable. The required-tags policy
 * uses the generated list (policies/crossguard/data/aws-taggable-types.json) so it covers every
 * taggable type, not just the ones someone remembered to list.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

/** Every taggable type token (`aws:s3/bucket:Bucket`) in the @pulumi/aws package at `awsRoot`, sorted. */
export function listTaggableTypes(awsRoot: string): string[] {
  const types: string[] = [];
  for (const entry of readdirSync(awsRoot, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith(".d.ts")) continue;
    const declarations = readFileSync(path.join(entry.parentPath, entry.name), "utf8");
    const className = /export declare class (\w+) extends pulumi\.CustomResource/.exec(
      declarations,
    )?.[1];
    if (className === undefined) continue;
    const args = new RegExp(`export interface ${className}Args \\{([\\s\\S]*?)\\n\\}`).exec(
      declarations,
    );
    if (args === null || !/^\s+tags\?: /m.test(args[1]!)) continue;
    const code = readFileSync(
      path.join(entry.parentPath, entry.name.replace(/\.d\.ts$/, ".js")),
      "utf8",
    );
    const token = /__pulumiType = '([^']+)'/.exec(code)?.[1];
    if (token !== undefined) types.push(token);
  }
  return types.sort();
}

/** The generated file's text: JSON as Prettier formats it. */
export function taggableTypesFile(awsRoot: string): string {
  return `${JSON.stringify(listTaggableTypes(awsRoot), null, 2)}\n`;
}
