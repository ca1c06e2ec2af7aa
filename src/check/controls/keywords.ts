/**
 * Custom ajv keywords for what plain JSON Schema cannot say: how old a date is relative to the
 * evaluation time. Anything that is not a parseable date — "unknown" included — fails. Dates count
 * in whole days, exactly as the named checks count them (src/check/controls/dates.ts).
 */
import type { Ajv } from "ajv";
import type { Ajv2020 } from "ajv/dist/2020.js";
import { ageInDays } from "./dates.js";

/** The keywords addDateKeywords adds, the same in every ajv class. */
export const DATE_KEYWORDS: ReadonlySet<string> = new Set(["maxAgeDays", "minDaysRemaining"]);

export function addDateKeywords(ajv: Ajv | Ajv2020, at: Date): void {
  const dateKeyword = (keyword: string, holds: (ageDays: number, limit: number) => boolean) =>
    ajv.addKeyword({
      keyword,
      schemaType: "number",
      errors: false,
      validate: (limit: number, data: unknown) => {
        const age = typeof data === "string" ? ageInDays(data, at) : undefined;
        return age !== undefined && holds(age, limit);
      },
    });
  /** The date lies at most `limit` days before the evaluation time. */
  dateKeyword("maxAgeDays", (age, limit) => age <= limit);
  /** The date lies at least `limit` days after the evaluation time. */
  dateKeyword("minDaysRemaining", (age, limit) => -age >= limit);
}
