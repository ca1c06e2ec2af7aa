/**
 * Bundles the CLI into dist/stronghold.mjs: one file loads in a fraction of the time that
 * resolving hundreds of modules through the TypeScript loader takes. bin/stronghold.js uses the
 * bundle only while it is newer than every source file, so an edit is never run stale.
 */
import { build } from "esbuild";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../", import.meta.url));

await build({
  entryPoints: [`${root}src/cli/main.ts`],
  outfile: `${root}dist/stronghold.mjs`,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  // Prefer packages' ES module builds: some UMD builds (jsonc-parser's) require files at run time.
  mainFields: ["module", "main"],
  sourcemap: "linked",
  // ssh2 loads native addons (.node) with require(); it stays a runtime dependency, loaded from
  // node_modules through the require() below.
  external: ["ssh2"],
  // Some dependencies are CommonJS and call require(); give the ESM bundle one.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
  logLevel: "warning",
});
console.log("built dist/stronghold.mjs");
