/** Debian packages the project needs at run time or in its tests, installed by `npm run setup`. */
export const SYSTEM_PACKAGES: readonly string[] = [
  // Drills and the collector reach hosts over SSH; their tests start real sshd instances.
  "openssh-server",
  // The backup engine the drills restore with.
  "restic",
  // `rclone serve restic --append-only`: the append-only offsite repository in the drill tests.
  "rclone",
  // The firewall parser's differential test loads generated rule sets with nft and iptables-restore.
  "nftables",
  "iptables",
];

/** How to run apt-get: directly as root, through sudo otherwise, or not at all. */
export function aptCommand(uid: number, hasSudo: boolean): string[] | undefined {
  if (uid === 0) return ["apt-get"];
  if (hasSudo) return ["sudo", "-n", "apt-get"];
  return undefined;
}
