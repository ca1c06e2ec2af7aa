// The documentation's examples are run, not just read: every YAML example in the README and in
// docs/ loads with the loader of its kind, every relative link between the pages resolves, and the
// architecture page names every folder of src/.
import { expect } from "chai";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { parse, stringify } from "yaml";
import { RUNBOOKS } from "../runbooks/index.js";
import { main } from "../src/cli/main.js";
import { loadValidated } from "../src/documents/ajv.js";
import { AppLifecycleSchema, WaiversSchema } from "../src/check/policy/baseline-schema.js";
import { appPatternProblems } from "../src/check/policy/data.js";
import { loadIpPlan } from "../src/check/input/ip-plan.js";
import { resolvePolicy } from "../src/check/policy/resolve.js";
import { loadDrillConfig } from "../src/drill/planning/config.js";
import { loadInventory } from "../src/hosts/load-inventory.js";
import { parseStackConfig } from "../src/infra/config.js";
import { readStackConfigFile } from "../src/infra/config-file.js";
import { PROJECT_ROOT } from "../src/support/project-root.js";
import { loadWorkspace } from "../src/workspace/workspace-file.js";

/** The pages: the README and every page of docs/, as paths relative to the project root. */
const PAGES = [
  "README.md",
  ...(await readdir(path.join(PROJECT_ROOT, "docs")))
    .filter((f) => f.endsWith(".md"))
    .sort()
    .map((f) => `docs/${f}`),
];
const TEXT = new Map(
  await Promise.all(
    PAGES.map(async (p) => [p, await readFile(path.join(PROJECT_ROOT, p), "utf8")] as const),
  ),
);

/** The fenced blocks of a page, with their language. */
function fencedBlocks(text: string): { lang: string; body: string }[] {
  // Fences inside list items are indented; their lines lose that indent.
  return [...text.matchAll(/^( *)```(\w*)\n([\s\S]*?)^\1```/gm)].map((m) => ({
    lang: m[2]!,
    body: m[3]!
      .split("\n")
      .map((line) => (line.startsWith(m[1]!) ? line.slice(m[1]!.length) : line))
      .join("\n"),
  }));
}

type Kind =
  | "overlay"
  | "waivers"
  | "hosts-inventory"
  | "drill-config"
  | "ci-workflow"
  | "ci-jobs"
  | "stack-settings"
  | "app-lifecycle"
  | "ip-plan"
  | "workspace";

/** What a YAML example is, by its shape; undefined for a shape no loader covers. */
function kindOf(value: unknown): Kind | undefined {
  if (Array.isArray(value)) return "ci-workflow";
  if (typeof value !== "object" || value === null) return undefined;
  if ("jobs" in value) return "ci-jobs";
  if ("town" in value && "schedule" in value) return "workspace";
  if ("extends" in value) return "overlay";
  if ("waivers" in value) return "waivers";
  if ("products" in value && "reviewed" in value) return "app-lifecycle";
  if ("sites" in value) return "ip-plan";
  if ("hosts" in value && Array.isArray(value.hosts)) return "hosts-inventory";
  if ("version" in value) return "drill-config";
  const keys = Object.keys(value);
  if (keys.length > 0 && keys.every((k) => k.startsWith("stronghold:"))) return "stack-settings";
  return undefined;
}

const EXAMPLES = PAGES.flatMap((page) =>
  fencedBlocks(TEXT.get(page)!)
    .filter((b) => b.lang === "yaml")
    .map((b, i) => {
      const value: unknown = parse(b.body);
      return { page, n: i + 1, body: b.body, value, kind: kindOf(value) };
    }),
);

/** `--options` of `stronghold <command...> --help`. */
async function helpOptions(...command: string[]): Promise<Set<string>> {
  let stdout = "";
  const code = await main(["node", "stronghold", ...command, "--help"], {
    stdout: (chunk) => void (stdout += chunk),
    stderr: () => undefined,
    stdin: new PassThrough(),
    env: { NO_COLOR: "1" },
    isTTY: false,
  });
  expect(code).to.equal(0);
  return new Set(stdout.match(/--[a-z][a-z-]*/g));
}

describe("documentation examples", () => {
  let dir: string;
  before(async () => (dir = await mkdtemp(path.join(tmpdir(), "stronghold-docs-"))));
  after(() => rm(dir, { recursive: true, force: true }));

  async function written(name: string, body: string): Promise<string> {
    const file = path.join(dir, name);
    await writeFile(file, body);
    return file;
  }

  it("every YAML example is of a kind these tests load, and each page keeps its examples", () => {
    for (const e of EXAMPLES)
      expect(e.kind, `${e.page}, YAML example ${e.n}: no loader for it`).to.be.a("string");
    const byPage = Object.fromEntries(
      PAGES.map((p) => [p, EXAMPLES.filter((e) => e.page === p).map((e) => e.kind)]),
    );
    expect(byPage["docs/check.md"]).to.deep.equal([
      "app-lifecycle",
      "app-lifecycle",
      "overlay",
      "waivers",
      "overlay",
      "ip-plan",
      "ci-workflow",
      "ci-jobs",
    ]);
    expect(byPage["docs/collect.md"]).to.deep.equal(["hosts-inventory", "hosts-inventory"]);
    expect(byPage["docs/workspace.md"]).to.deep.equal(["workspace"]);
    expect(byPage["docs/drills.md"]).to.deep.equal(["hosts-inventory", "drill-config"]);
    expect(byPage["docs/infrastructure.md"]).to.deep.equal([
      "stack-settings",
      "stack-settings",
      "stack-settings",
      "stack-settings",
    ]);
  });

  for (const e of EXAMPLES) {
    const where = `${e.page}, YAML example ${e.n}`;
    switch (e.kind) {
      case "overlay":
        it(`${where}: the overlay tailors the bundled baselines as it says`, async () => {
          const file = await written(`overlay-${e.n}.yaml`, e.body);
          const policy = await resolvePolicy({ at: new Date("2026-11-20"), overlayFile: file });
          const overlay = e.value as {
            deselect?: string[];
            controls?: Record<string, { severity?: string }>;
          };
          const ids = policy.controls.map((c) => c.meta.id);
          expect(ids.length).to.be.greaterThan(0);
          for (const id of overlay.deselect ?? []) expect(ids).to.not.include(id);
          for (const [id, change] of Object.entries(overlay.controls ?? {}))
            if (change.severity !== undefined)
              expect(policy.controls.find((c) => c.meta.id === id)?.meta.severity).to.equal(
                change.severity,
              );
        });
        break;
      case "waivers":
        it(`${where}: is a valid waivers file`, async () => {
          const loaded = await loadValidated(
            await written(`waivers-${e.n}.yaml`, e.body),
            WaiversSchema,
          );
          expect(loaded.ok, JSON.stringify(loaded)).to.equal(true);
        });
        break;
      case "app-lifecycle":
        it(`${where}: is a valid application end-of-support table`, async () => {
          const file = await written(`app-lifecycle-${e.n}.yaml`, e.body);
          const loaded = await loadValidated(file, AppLifecycleSchema);
          expect(appPatternProblems(file, loaded)).to.deep.equal([]);
        });
        break;
      case "ip-plan":
        it(`${where}: is a usable IP plan with no problems`, async () => {
          const loaded = await loadIpPlan(await written(`ip-plan-${e.n}.yaml`, e.body));
          expect(loaded.problems).to.deep.equal([]);
          const sites = (e.value as { sites: { site: string }[] }).sites.map((s) => s.site);
          expect([...loaded.plan.sites.values()].map((s) => s.site)).to.deep.equal(sites);
        });
        break;
      case "hosts-inventory":
        it(`${where}: is a valid hosts inventory`, async () => {
          const file = await written(`hosts-${e.page.replace(/\W/g, "-")}-${e.n}.yaml`, e.body);
          const loaded = await loadInventory(file);
          if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
          const names = (e.value as { hosts: { name: string }[] }).hosts.map((h) => h.name);
          expect(loaded.inventory.hosts.map((h) => h.name)).to.deep.equal(names);
        });
        break;
      case "drill-config":
        it(`${where}: is a valid drill config for every runbook`, async () => {
          const file = await written(`drill-${e.n}.yaml`, e.body);
          const ids = RUNBOOKS.map((r) => r.meta.id);
          for (const id of ids) {
            const loaded = await loadDrillConfig(file, id, ids);
            expect(loaded.ok, `${id}: ${JSON.stringify(loaded)}`).to.equal(true);
          }
        });
        break;
      case "ci-workflow":
        it(`${where}: the CI steps use only options stronghold check has`, async () => {
          const steps = e.value as { run?: string; uses?: string }[];
          const commands = steps.flatMap((s) =>
            s.run?.includes("stronghold check") ? [s.run] : [],
          );
          expect(commands.length).to.be.greaterThan(0);
          const known = await helpOptions("check");
          for (const command of commands)
            for (const option of command.match(/--[a-z][a-z-]*/g) ?? [])
              expect(known, option).to.include(option);
          for (const s of steps) expect(s.run ?? s.uses, JSON.stringify(s)).to.be.a("string");
        });
        break;
      case "ci-jobs":
        it(`${where}: every job's stronghold steps use only options the command has`, async () => {
          const { jobs } = e.value as { jobs: Record<string, { steps: { run?: string }[] }> };
          const runs = Object.values(jobs).flatMap((j) =>
            j.steps.flatMap((s) => (s.run ? [s.run] : [])),
          );
          const commands = runs.flatMap((run) => {
            const m = /stronghold (check|report merge)\b(.*)/s.exec(run);
            return m ? [{ command: m[1]!.split(" "), rest: m[2]! }] : [];
          });
          expect(commands.map((c) => c.command.join(" "))).to.include.members([
            "check",
            "report merge",
          ]);
          for (const { command, rest } of commands) {
            const known = await helpOptions(...command);
            for (const option of rest.match(/--[a-z][a-z-]*/g) ?? [])
              expect(known, `${command.join(" ")} ${option}`).to.include(option);
          }
        });
        break;
      case "workspace":
        it(`${where}: is a valid stronghold.yaml`, async () => {
          const file = await written(`stronghold-${e.n}.yaml`, e.body);
          const loaded = await loadWorkspace(
            file,
            RUNBOOKS.map((r) => r.meta.id),
          );
          expect(loaded.ok, JSON.stringify(loaded)).to.equal(true);
        });
        break;
      case "stack-settings":
        it(`${where}: set in the sample prod stack, the settings still validate`, async () => {
          const prod = parse(
            await readFile(path.join(PROJECT_ROOT, "stacks", "Pulumi.prod.yaml"), "utf8"),
          ) as { config: Record<string, unknown> };
          const merged = { config: { ...prod.config, ...(e.value as object) } };
          const file = await written(`Pulumi.docs-${e.n}.yaml`, stringify(merged));
          const read = readStackConfigFile(file);
          if (!read.ok) throw new Error(JSON.stringify(read.problems));
          const parsed = parseStackConfig(read.values, { file, text: read.text });
          expect(parsed.ok, JSON.stringify(parsed)).to.equal(true);
        });
        break;
      case undefined:
        break;
    }
  }
});

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, "")
    .replace(/ /g, "-");
}

/** The page's text outside fenced code blocks and code spans. */
function prose(text: string): string {
  return text.replace(/^```[\s\S]*?^```/gm, "").replace(/`[^`\n]*`/g, "");
}

describe("documentation commands", () => {
  // Each `stronghold` command line of a shell example, continuation lines joined, comments cut.
  const lines = PAGES.flatMap((page) =>
    fencedBlocks(TEXT.get(page)!)
      .filter((b) => b.lang === "sh")
      .flatMap((b) => b.body.replace(/\\\n/g, " ").split("\n"))
      .map((line) => line.replace(/\s#\s.*$/, ""))
      .flatMap((line) => {
        const m =
          /stronghold(?:\.js)? (check|collect|drill (?:run|list|show|history|recover)|infra plan|infra restore-tests|budget|dispose|init|schedule|report merge|report html|run|evidence (?:push|verify|query|reindex))\b(.*)/.exec(
            line,
          );
        return m ? [{ page, command: m[1]!.split(" "), rest: m[2]! }] : [];
      }),
  );

  it("every stronghold command in a shell example uses only options the command has", async () => {
    expect(new Set(lines.map((l) => l.command.join(" ")))).to.include.keys(
      "check",
      "collect",
      "drill run",
      "infra plan",
      "budget",
      "dispose",
      "init",
      "schedule",
      "run",
      "evidence query",
      "evidence reindex",
    );
    const help = new Map<string, Set<string>>();
    for (const { page, command, rest } of lines) {
      const key = command.join(" ");
      if (!help.has(key)) help.set(key, await helpOptions(...command));
      for (const option of rest.match(/(?<=^|\s)--[a-z][a-z-]*/g) ?? [])
        expect(help.get(key), `${page}: stronghold ${key} ${option}`).to.include(option);
    }
  });
});

describe("documentation links", () => {
  const links = PAGES.flatMap((page) =>
    [...prose(TEXT.get(page)!).matchAll(/\]\(([^)\s]+)\)/g)]
      .map((m) => m[1]!)
      .filter((target) => !/^[a-z]+:/i.test(target))
      .map((target) => ({ page, target })),
  );

  it("the pages link to each other", () => {
    expect(links.length).to.be.greaterThan(20);
    for (const page of PAGES.filter((p) => p !== "README.md" && p !== "docs/glossary.md"))
      expect(
        links.some((l) => l.page === "README.md" && l.target === page),
        `README links ${page}`,
      ).to.equal(true);
  });

  it("every relative link points at an existing file, and every anchor at a heading", async () => {
    for (const { page, target } of links) {
      const [file, anchor] = target.split("#") as [string, string | undefined];
      const resolved = file === "" ? page : path.posix.join(path.posix.dirname(page), file);
      expect(existsSync(path.join(PROJECT_ROOT, resolved)), `${page} → ${target}`).to.equal(true);
      if (anchor === undefined || !resolved.endsWith(".md")) continue;
      const text =
        TEXT.get(resolved) ?? (await readFile(path.join(PROJECT_ROOT, resolved), "utf8"));
      const headings = text.replace(/^```[\s\S]*?^```/gm, "");
      const anchors = [...headings.matchAll(/^#{1,6} (.*)$/gm)].map((m) => anchorOf(m[1]!));
      expect(anchors, `${page} → ${target}`).to.include(anchor);
    }
  });
});

describe("README and architecture", () => {
  it("the README stays short and keeps the two quick-start commands", async () => {
    const readme = TEXT.get("README.md")!;
    expect(readme.split("\n").length).to.be.at.most(250);
    expect(readme).to.include("npm run setup && npm start");
    expect(readme).to.include("npm run setup && npm test");
    const scripts = (
      JSON.parse(await readFile(path.join(PROJECT_ROOT, "package.json"), "utf8")) as {
        scripts: Record<string, string>;
      }
    ).scripts;
    expect(scripts).to.include.keys("setup", "start", "test");
  });

  it("runs the installed stronghold, never npx with a bare name", () => {
    // `npx stronghold` outside the clone asks the public registry for a package of that name.
    for (const [page, text] of TEXT) expect(text, page).to.not.match(/npx\s+stronghold/);
  });

  it("the architecture page names every folder and file at the top of src/", async () => {
    const page = TEXT.get("docs/architecture.md")!;
    expect(page).to.match(/```mermaid\n(flowchart|graph) /);
    for (const entry of await readdir(path.join(PROJECT_ROOT, "src"), { withFileTypes: true })) {
      const name = entry.isDirectory() ? `\`src/${entry.name}/` : entry.name;
      expect(page, name).to.include(name);
    }
  });
});
