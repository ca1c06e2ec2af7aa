/**
 * `npm start`: the nightly job of the sample Town of Millbrook, on this machine alone. It makes
 * the workspace `demo/millbrook` with `stronghold init` (the sample town's machines, registers
 * and policy), lets this machine play the town's file server (`transport: local`) with a small
 * share under `demo/lab`, backs the share up with restic into a repository beside it, the way
 * restic's docs show, then runs `stronghold run`: recover, collect (this machine), check (the
 * sample's machines and this one), the drills due today, the summary and the comparison with the
 * previous run.
 *
 * Safe to repeat: the workspace, share and repository are made once and kept, so a second
 * `npm start` compares with the first; `--fresh` starts over. `--dir <folder>` puts it elsewhere.
 */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { $ } from "zx";
import { parseDocument, stringify } from "yaml";

$.verbose = false;

const ROOT = path.resolve(import.meta.dirname, "..");
const CLI = path.join(ROOT, "bin", "stronghold.js");

class DemoError extends Error {}

function option(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at < 0 ? undefined : process.argv[at + 1];
}

/** A share as a town's has it: nested department folders, names with spaces, accents and quotes. */
async function seedShare(share: string): Promise<number> {
  const departments = ["Town Clerk", "Finance", "Police Records", "Public Works", "Library"];
  const kinds = ["minutes", "invoice", "report", "permit", "scan"];
  let files = 0;
  for (const department of departments)
    for (let year = 2022; year <= 2026; year++) {
      const folder = path.join(share, department, String(year));
      await mkdir(folder, { recursive: true });
      for (let n = 1; n <= 12; n++) {
        const kind = kinds[(n + year) % kinds.length]!;
        const name =
          n % 4 === 0
            ? `${kind} ${year}-${String(n).padStart(2, "0")} (révisé) O'Brien.txt`
            : `${kind}-${year}-${String(n).padStart(2, "0")}.txt`;
        await writeFile(
          path.join(folder, name),
          `${department}, ${kind} ${n} of ${year}\n${randomBytes(512 + n * 97).toString("base64")}\n`,
        );
        files++;
      }
    }
  return files;
}

/** The workspace, the share and the repository, each made only when missing. */
async function prepare(dir: string): Promise<{ workspace: string; created: boolean }> {
  const workspace = path.join(dir, "millbrook");
  const lab = path.join(dir, "lab");
  const sandbox = path.join(lab, "fs01");
  const share = path.join(sandbox, "share");
  const repository = path.join(lab, "offsite-repository");
  const passwordFile = path.join(lab, "restic.pass");
  const created = !existsSync(path.join(workspace, "stronghold.yaml"));

  if (!existsSync(share)) {
    const files = await seedShare(share);
    console.log(`demo: seeded the file share ${share} (${files} files)`);
  }
  if (!existsSync(passwordFile))
    await writeFile(passwordFile, `${randomBytes(24).toString("base64url")}\n`, { mode: 0o600 });
  const restic = (args: string[]) =>
    $({
      env: { ...process.env, RESTIC_PASSWORD_FILE: passwordFile },
    })`restic -r ${repository} ${args}`;
  if (!existsSync(path.join(repository, "config"))) await restic(["init"]);
  // Tonight's backup, as a town's backup job takes it before the nightly run.
  await restic(["backup", "--quiet", "--host", "demo-fs01", share]);

  if (created) {
    const init =
      await $`node ${CLI} init ${workspace} --town ${"Town of Millbrook"} --time-zone America/New_York`.nothrow();
    if (init.exitCode !== 0)
      throw new DemoError(`stronghold init failed: ${init.stderr.trim().split("\n").at(-1)}`);
    await writeFile(
      path.join(workspace, "hosts.yaml"),
      `# The demo: this machine plays Millbrook's file server (no SSH needed).\n${stringify({
        version: 1,
        hosts: [
          {
            name: "demo-fs01",
            transport: "local",
            roles: ["file-server"],
            machine: { department: "town-hall", site: "town-hall", role: "server", owner: "IT" },
            drill: { target: true, sandbox: [sandbox] },
          },
        ],
      })}`,
    );
    await writeFile(
      path.join(workspace, "drill.yaml"),
      `# The demo's share and its restic repository (a folder standing in for the offsite bucket).\n${stringify(
        { version: 1, repository, passwordFile, data: share },
      )}`,
    );
    const file = path.join(workspace, "stronghold.yaml");
    const doc = parseDocument(await readFile(file, "utf8"));
    doc.delete("stackOutputs");
    // The sample town has planted problems: the demo reports them without failing on them.
    doc.setIn(["check", "failOn"], "never");
    doc.setIn(["schedule", "drills"], [{ runbook: "backup-integrity", every: "daily" }]);
    await writeFile(file, doc.toString());
  }
  return { workspace, created };
}

async function demo(): Promise<number> {
  if (!existsSync(CLI) || !existsSync(path.join(ROOT, "dist")))
    throw new DemoError("the CLI is not built: run npm run setup first");
  const dir = path.resolve(option("--dir") ?? path.join(ROOT, "demo"));
  if (process.argv.includes("--fresh")) await rm(dir, { recursive: true, force: true });
  const { workspace, created } = await prepare(dir);
  console.log(
    `demo: ${created ? "made" : "kept"} the workspace ${workspace}; stronghold run in it:\n`,
  );
  const run = await $({
    cwd: workspace,
    stdio: ["ignore", "inherit", "inherit"],
  })`node ${CLI} run`.nothrow();
  console.log(
    [
      "",
      `demo: the reports are in ${path.join(workspace, "evidence", "reports")}, the run's summary and`,
      `      each stage's output in ${path.join(workspace, "evidence", "runs")}, the dashboard in`,
      `      ${path.join(workspace, "evidence", "dashboard.html")} (open it in a browser).`,
      "      npm start again compares with this run; npm start -- --fresh starts over.",
    ].join("\n"),
  );
  return run.exitCode ?? 1;
}

try {
  process.exitCode = await demo();
} catch (error) {
  const e = error as Error & { stderr?: string };
  const why = e.stderr?.trim().split("\n").at(-1) ?? e.message;
  console.error(`demo: ${error instanceof DemoError ? e.message : why}`);
  process.exitCode = 1;
}
