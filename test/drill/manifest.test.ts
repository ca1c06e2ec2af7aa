/** Local manifests (worker-thread hashing) and their comparison, on real files. */
import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  appendFile,
  chmod,
  cp,
  mkdir,
  mkdtemp,
  open,
  rm,
  symlink,
  unlink,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  buildManifest,
  compareManifests,
  ManifestError,
  type Manifest,
} from "../../src/drill/manifest/manifest.js";
import type { InventoryHost } from "../../src/hosts/inventory.js";
import { localSession } from "../../src/hosts/transport/local-session.js";
import { expectedEntries, expectedLinks, plain, writeTree } from "./manifest-tree.js";

const host: InventoryHost = {
  name: "fs01",
  transport: { kind: "local" },
  roles: [],
  drill: { target: true, sandbox: [] },
  pointer: "/hosts/0",
};
const session = localSession(host);

async function failure(promise: Promise<unknown>): Promise<ManifestError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(ManifestError);
    return error as ManifestError;
  }
  throw new Error("expected a ManifestError");
}

describe("buildManifest on a local host", () => {
  let dir: string;
  let root: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "stronghold-manifest-"));
    root = join(dir, "share");
    await writeTree(root);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it("records every regular file: relative posix path, size, permission bits, sha256", async () => {
    const manifest = await buildManifest(session, root);
    const want = expectedEntries();
    expect(manifest.root).to.equal(root);
    expect([...manifest.entries]).to.deep.equal(want);
    expect(manifest.files).to.equal(want.length);
    expect(manifest.bytes).to.equal(want.reduce((sum, e) => sum + e.size, 0));
  });

  it("records symbolic links with their targets and groups hard links by inode", async () => {
    expect((await buildManifest(session, root)).links).to.deep.equal(expectedLinks());
  });

  it("agrees with sha256sum", async () => {
    const manifest = await buildManifest(session, root);
    const big = [...manifest.entries].find((e) => e.path === "big/three-and-a-bit.bin")!;
    const sum = execFileSync("sha256sum", [join(root, big.path)], { encoding: "utf8" });
    expect(sum.split(" ")[0]).to.equal(big.sha256);
  });

  it("gives the same manifest with one hashing thread or many", async () => {
    const one = await buildManifest(session, root, { concurrency: 1 });
    const four = await buildManifest(session, root, { concurrency: 4 });
    expect(plain(four)).to.deep.equal(plain(one));
  });

  it("hashes only a sample when asked, leaving out sampled paths that are not files", async () => {
    const manifest = await buildManifest(session, root, {
      sample: ["readme.txt", "names/with space.txt", "no/such/file", "deep", "link-to-readme"],
    });
    expect([...manifest.entries].map((e) => e.path)).to.deep.equal([
      "names/with space.txt",
      "readme.txt",
    ]);
    expect(manifest.links).to.equal(undefined);
  });

  it("keeps names that are not UTF-8 exactly: two Latin-1 names in one folder stay two", async () => {
    const latin = join(dir, "latin1");
    const folder = Buffer.from(join(latin, "finance"));
    await mkdir(folder, { recursive: true });
    const contents = ["contract one\n", "the second contract\n"];
    for (const [i, name] of ["M\xfcller.txt", "M\xf6ller.txt"].entries())
      await writeFile(
        Buffer.concat([folder, Buffer.from("/"), Buffer.from(name, "latin1")]),
        contents[i]!,
      );
    await symlink(
      Buffer.from("M\xfcller.txt", "latin1"),
      Buffer.concat([folder, Buffer.from("/link")]),
    );
    const sha = (text: string) => createHash("sha256").update(text).digest("hex");
    const manifest = await buildManifest(session, latin);
    expect([...manifest.entries].map((e) => [e.path, e.size, e.sha256])).to.deep.equal([
      ["finance/M\\xf6ller.txt", contents[1]!.length, sha(contents[1]!)],
      ["finance/M\\xfcller.txt", contents[0]!.length, sha(contents[0]!)],
    ]);
    expect(manifest.links?.symlinks).to.deep.equal([
      { path: "finance/link", target: "M\\xfcller.txt" },
    ]);
    const sample = await buildManifest(session, latin, {
      sample: ["finance/M\\xfcller.txt", "finance/M\\xf6ller.txt"],
    });
    expect([...sample.entries]).to.deep.equal([...manifest.entries]);
  });

  it("refuses a sample path that would leave the root", async () => {
    for (const path of ["../etc/passwd", "/etc/passwd", "a/./b", ""]) {
      const error = await failure(buildManifest(session, root, { sample: [path] }));
      expect(error.message).to.include("must be relative to the root");
    }
  });

  it("follows a root that is a link to the share, but no link below it", async () => {
    const link = join(dir, "share-link");
    await symlink(root, link);
    const manifest = await buildManifest(session, link);
    expect(manifest.root).to.equal(link);
    expect([...manifest.entries]).to.deep.equal(expectedEntries());
  });

  it("reports a missing root with its path", async () => {
    const error = await failure(buildManifest(session, join(dir, "gone")));
    expect(error.message).to.match(/cannot read .*gone: ENOENT/);
  });

  it("reports an empty tree as an empty manifest", async () => {
    const empty = join(dir, "empty-root");
    await cp(join(root, "empty-folder"), empty, { recursive: true });
    expect(plain(await buildManifest(session, empty))).to.deep.equal({
      root: empty,
      entries: [],
      files: 0,
      bytes: 0,
      links: { symlinks: [], hardLinkGroups: [] },
    });
  });
});

describe("compareManifests on real changes", () => {
  let dir: string;
  let original: string;
  let pristine: Manifest;
  let n = 0;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "stronghold-compare-"));
    original = join(dir, "original");
    await writeTree(original);
    pristine = await buildManifest(session, original);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  /** A copy of the tree with one change applied, and its manifest compared with the original. */
  async function afterChange(change: (root: string) => Promise<void>) {
    const copy = join(dir, `copy-${n++}`);
    await cp(original, copy, { recursive: true, preserveTimestamps: true, verbatimSymlinks: true });
    await change(copy);
    return compareManifests(pristine, await buildManifest(session, copy));
  }

  it("an untouched copy verifies every file and byte", async () => {
    const diff = await afterChange(() => Promise.resolve());
    expect(diff).to.deep.equal({
      missing: [],
      altered: [],
      modeChanged: [],
      extra: [],
      verifiedFiles: pristine.files,
      verifiedBytes: pristine.bytes,
      ok: true,
    });
  });

  const cases: {
    name: string;
    change: (root: string) => Promise<void>;
    want: { missing?: string[]; altered?: string[]; modeChanged?: string[]; extra?: string[] };
    ok: boolean;
  }[] = [
    {
      name: "one flipped byte in the middle of a large file (same size)",
      change: async (root) => {
        const handle = await open(join(root, "big/three-and-a-bit.bin"), "r+");
        const byte = Buffer.alloc(1);
        await handle.read(byte, 0, 1, 1_500_000);
        byte[0] = byte[0]! ^ 0x01;
        await handle.write(byte, 0, 1, 1_500_000);
        await handle.close();
      },
      want: { altered: ["big/three-and-a-bit.bin"] },
      ok: false,
    },
    {
      name: "a file that grew",
      change: (root) => appendFile(join(root, "readme.txt"), "x"),
      want: { altered: ["readme.txt"] },
      ok: false,
    },
    {
      name: "a missing file",
      change: (root) => unlink(join(root, "names/line\nbreak.txt")),
      want: { missing: ["names/line\nbreak.txt"] },
      ok: false,
    },
    {
      name: "a changed mode",
      change: (root) => chmod(join(root, "scripts/run.sh"), 0o644),
      want: { modeChanged: ["scripts/run.sh"] },
      ok: false,
    },
    {
      name: "a lost setgid bit",
      change: (root) => chmod(join(root, "scripts/setgid-tool"), 0o750),
      want: { modeChanged: ["scripts/setgid-tool"] },
      ok: false,
    },
    {
      name: "an extra file (a ransom note), listed but not a failure by itself",
      change: (root) => writeFile(join(root, "READ-ME-TO-DECRYPT.txt"), "pay"),
      want: { extra: ["READ-ME-TO-DECRYPT.txt"] },
      ok: true,
    },
  ];
  for (const c of cases) {
    it(`detects ${c.name}`, async () => {
      const diff = await afterChange(c.change);
      expect({
        missing: diff.missing,
        altered: diff.altered,
        modeChanged: diff.modeChanged,
        extra: diff.extra,
      }).to.deep.equal({ missing: [], altered: [], modeChanged: [], extra: [], ...c.want });
      expect(diff.ok).to.equal(c.ok);
      const failed =
        (c.want.missing?.length ?? 0) +
        (c.want.altered?.length ?? 0) +
        (c.want.modeChanged?.length ?? 0);
      expect(diff.verifiedFiles).to.equal(pristine.files - failed);
    });
  }
});
