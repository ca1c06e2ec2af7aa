/**
 * An ssh2 key that signs with a private KeyObject made once. ssh2's own `sign` hands OpenSSL the
 * key's PEM text, which it decodes again for every login: an ed25519 signature costs 412 µs that
 * way and 40 µs with a KeyObject, against a collector budget of about 10 ms CPU per host.
 */
import { createPrivateKey, sign, type KeyObject } from "node:crypto";
import type { KeyType, ParsedKey } from "ssh2";

/** The hash ssh2 signs with when its caller names none (ssh2's keyParser.js, per key type). */
const DEFAULT_HASH: Readonly<Record<KeyType, string | null>> = {
  "ssh-ed25519": null,
  "ecdsa-sha2-nistp256": "sha256",
  "ecdsa-sha2-nistp384": "sha384",
  "ecdsa-sha2-nistp521": "sha512",
  "ssh-rsa": "sha1",
  "ssh-dss": "sha1",
};

/**
 * The same parsed key, its `sign` done with a KeyObject; the key itself when its type is not one
 * mapped above or OpenSSL cannot load it (ssh2 then says why when it signs, as before).
 */
export function signingWithKeyObject(key: ParsedKey): ParsedKey {
  if (!Object.hasOwn(DEFAULT_HASH, key.type)) return key;
  const defaultHash = DEFAULT_HASH[key.type];
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(key.getPrivatePEM());
  } catch {
    return key;
  }
  // As ssh2's BaseKey.sign: any algo that is not a non-empty string means the type's default,
  // and a failure is returned, not thrown (ssh2's types omit the Error).
  const signWithKeyObject = (data: Buffer | string, algo?: string): Buffer | Error => {
    try {
      const hash = algo && typeof algo === "string" ? algo : defaultHash;
      return sign(hash, typeof data === "string" ? Buffer.from(data) : data, privateKey);
    } catch (error) {
      return error as Error;
    }
  };
  // ssh2 recognises a parsed key by a symbol property, which the prototype chain keeps.
  const signer = Object.create(key) as ParsedKey;
  signer.sign = signWithKeyObject as ParsedKey["sign"];
  return signer;
}
