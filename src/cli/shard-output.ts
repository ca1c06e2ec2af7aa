/** `stronghold check --shard i/n` and `stronghold report merge`: a check split across hosts. */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import type { FailOn } from "../check/evaluation/report-model.js";
import type { InputProblem } from "../check/evaluation/result.js";
import { FORMATS } from "../check/report/index.js";
import {
  checkShardSet,
  evaluateShard,
  mergeShards,
  policyDigest,
  readShard,
  renderShard,
  shardFileName,
  type ShardFile,
} from "../check/shard/shard-file.js";
import type { ShardSpec } from "../check/shard/split.js";
import { writeFileAtomic } from "../output/write-atomic.js";
import { formatProblem, InputError, UsageError } from "../support/errors.js";
import {
  emitReports,
  loadCheckSetup,
  type CheckOptions,
  type CheckSetup,
} from "./check-command.js";
import { parseFormatList } from "./format-list.js";
import type { Io } from "./io.js";
import { registerReportHtml } from "./report-html.js";
import { outDirectory } from "./out-dir.js";

/** The side files whose content decides results, by the option that names them. */
const SIDE_FILES = ["overlay", "waivers", "licenses", "assets", "disposals", "ipPlan"] as const;

function sideFileDigests(options: CheckOptions): Record<string, string | undefined> {
  return Object.fromEntries(
    SIDE_FILES.filter((o) => options[o] !== undefined).map((o) => {
      let sha: string;
      try {
        sha = createHash("sha256").update(readFileSync(options[o]!)).digest("hex");
      } catch (error) {
        sha = `unreadable: ${(error as NodeJS.ErrnoException).code ?? String(error)}`;
      }
      return [o, sha];
    }),
  );
}

/** The options a shard records: enough for the merge to load the same policy and registers. */
function settingsOf(setup: CheckSetup): Record<string, unknown> {
  const o = setup.options;
  return {
    paths: setup.paths,
    ...(o.baseline === undefined ? {} : { baseline: o.baseline }),
    ...Object.fromEntries(SIDE_FILES.filter((k) => o[k] !== undefined).map((k) => [k, o[k]])),
    at: setup.run.at.toISOString(),
    failOn: o.failOn,
    minScore: o.minScore,
  };
}

/** Evaluates one shard and writes its file (under --out, or to stdout); 2 when inputs had problems. */
export async function runShard(setup: CheckSetup, shard: ShardSpec, io: Io): Promise<number> {
  if (setup.options.at === undefined)
    throw new UsageError(
      "--shard needs --at: every shard must evaluate at the same time for the merge to match",
    );
  const file = await evaluateShard(setup.run, setup.paths, io.stdin, shard, {
    settings: settingsOf(setup),
    policyDigest: policyDigest(setup.run.policy, sideFileDigests(setup.options)),
  });
  if (setup.options.out === undefined) renderShard(file, io.stdout);
  else {
    const put = outDirectory(setup.options.out);
    const written = put(shardFileName(shard), (target) =>
      writeFileAtomic(target, (write) => renderShard(file, write)),
    );
    io.stderr(
      `wrote ${written} (${file.machines.length} machines, shard ${shard.index}/${shard.count})\n`,
    );
  }
  const problems = [...(setup.run.problems ?? []), ...file.problems.map((p) => p.problem)];
  for (const p of problems) io.stderr(`${formatProblem(p)}\n`);
  return problems.length > 0 ? 2 : 0;
}

interface MergeOptions {
  format: string;
  out?: string;
  quiet?: boolean;
  color?: boolean;
}

async function loadShards(files: readonly string[]): Promise<{ file: string; shard: ShardFile }[]> {
  const problems: InputProblem[] = [];
  const shards: { file: string; shard: ShardFile }[] = [];
  for (const file of files) {
    let value: unknown;
    try {
      value = JSON.parse(await readFile(file, "utf8"));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      problems.push({
        file,
        pointer: "",
        message:
          code === "ENOENT"
            ? "does not exist"
            : code !== undefined
              ? `cannot be read: ${code}`
              : `is not valid JSON: ${(error as Error).message}`,
      });
      continue;
    }
    const read = readShard(file, value);
    if (read.problems) problems.push(...read.problems);
    else shards.push({ file, shard: read.shard });
  }
  if (problems.length > 0) throw new InputError(problems);
  const set = checkShardSet(shards);
  if (set.length > 0) throw new InputError(set);
  return shards;
}

/** Merges complete shards into the reports one `stronghold check` would have written. */
async function merge(files: string[], options: MergeOptions, io: Io): Promise<number> {
  const formats = parseFormatList(options.format, FORMATS, options.out);
  const shards = await loadShards(files);
  const first = shards[0]!;
  const settings = first.shard.settings as unknown as CheckOptions & {
    paths: string[];
    failOn: FailOn;
  };
  const { paths, ...checkOptions } = settings;
  const setup = await loadCheckSetup(paths, checkOptions);
  if (policyDigest(setup.run.policy, sideFileDigests(checkOptions)) !== first.shard.policyDigest)
    throw new InputError([
      {
        file: first.file,
        pointer: "/policyDigest",
        message:
          "the policy, overlay, registers or waivers changed since the shards ran (or this is another stronghold version): rerun the shards",
      },
    ]);
  const report = mergeShards(
    setup.run,
    shards.map((s) => s.shard),
  );
  return emitReports(
    report,
    {
      formats,
      ...(options.out === undefined ? {} : { out: options.out }),
      ...(options.quiet === undefined ? {} : { quiet: options.quiet }),
      ...(options.color === undefined ? {} : { color: options.color }),
    },
    io,
  );
}

export function registerReportCommand(
  program: Command,
  io: Io,
  setExit: (code: number) => void,
): void {
  const report = program
    .command("report")
    .summary("work with results: merge the shards of a split check, write the evidence dashboard");
  report
    .command("merge")
    .summary("merge the shard files of `stronghold check --shard i/n` into the check's reports")
    .description(
      [
        "Merge the shard files written by `stronghold check --shard i/n` (all n of",
        "them, from the same paths, options, policy and registers) and write the",
        "reports one `stronghold check` run would have written, byte for byte.",
        "The fleet controls (uniqueness, licenses, assets, disposals, IP plan)",
        "run here over the merged machines. The overlay, registers and waivers",
        "are read again from the paths the shards recorded and must be unchanged;",
        "SARIF reads the machine files again for line numbers.",
        "",
        "Exit codes:",
        "  0  nothing at or above --fail-on failed; fleet score >= --min-score",
        "  1  otherwise",
        "  2  usage or input errors: a missing, repeated or mismatched shard, or",
        "     input problems the shards found",
      ].join("\n"),
    )
    .argument("<shard-files...>", "the shard files, one per shard (any order)")
    .option("--format <list>", `comma-separated: ${FORMATS.join(", ")}`, "table")
    .option("--out <dir>", "write every format into this directory (and the summary to stdout)")
    .option("--color", "force colour in the terminal summary")
    .option("--no-color", "no colour (NO_COLOR is honoured too)")
    .option("-q, --quiet", "with --out, do not print the summary")
    .action(async (files: string[], options: MergeOptions) => {
      setExit(await merge(files, options, io));
    });
  registerReportHtml(report, io, setExit);
}
