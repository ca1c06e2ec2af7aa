/**
 * The bundle's parsed copies of the shipped baselines and reference tables: each is the YAML
 * parser's value for exactly that text, and an edited file is read from disk.
 */
import { expect } from "chai";
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { embeddedDocuments } from "../../scripts/embed-policy-documents.js";
import { embeddedValue, textDigest } from "../../src/documents/embedded-documents.js";
import { parseText } from "../../src/documents/read-document.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const securityFile = path.join(root, "policies", "baselines", "security.yaml");
const shippedYaml = ["baselines", "data"].flatMap((folder) =>
  readdirSync(path.join(root, "policies", folder))
    .filter((name) => name.endsWith(".yaml"))
    .map((name) => path.join(root, "policies", folder, name)),
);

function parsedValue(text: string, file: string): unknown {
  const doc = parseText(text, file);
  if (!doc.ok) throw new Error(`${file}: ${doc.problem.message}`);
  return doc.value;
}

describe("embedded policy documents (the build's table)", () => {
  const table = embeddedDocuments(root);

  it("holds every shipped baseline and reference table, as the YAML parser reads it", () => {
    expect(table).to.have.length(shippedYaml.length);
    for (const file of shippedYaml) {
      const text = readFileSync(file, "utf8");
      expect(embeddedValue(text, table), file).to.deep.equal({ value: parsedValue(text, file) });
    }
  });

  it("matches no edited text, even one of the same length", () => {
    const text = readFileSync(securityFile, "utf8");
    const edited = text.replace("Passwords are at least", "Passwords run at least");
    expect(edited).to.not.equal(text);
    expect(edited).to.have.length(text.length);
    expect(embeddedValue(edited, table)).to.equal(undefined);
    expect(embeddedValue(`${text} `, table)).to.equal(undefined);
  });

  it("gives a fresh value at each call, so a caller's change does not leak", () => {
    const text = readFileSync(securityFile, "utf8");
    const first = embeddedValue(text, table)?.value as { title: string };
    first.title = "changed";
    expect((embeddedValue(text, table)?.value as { title: string }).title).to.not.equal("changed");
  });
});

describe("the bundle with an edited baseline on disk", function () {
  this.timeout(30_000);
  const bundle = path.join(root, "dist", "stronghold.mjs");
  const machine = path.join(root, "examples", "millbrook", "machines", "dpw-ws-01.yaml");
  let dir: string;
  before(async () => (dir = await mkdtemp(path.join(tmpdir(), "stronghold-embedded-"))));
  after(() => rm(dir, { recursive: true, force: true }));

  /** Runs the bundle itself (not bin/stronghold.js, which may choose the sources). */
  function runBundle(args: string[]): Promise<{ code: number | null; stderr: string }> {
    const script = `const { main } = await import(${JSON.stringify(pathToFileURL(bundle).href)}); process.exitCode = await main(process.argv);`;
    return new Promise((resolve, reject) => {
      const child = spawn(
        process.execPath,
        ["--input-type=module", "-e", script, "stronghold", ...args],
        {
          env: { ...process.env, NO_COLOR: "1" },
        },
      );
      let stderr = "";
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      child.on("error", reject);
      child.on("close", (code) => resolve({ code, stderr }));
      child.stdin.end();
    });
  }

  /** One machine of the sample town against one baseline file. */
  function checkWithBaseline(file: string, extra: string[]) {
    return runBundle([
      "check",
      machine,
      "--baseline",
      file,
      "--at",
      "2026-11-20T12:00:00Z",
      ...extra,
    ]);
  }

  it("carries the shipped security baseline (npm run build embeds it)", async () => {
    const chunks = path.join(root, "dist", "chunks");
    const texts = await Promise.all(
      readdirSync(chunks)
        .filter((name) => name.endsWith(".mjs"))
        .map((name) => readFile(path.join(chunks, name), "utf8")),
    );
    const digest = textDigest(readFileSync(securityFile, "utf8"));
    expect(texts.some((text) => text.includes(digest))).to.equal(true);
  });

  it("checks against the edited text, not the embedded copy", async () => {
    const file = path.join(dir, "security.yaml");
    await writeFile(
      file,
      readFileSync(securityFile, "utf8").replace(
        "title: Passwords are at least",
        "title: Passwords run at least",
      ),
    );
    const out = path.join(dir, "edited");
    const run = await checkWithBaseline(file, [
      "--format",
      "json",
      "--out",
      out,
      "--quiet",
      "--fail-on",
      "never",
    ]);
    expect(run.code, run.stderr).to.equal(0);
    const report = JSON.parse(await readFile(path.join(out, "stronghold-report.json"), "utf8")) as {
      controls: { id: string; title: string }[];
    };
    const control = report.controls.find((c) => c.id === "sec-password-min-length");
    expect(control?.title).to.equal("Passwords run at least 14 characters");
  });

  it("reports a broken edit with its file and line, as the YAML parser finds it", async () => {
    const file = path.join(dir, "broken.yaml");
    const text = readFileSync(securityFile, "utf8").replace(
      "title: Passwords are at least",
      "title: [Passwords are at least",
    );
    await writeFile(file, text);
    const expected = parseText(text, file);
    if (expected.ok) throw new Error("the edit should break the YAML");
    const run = await checkWithBaseline(file, []);
    expect(run.code).to.not.equal(0);
    expect(run.stderr).to.include(file);
    expect(run.stderr).to.include(`:${expected.problem.line}`);
    expect(run.stderr).to.include(expected.problem.message);
  });
});
