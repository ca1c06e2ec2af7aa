/** Manifests built on an SSH host by one shell command (real sshd), checked against local ones. */
import { expect } from "chai";
import { randomBytes } from "node:crypto";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { chmod, mkdir, mkdtemp, rm, symlink, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  buildManifest,
  compareManifests,
  ManifestError,
} from "../../src/drill/manifest/manifest.js";
import { parseRemoteOutput } from "../../src/drill/manifest/remote-manifest.js";
import { localSession } from "../../src/hosts/transport/local-session.js";
import { openSession } from "../../src/hosts/transport/open-session.js";
import type { HostSession } from "../../src/hosts/transport/session.js";
import { inventoryHost, startSshd, type Sshd } from "../fixtures/sshd.js";
import { expectedEntries, expectedLinks, plain, writeTree } from "./manifest-tree.js";

async function failure(promise: Promise<unknown>): Promise<ManifestError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(ManifestError);
    return error as ManifestError;
  }
  throw new Error("expected a ManifestError");
}

describe("buildManifest on an SSH host (real sshd)", function () {
  this.timeout(60_000);
  let sshd: Sshd;
  let ssh: HostSession;
  let dir: string;
  let root: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "stronghold-remote-manifest-"));
    root = join(dir, "share");
    await writeTree(root);
    sshd = await startSshd();
    const host = inventoryHost(sshd, { drill: { target: true, sandbox: [dir] } });
    ssh = await openSession(host);
  });
  after(async () => {
    await ssh?.close();
    await sshd?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("records the same entries as the independent computation, awkward names included", async () => {
    const manifest = await buildManifest(ssh, root);
    expect([...manifest.entries]).to.deep.equal(expectedEntries());
    expect(manifest.links).to.deep.equal(expectedLinks());
    expect(manifest.root).to.equal(root);
  });

  it("equals the local manifest of the same tree, with one hasher or several", async () => {
    const local = await buildManifest(
      localSession({ ...ssh.host, transport: { kind: "local" } }),
      root,
    );
    expect(plain(await buildManifest(ssh, root, { concurrency: 1 }))).to.deep.equal(plain(local));
    expect(plain(await buildManifest(ssh, root, { concurrency: 3 }))).to.deep.equal(plain(local));
  });

  it("names Latin-1 files exactly as the local manifest does, whole and sampled", async () => {
    const latin = join(dir, "latin1");
    const folder = Buffer.from(join(latin, "finance"));
    await mkdir(folder, { recursive: true });
    for (const [i, name] of ["M\xfcller.txt", "M\xf6ller.txt", "caf\xe9/plan.txt"].entries()) {
      const file = Buffer.concat([folder, Buffer.from("/"), Buffer.from(name, "latin1")]);
      if (name.includes("/")) await mkdir(file.subarray(0, file.lastIndexOf("/")));
      await writeFile(file, `contract ${i}\n`);
    }
    const local = localSession({ ...ssh.host, transport: { kind: "local" } });
    const whole = await buildManifest(ssh, latin);
    expect([...whole.entries].map((e) => e.path)).to.deep.equal([
      "finance/M\\xf6ller.txt",
      "finance/M\\xfcller.txt",
      "finance/caf\\xe9/plan.txt",
    ]);
    expect(plain(await buildManifest(local, latin))).to.deep.equal(plain(whole));
    const sample = { sample: ["finance/M\\xfcller.txt", "finance/caf\\xe9/plan.txt"] };
    expect(plain(await buildManifest(local, latin, sample))).to.deep.equal(
      plain(await buildManifest(ssh, latin, sample)),
    );
  });

  it("hashes large files (openssl, several per process) whatever their names, a line break included", async () => {
    const big = join(dir, "big-names");
    await mkdir(join(big, "folder\nwith break"), { recursive: true });
    for (const [i, name] of [
      "line\nbreak.bin",
      "-leading dash.bin",
      "back\\slash.bin",
      "folder\nwith break/inside.bin",
      ...Array.from({ length: 10 }, (_, n) => `plain-${n}.bin`),
    ].entries())
      await writeFile(join(big, name), randomBytes(1024 * 1024 + i));
    const local = await buildManifest(
      localSession({ ...ssh.host, transport: { kind: "local" } }),
      big,
    );
    expect(local.files).to.equal(14);
    expect(plain(await buildManifest(ssh, big))).to.deep.equal(plain(local));
    const sample = ["line\nbreak.bin", "plain-3.bin"];
    expect([...(await buildManifest(ssh, big, { sample })).entries]).to.deep.equal(
      [...local.entries].filter((e) => sample.includes(e.path)),
    );
  });

  it("falls back to sha256sum alone on a host without openssl", async () => {
    // A PATH with every tool the command uses except openssl.
    const bin = join(dir, "bin-without-openssl");
    await mkdir(bin);
    for (const tool of [
      "sh",
      "find",
      "xargs",
      "stat",
      "mktemp",
      "sha256sum",
      "nproc",
      "rm",
      "mkdir",
      "cat",
      "cp",
    ])
      await symlink(`/usr/bin/${tool}`, join(bin, tool));
    const withoutOpenssl: HostSession = {
      host: ssh.host,
      exec: (argv, options) => ssh.exec(["/usr/bin/env", `PATH=${bin}`, ...argv], options),
      close: () => Promise.resolve(),
    };
    const probe = await withoutOpenssl.exec(["sh", "-c", "command -v openssl || echo none"]);
    expect(probe.stdout.trim()).to.equal("none");
    expect([...(await buildManifest(withoutOpenssl, root)).entries]).to.deep.equal(
      expectedEntries(),
    );
  });

  it("hashes only a sample, awkward names included", async () => {
    const manifest = await buildManifest(ssh, root, {
      sample: ["names/line\nbreak.txt", "names/-rf", "deep", "link-to-readme", "nope"],
    });
    expect([...manifest.entries].map((e) => e.path)).to.deep.equal([
      "names/-rf",
      "names/line\nbreak.txt",
    ]);
  });

  it("detects a missing file, an altered byte and a mode change made on the host", async () => {
    const expected = await buildManifest(ssh, root);
    await unlink(join(root, "names/with space.txt"));
    await writeFile(join(root, "readme.txt"), "town shaRe\n");
    await chmod(join(root, "scripts/run.sh"), 0o700);
    const diff = compareManifests(expected, await buildManifest(ssh, root));
    expect(diff).to.deep.include({
      missing: ["names/with space.txt"],
      altered: ["names/hard link to readme", "readme.txt"], // one file, two names
      modeChanged: ["scripts/run.sh"],
      extra: [],
      ok: false,
    });
  });

  it("reports a missing root with the host and path", async () => {
    const error = await failure(buildManifest(ssh, join(dir, "gone")));
    expect(error.message).to.equal(
      `cannot build the manifest of ${join(dir, "gone")} on fs01: cannot enter ${join(dir, "gone")}`,
    );
  });

  it("passes a root with shell metacharacters as one word", async () => {
    const odd = join(dir, "odd $(touch pwned) 'root'");
    await writeTree(odd);
    const manifest = await buildManifest(ssh, odd);
    expect(manifest.files).to.equal(expectedEntries().length);
  });
});

describe("parseRemoteOutput", () => {
  const hash = "a".repeat(64);
  it("parses NUL-separated link, stat and sha256sum records", () => {
    const out = [
      "./l",
      "a b",
      "./m\nn",
      "x\ny",
      "",
      "5 644 1767323045 2 77 ./a b",
      "3 4755 1767323046 1 78 ./x\ny",
      "5 644 1767323045 2 77 ./c",
      "",
      `${hash}  ./a b`,
      `${"b".repeat(64)}  ./x\ny`,
      `${hash}  ./c`,
      "",
    ].join("\0");
    const manifest = parseRemoteOutput("/r", out);
    expect([...manifest.entries]).to.deep.equal([
      { path: "a b", size: 5, mode: 0o644, mtime: 1767323045, sha256: hash },
      { path: "c", size: 5, mode: 0o644, mtime: 1767323045, sha256: hash },
      { path: "x\ny", size: 3, mode: 0o4755, mtime: 1767323046, sha256: "b".repeat(64) },
    ]);
    expect(manifest.links).to.deep.equal({
      symlinks: [
        { path: "l", target: "a b" },
        { path: "m\nn", target: "x\ny" },
      ],
      hardLinkGroups: [["a b", "c"]],
    });
  });
  it("reads find's fractional mtime as stat's whole seconds, rounded down, also before 1970", () => {
    // GNU find prints %T@ as the seconds (rounded down) and the nanoseconds past them: a file at
    // 1969-12-31T23:59:58.5Z (-1.5 s) prints "-2.5000000000", and stat %Y gives -2.
    const dir = mkdtempSync(join(tmpdir(), "stronghold-find-"));
    try {
      writeFileSync(join(dir, "b"), "");
      utimesSync(join(dir, "b"), 0, new Date("1969-12-31T23:59:58.5Z"));
      const printed = execFileSync("find", [join(dir, "b"), "-printf", "%T@"], {
        encoding: "utf8",
      });
      const stat = execFileSync("stat", ["-c", "%Y", join(dir, "b")], { encoding: "utf8" });
      expect([printed, stat.trim()]).to.deep.equal(["-2.5000000000", "-2"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const out = [
      "",
      "1 644 1577836800.9999999990 1 1 ./a",
      "1 644 -2.5000000000 1 2 ./b",
      "1 644 -2.0000000000 1 3 ./c",
      "",
      `${hash}  ./a`,
      `${hash}  ./b`,
      `${hash}  ./c`,
      "",
    ].join("\0");
    expect([...parseRemoteOutput("/r", out).entries].map((e) => e.mtime)).to.deep.equal([
      1577836800, -2, -2,
    ]);
  });
  it("refuses output where a listed file was not hashed", () => {
    expect(() => parseRemoteOutput("/r", "\0" + "5 644 1767323045 1 9 ./a\0\0")).to.throw(
      ManifestError,
      /listed but not hashed/,
    );
  });
  it("refuses garbled records", () => {
    expect(() => parseRemoteOutput("/r", `\0garbage\0\0`)).to.throw(
      ManifestError,
      /unexpected stat record/,
    );
    expect(() => parseRemoteOutput("/r", `no separator`)).to.throw(
      ManifestError,
      /unexpected manifest output/,
    );
  });
});
