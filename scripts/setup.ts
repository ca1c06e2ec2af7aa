/**
 * `npm run setup` (after `npm ci`): installs the Debian packages the project needs and checks that
 * the CLI starts. Safe to repeat: with every package present it calls no apt-get at all. A step
 * that cannot go on prints one line saying what to do instead, never a stack trace.
 */
import { $, which } from "zx";
import { SYSTEM_PACKAGES, SetupError, ensureSystemPackages } from "./system-packages.js";

$.verbose = false;

async function setup(): Promise<void> {
  const [major] = process.versions.node.split(".").map(Number);
  if ((major ?? 0) < 20)
    throw new SetupError(`stronghold needs Node.js 20 or newer; this is ${process.version}`);
  await ensureSystemPackages({
    packages: SYSTEM_PACKAGES,
    uid: process.getuid?.() ?? 0,
    hasSudo: Boolean(await which("sudo", { nothrow: true })),
    log: (line) => console.log(line),
  });
  // `--skip-build` leaves dist/ alone (tests run setup beside other tests that use the bundle).
  if (process.argv.includes("--skip-build")) console.log("build: skipped (--skip-build)");
  else {
    const build = await $({
      stdio: ["ignore", "inherit", "pipe"],
    })`npm run --silent build`.nothrow();
    if (build.exitCode !== 0)
      throw new SetupError(
        `npm run build failed (exit ${build.exitCode}): ${build.stderr.trim().split("\n").at(-1) ?? ""}`,
      );
  }
  const version = await $`node bin/stronghold.js --version`.nothrow();
  if (version.exitCode !== 0)
    throw new SetupError(
      `the CLI does not start: ${version.stderr.trim().split("\n").at(-1) ?? ""}`,
    );
  console.log(
    `stronghold ${version.stdout.trim()} is ready: node bin/stronghold.js --help, or install it with npm pack (see the README)`,
  );
}

try {
  await setup();
} catch (error) {
  const message =
    error instanceof SetupError ? error.message : String((error as Error).message ?? error);
  console.error(`setup: ${message}`);
  process.exitCode = 1;
}
