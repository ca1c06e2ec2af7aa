/**
 * JUnit XML of a drill for CI dashboards: a suite with one test case per step (failed, timed-out
 * and interrupted steps carry a <failure>, steps not run are <skipped>), and a suite with one test
 * case per recovery objective (a missed or unmeasured target fails).
 */
import { create } from "xmlbuilder2";
import { describeTarget } from "./metrics.js";
import type { DrillRun, TargetMetric } from "./run-record.js";

/** The JUnit XML file name in a run folder. */
export const JUNIT_FILE = "junit.xml";

/* eslint-disable no-control-regex */
const NOT_XML_CHAR =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
/* eslint-enable no-control-regex */

/** XML 1.0 cannot carry some code points even escaped. */
function safe(text: string): string {
  return text.replace(NOT_XML_CHAR, "\uFFFD");
}

interface Case {
  readonly classname: string;
  readonly name: string;
  readonly seconds: number;
  readonly failure?: { readonly type: string; readonly message: string; readonly body: string };
  readonly skipped?: string;
}

type XMLBuilder = ReturnType<typeof create>;

function suite(parent: XMLBuilder, name: string, cases: readonly Case[], timestamp: string): void {
  const failures = cases.filter((c) => c.failure).length;
  const skipped = cases.filter((c) => c.skipped !== undefined).length;
  const el = parent.ele("testsuite", {
    name: safe(name),
    tests: String(cases.length),
    failures: String(failures),
    errors: "0",
    skipped: String(skipped),
    time: cases.reduce((t, c) => t + c.seconds, 0).toFixed(3),
    timestamp,
  });
  for (const c of cases) {
    const tc = el.ele("testcase", {
      classname: safe(c.classname),
      name: safe(c.name),
      time: c.seconds.toFixed(3),
    });
    if (c.failure)
      tc.ele("failure", { message: safe(c.failure.message), type: c.failure.type }).txt(
        safe(c.failure.body),
      );
    else if (c.skipped !== undefined) tc.ele("skipped", { message: safe(c.skipped) });
  }
}

function objective(run: DrillRun, name: "RTO" | "RPO", m: TargetMetric | undefined): Case {
  const base = { classname: `drill.${run.runbook.id}.objectives`, name, seconds: 0 };
  if (m === undefined) return { ...base, skipped: "not applicable to this drill" };
  if (m.met === true) return base;
  const stepsFailed = run.verdict.status !== "passed" && !run.verdict.failedAt.includes("target");
  if (m.met === undefined && stepsFailed)
    return { ...base, skipped: `${m.basis} (a step failed first)` };
  return {
    ...base,
    failure: {
      type: m.met === false ? "target-missed" : "not-measured",
      message: `${name}: ${describeTarget(m)}`,
      body: `${name}: ${describeTarget(m)}\nmeasured as: ${m.basis}`,
    },
  };
}

/** The JUnit XML document. */
export function renderJUnit(run: DrillRun): string {
  const root = create({ version: "1.0", encoding: "UTF-8" }).ele("testsuites", {
    name: safe(`stronghold drill ${run.runbook.id}`),
  });
  const steps: Case[] = run.steps.map((s) => {
    const o = s.outcome;
    const base = {
      classname: `drill.${run.runbook.id}.${s.phase}`,
      name: s.name,
      seconds: o.status === "skipped" ? 0 : o.durationMs / 1000,
    };
    switch (o.status) {
      case "passed":
        return base;
      case "skipped":
        return { ...base, skipped: o.reason };
      case "failed":
      case "timed-out":
      case "interrupted":
        return {
          ...base,
          failure: {
            type: o.status,
            message: o.error,
            body: [
              o.error,
              ...o.details,
              ...(o.attempts > 1 ? [`attempts: ${o.attempts}`] : []),
            ].join("\n"),
          },
        };
    }
  });
  suite(root, `drill.${run.runbook.id}`, steps, run.startedAt);
  suite(
    root,
    `drill.${run.runbook.id}.objectives`,
    [objective(run, "RTO", run.metrics.rto), objective(run, "RPO", run.metrics.rpo)],
    run.startedAt,
  );
  return root.end({ prettyPrint: true });
}
