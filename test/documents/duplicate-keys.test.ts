/** JSON duplicate keys are refused with file, pointer and line, as YAML duplicates already are. */
import { expect } from "chai";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseText } from "../../src/documents/read-document.js";
import { findDuplicateKey, findDuplicateKeyOf } from "../../src/documents/duplicate-keys.js";
import { Gen, PROPERTY_SEED, seededRandom } from "../fixtures/seeded.js";
import { readMachines, type MachineRecord } from "../../src/check/input/machines.js";

const machine = (hostname: string) =>
  JSON.stringify({
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

describe("JSON documents with duplicate keys", () => {
  const cases = [
    {
      name: "at the top level",
      text: '{\n  "hostname": "pc1",\n  "hostname": "pc2"\n}',
      pointer: "/hostname",
      line: 3,
    },
    {
      name: "inside a nested object",
      text: '{"hostname": "pc1",\n "security": {\n  "smbv1Enabled": true,\n  "smbv1Enabled": false}}',
      pointer: "/security/smbv1Enabled",
      line: 4,
    },
    {
      name: "in an object inside an array",
      text: '{"machines": [{"a": 1}, {"b": 1,\n "b": 2}]}',
      pointer: "/machines/1/b",
      line: 2,
    },
    {
      name: "spelt differently with an escape",
      text: '{"site": "library",\n"\\u0073ite": "hall"}',
      pointer: "/site",
      line: 2,
    },
    {
      name: "with a slash and a tilde in the key",
      text: '{"a/b~c": 1, "a/b~c": 2}',
      pointer: "/a~1b~0c",
      line: 1,
    },
  ];
  for (const c of cases) {
    it(`are refused ${c.name}`, () => {
      const doc = parseText(c.text, "m.json");
      expect(doc.ok).to.equal(false);
      if (doc.ok) return;
      expect(doc.problem).to.deep.include({ file: "m.json", pointer: c.pointer, line: c.line });
      expect(doc.problem.message).to.match(/duplicate key/);
    });
  }

  for (const [name, text, pointer, line] of [
    ["at the top", "hostname: a\nsite: x\nhostname: b\n", "/hostname", 3],
    [
      "in a nested mapping",
      "os:\n  family: linux\n  name: x\n  family: windows\n",
      "/os/family",
      4,
    ],
    ["in a mapping inside a list", "machines:\n  - a: 1\n  - b: 1\n    b: 2\n", "/machines/1/b", 4],
  ] as const) {
    it(`in YAML are refused ${name} with the key's pointer and line`, () => {
      const doc = parseText(text, "m.yaml");
      expect(doc.ok ? undefined : doc.problem).to.deep.include({ pointer, line });
      expect(doc.ok ? "" : doc.problem.message).to.match(/duplicate key/);
    });
  }

  it("are not confused by keys that only look alike or by strings holding braces and colons", () => {
    const text =
      '{"a": {"x": 1}, "b": {"x": 2}, "c": ["{\\"a\\": 1}", "\\"a\\":", {}, "a", [], "a"], "e": {}, "A": 3}';
    const doc = parseText(text, "m.json");
    expect(doc.ok && doc.value).to.deep.equal({
      a: { x: 1 },
      b: { x: 2 },
      c: ['{"a": 1}', '"a":', {}, "a", [], "a"],
      e: {},
      A: 3,
    });
  });

  it("are found in a document nested thousands deep without overflowing the stack", () => {
    const depth = 20_000;
    const text = '{"a":'.repeat(depth) + '{"k": 1, "k": 2}' + "}".repeat(depth);
    const doc = parseText(text, "deep.json");
    expect(doc.ok).to.equal(false);
    if (!doc.ok) expect(doc.problem.pointer).to.equal("/a".repeat(depth) + "/k");
  });

  describe("in machine files", () => {
    let dir: string;
    before(async () => (dir = await mkdtemp(path.join(tmpdir(), "stronghold-dupkeys-"))));
    after(() => rm(dir, { recursive: true, force: true }));

    async function problems(file: string): Promise<MachineRecord[]> {
      const out: MachineRecord[] = [];
      for await (const r of readMachines([file])) if (r.kind === "problem") out.push(r);
      return out;
    }

    it("a JSON Lines record with a duplicate key is refused with its line", async () => {
      const file = path.join(dir, "fleet.jsonl");
      await writeFile(file, `${machine("a")}\n${machine("b").replace("{", '{"hostname": "c",')}\n`);
      const [p, ...more] = await problems(file);
      expect(more).to.deep.equal([]);
      expect(p?.kind === "problem" && p.problem).to.deep.include({
        file,
        pointer: "/hostname",
        line: 2,
      });
    });

    it("a .json machine file with a duplicate key is refused, not read last-wins", async () => {
      const file = path.join(dir, "pc.json");
      await writeFile(file, machine("a").replace("{", '{"role": "server",\n\n'));
      const [p, ...more] = await problems(file);
      expect(more).to.deep.equal([]);
      expect(p?.kind === "problem" && p.problem).to.deep.include({
        file,
        pointer: "/role",
        line: 3,
      });
    });
  });
});

describe("the duplicate-key check without a character scan", () => {
  /**
   * Seeded JSON texts: nested objects and arrays, keys that sometimes repeat, white space before
   * colons, strings that begin with a colon or hold one after a space, and (in every other text)
   * escapes, so both the counting path and the scan are exercised.
   */
  function randomText(gen: Gen, escapes: boolean, depth = 0): string {
    const key = () => {
      const k = gen.pick(
        escapes ? ["a", "b", 'q\\"x', "a\\u0062", "t:1"] : ["a", "b", "c", "t:1", ":k"],
      );
      return `"${k}"${gen.pick([":", ":", ":", ":", ":", " :", "\n:", "\t:", "\r:", "\r\n:", "  :"])}`;
    };
    const leaf = () =>
      gen.pick(
        escapes
          ? ['"x"', '"a\\":"', "1", '"\\\\"']
          : ['"x"', "1", "true", "null", '"10:00"', '":x"', '"a :b"', '":"'],
      );
    const roll = gen.int(0, 9);
    if (depth > 3 || roll < 3) return leaf();
    const items = (make: () => string) => Array.from({ length: gen.int(0, 4) }, make).join(",");
    if (roll < 5) return `[${items(() => randomText(gen, escapes, depth + 1))}]`;
    return `{${items(() => key() + randomText(gen, escapes, depth + 1))}}`;
  }

  it("agrees with the full scan on 20,000 seeded texts", () => {
    const gen = new Gen(seededRandom(PROPERTY_SEED));
    let duplicates = 0;
    for (let n = 0; n < 20_000; n++) {
      const text = randomText(gen, n % 2 === 1);
      const value: unknown = JSON.parse(text);
      const expected = findDuplicateKey(text);
      // Texts without a backslash take the counting path: those must repeat keys often enough too.
      if (expected !== undefined && !text.includes("\\")) duplicates++;
      expect(findDuplicateKeyOf(text, value), text).to.deep.equal(expected);
    }
    // The generator must exercise both answers.
    expect(duplicates).to.be.greaterThan(500);
  });
});
