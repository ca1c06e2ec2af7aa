/**
 * What collecting one host came to: ok with the facts it could not establish, or one failure of a
 * closed set. The collection report, the table and the exit code are all derived from these. The
 * TypeBox schemas give both the published JSON Schema and the TypeScript types.
 */
import { Type, type Static } from "@sinclair/typebox";
import { TRANSPORT_FAILURES } from "../hosts/transport/session.js";

const COLLECTOR_FAILURES = [
  /** The inventory entry lacks the facts only a person knows (department, site, role). */
  "inventory-incomplete",
  /** The probe script's output was missing, cut short or not framed (a broken or hostile shell). */
  "probe-error",
  /** The collected config does not validate against the machine-config schema. */
  "invalid-config",
  /** The machine file could not be written. */
  "write-failed",
] as const;

/** Every way collecting a host can fail: the transport's reasons and the collector's. */
export const FAILURES = [...TRANSPORT_FAILURES, ...COLLECTOR_FAILURES] as const;
/** One failure outcome. */
export type Failure = (typeof FAILURES)[number];
/** Every outcome, ok first. */
export const OUTCOMES = ["ok", ...FAILURES] as const;
/** One outcome. */
export type Outcome = (typeof OUTCOMES)[number];

const UnknownFactSchema = Type.Object(
  {
    field: Type.String({ description: "JSON pointer of the field in the machine config." }),
    reason: Type.String({ description: "Why the collector could not establish it." }),
  },
  { additionalProperties: false },
);
/** A machine-config field left "unknown", and why. */
export type UnknownFact = Static<typeof UnknownFactSchema>;

/** Schema of an observation. */
export const ObservationSchema = Type.Union([
  Type.Object(
    {
      value: Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Array(Type.String())]),
    },
    { additionalProperties: false },
  ),
  Type.Object({ unknown: Type.String() }, { additionalProperties: false }),
]);
/** A fact outside the machine-config model: its value, or why it is unknown. */
export type Observation = Static<typeof ObservationSchema>;

const common = {
  name: Type.String({ description: "Host name from the inventory." }),
  address: Type.String({ description: "user@host:port, or local." }),
  durationMs: Type.Integer({ minimum: 0 }),
};

const HostOkSchema = Type.Object(
  {
    outcome: Type.Literal("ok"),
    ...common,
    file: Type.String({ description: "Machine file written, relative to the output directory." }),
    unknown: Type.Array(UnknownFactSchema),
    observations: Type.Record(Type.String(), ObservationSchema, {
      description: "Facts the machine-config model has no field for.",
    }),
  },
  { additionalProperties: false },
);

const HostFailedSchema = Type.Object(
  {
    outcome: Type.Union(FAILURES.map((f) => Type.Literal(f))),
    ...common,
    message: Type.String(),
    details: Type.Optional(Type.Array(Type.String(), { description: "Located details." })),
  },
  { additionalProperties: false },
);

/** A host collected and written. */
export type HostOk = Static<typeof HostOkSchema>;
/** A host that could not be collected, and why. */
export type HostFailed = Static<typeof HostFailedSchema>;
/** One host's entry in the collection report. */
export type HostResult = HostOk | HostFailed;

/** Schema of one host's entry. */
export const HostResultSchema = Type.Union([HostOkSchema, HostFailedSchema]);
