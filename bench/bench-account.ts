/**
 * The account benchmarks log in as over SSH. Run as root, they log in as stronghold-bench, a
 * system account with /bin/sh (created here if missing): root's login shell on a developer
 * machine may source a slow .bashrc on every command sshd starts. BENCH_LOGIN=self, or not
 * running as root, logs in as the current user (undefined).
 */
import { spawnSync } from "node:child_process";

export const BENCH_USER = "stronghold-bench";

export function benchAccount(): string | undefined {
  if (process.getuid?.() !== 0 || process.env.BENCH_LOGIN === "self") return undefined;
  if (spawnSync("id", [BENCH_USER]).status !== 0) {
    console.error(`creating the system account ${BENCH_USER} (shell /bin/sh) to log in as`);
    for (const argv of [
      ["useradd", "--system", "--create-home", "--shell", "/bin/sh", BENCH_USER],
      ["usermod", "-p", "*", BENCH_USER], // unlocked for key logins (sshd with UsePAM no refuses "!")
    ]) {
      const r = spawnSync(argv[0]!, argv.slice(1), { encoding: "utf8" });
      if (r.status !== 0) throw new Error(`${argv.join(" ")}: ${r.stderr}`);
    }
  }
  return BENCH_USER;
}
