/**
 * Bundles the CLI into dist/stronghold.mjs, and `collect` and `check` alone into
 * dist/stronghold-collect.mjs and dist/stronghold-check.mjs (sharing chunks with it): one file
 * loads in a fraction of the time that resolving hundreds of modules through the TypeScript
 * loader takes. bin/stronghold.js uses the bundle only while it is
 * newer than every source file, so an edit is never run stale.
 * Modules a command imports on use (`infra plan` and the Pulumi SDKs) become chunks of their own
 * under dist/chunks/, so other commands never load them. The shipped baselines and reference
 * tables go in parsed (scripts/embed-policy-documents.ts), each used only while its file's text
 * is unchanged.
 */
import { build } from "esbuild";
import { rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { embedPolicyDocuments } from "./embed-policy-documents.js";

const root = fileURLToPath(new URL("../", import.meta.url));

// Chunk names carry a content hash: drop the last build's so stale ones do not pile up.
rmSync(`${root}dist/chunks`, { recursive: true, force: true });

await build({
  // `collect` and `check` alone as well, so a collection or a check loads only its part of the
  // code (bin/stronghold.js picks the entry; its table of entries names the same three).
  entryPoints: {
    stronghold: `${root}src/cli/main.ts`,
    "stronghold-collect": `${root}src/cli/main-collect.ts`,
    "stronghold-check": `${root}src/cli/main-check.ts`,
  },
  outdir: `${root}dist`,
  outExtension: { ".js": ".mjs" },
  splitting: true,
  chunkNames: "chunks/[name]-[hash]",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  // Both stay in node_modules. The Pulumi SDKs: bundled they add ~28 MB and break at run time
  // (they require() their own files, gRPC protos and plugin metadata by path). ssh2: it loads
  // native addons (.node) with require(); so does better-sqlite3. playwright-core (report html
  // --pdf) reads its own files through __dirname, which an ES module bundle does not have.
  external: ["@pulumi/*", "ssh2", "better-sqlite3", "playwright-core"],
  // Prefer packages' ES module builds: some UMD builds (jsonc-parser's) require files at run time.
  mainFields: ["module", "main"],
  sourcemap: "linked",
  // Some dependencies are CommonJS and call require(); give the ESM bundle one.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
  // The shipped baselines and reference tables, parsed once here instead of at every check.
  plugins: [embedPolicyDocuments(root)],
  logLevel: "warning",
});
console.log("built dist/stronghold.mjs, dist/stronghold-collect.mjs and dist/stronghold-check.mjs");
