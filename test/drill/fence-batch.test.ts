/**
 * The batched fence: thousands of paths in one command (on stdin, never in argv), checked in
 * bulk on the host, one refused path refusing the whole batch before any change; and the names
 * scrambled files get when their own name is too long to take the extension.
 */
import { expect } from "chai";
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import {
  link,
  lstat,
  mkdir,
  mkdtemp,
  readFile,
  readdir,
  rm,
  symlink,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execLocal } from "../../src/hosts/transport/local-session.js";
import { fencedFiles, scrambledNames } from "../../src/drill/fencing/fenced-files.js";
import { lockedName, NAME_MAX } from "../../src/drill/fencing/names.js";
import { FencingError } from "../../src/drill/runbook/failures.js";
import { nameToBytes } from "../../src/support/file-names.js";
// Bytes on disk: a byte escape ("\\xfc") in a name's text is one byte.
const bytes = (s: string) => nameToBytes(s).length;

describe("drill fence: batches of paths", function () {
  this.timeout(60_000);
  let dir: string;
  let share: string;
  let outside: string;
  let argvSizes: number[];
  const files = () =>
    fencedFiles(
      {
        name: "fs01",
        exec: (argv, options) => {
          argvSizes.push(argv.reduce((sum, a) => sum + bytes(a), 0));
          return execLocal(argv, options);
        },
      },
      "act",
      [share],
      [share],
    );
  const ODD = [
    "line\nbreak.txt",
    "-rf",
    "--help",
    " leading space.txt",
    "star*[x]?.txt",
    "quote'\"$(x).txt",
    "ü".repeat(100) + ".txt",
    "n".repeat(254),
  ];
  /** `count` files in nested folders, the odd names among them; returns their paths. */
  async function seed(count: number): Promise<string[]> {
    const paths: string[] = [];
    for (let i = 0; i < count; i++) {
      const folder = join(share, `d${i % 7}`, `e${i % 5}`);
      const name = i < ODD.length ? ODD[i]! : `file-${i}.txt`;
      await mkdir(folder, { recursive: true });
      await writeFile(join(folder, name), `content ${i}\n`);
      paths.push(join(folder, name));
    }
    return paths;
  }
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "stronghold-fence-batch-"));
    share = join(dir, "share");
    outside = join(dir, "outside");
    await mkdir(share);
    await mkdir(outside);
    await writeFile(join(outside, "keep.txt"), "must survive\n");
    argvSizes = [];
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it("removes 3,000 files with odd names in one command whose argv does not grow", async () => {
    const paths = await seed(3000);
    expect(await files().remove(paths)).to.equal(true);
    for (const p of paths) expect(existsSync(p), p).to.equal(false);
    expect(argvSizes).to.have.length(1);
    expect(argvSizes[0]).to.be.below(16 * 1024);
  });

  it("refuses the whole batch when one path goes through a link planted in the data", async () => {
    const paths = await seed(3000);
    await symlink(outside, join(share, "d3", "planted"));
    const batch = [
      ...paths.slice(0, 1500),
      join(share, "d3", "planted", "keep.txt"),
      ...paths.slice(1500),
    ];
    const error = await files()
      .remove(batch)
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).to.be.instanceOf(FencingError);
    expect((error as Error).message).to.include(
      `resolves to ${join(outside, "keep.txt")}, outside the sandbox`,
    );
    for (const p of paths) expect(existsSync(p), p).to.equal(true);
    expect(await readFile(join(outside, "keep.txt"), "utf8")).to.equal("must survive\n");
  });

  it("refuses a link planted as a folder of the path, whatever the name's bytes", async () => {
    await seed(20);
    const odd = join(share, "-x\nlink");
    await symlink(outside, odd);
    const error = await files()
      .remove([join(odd, "keep.txt")])
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).to.be.instanceOf(FencingError);
    expect(await readFile(join(outside, "keep.txt"), "utf8")).to.equal("must survive\n");
  });

  it("removes a folder holding names that are not UTF-8, with the rest of the batch", async () => {
    const paths = await seed(500);
    const raw = Buffer.concat([
      Buffer.from(`${share}/latin1/`),
      Buffer.from([0x63, 0x61, 0x66, 0xe9]),
    ]);
    await mkdir(join(share, "latin1"));
    await writeFile(raw, "café in latin-1\n");
    expect(await files().remove([join(share, "latin1"), ...paths])).to.equal(true);
    expect(existsSync(join(share, "latin1"))).to.equal(false);
  });

  it("scrambles 2,000 files with odd names: new inodes, 16 bytes longer, names within 255 bytes", async () => {
    const paths = await seed(2000);
    const copy = join(dir, "copy");
    await mkdir(copy);
    await link(paths[7]!, join(copy, "long-name-original"));
    const renamed = await files().scramble(paths, ".locked");
    expect(renamed.map((r) => r.from)).to.deep.equal(paths);
    for (const [i, r] of renamed.entries()) {
      expect(existsSync(r.from), r.from).to.equal(false);
      expect(r.to.endsWith(".locked")).to.equal(true);
      const name = r.to.slice(r.to.lastIndexOf("/") + 1);
      expect(bytes(name)).to.be.at.most(NAME_MAX);
      expect((await lstat(r.to)).size).to.equal(bytes(`content ${i}\n`) + 16);
    }
    // The 254-byte name could not take ".locked": it was shortened, and the copy kept its content.
    expect(renamed[7]!.to).not.to.equal(`${paths[7]}.locked`);
    expect(await readFile(join(copy, "long-name-original"), "utf8")).to.equal("content 7\n");
    const left = await readdir(share, { recursive: true });
    expect(left.filter((n) => n.includes(".stronghold-tmp"))).to.deep.equal([]);
  });

  it("scrambles Latin-1 names by their bytes on disk: 248 bytes take the extension, 250 are shortened", async () => {
    const latin = join(share, "latin");
    await mkdir(latin);
    const names = ["\\xfc".repeat(248), "\\xfc".repeat(250)];
    for (const name of names)
      writeFileSync(Buffer.concat([Buffer.from(`${latin}/`), nameToBytes(name)]), "x\n");
    const renamed = await files().scramble(
      names.map((n) => `${latin}/${n}`),
      ".locked",
    );
    expect(renamed[0]!.to).to.equal(`${latin}/${names[0]}.locked`);
    expect(renamed[1]!.to).to.match(/\/(\\xfc)+~[0-9a-f]{12}\.locked$/);
    const onDisk = readdirSync(Buffer.from(latin), { encoding: "buffer" }).map((b) => b.length);
    expect(onDisk.sort()).to.deep.equal([255, 255]);
  });

  it("refuses the whole scramble batch when one file is a symbolic link; nothing changes", async () => {
    const paths = await seed(1000);
    const planted = join(share, "d1", "link.txt");
    await symlink(join(outside, "keep.txt"), planted);
    const error = await files()
      .scramble([...paths, planted], ".locked")
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).to.be.instanceOf(FencingError);
    expect((error as Error).message).to.include("not a regular file");
    for (const p of paths) expect(existsSync(p), p).to.equal(true);
    expect(await readFile(join(outside, "keep.txt"), "utf8")).to.equal("must survive\n");
  });

  it("refuses a path with a NUL before any command", async () => {
    const error = await files()
      .remove([join(share, "a\0b")])
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).to.be.instanceOf(FencingError);
    expect(argvSizes).to.deep.equal([]);
  });
});

describe("drill fence: names of scrambled files", () => {
  const cases: { name: string; expect: (got: string) => void }[] = [
    { name: "a.txt", expect: (got) => expect(got).to.equal("a.txt.locked") },
    { name: "n".repeat(248), expect: (got) => expect(got).to.equal(`${"n".repeat(248)}.locked`) },
    {
      name: "n".repeat(249),
      expect: (got) => {
        expect(bytes(got)).to.equal(NAME_MAX);
        expect(got).to.match(/^n+~[0-9a-f]{12}\.locked$/);
      },
    },
    {
      // Latin-1 bytes, written "\xfc" in a name's text: 248 bytes on disk, so the extension fits.
      name: "\\xfc".repeat(248),
      expect: (got) => expect(got).to.equal(`${"\\xfc".repeat(248)}.locked`),
    },
    {
      name: `a${"\\xfc".repeat(250)}`,
      expect: (got) => {
        expect(nameToBytes(got).length).to.equal(NAME_MAX);
        // No byte escape is cut in two.
        expect(got).to.match(/^a(\\xfc)+~[0-9a-f]{12}\.locked$/);
      },
    },
    {
      name: "ü".repeat(127),
      expect: (got) => {
        expect(bytes(got)).to.be.at.most(NAME_MAX);
        expect(got).to.match(/^ü+~[0-9a-f]{12}\.locked$/);
      },
    },
  ];
  for (const c of cases)
    it(`${c.name.slice(0, 12)}… (${bytes(c.name)} bytes)`, () =>
      c.expect(lockedName(c.name, ".locked")));

  it("gives two long names with the same beginning different names, and avoids taken ones", () => {
    const prefix = "x".repeat(250);
    const renamed = scrambledNames([`/s/${prefix}a`, `/s/${prefix}b`], ".locked");
    expect(new Set(renamed.map((r) => r.to)).size).to.equal(2);
    const first = lockedName(`${prefix}a`, ".locked");
    const again = lockedName(`${prefix}a`, ".locked", (n) => n === first);
    expect(again).not.to.equal(first);
    expect(again.endsWith(".locked")).to.equal(true);
    expect(bytes(again)).to.be.at.most(NAME_MAX);
  });
});
