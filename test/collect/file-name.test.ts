/** Machine file names: safe whatever the host name holds. */
import { expect } from "chai";
import { machineFileName } from "../../src/collect/file-name.js";

describe("machineFileName", () => {
  const cases: [string, string][] = [
    ["th-fs01", "th-fs01.json"],
    ["PD-RMS01.millbrook.local", "pd-rms01.millbrook.local.json"],
    ["../../etc/passwd", "etc-passwd.json"],
    ["a/b\\c d", "a-b-c-d.json"],
    ["..", "host.json"],
    ["...hidden", "hidden.json"],
    ["con", "con-host.json"],
    ["NUL.example", "nul.example-host.json"],
    ["x".repeat(300), `${"x".repeat(200)}.json`],
  ];
  for (const [name, file] of cases) {
    it(`${JSON.stringify(name.slice(0, 30))} → ${file.slice(0, 30)}`, () => {
      expect(machineFileName(name)).to.equal(file);
    });
  }
});
