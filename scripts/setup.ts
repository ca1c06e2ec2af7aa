/**
 * `npm run setup` (after `npm ci`): installs the Debian packages the project needs and checks that
 * the CLI starts. Idempotent: installed packages are left alone.
 */
import { $, which } from "zx";
import { SYSTEM_PACKAGES, aptCommand } from "./system-packages.js";

$.verbose = false;

const [major] = process.versions.node.split(".").map(Number);
if ((major ?? 0) < 20) {
  console.error(`stronghold needs Node.js 20 or newer; this is ${process.version}`);
  process.exit(1);
}

async function missingPackages(): Promise<string[]> {
  const missing: string[] = [];
  for (const name of SYSTEM_PACKAGES) {
    const status = await $`dpkg-query -W -f=\${Status} ${name}`.nothrow();
    if (!status.stdout.includes("install ok installed")) missing.push(name);
  }
  return missing;
}

if (SYSTEM_PACKAGES.length > 0) {
  const missing = await missingPackages();
  if (missing.length === 0) {
    console.log(`system packages: all present (${SYSTEM_PACKAGES.join(", ")})`);
  } else {
    const apt = aptCommand(
      process.getuid?.() ?? 0,
      Boolean(await which("sudo", { nothrow: true })),
    );
    if (!apt) {
      console.error(
        `missing Debian packages ${missing.join(" ")}: run setup as root or install sudo`,
      );
      process.exit(1);
    }
    console.log(`installing ${missing.join(", ")} with ${apt.join(" ")}`);
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    await $({ env, stdio: "inherit" })`${apt} update -qq`;
    await $({ env, stdio: "inherit" })`${apt} install -y -qq --no-install-recommends ${missing}`;
  }
} else {
  console.log("system packages: none needed");
}

await $({ stdio: "inherit" })`npm run --silent build`;
const version = await $`node bin/stronghold.js --version`;
console.log(`stronghold ${version.stdout.trim()} is ready: try npx stronghold --help`);
