/**
 * The fences: refusals before any step runs (targets not marked for drills, paths outside the
 * sandbox as written or through a symbolic link on the host), and at run time (undeclared paths,
 * links planted in the data, snapshots the run did not take).
 */
import { expect } from "chai";
import { mkdtemp, readFile, rm, symlink } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Secret } from "../../src/support/secret.js";
import { defineRunbook, type RunbookMeta, type Touch } from "../../src/drill/runbook/runbook.js";
import { planDrill } from "../../src/drill/planning/plan.js";
import { executeDrill } from "../../src/drill/running/run-drill.js";
import type { StepContext } from "../../src/drill/runbook/context.js";
import { FencingError } from "../../src/drill/runbook/failures.js";
import { checkDeclaredPath, isWithin, pathShapeProblem } from "../../src/drill/fencing/fencing.js";
import {
  inventoryOf,
  journalOf,
  localHost,
  mustPlan,
  scratchArea,
  statuses,
} from "./engine-helpers.js";

type Targets = "share" | "reader";

function meta(readerDestructive = false): RunbookMeta<Targets> {
  return {
    id: "fence",
    title: "fence test",
    scenario: "touches paths",
    proves: [],
    rtoMinutes: 10,
    rpoMinutes: 10,
    usesRepository: false,
    targets: {
      share: { role: "file-server", destructive: true, purpose: "changed" },
      reader: { role: "dr-host", destructive: readerDestructive, purpose: "read only" },
    },
  };
}

/** A runbook with one destructive preflight step touching `paths`, recording whether it ran. */
function touching(touches: Touch<Targets>[], ran: string[], readerDestructive = false) {
  return defineRunbook(meta(readerDestructive), () => ({ ok: true as const, value: {} }))
    .preflight("change", {
      kind: "safeguard",
      summary: "changes files",
      timeoutMs: 5_000,
      touches: () => touches,
      run: () => {
        ran.push("change");
        return {};
      },
    })
    .cleanup("tidy", {
      summary: "cleans",
      timeoutMs: 5_000,
      run: () => {
        ran.push("tidy");
      },
    })
    .build();
}

describe("drill engine: fences", function () {
  this.timeout(20_000);
  let area: Awaited<ReturnType<typeof scratchArea>>;
  let runs: string;
  beforeEach(async () => {
    area = await scratchArea();
    runs = await mkdtemp(join(tmpdir(), "stronghold-fence-runs-"));
  });
  afterEach(async () => {
    await rm(area.root, { recursive: true, force: true });
    await rm(runs, { recursive: true, force: true });
  });

  const hosts = (fs01Target = true) =>
    inventoryOf(
      localHost("fs01", ["file-server"], { target: fs01Target, sandbox: [area.sandbox] }),
      localHost("dr01", ["dr-host"], { target: false, sandbox: [] }),
    );

  describe("paths as written", () => {
    it("knows what lies within a root", () => {
      expect(isWithin("/srv/drill/share", "/srv/drill")).to.equal(true);
      expect(isWithin("/srv/drill", "/srv/drill")).to.equal(true);
      expect(isWithin("/srv/drill-other/x", "/srv/drill")).to.equal(false);
      expect(isWithin("/srv", "/srv/drill")).to.equal(false);
    });
    const shapes: [string, string | undefined][] = [
      ["/srv/drill/share", undefined],
      ["/srv/drill/share/", undefined],
      ["srv/drill", "is not an absolute path"],
      ["/srv/drill/../etc", 'has "." or ".." parts'],
      ["/srv/./drill", 'has "." or ".." parts'],
      ["/srv//drill", "is not normalised"],
      ["/srv/drill\nx", "contains a line break"],
    ];
    for (const [path, problem] of shapes)
      it(`${JSON.stringify(path)}: ${problem ?? "accepted"}`, () => {
        const found = pathShapeProblem(path);
        if (problem === undefined) expect(found).to.equal(undefined);
        else expect(found).to.include(problem);
      });
    it("refuses a path outside the sandbox, naming host, step, path and sandbox", () => {
      const refusal = checkDeclaredPath("fs01", "wipe", "/srv/other", ["/srv/drill"]);
      expect(refusal?.message).to.equal(
        "step wipe would touch /srv/other on fs01, outside its sandbox (/srv/drill)",
      );
    });
  });

  describe("before any step runs", () => {
    const refusalsOf = (result: ReturnType<typeof planDrill>) => {
      if (result.ok || result.kind !== "refused") throw new Error("expected a refusal");
      return result.refusals.map((r) => r.message);
    };

    it("refuses a destructive target that is not marked drill.target", () => {
      const ran: string[] = [];
      const result = planDrill({
        runbook: touching([{ target: "share", paths: [area.share] }], ran),
        inventory: hosts(false),
        options: { freshSnapshot: false },
        runId: "r",
      });
      expect(refusalsOf(result)).to.deep.equal([
        "fs01 (test-hosts.yaml /hosts/0) plays file-server, which runbook fence changes, but it is not marked drill.target: true",
      ]);
      expect(ran).to.deep.equal([]);
    });

    it("refuses paths outside the sandbox, with .. and on a target the runbook does not change", () => {
      const ran: string[] = [];
      const result = planDrill({
        runbook: touching(
          [
            { target: "share", paths: [area.outside, `${area.sandbox}/../outside/keep.txt`] },
            { target: "reader", paths: ["/srv/drill/restore"] },
          ],
          ran,
        ),
        inventory: hosts(),
        options: { freshSnapshot: false },
        runId: "r",
      });
      const messages = refusalsOf(result);
      expect(messages).to.have.length(4);
      expect(messages[0]).to.equal(
        `step change would touch ${area.outside} on fs01, outside its sandbox (${area.sandbox})`,
      );
      expect(messages[1]).to.include('has "." or ".." parts');
      expect(messages[2]).to.equal(
        "step change would change dr01, but runbook fence does not declare reader destructive",
      );
      expect(messages[3]).to.equal(
        "step change would touch /srv/drill/restore on dr01, outside its sandbox (none declared)",
      );
      expect(ran).to.deep.equal([]);
    });

    it("refuses a path that leaves the sandbox through a symbolic link on the host; no step runs", async () => {
      await symlink(area.outside, join(area.sandbox, "escape"));
      const ran: string[] = [];
      const plan = mustPlan({
        runbook: touching(
          [{ target: "share", paths: [join(area.sandbox, "escape", "keep.txt")] }],
          ran,
        ),
        inventory: hosts(),
        options: { freshSnapshot: false },
      });
      const dir = join(runs, "symlink");
      const run = await executeDrill(plan, { evidenceDir: dir });
      expect(run.verdict).to.deep.include({ status: "refused", failedAt: "fencing" });
      const reasons = run.verdict.status === "passed" ? [] : run.verdict.reasons;
      expect(reasons[0]).to.equal(
        `step change would touch ${join(area.sandbox, "escape", "keep.txt")} on fs01, which resolves to ${join(area.outside, "keep.txt")} (a symbolic link) outside the sandbox (${area.sandbox})`,
      );
      expect(ran).to.deep.equal([]);
      expect(statuses(run)).to.deep.equal({ change: "skipped", tidy: "skipped" });
      const journal = await journalOf(dir);
      expect(journal.find((l) => l.event === "fence")).to.deep.include({ outcome: "refused" });
    });
  });

  describe("while a step runs", () => {
    async function runStep(
      touches: Touch<"share">[],
      body: (ctx: StepContext<"share", unknown, unknown>) => Promise<void>,
    ) {
      const runbook = defineRunbook(
        { ...meta(), targets: { share: meta().targets.share } },
        () => ({ ok: true as const, value: {} }),
      )
        .preflight("act", {
          kind: "inject",
          summary: "acts",
          timeoutMs: 5_000,
          touches: () => touches,
          run: async (ctx) => {
            await body(ctx);
            return {};
          },
        })
        .build();
      const plan = mustPlan({
        runbook,
        inventory: hosts(),
        options: { freshSnapshot: false },
      });
      return executeDrill(plan, {
        evidenceDir: join(runs, `step-${Math.random().toString(36).slice(2)}`),
        settleGraceMs: 500,
      });
    }
    const errorOf = (run: Awaited<ReturnType<typeof runStep>>) => {
      const o = run.steps[0]?.outcome;
      return o && "error" in o ? o.error : "";
    };

    it("refuses a change to a path the step did not declare, before any command", async () => {
      const run = await runStep([{ target: "share", paths: [area.share] }], async (ctx) => {
        await ctx
          .host("share")
          .files()
          .remove([join(area.outside, "keep.txt")]);
      });
      expect(errorOf(run)).to.equal(
        `step act may not change ${join(area.outside, "keep.txt")} on fs01: it declared only ${area.share}`,
      );
      expect(await readFile(join(area.outside, "keep.txt"), "utf8")).to.equal("must survive\n");
    });

    it("refuses on the host a removal through a link planted in the data", async () => {
      await symlink(area.outside, join(area.share, "planted"));
      const run = await runStep([{ target: "share", paths: [area.share] }], async (ctx) => {
        await ctx
          .host("share")
          .files()
          .remove([join(area.share, "planted", "keep.txt")]);
      });
      expect(errorOf(run)).to.include("stronghold fence: refused");
      expect(errorOf(run)).to.include(
        `resolves to ${join(area.outside, "keep.txt")}, outside the sandbox`,
      );
      expect(await readFile(join(area.outside, "keep.txt"), "utf8")).to.equal("must survive\n");
    });

    it("removes a planted link itself, never what it points to", async () => {
      await symlink(area.outside, join(area.share, "planted"));
      const run = await runStep([{ target: "share", paths: [area.share] }], async (ctx) => {
        await ctx
          .host("share")
          .files()
          .remove([join(area.share, "planted")]);
      });
      expect(run.steps[0]?.outcome.status).to.equal("passed");
      expect(existsSync(join(area.share, "planted"))).to.equal(false);
      expect(await readFile(join(area.outside, "keep.txt"), "utf8")).to.equal("must survive\n");
    });

    it("refuses to write through a symbolic link", async () => {
      await symlink(join(area.outside, "keep.txt"), join(area.share, "note.txt"));
      const run = await runStep([{ target: "share", paths: [area.share] }], async (ctx) => {
        await ctx.host("share").files().writeFile(join(area.share, "note.txt"), "pwned");
      });
      expect(errorOf(run)).to.include("a symbolic link");
      expect(await readFile(join(area.outside, "keep.txt"), "utf8")).to.equal("must survive\n");
    });

    it("scrambles files into new inodes, so a hard-link copy keeps the original content", async () => {
      const copy = join(area.sandbox, "copy");
      const run = await runStep([{ target: "share", paths: [area.sandbox] }], async (ctx) => {
        const files = ctx.host("share").files();
        await files.linkCopy(area.share, copy);
        await files.scramble([join(area.share, "a.txt")], ".locked");
      });
      expect(run.steps[0]?.outcome.status).to.equal("passed");
      expect(existsSync(join(area.share, "a.txt"))).to.equal(false);
      const scrambled = await readFile(join(area.share, "a.txt.locked"));
      expect(scrambled.length).to.equal("alpha\n".length + 16);
      expect(await readFile(join(copy, "a.txt"), "utf8")).to.equal("alpha\n");
    });

    it("lets a drill forget only snapshots it took, and restore only into declared paths", async () => {
      const outcomes: string[] = [];
      const runbook = defineRunbook(
        { ...meta(), usesRepository: true, targets: { share: meta().targets.share } },
        () => ({ ok: true as const, value: {} }),
      )
        .preflight("act", {
          kind: "restore",
          summary: "acts",
          timeoutMs: 5_000,
          touches: () => [{ target: "share", paths: [area.share] }],
          run: async (ctx) => {
            const restic = ctx.host("share").restic();
            for (const attempt of [
              () => restic.forget("0123abcd"),
              () => restic.restore("0123abcd", area.outside),
            ]) {
              try {
                await attempt();
                outcomes.push("allowed");
              } catch (error) {
                outcomes.push(
                  error instanceof FencingError ? error.message : `other: ${String(error)}`,
                );
              }
            }
            return {};
          },
        })
        .build();
      const plan = mustPlan({
        runbook,
        inventory: hosts(),
        options: { freshSnapshot: false },
        repository: { kind: "local", path: join(area.root, "no-repo") },
      });
      await executeDrill(plan, {
        evidenceDir: join(runs, "restic"),
        password: new Secret("unused"),
      });
      expect(outcomes).to.deep.equal([
        "step act may not forget snapshot 0123abcd: a drill forgets only the snapshots it took",
        `step act may not restore into ${area.outside} on fs01: it declared only ${area.share}`,
      ]);
    });
  });

  it("the sandbox of a host must not resolve to the top of the file system", async () => {
    await symlink("/", join(area.sandbox, "root-link"));
    const ran: string[] = [];
    const plan = mustPlan({
      runbook: touching([{ target: "share", paths: [join(area.sandbox, "root-link")] }], ran),
      inventory: inventoryOf(
        localHost("fs01", ["file-server"], {
          target: true,
          sandbox: [join(area.sandbox, "root-link")],
        }),
        localHost("dr01", ["dr-host"], { target: false, sandbox: [] }),
      ),
      options: { freshSnapshot: false },
    });
    const run = await executeDrill(plan, { evidenceDir: join(runs, "top") });
    expect(run.verdict.status).to.equal("refused");
    expect(run.verdict.status === "passed" ? [] : run.verdict.reasons).to.deep.equal([
      "the sandbox of fs01 resolves to /, too close to the root of the file system",
    ]);
    expect(ran).to.deep.equal([]);
  });
});
