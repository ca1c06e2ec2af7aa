import { expect } from "chai";
import { mkdtemp, rm, writeFile, mkdir, symlink, truncate } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { stringify } from "yaml";
import { readMachines, type MachineRecord } from "../../../src/check/input/machines.js";

const minimal = (hostname: string) => ({
  hostname,
  assetTag: "MB-1",
  serialNumber: "SN1",
  macAddresses: ["00:11:22:33:44:55"],
  ipAddresses: ["10.0.0.5"],
  department: "library",
  site: "library",
  role: "workstation",
  os: { family: "windows", name: "Windows 11 Pro", version: "24H2" },
  lifecycle: { status: "active" },
  collectedAt: "2026-11-19T08:00:00Z",
});

async function collect(inputs: string[], stdin?: Readable): Promise<MachineRecord[]> {
  const out: MachineRecord[] = [];
  for await (const r of readMachines(inputs, stdin)) out.push(r);
  return out;
}
const problems = (records: MachineRecord[]) =>
  records.flatMap((r) => (r.kind === "problem" ? [r.problem] : []));
const machines = (records: MachineRecord[]) =>
  records.flatMap((r) => (r.kind === "machine" ? [r.machine.hostname] : []));

describe("reading machine configs", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "stronghold-input-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("reads a directory of YAML and JSON files in name order, recursing into folders", async () => {
    await mkdir(path.join(dir, "police"));
    await writeFile(path.join(dir, "b.yaml"), stringify(minimal("b-host")));
    await writeFile(path.join(dir, "a.json"), JSON.stringify(minimal("a-host")));
    await writeFile(path.join(dir, "police", "c.yml"), stringify(minimal("c-host")));
    await writeFile(path.join(dir, "notes.txt"), "not a machine");
    await writeFile(path.join(dir, ".hidden.yaml"), "::: broken");
    const records = await collect([dir]);
    expect(problems(records)).to.deep.equal([]);
    expect(machines(records)).to.deep.equal(["a-host", "b-host", "c-host"]);
  });

  it("follows symbolic links that stay inside the directory and reports the others with the reason", async () => {
    const share = path.join(dir, "share");
    const outside = path.join(dir, "outside");
    await mkdir(path.join(share, "police"), { recursive: true });
    await mkdir(outside);
    await writeFile(path.join(share, "police", "real.yaml"), stringify(minimal("real-host")));
    await writeFile(path.join(outside, "far.yaml"), stringify(minimal("far-host")));
    await symlink(path.join(share, "police", "real.yaml"), path.join(share, "inside.yaml"));
    await symlink(path.join(share, "police", "real.yaml"), path.join(share, "again.yaml"));
    await symlink(path.join(outside, "far.yaml"), path.join(share, "far.yaml"));
    await symlink(path.join(share, "loop.yaml"), path.join(share, "loop.yaml"));
    await symlink(path.join(share, "gone.yaml"), path.join(share, "dangling.yaml"));
    const records = await collect([share]);
    // The linked file is the same file: read once, whichever name comes first.
    expect(machines(records)).to.deep.equal(["real-host"]);
    const found = problems(records).map((p) => [path.basename(p.file), p.message]);
    expect(found).to.have.deep.members([
      ["dangling.yaml", "is a symbolic link that points at nothing: not followed"],
      [
        "far.yaml",
        `is a symbolic link to ${path.join(outside, "far.yaml")}, outside ${share}: not followed (copy the file in, or name it on the command line)`,
      ],
      ["loop.yaml", "is a symbolic link that loops: not followed"],
    ]);
  });

  it("reads a file once when a folder and the file in it are both named", async () => {
    await writeFile(path.join(dir, "a.yaml"), stringify(minimal("a-host")));
    await writeFile(path.join(dir, "b.yaml"), stringify(minimal("b-host")));
    const records = await collect([dir, path.join(dir, "a.yaml"), `${dir}/./b.yaml`, dir]);
    expect(problems(records)).to.deep.equal([]);
    expect(machines(records)).to.deep.equal(["a-host", "b-host"]);
  });

  it("reads a file once when named through a linked folder, its real folder and by itself", async () => {
    const real = path.join(dir, "share");
    await mkdir(path.join(real, "police"), { recursive: true });
    await writeFile(path.join(real, "police", "a.yaml"), stringify(minimal("a-host")));
    await writeFile(path.join(real, "b.yaml"), stringify(minimal("b-host")));
    const alias = path.join(dir, "alias");
    await symlink(real, alias);
    const records = await collect([
      alias,
      path.join(real, "police", "a.yaml"),
      real,
      path.join(alias, "police", "..", "b.yaml"),
    ]);
    expect(problems(records)).to.deep.equal([]);
    // The linked folder's files, in the order of their paths; then nothing again.
    expect(machines(records)).to.deep.equal(["b-host", "a-host"]);
  });

  it("reads fleet files in YAML, JSON and JSON Lines, and stdin", async () => {
    await writeFile(
      path.join(dir, "fleet.yaml"),
      stringify({ machines: [minimal("y1"), minimal("y2")] }),
    );
    await writeFile(
      path.join(dir, "fleet.jsonl"),
      [minimal("j1"), minimal("j2")].map((m) => JSON.stringify(m)).join("\n") + "\n",
    );
    const stdin = Readable.from([JSON.stringify({ machines: [minimal("s1")] })]);
    const records = await collect(
      [path.join(dir, "fleet.yaml"), path.join(dir, "fleet.jsonl"), "-"],
      stdin,
    );
    expect(problems(records)).to.deep.equal([]);
    expect(machines(records)).to.deep.equal(["y1", "y2", "j1", "j2", "s1"]);
    const jsonl = records.find((r) => r.kind === "machine" && r.machine.hostname === "j2");
    expect(jsonl?.kind === "machine" && jsonl.source.line).to.equal(2);
  });

  it("reads JSON Lines across its 1 MiB reads: characters split by a read, CRLF, blank lines, no final newline", async () => {
    // Machines of about 450 bytes; where a read boundary falls within reach of a department's
    // first character (three bytes in UTF-8), padding in the asset tag and the department before
    // it puts that character across the boundary: every boundary is within reach of one line.
    const MiB = 1 << 20;
    const lines: string[] = [];
    const departments: string[] = [];
    let offset = 0;
    let split = 0;
    for (let i = 0; offset < 2.5 * MiB; i++) {
      const probe = JSON.stringify({ ...minimal(`m${i}`), department: "図書館" });
      const at = offset + Buffer.byteLength(probe.slice(0, probe.indexOf("図")));
      const pad = Math.ceil((at + 1) / MiB) * MiB - 1 - at;
      const reach = pad < 480;
      const assetTag = `MB-${"0".repeat(reach ? Math.min(pad, 240) : 0)}1`;
      const department = `${"i".repeat(reach ? pad - Math.min(pad, 240) : 0)}図書館`;
      if (reach) split++;
      const text = JSON.stringify({ ...minimal(`m${i}`), assetTag, department });
      lines.push(text);
      departments.push(department);
      offset += Buffer.byteLength(text) + 2;
      if (i === 500) {
        lines.push("");
        offset += 2;
      }
    }
    expect(split).to.equal(2);
    const file = path.join(dir, "fleet.jsonl");
    await writeFile(file, lines.join("\r\n"));
    const records = await collect([file]);
    expect(problems(records)).to.deep.equal([]);
    const read = records.flatMap((r) => (r.kind === "machine" ? [r] : []));
    expect(read.map((r) => r.machine.department)).to.deep.equal(departments);
    const at = (name: string) => read.find((r) => r.machine.hostname === name)?.source.line;
    expect([at("m0"), at("m500"), at("m501"), at(`m${departments.length - 1}`)]).to.deep.equal([
      1,
      501,
      503,
      lines.length,
    ]);
  });

  it("reports a JSON Lines line over 32 MiB at its line; the lines after it keep their numbers", async () => {
    const file = path.join(dir, "fleet.jsonl");
    const long = `{"hostname": "${"h".repeat(33 * (1 << 20))}"}`;
    await writeFile(
      file,
      [minimal("first"), long, minimal("third")]
        .map((m) => (typeof m === "string" ? m : JSON.stringify(m)))
        .join("\n") + "\n",
    );
    const records = await collect([file]);
    expect(machines(records)).to.deep.equal(["first", "third"]);
    expect(problems(records)).to.deep.equal([
      {
        file,
        line: 2,
        pointer: "",
        message: "is longer than the 32 MiB limit for one machine",
      },
    ]);
    const third = records.find((r) => r.kind === "machine" && r.machine.hostname === "third");
    expect(third?.kind === "machine" && third.source.line).to.equal(3);
  });

  it("accepts JSON Lines on stdin", async () => {
    const stdin = Readable.from([
      [minimal("l1"), minimal("l2")].map((m) => JSON.stringify(m)).join("\n"),
    ]);
    expect(machines(await collect(["-"], stdin))).to.deep.equal(["l1", "l2"]);
  });

  it("reads stdin saved as UTF-16 with a byte-order mark (Windows PowerShell 5.1 piping a file)", async () => {
    const text = JSON.stringify(minimal("u16"));
    const stdin = Readable.from([
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]),
    ]);
    const records = await collect(["-"], stdin);
    expect(problems(records)).to.deep.equal([]);
    expect(machines(records)).to.deep.equal(["u16"]);
    const lines = [minimal("u1"), minimal("u2")].map((m) => JSON.stringify(m)).join("\r\n");
    const linesPipe = Readable.from([
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${lines}\r\n`, "utf16le")]),
    ]);
    const lineRecords = await collect(["-"], linesPipe);
    expect(problems(lineRecords)).to.deep.equal([]);
    expect(machines(lineRecords)).to.deep.equal(["u1", "u2"]);
  });

  it("refuses a duplicate key on stdin with its pointer", async () => {
    const stdin = Readable.from([JSON.stringify(minimal("d")).replace("{", '{"site": "x",')]);
    const [p, ...more] = problems(await collect(["-"], stdin));
    expect(more).to.deep.equal([]);
    expect(p).to.deep.include({ file: "<stdin>", pointer: "/site" });
  });

  it("reads stdin's pretty-printed JSON, YAML flow style and JSON Lines with a broken first line", async () => {
    const pretty = JSON.stringify({ machines: [minimal("p1"), minimal("p2")] }, null, 2);
    expect(machines(await collect(["-"], Readable.from([pretty])))).to.deep.equal(["p1", "p2"]);
    const flow = stringify(minimal("f1"), { flow: true }).replace(", ", ",\n  ");
    const flowRecords = await collect(["-"], Readable.from([flow]));
    expect(problems(flowRecords)).to.deep.equal([]);
    expect(machines(flowRecords)).to.deep.equal(["f1"]);
    const lines = ['{"hostname": "x", }', JSON.stringify(minimal("l2"))].join("\n");
    const lineRecords = await collect(["-"], Readable.from([lines]));
    expect(machines(lineRecords)).to.deep.equal(["l2"]);
    expect(problems(lineRecords).map((p) => [p.file, p.line])).to.deep.equal([["<stdin>", 1]]);
  });

  it("names the limit when stdin holds a document larger than a file may be", async () => {
    const big = `machines:\n  - hostname: ${"a".repeat(33 << 20)}\n`;
    expect(problems(await collect(["-"], Readable.from([big])))).to.deep.equal([
      {
        file: "<stdin>",
        pointer: "",
        message:
          "is larger than the 32 MiB limit for one document (use JSON Lines, one machine per line, for a large fleet)",
      },
    ]);
  });

  describe("bad input: every problem located, the rest still read", () => {
    const cases: {
      name: string;
      file: string;
      content: () => string | Buffer;
      message: RegExp;
      pointer?: string;
      line?: number;
    }[] = [
      { name: "empty file", file: "empty.yaml", content: () => "", message: /is empty/ },
      {
        name: "binary file",
        file: "bin.yaml",
        content: () => Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2]),
        message: /binary/,
      },
      {
        name: "invalid YAML",
        file: "bad.yaml",
        content: () => "hostname: a\nos: [unclosed\nrole: x\n",
        message: /not valid YAML/,
        line: 3,
      },
      {
        name: "invalid JSON",
        file: "bad.json",
        content: () => '{\n  "hostname": "x",\n  oops\n}',
        message: /not valid JSON/,
        line: 3,
      },
      {
        name: "YAML alias bomb",
        file: "bomb.yaml",
        content: () =>
          [
            "a: &a [x,x,x,x,x,x,x,x,x]",
            ..."bcdefgh".split("").map(
              (c, i) =>
                `${c}: &${c} [${Array(9)
                  .fill("*" + "abcdefgh"[i])
                  .join(",")}]`,
            ),
          ].join("\n"),
        message: /resource exhaustion|alias/i,
      },
      {
        name: "wrong type",
        file: "type.yaml",
        content: () => stringify({ ...minimal("t"), role: 7 }),
        message: /must be/,
        pointer: "/role",
        line: 10,
      },
      {
        name: "unknown field",
        file: "unknown.yaml",
        content: () => stringify({ ...minimal("u"), securty: {} }),
        message: /not a known field/,
        pointer: "/securty",
        line: 18,
      },
      {
        name: "hostname with path separators",
        file: "escape.yaml",
        content: () => stringify({ ...minimal("x"), hostname: "../../etc/passwd" }),
        message: /host name/i,
        pointer: "/hostname",
        line: 1,
      },
      {
        name: "unknown literal where a flag belongs",
        file: "flag.yaml",
        content: () => stringify({ ...minimal("f"), security: { smbv1Enabled: "maybe" } }),
        message: /must be boolean or must be "unknown"/,
        pointer: "/security/smbv1Enabled",
      },
    ];
    for (const c of cases) {
      it(c.name, async () => {
        await writeFile(path.join(dir, c.file), c.content());
        await writeFile(path.join(dir, "good.yaml"), stringify(minimal("good")));
        const records = await collect([dir]);
        expect(machines(records)).to.deep.equal(["good"]);
        const [p, ...more] = problems(records);
        expect(more, JSON.stringify(more)).to.deep.equal([]);
        expect(p?.file).to.equal(path.join(dir, c.file));
        expect(p?.message).to.match(c.message);
        if (c.pointer !== undefined) expect(p?.pointer).to.equal(c.pointer);
        if (c.line !== undefined) expect(p?.line).to.equal(c.line);
      });
    }

    it("a 50 MB file is refused without being read", async () => {
      const big = path.join(dir, "big.yaml");
      await writeFile(big, "");
      await truncate(big, 50 * 1024 * 1024);
      const [p] = problems(await collect([big]));
      expect(p?.message).to.match(/50\.0 MiB, larger than the 32 MiB limit/);
    });

    it("reports each bad machine of a fleet file with its pointer and line", async () => {
      const fleet = path.join(dir, "fleet.yaml");
      await writeFile(
        fleet,
        stringify({ machines: [minimal("ok1"), { ...minimal("bad"), site: 3 }, minimal("ok2")] }),
      );
      const records = await collect([fleet]);
      expect(machines(records)).to.deep.equal(["ok1", "ok2"]);
      const [p] = problems(records);
      expect(p?.pointer).to.equal("/machines/1/site");
      expect(p?.line).to.be.a("number").greaterThan(20);
    });

    it("a missing path is a problem, not a crash", async () => {
      const [p] = problems(await collect([path.join(dir, "nope")]));
      expect(p?.message).to.equal("does not exist");
    });

    it("a directory without machine files says so", async () => {
      const [p] = problems(await collect([dir]));
      expect(p?.message).to.match(/holds no .yaml/);
    });
  });
});
