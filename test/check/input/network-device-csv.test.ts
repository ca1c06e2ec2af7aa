import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { readMachines, type MachineRecord } from "../../../src/check/input/machines.js";
import { REQUIRED_COLUMNS } from "../../../src/check/input/network-device-csv.js";

const town = fileURLToPath(new URL("../../../examples/millbrook/", import.meta.url));

async function read(inputs: string[]): Promise<MachineRecord[]> {
  const records: MachineRecord[] = [];
  for await (const r of readMachines(inputs)) records.push(r);
  return records;
}

const machinesOf = (records: MachineRecord[]) =>
  records.map((r) => {
    if (r.kind !== "machine") throw new Error(JSON.stringify(r.problem));
    return r.machine;
  });

describe("network devices from a CSV export", () => {
  let dir: string;
  let header: string;
  let good: string;
  before(async () => {
    const lines = (await readFile(path.join(town, "network-devices.csv"), "utf8")).split("\n");
    header = lines[0]!;
    good = lines[1]!;
  });
  beforeEach(async () => (dir = await mkdtemp(path.join(tmpdir(), "device-csv-"))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  async function problemsOf(text: string) {
    const file = path.join(dir, "devices.csv");
    await writeFile(file, text);
    const records = await read([file]);
    return {
      file,
      records,
      problems: records.flatMap((r) => (r.kind === "problem" ? [r.problem] : [])),
    };
  }

  /** The sample's first row with one column's cell replaced. */
  function withCell(column: string, cell: string): string {
    const columns = header.split(",");
    const cells = good.split(",");
    cells[columns.indexOf(column)] = cell;
    return `${header}\n${cells.join(",")}\n`;
  }

  it("the sample CSV gives the same machine configs as the sample YAML", async () => {
    const fromCsv = machinesOf(await read([path.join(town, "network-devices.csv")]));
    const fromYaml = machinesOf(await read([path.join(town, "network-devices.yaml")]));
    expect(fromCsv).to.have.length(3);
    expect(fromCsv).to.deep.equal(fromYaml);
  });

  it("locates each device by its row's line", async () => {
    const records = await read([path.join(town, "network-devices.csv")]);
    expect(records.map((r) => (r.kind === "machine" ? r.source.line : undefined))).to.deep.equal([
      2, 3, 4,
    ]);
  });

  it("a yes/no column with another word: file, line, row, column and what was expected", async () => {
    const { file, problems } = await problemsOf(withCell("defaultCredentialsChanged", "maybe"));
    expect(problems).to.deep.equal([
      {
        file,
        line: 2,
        pointer: "/networkDevice/defaultCredentialsChanged",
        message: 'row 1, column defaultCredentialsChanged: is "maybe", expected yes, no or unknown',
      },
    ]);
  });

  it("an empty required cell", async () => {
    const { file, problems } = await problemsOf(withCell("firmwareVersion", ""));
    expect(problems).to.deep.equal([
      {
        file,
        line: 2,
        pointer: "/networkDevice/firmware/version",
        message:
          "row 1, column firmwareVersion: is empty, expected a value (unknown where the field allows it)",
      },
    ]);
  });

  for (const [column, cell, pointer, message] of [
    [
      "firmwareReleaseDate",
      "21/07/2026",
      "/networkDevice/firmware/releaseDate",
      /^row 1, column firmwareReleaseDate: must be /,
    ],
    ["kind", "toaster", "/networkDevice/kind", /^row 1, column kind: must be one of .*switch/],
    [
      "macAddresses",
      "94:60:d5:3a:11",
      "/macAddresses/0",
      /^row 1, column macAddresses: must match/,
    ],
    [
      "managementProtocols",
      "https;gopher",
      "/networkDevice/managementProtocols/1",
      /^row 1, column managementProtocols: must be one of/,
    ],
    [
      "vendorEndOfSupport",
      "soon",
      "/networkDevice/vendorEndOfSupport",
      /^row 1, column vendorEndOfSupport: /,
    ],
  ] as const) {
    it(`a ${column} the machine config refuses is located by its column`, async () => {
      const { file, problems } = await problemsOf(withCell(column, cell));
      expect(problems, JSON.stringify(problems)).to.have.length.greaterThan(0);
      for (const p of problems) {
        expect(p).to.include({ file, line: 2 });
        expect(p.pointer.startsWith(pointer.split("/").slice(0, 3).join("/"))).to.equal(true);
      }
      expect(
        problems.some((p) => p.pointer === pointer && message.test(p.message)),
        JSON.stringify(problems),
      ).to.equal(true);
    });
  }

  it("one bad row leaves the others in, in order, each on its own line", async () => {
    const rows = (await readFile(path.join(town, "network-devices.csv"), "utf8"))
      .trimEnd()
      .split("\n");
    const broken = rows[2]!.replace(",printer,", ",fax,");
    const { records } = await problemsOf([rows[0], rows[1], broken, rows[3]].join("\n"));
    expect(
      records.map((r) => (r.kind === "machine" ? r.machine.hostname : `problem@${r.problem.line}`)),
    ).to.deep.equal(["th-sw-01", "problem@3", "pd-nvr-01"]);
  });

  it("a missing column names every required column", async () => {
    const { file, problems } = await problemsOf(
      header.replace("kind,", "type,") + "\n" + good + "\n",
    );
    expect(problems).to.deep.equal([
      {
        file,
        pointer: "",
        line: 1,
        message: `lacks the column(s) kind (expected: ${REQUIRED_COLUMNS.join(", ")})`,
      },
    ]);
  });

  it("header names match whatever their case, and unknown is allowed where the schema allows it", async () => {
    const { records } = await problemsOf(
      withCell("macAddresses", "unknown").replace(/^hostname,assetTag/, "HOSTNAME,AssetTag"),
    );
    const [machine] = machinesOf(records);
    expect(machine!.macAddresses).to.equal("unknown");
  });

  it("a CSV in a folder of machine files is not read as devices (registers are CSV too)", async () => {
    await writeFile(path.join(dir, "assets.csv"), "assetTag,hostname\nMB-1,x\n");
    const records = await read([dir]);
    expect(records).to.have.length(1);
    expect(records[0]).to.deep.include({ kind: "problem" });
  });
});
