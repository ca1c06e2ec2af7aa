/**
 * The intent journal on a host (on the local transport: real files, real sh): written whole and
 * read back, a journal that cannot be read named with its field, scratch folders of earlier runs
 * found by pattern, and the folder gone once its last journal is.
 */
import { expect } from "chai";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { localSession } from "../../src/hosts/transport/local-session.js";
import {
  findLeftovers,
  JOURNAL_FORMAT,
  journalFolder,
  leftoverPatterns,
  parseJournal,
  readHostJournals,
  removeHostJournal,
  writeHostJournal,
  type HostJournalRecord,
} from "../../src/drill/running/host-journal.js";
import { localHost } from "./engine-helpers.js";

const record = (runId: string): HostJournalRecord => ({
  format: JOURNAL_FORMAT,
  runId,
  runbook: "file-deletion",
  host: "fs01",
  startedAt: "2026-12-05T10:00:00.000Z",
  inventory: "hosts.yaml",
  options: { data: "/srv/share", freshSnapshot: false },
  targets: { share: "fs01" },
  rtoMinutes: 240,
  rpoMinutes: 1440,
  changes: [{ step: "delete-files", paths: ["/srv/share"] }],
  keeps: "put the original share back from the hard-link copy",
});

describe("the intent journal on a host (local transport)", () => {
  let sandbox: string;
  const session = localSession(localHost("fs01", ["file-server"], { target: true, sandbox: [] }));
  beforeEach(async () => (sandbox = await mkdtemp(join(tmpdir(), "stronghold-journal-"))));
  afterEach(() => rm(sandbox, { recursive: true, force: true }));

  it("is written whole, read back, and its folder goes with the last journal", async () => {
    const folder = journalFolder([sandbox])!;
    expect(folder).to.equal(join(sandbox, ".stronghold-journal"));
    const file = await writeHostJournal(session, folder, record("run-1"), 10_000);
    await writeHostJournal(session, folder, record("run-2"), 10_000);
    expect(file).to.equal(join(folder, "run-1.json"));
    expect(await readdir(folder)).to.deep.equal(["run-1.json", "run-2.json"]); // no temporary left
    const found = await readHostJournals(session, folder, 10_000);
    expect(found.map((f) => ("record" in f ? f.record.runId : f.problem))).to.deep.equal([
      "run-1",
      "run-2",
    ]);
    await removeHostJournal(session, folder, "run-1", 10_000);
    expect(await readdir(folder)).to.deep.equal(["run-2.json"]);
    await removeHostJournal(session, folder, "run-2", 10_000);
    expect(await readdir(sandbox)).to.deep.equal([]);
    await removeHostJournal(session, folder, "run-2", 10_000); // gone already: nothing to do
    expect(await readHostJournals(session, folder, 10_000)).to.deep.equal([]);
  });

  it("names a journal that cannot be read, and the field that is wrong", async () => {
    const folder = join(sandbox, ".stronghold-journal");
    await mkdir(folder);
    await writeFile(join(folder, "torn.json"), '{"format": "stronghold-drill-intent/1", "runId"');
    await writeFile(join(folder, "old.json"), JSON.stringify({ ...record("x"), format: "v0" }));
    await writeFile(
      join(folder, "no-options.json"),
      JSON.stringify({ ...record("y"), options: null }),
    );
    const found = await readHostJournals(session, folder, 10_000);
    const problems: Record<string, string> = Object.fromEntries(
      found.map((f): [string, string] => [
        f.file.split("/").pop() ?? "",
        "problem" in f ? f.problem : "ok",
      ]),
    );
    expect(problems["torn.json"]).to.match(/^not JSON/);
    expect(problems["old.json"]).to.equal('/format is "v0", expected "stronghold-drill-intent/1"');
    expect(problems["no-options.json"]).to.equal("/options is missing or not an object");
    expect(parseJournal("f", JSON.stringify({ ...record("z"), nightly: 7 }))).to.deep.equal({
      file: "f",
      problem: "/nightly is not a string",
    });
    const night = parseJournal("f", JSON.stringify({ ...record("n"), nightly: "2026-12-05T0200" }));
    expect("record" in night && night.record.nightly).to.equal("2026-12-05T0200");
    expect(parseJournal("f", JSON.stringify({ ...record("m"), runMarker: 1 }))).to.deep.equal({
      file: "f",
      problem: "/runMarker is not a string",
    });
    expect(parseJournal("f", "[]")).to.deep.equal({
      file: "f",
      problem: '/format is undefined, expected "stronghold-drill-intent/1"',
    });
  });

  it("finds earlier runs' scratch folders beside the paths a run will use", async () => {
    const runId = "2026-12-05T11-00-00Z-file-deletion";
    const patterns = leftoverPatterns(runId, [
      join(sandbox, "share"),
      join(sandbox, `.stronghold-drill-${runId}`),
      join(sandbox, `.stronghold-drill-${runId}`, "original"),
      join(sandbox, `site-loss-${runId}.from-snapshot`),
    ]);
    expect(patterns).to.deep.equal([
      { dir: sandbox, glob: ".stronghold-drill-*" },
      { dir: sandbox, glob: "site-loss-*.from-snapshot" },
    ]);
    await mkdir(join(sandbox, ".stronghold-drill-2026-12-04T10-00-00Z-ransomware", "original"), {
      recursive: true,
    });
    await mkdir(join(sandbox, "share"));
    await mkdir(join(sandbox, ".stronghold-drillish"));
    expect(
      await findLeftovers(
        session,
        [...patterns, { dir: join(sandbox, "gone"), glob: "*" }],
        10_000,
      ),
    ).to.deep.equal([join(sandbox, ".stronghold-drill-2026-12-04T10-00-00Z-ransomware")]);
  });
});
