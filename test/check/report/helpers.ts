/** Shared test helpers for the reporters: capture the chunks a renderer writes. */
import type { CheckReport } from "../../../src/check/evaluation/report-model.js";
import type { Render } from "../../../src/check/report/index.js";

/** Renders and returns every chunk passed to `write`, in order. */
export function chunksOf(render: Render, report: CheckReport): string[] {
  const chunks: string[] = [];
  render(report, (chunk) => chunks.push(chunk));
  return chunks;
}

/** Renders into one string. */
export function textOf(render: Render, report: CheckReport): string {
  return chunksOf(render, report).join("");
}

// eslint-disable-next-line no-control-regex
export const ANSI = /\u001b\[[0-9;]*m/;
