#!/usr/bin/env node
// Installed from a package (`npm pack`, then `npm install -g`), there are no sources: it runs the
// bundle. In a checkout it runs the bundle built by `npm run build` when it is newer than every
// source file, otherwise the TypeScript sources through tsx, so a change is never run stale.
// STRONGHOLD_FROM_SOURCE=1 forces the sources.
import { existsSync, readdirSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = fileURLToPath(new URL("../", import.meta.url));
// `collect` and `check` have entries of their own (src/cli/main-collect.ts, main-check.ts): a
// collection run, nightly over every host, and a check, on every change in CI, load only their
// command's code. scripts/build.ts builds the same three entries.
const ENTRIES = {
  collect: { source: "main-collect", bundle: "stronghold-collect" },
  check: { source: "main-check", bundle: "stronghold-check" },
};
const command = process.argv[2] ?? "";
const entry = Object.hasOwn(ENTRIES, command)
  ? ENTRIES[command]
  : { source: "main", bundle: "stronghold" };
const bundle = path.join(root, "dist", `${entry.bundle}.mjs`);

// The bundle holds src/, the drill runbooks and the CrossGuard policy pack `infra plan` evaluates.
// It also carries the baselines and reference tables of policies/ parsed, but uses a copy only
// while the file's text is exactly the one it was parsed from (src/documents/embedded-documents.ts),
// so an edited baseline is read from disk and needs no check here.
const BUNDLED = ["src", "runbooks", path.join("policies", "crossguard")];

function newestSource() {
  let newest = statSync(path.join(root, "package.json")).mtimeMs;
  for (const folder of BUNDLED) {
    for (const entry of readdirSync(path.join(root, folder), {
      recursive: true,
      withFileTypes: true,
    })) {
      if (entry.isFile())
        newest = Math.max(newest, statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
    }
  }
  return newest;
}

const installed = !existsSync(path.join(root, "src"));
if (installed && !existsSync(bundle)) {
  console.error(`stronghold: ${bundle} is missing; reinstall from a tarball made by npm pack`);
  process.exit(70);
}

const useBundle =
  installed ||
  (!process.env.STRONGHOLD_FROM_SOURCE &&
    existsSync(bundle) &&
    statSync(bundle).mtimeMs >= newestSource());

let main;
if (useBundle) {
  ({ main } = await import(bundle));
} else {
  const { register } = await import("tsx/esm/api");
  register();
  ({ main } = await import(`../src/cli/${entry.source}.ts`));
}
process.exitCode = await main(process.argv);
