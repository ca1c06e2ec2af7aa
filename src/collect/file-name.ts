/** Machine file names from host names: nothing a name contains can leave the output directory. */

/** Device names Windows refuses as file names, whatever the extension. */
const RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/i;

/** `<name>.json`, lower-case, only [a-z0-9.-], no leading dot, at most 200 characters. */
export function machineFileName(hostName: string): string {
  let base = hostName
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, "-")
    .replace(/^[.-]+/, "")
    .replace(/\.{2,}/g, ".")
    .slice(0, 200)
    .replace(/[.-]+$/, "");
  if (base === "") base = "host";
  if (RESERVED.test(base.split(".")[0] ?? "")) base = `${base}-host`;
  return `${base}.json`;
}
