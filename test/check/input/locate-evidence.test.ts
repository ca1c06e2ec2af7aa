import { expect } from "chai";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { locateEvidence } from "../../../src/check/input/locate-evidence.js";
import type { SubjectResults } from "../../../src/check/evaluation/result.js";

const subject = (file: string, extra: Partial<SubjectResults["source"]> = {}): SubjectResults => ({
  subject: "pc-01",
  kind: "machine",
  department: "library",
  site: "library",
  role: "workstation",
  source: { file, ...extra },
  results: [
    {
      control: "sec-smbv1-disabled",
      status: "fail",
      evidence: [{ pointer: "/security/smbv1Enabled", actual: true, expected: "false" }],
    },
    { control: "sec-guest-account-disabled", status: "pass" },
  ],
});

const lineOfEvidence = (s: SubjectResults | undefined) => {
  const r = s?.results[0];
  return r?.status === "fail" ? r.evidence[0]?.line : undefined;
};

describe("locating evidence in source files", () => {
  let dir: string;
  before(async () => (dir = await mkdtemp(path.join(tmpdir(), "stronghold-locate-"))));
  after(() => rm(dir, { recursive: true, force: true }));

  it("finds the field's line in a one-machine YAML file", async () => {
    const file = path.join(dir, "pc-01.yaml");
    await writeFile(
      file,
      "hostname: pc-01\nsecurity:\n  guestEnabled: false\n  smbv1Enabled: true\n",
    );
    expect(lineOfEvidence(locateEvidence([subject(file)])[0])).to.equal(4);
  });

  it("finds it inside the right machine of a fleet file", async () => {
    const file = path.join(dir, "fleet.json");
    const fleet = {
      machines: [{ hostname: "a" }, { hostname: "pc-01", security: { smbv1Enabled: true } }],
    };
    await writeFile(file, JSON.stringify(fleet, null, 2));
    const [located] = locateEvidence([subject(file, { index: 1 })]);
    expect(lineOfEvidence(located)).to.equal(9);
  });

  it("leaves JSON Lines records (their source names the line), stdin and passing machines alone", () => {
    const record = subject(path.join(dir, "f.jsonl"), { line: 7 });
    const [jsonl] = locateEvidence([record]);
    expect(jsonl).to.equal(record);
    expect(jsonl?.source?.line).to.equal(7);
    const [stdin] = locateEvidence([subject("<stdin>")]);
    expect(lineOfEvidence(stdin)).to.equal(undefined);
  });

  it("a file that vanished since is no crash: the evidence keeps no line", () => {
    const [gone] = locateEvidence([subject(path.join(dir, "gone.yaml"))]);
    expect(lineOfEvidence(gone)).to.equal(undefined);
  });
});
