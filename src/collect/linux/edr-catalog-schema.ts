/**
 * The schema of the endpoint-protection agent list (policies/data/edr-agents.yaml, published as
 * policies/schemas/edr-agents.schema.json); its validator is compiled at build time
 * (`npm run validators`).
 */
import { Type, type Static } from "@sinclair/typebox";

const Names = (description: string) =>
  Type.Optional(
    Type.Array(Type.String({ minLength: 1, maxLength: 128 }), { maxItems: 32, description }),
  );

const Agent = Type.Object(
  {
    product: Type.String({
      minLength: 1,
      maxLength: 256,
      description: "Product name as reports show it.",
    }),
    packages: Names("Package names (dpkg or rpm)."),
    processes: Names("Process names as `ps -e -o comm=` shows them (15 characters at most count)."),
    services: Names("systemd service units without .service."),
    realTimeProtection: Type.Union(
      [
        Type.Literal("while-running"),
        Type.Literal("mdatp-health"),
        Type.Literal("clamav-on-access"),
        Type.Literal("unknown"),
      ],
      { description: "How on-access protection is established." },
    ),
    signatures: Type.Union(
      [Type.Literal("mdatp-health"), Type.Literal("clamav-database"), Type.Literal("none")],
      { description: "Where the signature date comes from." },
    ),
  },
  { additionalProperties: false },
);

/** Schema of policies/data/edr-agents.yaml. */
export const EdrCatalogSchema = Type.Object(
  {
    agents: Type.Array(Agent, {
      minItems: 1,
      maxItems: 256,
      description: "In order of preference.",
    }),
  },
  {
    $id: "urn:stronghold:schema:edr-agents:v1",
    title: "Stronghold endpoint-protection agents (Linux collector)",
    additionalProperties: false,
  },
);

/** The agent list, validated. */
export type EdrCatalog = Static<typeof EdrCatalogSchema>;
/** One agent of the list. */
export type EdrAgent = EdrCatalog["agents"][number];
