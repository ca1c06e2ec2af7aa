// The disposal register: `stronghold dispose` appends to it, the lifecycle controls read it, and
// every row that cannot be used is a located problem.
import { expect } from "chai";
import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { parse } from "csv-parse/sync";
import {
  appendDisposal,
  DISPOSAL_COLUMNS,
  loadDisposalRegister,
} from "../../../src/check/input/disposals.js";
import { main } from "../../../src/cli/main.js";
import { InputError } from "../../../src/support/errors.js";
import { statusesOf, type JsonReportSubjects } from "../../fixtures/json-report.js";

describe("disposal register", () => {
  let dir: string;
  const file = (name: string) => path.join(dir, name);
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "stronghold-disposals-"));
    await writeFile(file("cert.pdf"), "%PDF certificate of destruction");
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const disposal = (assetTag: string) => ({
    assetTag,
    method: "destroy" as const,
    wipedAt: "2026-08-14",
    performedBy: "IT Coordinator",
    witness: 'Clerk, "Deputy"',
    certificateFile: file("cert.pdf"),
  });

  it("creates the register with its header, appends records, and reads them back", async () => {
    const first = appendDisposal(file("d.csv"), disposal("MB-00013"));
    const second = appendDisposal(file("d.csv"), disposal("=MB-00009"));
    expect([first.line, second.line]).to.deep.equal([2, 3]);
    const sha = createHash("sha256").update("%PDF certificate of destruction").digest("hex");
    expect(first.certificateSha256).to.equal(sha);
    const rows = parse(await readFile(file("d.csv"), "utf8"));
    expect(rows[0]).to.deep.equal([...DISPOSAL_COLUMNS]);
    expect(rows[2]![0]).to.equal("'=MB-00009");
    const { register, problems } = await loadDisposalRegister(file("d.csv"));
    expect(problems).to.deep.equal([]);
    expect(register.records[0]).to.deep.include({
      assetTag: "MB-00013",
      method: "destroy",
      witness: 'Clerk, "Deputy"',
      certificateSha256: sha,
      line: 2,
    });
  });

  it("refuses a second record for the same asset, naming the first", async () => {
    appendDisposal(file("d.csv"), disposal("MB-00013"));
    const before = await readFile(file("d.csv"), "utf8");
    expect(() => appendDisposal(file("d.csv"), disposal("mb-00013"))).to.throw(
      InputError,
      /d\.csv:2: \/Asset Tag: already records the disposal of MB-00013 \(destroy, 2026-08-14\)/,
    );
    expect(await readFile(file("d.csv"), "utf8")).to.equal(before);
  });

  it("refuses a certificate that cannot be read, and writes nothing", async () => {
    expect(() =>
      appendDisposal(file("d.csv"), { ...disposal("MB-1"), certificateFile: file("none.pdf") }),
    ).to.throw(InputError, /none\.pdf: cannot be read: ENOENT/);
    await readFile(file("d.csv")).then(
      () => expect.fail("the register was created"),
      (e: NodeJS.ErrnoException) => expect(e.code).to.equal("ENOENT"),
    );
  });

  const bad: [row: string, pointer: string, message: RegExp][] = [
    ["MB-1,shred,2026-08-14,a,b,c,", "/Method", /"shred" is not a NIST SP 800-88 method/],
    [
      "MB-1,purge,14/08/2026,a,b,c,",
      "/Wiped At",
      /must be a date YYYY-MM-DD, found "14\/08\/2026"/,
    ],
    // No thirteenth month: a located problem, not an internal error.
    ["MB-1,purge,2026-13-01,a,b,c,", "/Wiped At", /must be a date YYYY-MM-DD, found "2026-13-01"/],
    ["MB-1,purge,2026-08-14,,b,c,", "/Performed By", /is empty/],
    [",purge,2026-08-14,a,b,c,", "/Asset Tag", /is empty/],
  ];
  for (const [row, pointer, message] of bad)
    it(`locates a bad row at ${pointer}`, async () => {
      await writeFile(file("d.csv"), `${DISPOSAL_COLUMNS.join(",")}\n${row}\n`);
      const { register, problems } = await loadDisposalRegister(file("d.csv"));
      expect(register.records).to.deep.equal([]);
      expect(problems).to.have.length(1);
      expect(problems[0]).to.include({ line: 2, pointer });
      expect(problems[0]!.message).to.match(message);
    });

  it("reports a second record for the same asset in a register edited by hand", async () => {
    // The wipe control would judge whichever row came first; the town must say which is right.
    await writeFile(
      file("d.csv"),
      `${DISPOSAL_COLUMNS.join(",")}\n` +
        "MB-1,clear,2026-08-14,a,b,c,\n" +
        "MB-2,purge,2026-08-14,a,b,c,\n" +
        "mb-1,destroy,2026-09-01,a,b,c,\n",
    );
    const { register, problems } = await loadDisposalRegister(file("d.csv"));
    expect(register.records.map((r) => [r.assetTag, r.line])).to.deep.equal([
      ["MB-1", 2],
      ["MB-2", 3],
    ]);
    expect(problems).to.deep.equal([
      {
        file: file("d.csv"),
        line: 4,
        pointer: "/Asset Tag",
        message:
          "records the disposal of MB-1 again (line 2: clear, 2026-08-14); keep the one right row",
      },
    ]);
    expect(() => appendDisposal(file("d.csv"), disposal("MB-3"))).to.throw(
      InputError,
      /d\.csv:4: \/Asset Tag: records the disposal of MB-1 again/,
    );
  });

  async function dispose(args: string[]) {
    let stdout = "";
    let stderr = "";
    const code = await main(["node", "stronghold", "dispose", ...args], {
      stdout: (c) => void (stdout += c),
      stderr: (c) => void (stderr += c),
      stdin: new PassThrough(),
      env: {},
      isTTY: false,
    });
    return { code, stdout, stderr };
  }

  async function wipeResult(register: string): Promise<string | undefined> {
    let stdout = "";
    await main(
      [
        "node",
        "stronghold",
        "check",
        "examples/millbrook/machines",
        "--assets",
        "examples/millbrook/assets.csv",
        "--disposals",
        register,
        "--at",
        "2026-11-20T12:00:00Z",
        "--format",
        "json",
      ],
      {
        stdout: (c) => void (stdout += c),
        stderr: () => undefined,
        stdin: new PassThrough(),
        env: {},
        isTTY: false,
      },
    );
    const report = JSON.parse(stdout) as JsonReportSubjects;
    return statusesOf(report, "lib-staff-04")?.["lcm-disposed-wipe-recorded"];
  }

  it("stronghold dispose records a wipe, and stronghold check --disposals reads it", async () => {
    const args = [
      "--by",
      "IT Coordinator",
      "--witness",
      "Town Clerk",
      "--certificate",
      file("cert.pdf"),
    ];
    const register = file("d.csv");
    const other = await dispose([
      "MB-00009",
      "--method",
      "destroy",
      ...args,
      "--register",
      register,
    ]);
    expect(other.code, other.stderr).to.equal(0);
    // lib-staff-04 (MB-00013) is Disposed in the sample's asset register and has no record yet.
    expect(await wipeResult(register)).to.equal("fail");
    const r = await dispose([
      "MB-00013",
      "--method",
      "purge",
      ...args,
      "--register",
      register,
      "--date",
      "2026-08-14",
    ]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(
      /^recorded MB-00013: purge on 2026-08-14 by IT Coordinator, witnessed by Town Clerk; certificate sha256 [0-9a-f]{64} \(.*d\.csv line 3\)\n$/,
    );
    expect(await wipeResult(register)).to.equal("pass");
  });

  const usage: [args: string[], message: RegExp][] = [
    [["MB-1", "--method", "shred"], /argument 'shred' is invalid/],
    [
      ["MB-1", "--method", "purge", "--witness", "IT Coordinator"],
      /--witness must be someone other than --by/,
    ],
    [["MB-1", "--method", "purge", "--date", "2026-02-30"], /--date "2026-02-30" is not a date/],
    [["MB-1", "--method", "purge", "--date", "2026-13-01"], /--date "2026-13-01" is not a date/],
  ];
  for (const [args, message] of usage)
    it(`stronghold dispose ${args.slice(1).join(" ")}: exit 2, nothing written`, async () => {
      const base = [
        "--by",
        "IT Coordinator",
        "--witness",
        "Town Clerk",
        "--certificate",
        file("cert.pdf"),
        "--register",
        file("d.csv"),
      ];
      const r = await dispose([...args.slice(0, 1), ...base, ...args.slice(1)]);
      expect(r.code).to.equal(2);
      expect(r.stderr).to.match(message);
      await readFile(file("d.csv")).then(
        () => expect.fail("the register was created"),
        () => undefined,
      );
    });
});
