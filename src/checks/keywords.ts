/**
 * Custom ajv keywords for what plain JSON Schema cannot say: how old a date is relative to the
 * evaluation time. Anything that is not a parseable date — "unknown" included — fails. Dates count
 * in whole days, exactly as the named checks count them (src/checks/dates.ts).
 */
import type { Ajv2020 } from "ajv/dist/2020.js";
import { ageInDays } from "./dates.js";

export function addDateKeywords(ajv: Ajv2020, at: Date): void {
  ajv.addKeyword({
    keyword: "maxAgeDays",
    schemaType: "number",
    errors: false,
    validate: (maxDays: number, data: unknown) => {
      const age = typeof data === "string" ? ageInDays(data, at) : undefined;
      return age !== undefined && age <= maxDays;
    },
  });
  ajv.addKeyword({
    keyword: "minDaysRemaining",
    schemaType: "number",
    errors: false,
    validate: (minDays: number, data: unknown) => {
      const age = typeof data === "string" ? ageInDays(data, at) : undefined;
      return age !== undefined && -age >= minDays;
    },
  });
}
