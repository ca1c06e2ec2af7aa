/**
 * The chart library inlined into the dashboard: d3 and Observable Plot's UMD builds, read from
 * node_modules at run time (from the sources and from the esbuild bundle alike), so the page
 * needs no network.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

let cached: { readonly d3: string; readonly plot: string } | undefined;

/** The minified d3 and Plot scripts, in the order the page must load them. */
export function chartLibrary(): { readonly d3: string; readonly plot: string } {
  if (cached !== undefined) return cached;
  // Both packages' "exports" hide dist/ from require.resolve: resolve their entries, then step
  // to the UMD file beside them. d3 is resolved from Plot's folder, the copy Plot was built for.
  const plotEntry = createRequire(import.meta.url).resolve("@observablehq/plot");
  const plotFile = path.join(path.dirname(plotEntry), "..", "dist", "plot.umd.min.js");
  const d3Entry = createRequire(plotEntry).resolve("d3");
  const d3File = path.join(path.dirname(d3Entry), "d3.min.js");
  cached = { d3: readFileSync(d3File, "utf8"), plot: readFileSync(plotFile, "utf8") };
  return cached;
}
