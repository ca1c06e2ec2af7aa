// What `check -` reads from stdin: JSON Lines as they arrive, a document whole. Real streams
// (PassThrough, as a pipe delivers chunks); nothing is mocked.
import { expect } from "chai";
import { PassThrough, Readable } from "node:stream";
import { readStdin, stdinShape } from "../../../src/check/input/stdin-content.js";
import { workItems, recordsOf, type MachineRecord } from "../../../src/check/input/machines.js";
import { MAX_DOCUMENT_BYTES } from "../../../src/documents/read-document.js";
import { compliantMachine } from "../../fixtures/machine-factory.js";

const line = (hostname: string) => JSON.stringify(compliantMachine({ hostname }));

const shape = (text: string, ended = true) => stdinShape(Buffer.from(text), ended);

describe("stdin content", () => {
  describe("its shape, from the first bytes", () => {
    it("is JSON Lines when a one-line object is followed by another", () => {
      expect(shape(`${line("a")}\n${line("b")}\n`)).to.equal("lines");
      expect(shape(`\n\n  ${line("a")}  \r\n\n ${line("b")}`)).to.equal("lines");
      expect(shape(`\uFEFF${line("a")}\n${line("b")}`)).to.equal("lines");
      // The second line need not be whole, nor valid: each line is judged on its own.
      expect(shape(`${line("a")}\n{"hostname": `, false)).to.equal("lines");
    });

    it("is a document otherwise: pretty JSON, YAML, one object, a UTF-16 pipe, nothing", () => {
      expect(shape(JSON.stringify({ machines: [{ hostname: "a" }] }, null, 2))).to.equal(
        "document",
      );
      expect(shape("machines:\n  - hostname: a\n")).to.equal("document");
      expect(shape("[\n{}\n]")).to.equal("document");
      expect(shape(`${line("a")}\n`)).to.equal("document");
      expect(shape(`${line("a")}\nhostname: b\n`)).to.equal("document");
      expect(shape("{hostname: a,\n role: server}\n")).to.equal("document");
      expect(stdinShape(Buffer.from([0xff, 0xfe, 0x7b, 0x00]), false)).to.equal("document");
      expect(shape("")).to.equal("document");
      expect(shape(" \n\t\n")).to.equal("document");
    });

    it("waits for more bytes while they cannot tell", () => {
      expect(shape("", false)).to.equal(undefined);
      expect(shape("  \n", false)).to.equal(undefined);
      expect(shape('{"hostname": "a"', false)).to.equal(undefined);
      expect(shape(`${line("a")}\n  `, false)).to.equal(undefined);
    });
  });

  it("hands JSON Lines on before stdin has ended", async () => {
    const stdin = new PassThrough();
    stdin.write(`${line("first")}\n${line("second")}\n`);
    const items = workItems(["-"], stdin);
    // Were stdin read to its end first, this would wait for ever (the test's timeout).
    const first = await items.next();
    expect(first.done).to.equal(false);
    const hostnames = (item: Parameters<typeof recordsOf>[0]) =>
      recordsOf(item).map((r: MachineRecord) => (r.kind === "machine" ? r.machine.hostname : r));
    expect(first.done === false && hostnames(first.value)).to.deep.equal(["first", "second"]);
    stdin.end(`${line("third")}`);
    const rest = [];
    for (let next = await items.next(); next.done !== true; next = await items.next())
      rest.push(...hostnames(next.value));
    expect(rest).to.deep.equal(["third"]);
  });

  it("numbers stdin's lines from 1, a UTF-8 byte-order mark aside, in chunks of any size", async () => {
    const text = `\uFEFF${line("a")}\n\n${line("b")}\n{"broken":\n${line("c")}`;
    const bytes = Buffer.from(text);
    const chunks = [];
    for (let i = 0; i < bytes.length; i += 7) chunks.push(bytes.subarray(i, i + 7));
    const records: MachineRecord[] = [];
    for await (const item of workItems(["-"], Readable.from(chunks)))
      records.push(...recordsOf(item));
    const seen = records.map((r) =>
      r.kind === "machine"
        ? `${r.machine.hostname}@${r.source.line}`
        : `${r.problem.file}:${r.problem.line}`,
    );
    expect(seen).to.deep.equal(["a@1", "b@3", "<stdin>:4", "c@5"]);
  });

  it("refuses a document longer than a file may be, without reading the rest", async () => {
    const stdin = new PassThrough();
    const block = Buffer.alloc(1 << 20, "a");
    stdin.write("machines:\n  - hostname: ");
    for (let i = 0; i <= MAX_DOCUMENT_BYTES / block.length; i++) stdin.write(block);
    const content = await readStdin(stdin);
    expect(content.kind).to.equal("too-large");
    expect(stdin.destroyed).to.equal(true);
  });

  it("reads a document whole, text streams included", async () => {
    const content = await readStdin(Readable.from(["machines:\n", "  - hostname: a\n"]));
    expect(content.kind === "document" && content.bytes.toString()).to.equal(
      "machines:\n  - hostname: a\n",
    );
  });
});
