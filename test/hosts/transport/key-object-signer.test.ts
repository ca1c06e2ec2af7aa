/** The run's identity key signs with a KeyObject exactly as ssh2's own key would. */
import { expect } from "chai";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ssh2, { type ParsedKey } from "ssh2";
import { signingWithKeyObject } from "../../../src/hosts/transport/key-object-signer.js";
import { SshCredentials } from "../../../src/hosts/transport/ssh-credentials.js";
import { keygen } from "../../fixtures/sshd.js";

interface Case {
  readonly name: string;
  readonly type: string;
  readonly extra?: readonly string[];
  /** What ssh2 passes as the hash: nothing for ed25519 and ecdsa, rsa-sha2-* names one. */
  readonly algos: readonly (string | undefined)[];
  /** Deterministic schemes: the very bytes ssh2 signs. Otherwise: ssh2's verify accepts it. */
  readonly deterministic: boolean;
}

const CASES: readonly Case[] = [
  { name: "ed25519", type: "ed25519", algos: [undefined], deterministic: true },
  ...[256, 384, 521].map((bits): Case => ({
    name: `ecdsa p${bits}`,
    type: "ecdsa",
    extra: ["-b", String(bits)],
    algos: [undefined],
    deterministic: false,
  })),
  {
    name: "rsa",
    type: "rsa",
    extra: ["-b", "2048"],
    algos: [undefined, "sha256", "sha512"],
    deterministic: true,
  },
  {
    name: "rsa in PEM",
    type: "rsa",
    extra: ["-b", "2048", "-m", "PEM"],
    algos: [undefined, "sha256"],
    deterministic: true,
  },
  { name: "dsa", type: "dsa", algos: [undefined], deterministic: false },
];

const plainKey = (text: string): ParsedKey => {
  const parsed = ssh2.utils.parseKey(text);
  if (parsed instanceof Error) throw parsed;
  return Array.isArray(parsed) ? (parsed as ParsedKey[])[0]! : parsed;
};

describe("identity key signing with a KeyObject", () => {
  let scratch: string;
  const files = new Map<string, string>();
  before(async () => {
    scratch = await mkdtemp(join(tmpdir(), "stronghold-keysign-test-"));
    for (const c of CASES) {
      const file = join(scratch, c.name.replaceAll(" ", "_"));
      keygen(file, c.type, c.extra);
      files.set(c.name, file);
    }
  });
  after(() => rm(scratch, { recursive: true, force: true }));

  const identityKey = async (file: string): Promise<ParsedKey> => {
    const identity = await new SshCredentials().identity(file);
    if (identity.kind !== "key") throw identity.error;
    return identity.key;
  };

  for (const c of CASES) {
    it(`${c.name}: signs as ssh2 does, for every hash ssh2 may ask`, async () => {
      const file = files.get(c.name)!;
      const plain = plainKey(await readFile(file, "utf8"));
      const key = await identityKey(file);
      expect(Object.hasOwn(key, "sign"), "the run's key signs with its own function").to.equal(
        true,
      );
      expect(key.type).to.equal(plain.type);
      expect(key.getPublicSSH().equals(plain.getPublicSSH())).to.equal(true);
      const data = Buffer.from(`session identifier and userauth request for ${c.name}`);
      for (const algo of c.algos) {
        const signature = key.sign(data, algo);
        expect(signature, `algo ${algo}`).to.be.instanceOf(Buffer);
        if (c.deterministic)
          expect(signature.equals(plain.sign(data, algo)), `algo ${algo}`).to.equal(true);
        expect(plain.verify(data, signature, algo), `algo ${algo}`).to.equal(true);
        expect(plain.verify(Buffer.from("other data"), signature, algo)).to.equal(false);
      }
    });
  }

  it("stays a parsed key to ssh2 and returns a failure as ssh2 does, not throwing", async () => {
    const key = await identityKey(files.get("ed25519")!);
    expect(ssh2.utils.parseKey(key)).to.equal(key);
    const rsa = await identityKey(files.get("rsa")!);
    const plainRsa = plainKey(await readFile(files.get("rsa")!, "utf8"));
    const data = Buffer.from("data");
    // ssh2's types say Buffer; at run time a failed signature is an Error value.
    const failed: unknown = rsa.sign(data, "no-such-hash");
    const ssh2Failed: unknown = plainRsa.sign(data, "no-such-hash");
    expect(ssh2Failed).to.be.instanceOf(Error);
    expect(failed).to.be.instanceOf(Error);
    expect((failed as Error).message).to.equal((ssh2Failed as Error).message);
  });

  it("leaves a key of a type it does not map as it was", async () => {
    const plain = plainKey(await readFile(files.get("ed25519")!, "utf8"));
    const unmapped = Object.create(plain, {
      type: { value: "sk-ssh-ed25519@openssh.com" },
    }) as ParsedKey;
    expect(signingWithKeyObject(unmapped)).to.equal(unmapped);
  });
});
