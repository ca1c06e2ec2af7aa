/** Debian package version ordering, as `dpkg --compare-versions` defines it (deb-version(7)). */

interface DebianVersion {
  readonly epoch: number;
  readonly upstream: string;
  readonly revision: string;
}

function parse(version: string): DebianVersion {
  const colon = version.indexOf(":");
  const epoch = colon > 0 ? Number(version.slice(0, colon)) || 0 : 0;
  const rest = colon > 0 ? version.slice(colon + 1) : version;
  const dash = rest.lastIndexOf("-");
  return dash > 0
    ? { epoch, upstream: rest.slice(0, dash), revision: rest.slice(dash + 1) }
    : { epoch, upstream: rest, revision: "" };
}

/**
 * Sort weight of one non-digit character: ~ before the end, the end before letters, letters before
 * the rest. Character codes rather than a RegExp test per character.
 */
function order(c: string | undefined): number {
  if (c === undefined) return 0;
  const code = c.charCodeAt(0);
  if (code === 0x7e) return -1; // ~
  if (code >= 0x30 && code <= 0x39) return 0; // 0-9
  if ((code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a)) return code; // A-Z, a-z
  return code + 256;
}

const isDigit = (c: string | undefined) => c !== undefined && c >= "0" && c <= "9";

function compareParts(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    let firstDiff = 0;
    while ((i < a.length && !isDigit(a[i])) || (j < b.length && !isDigit(b[j]))) {
      const ac = order(a[i]);
      const bc = order(b[j]);
      if (ac !== bc) return ac - bc;
      i++;
      j++;
    }
    while (a[i] === "0") i++;
    while (b[j] === "0") j++;
    while (isDigit(a[i]) && isDigit(b[j])) {
      if (firstDiff === 0) firstDiff = a.charCodeAt(i) - b.charCodeAt(j);
      i++;
      j++;
    }
    if (isDigit(a[i])) return 1;
    if (isDigit(b[j])) return -1;
    if (firstDiff !== 0) return firstDiff;
  }
  return 0;
}

/** Negative when a sorts before b, 0 when equal, positive after. */
export function compareDebianVersions(a: string, b: string): number {
  const x = parse(a);
  const y = parse(b);
  if (x.epoch !== y.epoch) return x.epoch - y.epoch;
  return compareParts(x.upstream, y.upstream) || compareParts(x.revision, y.revision);
}
