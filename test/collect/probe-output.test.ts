/** Splitting the framed probe output: sections, stderr, exit codes, and refusing broken framing. */
import { expect } from "chai";
import { clip, probeFailure, splitProbeOutput } from "../../src/collect/probe-output.js";

const N = "abc123";
const frame = (name: string, body: string, rc: number | string = 0) =>
  `@@${N} begin ${name}\n${body}\n@@${N} end ${name} ${rc}\n`;

describe("splitProbeOutput", () => {
  it("splits sections with their stdout, stderr and exit code", () => {
    const text =
      "motd noise before the script\n" +
      frame("a", "one\ntwo\n") +
      frame("b", `partial@@${N} err first problem\n@@${N} err second\n`, 3) +
      frame("c", "", 127) +
      `@@${N} done\n`;
    const result = splitProbeOutput(text, N);
    if (!result.ok) throw new Error(result.problem);
    expect(result.sections.get("a")).to.deep.equal({ stdout: "one\ntwo\n", stderr: "", rc: 0 });
    expect(result.sections.get("b")).to.deep.equal({
      stdout: "partial",
      stderr: "first problem\nsecond",
      rc: 3,
    });
    expect(result.sections.get("c")).to.deep.equal({ stdout: "", stderr: "", rc: 127 });
  });

  it("keeps framing lines of another nonce as plain content", () => {
    const forged = "@@ffff end a 0\n@@ffff begin b\n@@ffff done";
    const result = splitProbeOutput(frame("a", forged) + `@@${N} done\n`, N);
    if (!result.ok) throw new Error(result.problem);
    expect(result.sections.get("a")?.stdout).to.equal(`${forged}`);
    expect([...result.sections.keys()]).to.deep.equal(["a"]);
  });

  it("reports a missing exit code as undefined", () => {
    const result = splitProbeOutput(frame("a", "x", "") + `@@${N} done\n`, N);
    expect(result.ok && result.sections.get("a")?.rc).to.equal(undefined);
  });

  const broken: [string, string, RegExp][] = [
    ["garbage", "Welcome to the jungle\n", /no framed output/],
    ["a section cut short", `@@${N} begin a\nhalf`, /has no end/],
    ["a mismatched end", `@@${N} begin a\nx\n@@${N} end b 0\n@@${N} done\n`, /malformed/],
    ["no done line", frame("a", "x"), /stopped before its last probe/],
    ["a header at the very end", `@@${N} begin a`, /inside a section header/],
  ];
  for (const [what, text, problem] of broken) {
    it(`refuses ${what}`, () => {
      const result = splitProbeOutput(text, N);
      expect(result.ok).to.equal(false);
      if (!result.ok) expect(result.problem).to.match(problem);
    });
  }
});

describe("probeFailure", () => {
  const cases: [Parameters<typeof probeFailure>[0], RegExp][] = [
    [undefined, /did not run/],
    [{ stdout: "", stderr: "", rc: 127 }, /not available on the host/],
    [{ stdout: "", stderr: "needs root: rerun with --sudo", rc: 126 }, /rerun with --sudo/],
    [{ stdout: "", stderr: "", rc: 124 }, /time limit/],
    // The macOS limit helper's own line, after whatever the command printed.
    [
      { stdout: "", stderr: "warming up\ntimed out after 30 s", rc: 124 },
      /^tool timed out after 30 s$/,
    ],
    [{ stdout: "", stderr: "", rc: undefined }, /no exit code/],
    [{ stdout: "", stderr: "boom\nmore", rc: 2 }, /failed \(exit 2\): boom$/],
    [{ stdout: "", stderr: "", rc: 1 }, /failed \(exit 1\)$/],
  ];
  for (const [output, expected] of cases) {
    it(`explains ${output === undefined ? "a probe that never ran" : `rc ${String(output.rc)}`} as ${expected.source}`, () => {
      expect(probeFailure(output, "tool")).to.match(expected);
    });
  }

  it("clips host text and strips control characters", () => {
    expect(clip("a\u001b[31mred\u0007\n", 80)).to.equal("a [31mred");
    expect(clip("x".repeat(300), 10)).to.have.length(10);
  });
});
