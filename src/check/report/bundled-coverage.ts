/** The coverage page of the three bundled baselines, as docs/coverage.md holds it. */
import { format, resolveConfig } from "prettier";
import { coverageOf } from "../policy/coverage.js";
import { loadReferenceData } from "../policy/data.js";
import { resolvePolicy } from "../policy/resolve.js";
import { coveragePage } from "./coverage-page.js";
import path from "node:path";
import { PROJECT_ROOT } from "../../support/project-root.js";

export async function bundledCoveragePage(): Promise<string> {
  // Applicability and parameters do not change references: any evaluation time will do.
  const [policy, data] = await Promise.all([
    resolvePolicy({ at: new Date(0) }),
    loadReferenceData(),
  ]);
  const controls = policy.controls.map((c) => c.meta);
  const page = coveragePage(
    coverageOf(controls, data.cisSafeguards),
    policy.baselines.map((b) => b.id),
  );
  // Formatted as the project formats Markdown, so the file passes the format check as written.
  const file = path.join(PROJECT_ROOT, "docs", "coverage.md");
  return format(page, { ...(await resolveConfig(file)), filepath: file });
}
