// What `check -` reads from stdin: JSON Lines as they arrive, a document whole. Real streams
// (PassThrough, as a pipe delivers chunks); nothing is mocked.
import { expect } from "chai";
import { PassThrough, Readable } from "node:stream";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  LINES_CHUNK_BYTES,
  fixedChunks,
  readStdin,
  stdinShape,
} from "../../../src/check/input/stdin-content.js";
import {
  itemShape,
  workItems,
  recordsOf,
  type MachineRecord,
} from "../../../src/check/input/machines.js";
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

  it("hands JSON Lines on before stdin has ended, a megabyte at a time", async () => {
    const stdin = new PassThrough();
    let written = 0;
    const first: string[] = [];
    while (written <= LINES_CHUNK_BYTES) {
      const text = `${line(`m${first.length}`)}\n`;
      stdin.write(text);
      written += Buffer.byteLength(text);
      first.push(`m${first.length}`);
    }
    const items = workItems(["-"], stdin);
    // Were stdin read to its end first, this would wait for ever (the test's timeout).
    const next = await items.next();
    const hostnames = (item: Parameters<typeof recordsOf>[0]) =>
      recordsOf(item).map((r: MachineRecord) => (r.kind === "machine" ? r.machine.hostname : r));
    const got = next.done === false ? hostnames(next.value) : [];
    expect(got.length).to.be.greaterThan(100);
    expect(got).to.deep.equal(first.slice(0, got.length));
    stdin.end(line("last"));
    const rest: unknown[] = [];
    for (let n = await items.next(); n.done !== true; n = await items.next())
      rest.push(...hostnames(n.value));
    expect([...got, ...rest]).to.deep.equal([...first, "last"]);
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

  it("cuts JSON Lines into the same work items however a pipe delivers them, and as a file", async () => {
    // Shards and the merge place each machine by its work item: every shard must see the same.
    const text = `${Array.from({ length: 2500 }, (_, i) => line(`m${i}`)).join("\n")}\n`;
    const bytes = Buffer.from(text);
    expect(bytes.length).to.be.greaterThan(3 * LINES_CHUNK_BYTES);
    const shapes = async (stdin: Readable, input = "-") => {
      const found: string[] = [];
      for await (const item of workItems([input], stdin)) found.push(itemShape(item));
      return found;
    };
    const pieces = (size: number) =>
      Readable.from(
        Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) =>
          bytes.subarray(i * size, (i + 1) * size),
        ),
      );
    const whole = await shapes(Readable.from([bytes]));
    // A work item per chunk, and one per line a chunk's end cuts (copied alone, not its chunk).
    const chunks = Math.ceil(bytes.length / LINES_CHUNK_BYTES);
    let cut = 0;
    for (let k = 1; k < chunks; k++) if (bytes[k * LINES_CHUNK_BYTES - 1] !== 0x0a) cut++;
    expect(cut).to.be.greaterThan(0);
    expect(whole).to.have.length(chunks + cut);
    expect(await shapes(pieces(4093))).to.deep.equal(whole);
    expect(await shapes(pieces(65536))).to.deep.equal(whole);
    const dir = await mkdtemp(path.join(tmpdir(), "stronghold-stdin-"));
    try {
      const file = path.join(dir, "fleet.jsonl");
      await writeFile(file, bytes);
      const fromFile = await shapes(new PassThrough(), file);
      expect(fromFile.map((shape) => shape.replace(file, "<stdin>"))).to.deep.equal(whole);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("keeps no more of a JSON Lines line than the limit and a chunk, however long it runs", async () => {
    // 40 MiB without a newline, in pieces as a pipe delivers them: the line is reported from its
    // first 32 MiB and a chunk, the rest skipped, and the next line read with its number.
    const piece = Buffer.alloc(1 << 20, "a");
    const pieces = [Buffer.from(`${line("a")}\n{"hostname": "`)];
    for (let i = 0; i < 40; i++) pieces.push(piece);
    pieces.push(Buffer.from(`"}\n${line("c")}\n`));
    const spans: number[] = [];
    const records: MachineRecord[] = [];
    for await (const item of workItems(["-"], Readable.from(pieces))) {
      if (item.kind === "lines")
        for (let i = 0; i < item.spans.length; i += 2)
          spans.push(item.spans[i + 1]! - item.spans[i]!);
      records.push(...recordsOf(item));
    }
    const longest = Math.max(...spans);
    expect(longest).to.be.greaterThan(MAX_DOCUMENT_BYTES);
    expect(longest).to.be.at.most(MAX_DOCUMENT_BYTES + LINES_CHUNK_BYTES);
    expect(
      records.map((r) =>
        r.kind === "machine" ? `${r.machine.hostname}@${r.source.line}` : r.problem.message,
      ),
    ).to.deep.equal(["a@1", "is longer than the 32 MiB limit for one machine", "c@3"]);
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

  it("hands bytes on in chunks of one size, whatever size they came in", async () => {
    const sizes = async (chunks: number[], size: number) => {
      const out: number[] = [];
      const source = Readable.from(chunks.map((n) => Buffer.alloc(n, 1)));
      for await (const chunk of fixedChunks(source, size)) out.push(chunk.length);
      return out;
    };
    expect(await sizes([3, 3, 3, 3], 5)).to.deep.equal([5, 5, 2]);
    expect(await sizes([12], 5)).to.deep.equal([5, 5, 2]);
    expect(await sizes([5, 5], 5)).to.deep.equal([5, 5]);
    expect(await sizes([], 5)).to.deep.equal([]);
  });

  it("reads a document whole, text streams included", async () => {
    const content = await readStdin(Readable.from(["machines:\n", "  - hostname: a\n"]));
    expect(content.kind === "document" && content.bytes.toString()).to.equal(
      "machines:\n  - hostname: a\n",
    );
  });
});
