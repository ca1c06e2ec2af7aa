/**
 * The budget report: what `stronghold budget` computes and every format renders. This TypeBox
 * definition is the source of policies/schemas/budget-report.schema.json and of the types.
 */
import { Type, type Static } from "@sinclair/typebox";

const Day = Type.String({ format: "date" });
const Cents = Type.Integer({ minimum: 0, description: "An amount in US cents." });

export const LINE_KINDS = ["replacement", "renewal", "contract"] as const;
export const REASONS = [
  "refresh-age",
  "os-end-of-support",
  "warranty-end",
  "license-expiry",
  "maintenance",
  "contract-term",
  "contract-continuance",
] as const;

const FiscalYearSchema = Type.Object(
  { year: Type.Integer(), label: Type.String(), start: Day, end: Day },
  { additionalProperties: false },
);

export const BudgetLineSchema = Type.Object(
  {
    kind: Type.Union(LINE_KINDS.map((k) => Type.Literal(k))),
    /** Capital reserve (hardware) or operating budget (software, contracts). */
    category: Type.Union([Type.Literal("capital"), Type.Literal("operating")]),
    fiscalYear: Type.Integer(),
    department: Type.String(),
    /** The machine's host name, the license's product, or the contract's service. */
    subject: Type.String(),
    /** The model or class replaced, the license type, the contract's vendor. */
    item: Type.String(),
    /** The day the replacement, renewal or payment falls due. */
    due: Type.Optional(Day),
    reason: Type.Union(REASONS.map((r) => Type.Literal(r))),
    detail: Type.String({ description: "Why, in words, with any unknown fact named." }),
    /** The cost in dollars of that fiscal year; null when nothing prices it (never zero). */
    costCents: Type.Union([Cents, Type.Null()]),
    /** Due before the first forecast year, so budgeted in it. */
    late: Type.Boolean(),
    /** Where the facts come from: the machine file, the register line. */
    source: Type.String(),
    /** Where the price comes from, when priced. */
    priceSource: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

export const DEADLINE_KINDS = [
  "warranty-end",
  "license-expiry",
  "contract-notice",
  "os-end-of-support",
] as const;

export const DeadlineSchema = Type.Object(
  {
    date: Day,
    kind: Type.Union(DEADLINE_KINDS.map((k) => Type.Literal(k))),
    title: Type.String(),
    department: Type.String(),
    /** The machines, the license's product or the contract's service it concerns. */
    subjects: Type.Array(Type.String()),
    source: Type.String(),
    notes: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

const Amounts = {
  capitalCents: Cents,
  operatingCents: Cents,
  unpricedLines: Type.Integer({ minimum: 0 }),
};

export const BudgetReportSchema = Type.Object(
  {
    kind: Type.Literal("stronghold-budget"),
    version: Type.Literal(1),
    at: Type.String({ format: "date-time", description: "The day the forecast is made for." }),
    fiscalYearStart: Type.String({ pattern: "^\\d{2}-\\d{2}$" }),
    inflation: Type.Number({ description: "Yearly rate, 0.03 for 3 %." }),
    years: Type.Array(FiscalYearSchema),
    request: Type.Object(
      {
        fiscalYear: Type.Integer(),
        ...Amounts,
      },
      { additionalProperties: false, description: "Next fiscal year's capital reserve request." },
    ),
    totals: Type.Array(
      Type.Object(
        {
          fiscalYear: Type.Integer(),
          ...Amounts,
          departments: Type.Array(
            Type.Object({ department: Type.String(), ...Amounts }, { additionalProperties: false }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    lines: Type.Array(BudgetLineSchema),
    unscheduled: Type.Array(
      Type.Object(
        {
          subject: Type.String(),
          department: Type.String(),
          source: Type.String(),
          reason: Type.String(),
        },
        { additionalProperties: false },
      ),
      { description: "Machines the forecast cannot place, and why." },
    ),
    moves: Type.Array(
      Type.Object(
        {
          subject: Type.String(),
          department: Type.String(),
          due: Day,
          fromYear: Type.Integer(),
          toYear: Type.Integer(),
          reason: Type.String(),
        },
        { additionalProperties: false },
      ),
      { description: "Replacements the smoothing moved to another fiscal year." },
    ),
    deadlines: Type.Array(DeadlineSchema, {
      description: "Deadlines from the day of the forecast to twelve months later.",
    }),
    smoothing: Type.Optional(
      Type.Object(
        {
          kind: Type.Union([Type.Literal("max-per-year"), Type.Literal("level")]),
          capCents: Cents,
          toleranceMonths: Type.Integer({ minimum: 0 }),
          overCap: Type.Array(Type.Integer(), {
            description: "Fiscal years still above the cap after every allowed move.",
          }),
        },
        { additionalProperties: false, description: "How the capital spend was levelled." },
      ),
    ),
    problems: Type.Array(
      Type.Object(
        {
          file: Type.String(),
          line: Type.Optional(Type.Integer()),
          pointer: Type.String(),
          message: Type.String(),
        },
        { additionalProperties: false },
      ),
      { description: "Register rows the forecast could not use." },
    ),
  },
  {
    $id: "urn:stronghold:schema:budget-report:v1",
    title: "Stronghold budget forecast",
    description:
      "Hardware replacements, software renewals and contracts per fiscal year and department.",
    additionalProperties: false,
  },
);

export type BudgetReport = Static<typeof BudgetReportSchema>;
export type BudgetLine = Static<typeof BudgetLineSchema>;
export type LineKind = (typeof LINE_KINDS)[number];
export type Reason = (typeof REASONS)[number];
export type Deadline = Static<typeof DeadlineSchema>;
