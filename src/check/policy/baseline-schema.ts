/**
 * The file formats of the policy side: baselines (policies/baselines/*.yaml), the town's overlay,
 * waivers and the reference data tables. Each is a TypeBox schema, so the JSON Schema that ajv
 * enforces and the TypeScript type the loader returns come from one definition.
 */
import { Type, type Static } from "@sinclair/typebox";
import { LIFECYCLE_STATUSES, OS_FAMILIES, ROLES } from "../../machine-config/schema.js";
import { SEVERITIES } from "../evaluation/result.js";

export const CONTROL_ID_PATTERN = "^[a-z][a-z0-9]*(-[a-z0-9]+)+$";
const ControlId = Type.String({ pattern: CONTROL_ID_PATTERN, maxLength: 80 });
const Words = Type.String({ minLength: 1, maxLength: 4000 });
const Severity = Type.Union(SEVERITIES.map((s) => Type.Literal(s)));
const ParameterName = Type.String({ pattern: "^[a-z][A-Za-z0-9]*$" });

const Applicability = Type.Object(
  {
    osFamily: Type.Optional(
      Type.Array(Type.Union(OS_FAMILIES.map((f) => Type.Literal(f))), { minItems: 1 }),
    ),
    role: Type.Optional(Type.Array(Type.Union(ROLES.map((r) => Type.Literal(r))), { minItems: 1 })),
    lifecycleStatus: Type.Optional(
      Type.Array(Type.Union(LIFECYCLE_STATUSES.map((s) => Type.Literal(s))), { minItems: 1 }),
    ),
  },
  { additionalProperties: false },
);

const References = Type.Object(
  {
    cisControls: Type.Optional(Type.Array(Type.String({ pattern: "^\\d+\\.\\d+$" }))),
    cisBenchmark: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
    nist80053: Type.Optional(Type.Array(Type.String({ pattern: "^[A-Z]{2}-\\d+(\\(\\d+\\))?$" }))),
    csf: Type.Optional(Type.Array(Type.String({ pattern: "^[A-Z]{2}\\.[A-Z]{2}-\\d{2}$" }))),
    nist80088: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
  },
  { additionalProperties: false },
);

const Parameter = Type.Object(
  {
    description: Words,
    /** JSON Schema every value of the parameter (default and overrides) must satisfy. */
    schema: Type.Record(Type.String(), Type.Unknown()),
    default: Type.Unknown(),
  },
  { additionalProperties: false },
);

/**
 * How a control is checked: a JSON Schema fragment evaluated against the machine config
 * (parameters referenced as {"$param": "name"}), a named machine-level function, or a named
 * fleet-level function that sees every machine.
 */
const Check = Type.Union([
  Type.Object(
    { schema: Type.Record(Type.String(), Type.Unknown()) },
    { additionalProperties: false },
  ),
  Type.Object(
    { function: Type.String({ pattern: "^[a-z][A-Za-z0-9]*$" }) },
    { additionalProperties: false },
  ),
  Type.Object(
    { fleet: Type.String({ pattern: "^[a-z][A-Za-z0-9]*$" }) },
    { additionalProperties: false },
  ),
]);

export const ControlSchema = Type.Object(
  {
    id: ControlId,
    title: Type.String({ minLength: 1, maxLength: 200 }),
    severity: Severity,
    rationale: Words,
    remediation: Words,
    references: References,
    appliesTo: Type.Optional(Applicability),
    parameters: Type.Optional(Type.Record(ParameterName, Parameter)),
    check: Check,
  },
  { additionalProperties: false },
);

export const BaselineSchema = Type.Object(
  {
    id: Type.String({ pattern: "^[a-z][a-z0-9-]*$" }),
    title: Type.String({ minLength: 1 }),
    version: Type.String({ pattern: "^\\d+\\.\\d+\\.\\d+$" }),
    description: Words,
    /** Applicability every control of the baseline inherits unless it states its own. */
    appliesTo: Type.Optional(Applicability),
    controls: Type.Array(ControlSchema, { minItems: 1 }),
  },
  { additionalProperties: false },
);

export const OverlaySchema = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    description: Type.Optional(Words),
    /** Baselines by id (from policies/baselines) or by path relative to the overlay. */
    extends: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }),
    /** When given, only these controls are evaluated. */
    select: Type.Optional(Type.Array(ControlId)),
    deselect: Type.Optional(Type.Array(ControlId)),
    controls: Type.Optional(
      Type.Record(
        ControlId,
        Type.Object(
          {
            severity: Type.Optional(Severity),
            parameters: Type.Optional(Type.Record(ParameterName, Type.Unknown())),
          },
          { additionalProperties: false },
        ),
      ),
    ),
  },
  { additionalProperties: false },
);

const WaiverScope = Type.Union([
  Type.Object({ host: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
  Type.Object({ department: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
  Type.Object({ site: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
  Type.Object(
    { role: Type.Union(ROLES.map((r) => Type.Literal(r))) },
    { additionalProperties: false },
  ),
]);

export const WaiversSchema = Type.Object(
  {
    waivers: Type.Array(
      Type.Object(
        {
          id: Type.String({ pattern: "^[A-Za-z0-9][A-Za-z0-9._-]*$" }),
          control: ControlId,
          scope: WaiverScope,
          justification: Words,
          approver: Type.String({ minLength: 1 }),
          expires: Type.String({ format: "date" }),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

/** End-of-support dates, matched on OS family, a name pattern and a version pattern. */
export const OsLifecycleSchema = Type.Object(
  {
    releases: Type.Array(
      Type.Object(
        {
          family: Type.Union(OS_FAMILIES.map((f) => Type.Literal(f))),
          name: Type.String({ description: "Regular expression on os.name (case-insensitive)." }),
          version: Type.String({ description: "Regular expression on os.version." }),
          edition: Type.Optional(Type.String({ description: "Regular expression on os.edition." })),
          endOfSupport: Type.String({ format: "date" }),
          source: Type.Optional(Type.String()),
        },
        { additionalProperties: false },
      ),
      { minItems: 1 },
    ),
  },
  { additionalProperties: false },
);

/**
 * End-of-support dates of applications, matched against a machine's software inventory: an
 * installed title matches a product when `name` matches its name and, when given, `version`
 * matches its version. Dated as a whole (`reviewed`) and per entry (`source`).
 */
export const AppLifecycleSchema = Type.Object(
  {
    reviewed: Type.String({
      format: "date",
      description: "When the table was last checked against the vendors' lifecycle pages.",
    }),
    products: Type.Array(
      Type.Object(
        {
          product: Type.String({ minLength: 1, description: "Product and version, in words." }),
          name: Type.String({
            minLength: 1,
            description: "Regular expression on the installed name (case-insensitive).",
          }),
          version: Type.Optional(
            Type.String({
              minLength: 1,
              description: "Regular expression on the installed version (case-insensitive).",
            }),
          ),
          endOfSupport: Type.String({
            format: "date",
            description: "Last day the vendor ships security updates.",
          }),
          source: Type.String({
            pattern: "^https://",
            description: "The page the date was read from.",
          }),
        },
        { additionalProperties: false },
      ),
      { minItems: 1 },
    ),
    browsers: Type.Optional(
      Type.Object(
        {
          asOf: Type.String({
            format: "date",
            description:
              "When the current majors were read: a browser ships a major every four weeks, so this goes stale fast.",
          }),
          releases: Type.Array(
            Type.Object(
              {
                product: Type.String({
                  minLength: 1,
                  description: "Browser and channel, in words.",
                }),
                name: Type.String({
                  minLength: 1,
                  description: "Regular expression on the installed name (case-insensitive).",
                }),
                channel: Type.Union([Type.Literal("rapid"), Type.Literal("esr")], {
                  description:
                    "rapid: supported within N majors of `major`; esr: only the majors listed for this name are supported branches (their end dates are products above).",
                }),
                major: Type.Integer({
                  minimum: 1,
                  description: "The current major version (rapid) or a supported branch (esr).",
                }),
                released: Type.String({
                  format: "date",
                  description: "When that major reached the stable (or ESR) channel.",
                }),
                source: Type.String({
                  pattern: "^https://",
                  description: "The page the major and date were read from.",
                }),
              },
              { additionalProperties: false },
            ),
            { minItems: 1 },
          ),
        },
        {
          additionalProperties: false,
          description:
            "Browsers without per-version end-of-support dates: supported while close to the current major.",
        },
      ),
    ),
  },
  {
    $id: "urn:stronghold:schema:app-lifecycle:v1",
    title: "Stronghold application end-of-support table",
    additionalProperties: false,
  },
);

/** The CIS Controls v8 safeguards with the lowest Implementation Group of each, for the coverage map. */
export const CisSafeguardsSchema = Type.Object(
  {
    source: Type.String({ pattern: "^https://" }),
    safeguards: Type.Array(
      Type.Object(
        {
          id: Type.String({ pattern: "^\\d+\\.\\d+$" }),
          ig: Type.Union([Type.Literal(1), Type.Literal(2), Type.Literal(3)]),
          title: Type.String({ minLength: 1 }),
        },
        { additionalProperties: false },
      ),
      { minItems: 1 },
    ),
  },
  { additionalProperties: false },
);

/** Which installed titles are commercial, and the register title that licenses them. */
export const SoftwareCatalogSchema = Type.Object(
  {
    titles: Type.Array(
      Type.Object(
        {
          title: Type.String({
            minLength: 1,
            description: "Product name as in the license register.",
          }),
          match: Type.String({
            description: "Regular expression on the installed name (case-insensitive).",
          }),
          publisher: Type.Optional(Type.String()),
          license: Type.Union([
            Type.Literal("commercial"),
            Type.Literal("free"),
            Type.Literal("open-source"),
          ]),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export type RawControl = Static<typeof ControlSchema>;
export type RawBaseline = Static<typeof BaselineSchema>;
export type RawOverlay = Static<typeof OverlaySchema>;
export type RawWaivers = Static<typeof WaiversSchema>;
export type Waiver = RawWaivers["waivers"][number];
export type OsLifecycleTable = Static<typeof OsLifecycleSchema>;
export type SoftwareCatalog = Static<typeof SoftwareCatalogSchema>;
export type AppLifecycleTable = Static<typeof AppLifecycleSchema>;
export type CisSafeguards = Static<typeof CisSafeguardsSchema>;
export type Applicability = Static<typeof Applicability>;
export type ControlReferences = Static<typeof References>;
