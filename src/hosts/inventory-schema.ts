/**
 * The hosts inventory as written: the machines drills and the collector reach, how to reach them
 * (local or SSH), what each is for, and which may be used for destructive drills and where.
 * Published as policies/schemas/hosts-inventory.schema.json.
 */
import { Type, type Static } from "@sinclair/typebox";
import { HOSTNAME_PATTERN, LIFECYCLE_STATUSES, ROLES } from "../machine-config/schema.js";

const Text = (description: string) => Type.String({ minLength: 1, maxLength: 256, description });

const SshSettings = {
  port: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 65535, description: "SSH port (default 22)." }),
  ),
  user: Type.Optional(Text("Login user (default: the user running stronghold).")),
  identityFile: Type.Optional(
    Text("Private key file; `~` and paths relative to the inventory file are resolved."),
  ),
  agent: Type.Optional(
    Type.Boolean({ description: "Authenticate through the SSH agent at SSH_AUTH_SOCK." }),
  ),
  knownHostsFile: Type.Optional(
    Text("known_hosts file the host key is verified against (default ~/.ssh/known_hosts)."),
  ),
  hostKeyChecking: Type.Optional(
    Type.Union([Type.Literal("strict"), Type.Literal("off")], {
      description:
        "strict (default): the host key must be in known_hosts. off: accept any key — an explicit opt-out for lab networks only.",
    }),
  ),
  connectTimeoutSeconds: Type.Optional(
    Type.Number({
      exclusiveMinimum: 0,
      maximum: 600,
      description: "Connect timeout (default 10).",
    }),
  ),
};

const PlatformSetting = {
  platform: Type.Optional(
    Type.Union([Type.Literal("linux"), Type.Literal("macos")], {
      description:
        "What the host runs, which decides the probes stronghold collect sends: linux (default) or macos.",
    }),
  ),
};

const MachineFacts = Type.Object(
  {
    department: Text("Owning department, e.g. police."),
    site: Text("Building where the machine lives."),
    role: Type.Union(
      ROLES.map((r) => Type.Literal(r)),
      { description: "Machine role in the compliance model." },
    ),
    owner: Type.Optional(Text("Responsible person or team.")),
    assetTag: Type.Optional(Text("Asset tag.")),
    lifecycleStatus: Type.Optional(Type.Union(LIFECYCLE_STATUSES.map((s) => Type.Literal(s)))),
  },
  {
    additionalProperties: false,
    description: "Facts a collector cannot read off the machine, copied into its machine config.",
  },
);

const DrillPermissions = Type.Object(
  {
    target: Type.Boolean({
      description: "true marks the host as a drill target: destructive drill steps may run on it.",
    }),
    sandbox: Type.Optional(
      Type.Array(
        Type.String({
          pattern: "^/",
          minLength: 2,
          description: "Absolute path a destructive step may touch.",
        }),
        { maxItems: 64, description: "The only paths destructive steps may touch on this host." },
      ),
    ),
  },
  { additionalProperties: false },
);

const Host = Type.Object(
  {
    name: Type.String({ pattern: HOSTNAME_PATTERN, description: "Host name (RFC 1123)." }),
    transport: Type.Optional(
      Type.Union([Type.Literal("ssh"), Type.Literal("local")], {
        description: "ssh (default) or local: this machine, without SSH.",
      }),
    ),
    address: Type.Optional(Text("Address to connect to (default: the name).")),
    ...PlatformSetting,
    ...SshSettings,
    roles: Type.Optional(
      Type.Array(Type.String({ pattern: "^[a-z0-9][a-z0-9-]*$", maxLength: 64 }), {
        maxItems: 32,
        description: "Free-form roles runbooks select targets by, e.g. file-server, dr-host.",
      }),
    ),
    machine: Type.Optional(MachineFacts),
    drill: Type.Optional(DrillPermissions),
  },
  { additionalProperties: false },
);

export const HostsInventorySchema = Type.Object(
  {
    version: Type.Literal(1, { description: "Inventory format version." }),
    defaults: Type.Optional(
      Type.Object(
        { ...PlatformSetting, ...SshSettings },
        {
          additionalProperties: false,
          description: "Platform and SSH settings every host inherits unless it sets its own.",
        },
      ),
    ),
    hosts: Type.Array(Host, { minItems: 1, maxItems: 10000 }),
  },
  {
    $id: "https://stronghold.example/schemas/hosts-inventory.schema.json",
    title: "Stronghold hosts inventory",
    additionalProperties: false,
  },
);

export type RawHostsInventory = Static<typeof HostsInventorySchema>;
export type RawHost = RawHostsInventory["hosts"][number];
