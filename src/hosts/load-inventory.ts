/** Reads, validates and normalises a hosts inventory; every problem comes back with its location. */
import { homedir, userInfo } from "node:os";
import { dirname, isAbsolute, posix, resolve } from "node:path";
import type { InputProblem } from "../documents/input-problem.js";
import { loadChecked, type ExplainingValidator } from "../documents/ajv.js";
import { lineOf } from "../documents/locate.js";
import type { RawHost, RawHostsInventory } from "./inventory-schema.js";
import precompiled from "./inventory.validate.cjs";
import type {
  HostKeyPolicy,
  Inventory,
  InventoryHost,
  Platform,
  SshAuth,
  Transport,
} from "./inventory.js";

export type LoadedInventory =
  | { readonly ok: true; readonly inventory: Inventory }
  | { readonly ok: false; readonly problems: readonly InputProblem[] };

const DEFAULT_PORT = 22;
const DEFAULT_CONNECT_TIMEOUT_S = 10;

/** `~/x` → home; a relative path → relative to the inventory file's folder. */
function resolvePath(path: string, baseDir: string): string {
  if (path === "~") return homedir();
  if (path.startsWith("~/")) return resolve(homedir(), path.slice(2));
  return isAbsolute(path) ? path : resolve(baseDir, path);
}

function transportOf(
  host: RawHost,
  defaults: RawHostsInventory["defaults"],
  baseDir: string,
): Transport {
  if (host.transport === "local") return { kind: "local" };
  const d = defaults ?? {};
  const identityFile = host.identityFile ?? d.identityFile;
  const agent = host.agent ?? d.agent ?? false;
  const auth: SshAuth =
    identityFile !== undefined
      ? { kind: "key", identityFile: resolvePath(identityFile, baseDir) }
      : agent
        ? { kind: "agent" }
        : { kind: "key", identityFile: resolve(homedir(), ".ssh/id_ed25519") };
  const checking = host.hostKeyChecking ?? d.hostKeyChecking ?? "strict";
  const hostKey: HostKeyPolicy =
    checking === "off"
      ? { kind: "unchecked" }
      : {
          kind: "known-hosts",
          file: resolvePath(
            host.knownHostsFile ?? d.knownHostsFile ?? "~/.ssh/known_hosts",
            baseDir,
          ),
        };
  return {
    kind: "ssh",
    host: host.address ?? host.name,
    port: host.port ?? d.port ?? DEFAULT_PORT,
    user: host.user ?? d.user ?? userInfo().username,
    auth,
    hostKey,
    connectTimeoutMs:
      (host.connectTimeoutSeconds ?? d.connectTimeoutSeconds ?? DEFAULT_CONNECT_TIMEOUT_S) * 1000,
  };
}

/** `platform: macos` from the host or the defaults; linux, the default, is left implicit. */
function platformOf(
  host: RawHost,
  defaults: RawHostsInventory["defaults"],
): { platform?: Platform } {
  const platform = host.platform ?? defaults?.platform ?? "linux";
  return platform === "linux" ? {} : { platform };
}

/** Checks JSON Schema cannot express: unique names, meaningful SSH settings, safe sandboxes. */
function semanticProblems(raw: RawHostsInventory, file: string, text: string): InputProblem[] {
  const problems: InputProblem[] = [];
  const at = (pointer: string, message: string) =>
    problems.push({ file, pointer, line: lineOf(text, pointer), message });
  const seen = new Map<string, number>();
  raw.hosts.forEach((host, i) => {
    const first = seen.get(host.name.toLowerCase());
    if (first !== undefined) at(`/hosts/${i}/name`, `duplicates the name of /hosts/${first}`);
    else seen.set(host.name.toLowerCase(), i);
    if (host.transport === "local") {
      for (const key of [
        "address",
        "port",
        "user",
        "identityFile",
        "agent",
        "knownHostsFile",
        "hostKeyChecking",
      ] as const) {
        if (host[key] !== undefined)
          at(`/hosts/${i}/${key}`, "is an SSH setting; a local host has none");
      }
    }
    if (host.identityFile !== undefined && host.agent === true) {
      at(`/hosts/${i}/agent`, "conflicts with identityFile: choose key or agent authentication");
    }
    const sandbox = host.drill?.sandbox ?? [];
    if (host.drill?.target === true && sandbox.length === 0) {
      at(
        `/hosts/${i}/drill/sandbox`,
        "is required for a drill target: list the paths drills may touch",
      );
    }
    sandbox.forEach((path, j) => {
      const normal = posix.normalize(path).replace(/\/+$/, "");
      if (normal !== path.replace(/\/+$/, "")) {
        at(
          `/hosts/${i}/drill/sandbox/${j}`,
          `must be a normalised path (no "." or ".." parts), e.g. ${normal}`,
        );
      } else if (normal.split("/").length < 3) {
        at(
          `/hosts/${i}/drill/sandbox/${j}`,
          "must be at least two levels deep (a drill never owns /, /srv or /home)",
        );
      }
    });
  });
  return problems;
}

/**
 * The inventory's validator, compiled at build time from HostsInventorySchema (`npm run
 * validators`; a test fails while it is stale, another while it finds other problems than the
 * schema compiled at run time): compiling it cost every collection and drill about 40 ms.
 */
const validateInventory = precompiled as unknown as ExplainingValidator<RawHostsInventory>;

/** Loads a hosts inventory file (YAML or JSON). */
export async function loadInventory(file: string): Promise<LoadedInventory> {
  const loaded = await loadChecked(file, validateInventory);
  if (!loaded.ok) return { ok: false, problems: loaded.problems };
  const raw = loaded.value;
  const problems = semanticProblems(raw, file, loaded.text);
  if (problems.length > 0) return { ok: false, problems };
  const baseDir = dirname(resolve(file));
  const hosts: InventoryHost[] = raw.hosts.map((host, i) => ({
    name: host.name,
    transport: transportOf(host, raw.defaults, baseDir),
    ...platformOf(host, raw.defaults),
    roles: host.roles ?? [],
    ...(host.machine ? { machine: host.machine } : {}),
    drill: {
      target: host.drill?.target ?? false,
      sandbox: (host.drill?.sandbox ?? []).map((p) => p.replace(/\/+$/, "")),
    },
    pointer: `/hosts/${i}`,
  }));
  return { ok: true, inventory: { file, hosts } };
}
