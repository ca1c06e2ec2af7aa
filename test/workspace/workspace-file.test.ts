// stronghold.yaml: a happy-path file, then one change per case, each refused with its pointer and
// line, or accepted.
import { expect } from "chai";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseDocument } from "yaml";
import { RUNBOOKS } from "../../runbooks/index.js";
import { loadWorkspace, WORKSPACE_FILE } from "../../src/workspace/workspace-file.js";
import { workspaceText } from "../../src/workspace/init.js";

const IDS = RUNBOOKS.map((r) => r.meta.id);

describe("stronghold.yaml", () => {
  let dir: string;
  before(async () => (dir = await mkdtemp(path.join(tmpdir(), "stronghold-wsfile-"))));
  after(() => rm(dir, { recursive: true, force: true }));

  /** init's stronghold.yaml with one value set (a YAML path) before it is read. */
  async function load(change?: [(string | number)[], unknown]) {
    const doc = parseDocument(workspaceText("Town of Ashford", "Europe/Berlin"));
    if (change) doc.setIn(change[0], change[1]);
    const file = path.join(dir, WORKSPACE_FILE);
    await writeFile(file, doc.toString());
    return loadWorkspace(file, IDS);
  }

  it("accepts what init writes, with every path made absolute", async () => {
    const loaded = await load();
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
    expect(loaded.workspace.machines).to.equal(path.join(dir, "machines"));
    expect(loaded.workspace.registers.prices).to.equal(path.join(dir, "registers", "prices.csv"));
    expect(loaded.workspace.drills[1]).to.deep.equal({
      runbook: "restore-test",
      every: "weekly",
      day: "sun",
    });
  });

  it("accepts a git URL as the install source, as written", async () => {
    const url = "git+https://git.ashford.example/it/stronghold.git#v0.1.0";
    const loaded = await load([["install"], url]);
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
    expect(loaded.workspace.install).to.equal(url);
  });

  const refused: [string, [(string | number)[], unknown], string, RegExp][] = [
    [
      "a bare package name to install",
      [["install"], "stronghold"],
      "/install",
      /must be a valid value/,
    ],
    [
      "an npm: spec to install",
      [["install"], "npm:stronghold@1"],
      "/install",
      /must be a valid value/,
    ],
    [
      "an unknown time zone",
      [["timeZone"], "Europe/Atlantis"],
      "/timeZone",
      /not an IANA time zone/,
    ],
    [
      "a time past midnight",
      [["schedule", "at"], "24:00"],
      "/schedule/at",
      /must be a valid value/,
    ],
    [
      "an unknown cadence",
      [["schedule", "drills", 0, "every"], "hourly"],
      "/schedule/drills/0/every",
      /./,
    ],
    [
      "a day on a daily drill",
      [["schedule", "drills", 0, "day"], "mon"],
      "/schedule/drills/0/day",
      /only a weekly drill has a day/,
    ],
    [
      "an unknown runbook",
      [["schedule", "drills", 1, "runbook"], "restore"],
      "/schedule/drills/1/runbook",
      /no runbook "restore"/,
    ],
    ["a misspelt key", [["evidense"], "evidence"], "/evidense", /not a known field/],
    [
      "a drill's own time, which the nightly run replaced",
      [["schedule", "drills", 1, "at"], "04:00"],
      "/schedule/drills/1/at",
      /^is no longer used: the drills due on a day run in that day's stronghold run, which starts at \/schedule\/at; remove this line$/,
    ],
    [
      "a fiscal year start of month 13",
      [["fiscalYearStart"], "13-01"],
      "/fiscalYearStart",
      /must be a valid value/,
    ],
  ];
  for (const [name, change, pointer, message] of refused)
    it(`refuses ${name}, located`, async () => {
      const loaded = await load(change);
      expect(loaded.ok).to.equal(false);
      if (loaded.ok) return;
      const problem = loaded.problems.find((p) => p.pointer === pointer);
      expect(problem, JSON.stringify(loaded.problems)).to.not.equal(undefined);
      expect(problem!.message).to.match(message);
      expect(problem!.line).to.be.a("number");
    });
});
