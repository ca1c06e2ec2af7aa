/**
 * The four drills as defined: their steps pinned (a step silently dropped fails here), what each
 * needs, how each plans against an inventory, and the small choices they make (victims, samples).
 */
import { expect } from "chai";
import { RUNBOOK_IDS } from "../../runbooks/ids.js";
import { RUNBOOKS, findRunbook } from "../../runbooks/index.js";
import { chooseVictims } from "../../runbooks/file-deletion.js";
import { randomSample } from "../../runbooks/backup-integrity.js";
import { planDrill } from "../../src/drill/planning/plan.js";
import { inventoryOf, localHost } from "./engine-helpers.js";

const PINNED: Record<string, string[]> = {
  "file-deletion": [
    "preflight recovery-snapshot snapshot",
    "preflight pre-disaster-manifest check",
    "preflight share-intact check",
    "preflight restore-space check",
    "preflight safeguard-share safeguard",
    "inject delete-files inject",
    "recover restore-snapshot restore",
    "recover swap-in-restored restore",
    "verify verify-share verify",
    "cleanup put-back-original cleanup",
    "cleanup verify-put-back cleanup",
    "cleanup remove-scratch cleanup",
  ],
  ransomware: [
    "preflight town-snapshot-before-dwell check",
    "preflight pre-infection-manifest check",
    "preflight share-intact check",
    "preflight restore-space check",
    "preflight safeguard-share safeguard",
    "inject attack-backups inject",
    "inject encrypt-files inject",
    "inject post-infection-snapshot snapshot",
    "recover pick-clean-snapshot check",
    "recover restore-clean-snapshot restore",
    "recover swap-in-restored restore",
    "verify verify-share verify",
    "verify check-repository verify",
    "verify backups-withstood-attack verify",
    "cleanup forget-infected-snapshot cleanup",
    "cleanup remove-canary cleanup",
    "cleanup put-back-original cleanup",
    "cleanup verify-put-back cleanup",
    "cleanup remove-scratch cleanup",
  ],
  "site-loss": [
    "preflight recovery-snapshot snapshot",
    "preflight pre-disaster-manifest check",
    "preflight dr-host-ready check",
    "preflight restore-space check",
    "inject declare-primary-lost inject",
    "recover restore-on-dr restore",
    "verify verify-dr-copy verify",
    "verify health-check health",
    "cleanup remove-dr-restore cleanup",
  ],
  "backup-integrity": [
    "preflight newest-snapshot-within-rpo check",
    "preflight choose-sample check",
    "preflight source-manifest check",
    "preflight restore-space check",
    "recover restore-sample restore",
    "verify check-repository verify",
    "verify verify-sample verify",
    "cleanup remove-scratch cleanup",
  ],
  "restore-test": [
    "preflight choose-snapshot check",
    "preflight restore-space check",
    "recover restore-copy restore",
    "verify verify-against-snapshot verify",
    "verify health-check health",
    "verify full-restore-estimate check",
    "cleanup remove-copy cleanup",
  ],
};

const inventory = inventoryOf(
  localHost("fs01", ["file-server"], { target: true, sandbox: ["/srv/drill/fs01"] }),
  localHost("dr01", ["dr-host"], { target: true, sandbox: ["/srv/drill/dr01"] }),
);
const repository = { kind: "local" as const, path: "/srv/backup/repo" };

/** Each path a planned step may change, as "host:path,path". */
function touchedBy(plan: {
  steps: readonly { touches: readonly { host: string; paths: readonly string[] }[] }[];
}): string[] {
  return plan.steps.flatMap((s) => s.touches.map((t) => `${t.host}:${t.paths.join(",")}`));
}

describe("drill runbooks: definitions", () => {
  it("registers the five drills", () => {
    expect(RUNBOOKS.map((r) => r.meta.id)).to.deep.equal(Object.keys(PINNED));
    expect(findRunbook("nope")).to.equal(undefined);
  });

  it("lists the same ids, in the same order, for commands that do not load the runbooks", () => {
    expect(RUNBOOK_IDS).to.deep.equal(RUNBOOKS.map((r) => r.meta.id));
  });

  for (const [id, steps] of Object.entries(PINNED)) {
    it(`${id}: its steps, in phase order, cleanup last`, () => {
      const runbook = findRunbook(id)!;
      expect(runbook.steps.map((s) => `${s.phase} ${s.name} ${s.kind}`)).to.deep.equal(steps);
      expect(runbook.meta.usesRepository).to.equal(true);
    });
  }

  it("every drill checks the room for its restore before it changes anything", () => {
    for (const runbook of RUNBOOKS) {
      const kinds = runbook.steps.map((s) => `${s.name} ${s.kind}`);
      const space = kinds.indexOf("restore-space check");
      const firstChange = runbook.steps.findIndex((s) =>
        ["safeguard", "inject", "restore"].includes(s.kind),
      );
      expect(space, runbook.meta.id).to.be.greaterThan(-1);
      expect(space, `${runbook.meta.id}: ${kinds.join(", ")}`).to.be.lessThan(firstChange);
    }
  });

  it("says what each drill needs before it can be planned", () => {
    const needs = Object.fromEntries(
      RUNBOOKS.map((r) => {
        const result = r.settings({ freshSnapshot: false });
        return [r.meta.id, result.ok ? [] : result.problems.map((p) => p.option)];
      }),
    );
    expect(needs).to.deep.equal({
      "file-deletion": ["--data"],
      ransomware: ["--data"],
      "site-loss": ["--data", "--dr-password-file", "--health-check"],
      "backup-integrity": ["--data"],
      "restore-test": ["--data"],
    });
    const bad = findRunbook("ransomware")!.settings({
      freshSnapshot: false,
      data: "relative/share",
      checkSubset: "7/5",
      dwell: "3 days",
    });
    expect(bad.ok ? [] : bad.problems.map((p) => `${p.option} ${p.message}`)).to.deep.equal([
      '--data must be an absolute path on the host, got "relative/share"',
      '--check-subset "7/5" is not "n/N" (n ≤ N), "x%" or "auto"',
      '--dwell "3 days" is not a duration like 90m, 72h, 5d or 1d12h (units s, m, h, d, w)',
    ]);
  });

  it("plans every drill inside the sandboxes, and refuses a share at the sandbox root", () => {
    for (const r of RUNBOOKS) {
      const planned = planDrill({
        runbook: r,
        inventory,
        options: {
          freshSnapshot: false,
          data: "/srv/drill/fs01/share",
          healthCheck: "true",
          drPasswordFile: "/etc/stronghold/restic.pass",
        },
        repository,
        runId: "r1",
      });
      expect(planned.ok, r.meta.id).to.equal(true);
    }
    const atRoot = planDrill({
      runbook: findRunbook("file-deletion")!,
      inventory,
      options: { freshSnapshot: false, data: "/srv/drill/fs01" },
      repository,
      runId: "r1",
    });
    expect(atRoot.ok).to.equal(false);
    if (!atRoot.ok && atRoot.kind === "refused")
      expect(atRoot.refusals[0]?.message).to.equal(
        "step safeguard-share would touch /srv/drill/.stronghold-drill-r1 on fs01, outside its sandbox (/srv/drill/fs01)",
      );
  });

  it("restore-test touches only the drill host's sandbox, never the production share", () => {
    const planned = planDrill({
      runbook: findRunbook("restore-test")!,
      inventory,
      options: { freshSnapshot: false, data: "/srv/share" },
      repository,
      runId: "r1",
    });
    if (!planned.ok) throw new Error(JSON.stringify(planned));
    const touched = touchedBy(planned.plan);
    expect(touched).to.deep.equal([
      "dr01:/srv/drill/dr01/restore-test-r1,/srv/drill/dr01/restore-test-r1.from-snapshot",
      "dr01:/srv/drill/dr01/restore-test-r1,/srv/drill/dr01/restore-test-r1.from-snapshot",
    ]);
    const hosts = new Set(planned.plan.steps.flatMap((s) => s.commands.map((c) => c.host)));
    expect([...hosts]).to.deep.equal(["dr01"]);
  });

  it("site-loss never changes the primary and restores into the DR host's sandbox", () => {
    const planned = planDrill({
      runbook: findRunbook("site-loss")!,
      inventory: inventoryOf(
        localHost("fs01", ["file-server"], { target: false, sandbox: [] }),
        localHost("dr01", ["dr-host"], { target: true, sandbox: ["/srv/drill/dr01"] }),
      ),
      options: {
        freshSnapshot: false,
        data: "/srv/share",
        healthCheck: "true",
        drPasswordFile: "/etc/stronghold/restic.pass",
      },
      repository,
      runId: "r1",
    });
    if (!planned.ok) throw new Error(JSON.stringify(planned));
    const touched = touchedBy(planned.plan);
    expect(touched).to.deep.equal([
      "dr01:/srv/drill/dr01/site-loss-r1,/srv/drill/dr01/site-loss-r1.from-snapshot",
      "dr01:/srv/drill/dr01/site-loss-r1,/srv/drill/dr01/site-loss-r1.from-snapshot",
    ]);
  });

  it("file-deletion deletes the first folder and every third other file", () => {
    // In path order, as a manifest reads its records.
    const victims = chooseVictims([
      "a.txt",
      "b.txt",
      "c.txt",
      "docs/x",
      "docs/y/z",
      "e.txt",
      "z/q",
    ]);
    expect(victims.remove).to.deep.equal(["docs", "a.txt", "e.txt"]);
    expect(victims.files).to.deep.equal(["docs/x", "docs/y/z", "a.txt", "e.txt"]);
  });

  it("backup-integrity samples distinct files, at most as many as there are", () => {
    const items = Array.from({ length: 50 }, (_, i) => `f${i}`);
    const sample = randomSample(items, 10);
    expect(new Set(sample).size).to.equal(10);
    expect(sample.every((s) => items.includes(s))).to.equal(true);
    expect(randomSample(["a", "b"], 5).sort()).to.deep.equal(["a", "b"]);
  });
});
