/** Debian packages the project needs at run time or in its tests, installed by `npm run setup`. */
export const SYSTEM_PACKAGES: readonly string[] = [
  // Compliance checks need nothing beyond Node; the drill and collector pillars add theirs here.
];

/** How to run apt-get: directly as root, through sudo otherwise, or not at all. */
export function aptCommand(uid: number, hasSudo: boolean): string[] | undefined {
  if (uid === 0) return ["apt-get"];
  if (hasSudo) return ["sudo", "-n", "apt-get"];
  return undefined;
}
