/** `stronghold evidence query` and `stronghold evidence reindex`: the ledger's SQLite index. */
import { Option, type Command } from "commander";
import path from "node:path";
import { dayOf, isDay } from "../evidence/days.js";
import { openIndex, type EvidenceIndex, type IndexReport } from "../evidence/index-db.js";
import { complianceOn } from "../evidence/queries/compliance.js";
import { drillsIn } from "../evidence/queries/drills.js";
import { failingFor } from "../evidence/queries/failing-for.js";
import {
  FORMATS,
  formatAnswer,
  type Answer,
  type QueryFormat,
} from "../evidence/queries/format.js";
import { lastRestore } from "../evidence/queries/last-restore.js";
import { expectedSafeguards } from "../evidence/queries/safeguards.js";
import { uncovered } from "../evidence/queries/uncovered.js";
import { UsageError } from "../support/errors.js";
import { didYouMean } from "../support/suggest.js";
import type { Io } from "./io.js";
import { currentWorkspace, workingDir } from "./workspace-settings.js";

interface QueryFlags {
  format: QueryFormat;
  ledger?: string;
  days?: string;
  at?: string;
}

/** Each question: its arguments as usage shows them, and how it is answered. */
const QUESTIONS: {
  readonly [name: string]: {
    readonly args: readonly string[];
    readonly answer: (index: EvidenceIndex, args: readonly string[], flags: QueryFlags) => Answer;
  };
} = {
  "last-restore": {
    args: ["<system>"],
    answer: (index, [system]) => lastRestore(index, system!),
  },
  compliance: {
    args: ["<YYYY-MM-DD>"],
    answer: (index, [day]) => complianceOn(index, dayArg(day!, "compliance's date")),
  },
  "failing-for": {
    args: ["<days>"],
    answer: (index, [days]) => failingFor(index, count(days!, "failing-for's days", 0)),
  },
  drills: {
    args: ["<from>", "<to>"],
    answer: (index, [from, to]) => {
      const first = dayArg(from!, "drills' from");
      const last = dayArg(to!, "drills' to");
      if (last < first) throw new UsageError(`drills: ${to} is before ${from}`);
      return drillsIn(index, first, last);
    },
  },
  uncovered: {
    args: [],
    answer: (index, _args, flags) =>
      uncovered(
        index,
        expectedSafeguards(),
        count(flags.days ?? "90", "--days", 1),
        today(index, flags),
      ),
  },
};

function dayArg(text: string, what: string): string {
  if (!isDay(text)) throw new UsageError(`${what} "${text}" is not a date: write YYYY-MM-DD`);
  return text;
}

function count(text: string, what: string, min: number): number {
  if (!/^\d+$/.test(text) || Number(text) < min)
    throw new UsageError(`${what} "${text}" must be a whole number of days, at least ${min}`);
  return Number(text);
}

function today(index: EvidenceIndex, flags: QueryFlags): string {
  if (flags.at !== undefined) return dayArg(flags.at, "--at");
  return dayOf(new Date().toISOString(), index.zone)!;
}

/** The ledger folder and the zone its days are counted in. */
async function ledgerOf(flags: { ledger?: string }, io: Io) {
  const ws = await currentWorkspace(io);
  if (flags.ledger !== undefined)
    return {
      dir: path.resolve(workingDir(io), flags.ledger),
      ...(ws === undefined ? {} : { timeZone: ws.timeZone }),
    };
  if (ws === undefined)
    throw new UsageError(
      "no ledger: run inside a workspace (its evidence folder holds ledger/) or give --ledger <dir>",
    );
  return { dir: path.join(ws.evidence, "ledger"), timeZone: ws.timeZone };
}

function announce(report: IndexReport, io: Io): void {
  if (report.rebuilt !== undefined)
    io.stderr(
      `stronghold: rebuilt the evidence index (${report.rebuilt}): ${report.added} entries in ${Math.round(report.elapsedMs)} ms\n`,
    );
}

async function query(
  question: string,
  args: readonly string[],
  flags: QueryFlags,
  io: Io,
): Promise<number> {
  const q = QUESTIONS[question];
  if (q === undefined)
    throw new UsageError(
      `unknown question "${question}"${didYouMean(question, Object.keys(QUESTIONS))}; ask one of: ${Object.entries(
        QUESTIONS,
      )
        .map(([name, { args: a }]) => [name, ...a].join(" "))
        .join(", ")}`,
    );
  if (args.length !== q.args.length)
    throw new UsageError(
      `${question} takes ${q.args.length === 0 ? "no arguments" : q.args.join(" ")}, not ${args.length === 0 ? "none" : args.map((a) => JSON.stringify(a)).join(" ")}`,
    );
  if (flags.days !== undefined && question !== "uncovered")
    throw new UsageError("--days belongs to uncovered");
  const { dir, timeZone } = await ledgerOf(flags, io);
  const index = openIndex(dir, timeZone === undefined ? {} : { timeZone });
  try {
    announce(index.report, io);
    io.stdout(formatAnswer(q.answer(index, args, flags), flags.format));
  } finally {
    index.close();
  }
  return 0;
}

async function reindex(flags: { ledger?: string }, io: Io): Promise<number> {
  const { dir, timeZone } = await ledgerOf(flags, io);
  const index = openIndex(dir, { rebuild: true, ...(timeZone === undefined ? {} : { timeZone }) });
  const { report } = index;
  index.close();
  io.stdout(
    `indexed ${report.added} entries (up to seq ${report.lastSeq}) into ${path.join(dir, "index.sqlite")} in ${Math.round(report.elapsedMs)} ms; days in ${index.zone}\n`,
  );
  return 0;
}

const ledgerOption = () =>
  new Option("--ledger <dir>", "the ledger folder (default: the workspace's <evidence>/ledger)");

/** Adds `query` and `reindex` to `stronghold evidence`. */
export function registerEvidenceQuery(
  evidence: Command,
  io: Io,
  setExit: (code: number) => void,
): void {
  evidence
    .command("query")
    .summary("answer a question from the ledger's index")
    .description(
      [
        "Answer one question from the ledger's SQLite index (index.sqlite in the",
        "ledger folder), which catches up with new entries first:",
        "",
        ...Object.entries(QUESTIONS).map(([name, { args }]) => `  ${[name, ...args].join(" ")}`),
        "",
        "last-restore takes a runbook id or a drill's target host. Days are the",
        "workspace's local days (its timeZone), UTC outside a workspace.",
      ].join("\n"),
    )
    .argument("<question>", "last-restore, compliance, failing-for, drills or uncovered")
    .argument("[args...]", "the question's arguments")
    .addOption(
      new Option("--format <format>", "how to print the answer")
        .choices([...FORMATS])
        .default("table"),
    )
    .addOption(ledgerOption())
    .option("--days <n>", "uncovered: the window in days (default 90)")
    .option("--at <YYYY-MM-DD>", "uncovered: the window's last day (default today)")
    .action(async (question: string, args: string[], flags: QueryFlags) =>
      setExit(await query(question, args, flags, io)),
    );
  evidence
    .command("reindex")
    .summary("rebuild the ledger's SQLite index from scratch")
    .description(
      "Drop index.sqlite and index every entry of the ledger again. Queries keep it up to date by themselves; reindex after restoring a ledger from a copy, or to time it.",
    )
    .addOption(ledgerOption())
    .action(async (flags: { ledger?: string }) => setExit(await reindex(flags, io)));
}
