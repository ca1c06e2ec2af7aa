/** How a policy's outcome reads in the plan's renderings: one label and one phrase per status. */
import type { PolicyOutcome } from "./policy-check.js";

/** Short label per status; the mapped type makes a new status a compile error until it has one. */
export const OUTCOME_LABEL: Readonly<Record<PolicyOutcome["status"], string>> = {
  passed: "PASS",
  violated: "FAIL",
  "not-applicable": "N/A",
  disabled: "OFF",
  error: "ERROR",
};

/** `passed, 4 checked`, `2 mandatory violations`, `not applicable: …` and so on. */
export function describeOutcome(outcome: PolicyOutcome): string {
  switch (outcome.status) {
    case "passed":
      return outcome.kind === "stack"
        ? "passed"
        : `passed, ${outcome.checked} resource${outcome.checked === 1 ? "" : "s"} checked`;
    case "violated": {
      const mandatory = outcome.violations.filter((v) => v.enforcementLevel === "mandatory").length;
      const advisory = outcome.violations.length - mandatory;
      return [
        mandatory > 0 ? `${mandatory} mandatory violation${mandatory === 1 ? "" : "s"}` : "",
        advisory > 0 ? `${advisory} advisory note${advisory === 1 ? "" : "s"}` : "",
      ]
        .filter(Boolean)
        .join(", ");
    }
    case "not-applicable":
      return `not applicable: ${outcome.reason}`;
    case "disabled":
      return "disabled by the policy configuration";
    case "error":
      return `could not run: ${outcome.errors.map((e) => e.message).join("; ")}`;
  }
}

/** Counts for the verdict line. */
export function tally(outcomes: readonly PolicyOutcome[]): {
  mandatory: number;
  advisory: number;
  errors: number;
} {
  let mandatory = 0;
  let advisory = 0;
  let errors = 0;
  for (const o of outcomes) {
    if (o.status === "error") errors++;
    if (o.status === "violated" || o.status === "error") {
      for (const v of o.violations) {
        if (v.enforcementLevel === "mandatory") mandatory++;
        else advisory++;
      }
    }
  }
  return { mandatory, advisory, errors };
}
