/** `stronghold evidence verify`: checks the ledger's chain and artifacts and names the first break. */
import { Option, type Command } from "commander";
import path from "node:path";
import { ledgerExists } from "../evidence/ledger.js";
import { describeBreak, verifyLedger, type VerifyResult } from "../evidence/verify.js";
import { UsageError } from "../support/errors.js";
import { cacertOption, outputsOption, verifyOffsite } from "./evidence-remote.js";
import type { Io } from "./io.js";
import { currentWorkspace, workingDir } from "./workspace-settings.js";

interface VerifyFlags {
  full?: boolean;
  ledger?: string;
  format: "table" | "json";
  remote?: boolean;
  stackOutputs?: string;
  cacert?: string;
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
const count = (n: number) => n.toLocaleString("en-US");

function table(result: VerifyResult): string {
  const mode =
    result.mode === "full"
      ? "full (every entry and artifact rehashed)"
      : result.from === undefined
        ? "incremental, no checkpoint yet (every artifact rehashed)"
        : `incremental from the checkpoint at seq ${result.from.seq} (verified ${result.from.verifiedAt})`;
  const rows: [string, string][] = [
    ["ledger", result.ledger],
    ["mode", mode],
    [
      "entries",
      `${count(result.entries)} checked, ${count(result.newEntries)} with artifacts rehashed`,
    ],
    [
      "artifacts",
      `${count(result.artifacts)} checked, ${count(result.objectsHashed)} objects rehashed (${mb(result.bytesHashed)})`,
    ],
    [
      "time",
      `${result.seconds.toFixed(2)} s, ${result.mbPerSecond.toFixed(0)} MB/s over ${mb(result.bytesHashed + result.entryBytes)}`,
    ],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  const verdict =
    result.break === undefined
      ? `intact: ${count(result.entries)} entries${result.last === undefined ? "" : `, last seq ${result.last.seq}`}${result.checkpointWritten ? "; checkpoint written" : ""}`
      : `BROKEN: ${describeBreak(result.break)}`;
  return `${rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join("\n")}\n${verdict}\n`;
}

async function verify(flags: VerifyFlags, io: Io): Promise<number> {
  if (flags.remote === true)
    return verifyOffsite(
      {
        ...(flags.ledger === undefined ? {} : { ledger: flags.ledger }),
        ...(flags.stackOutputs === undefined ? {} : { stackOutputs: flags.stackOutputs }),
        ...(flags.cacert === undefined ? {} : { cacert: flags.cacert }),
        full: flags.full === true,
        json: flags.format === "json",
      },
      io,
    );
  const remoteOnly = [flags.stackOutputs && "--stack-outputs", flags.cacert && "--cacert"].filter(
    Boolean,
  );
  if (remoteOnly.length > 0)
    throw new UsageError(
      `${remoteOnly.join(" and ")} ${remoteOnly.length > 1 ? "only go" : "only goes"} with --remote`,
    );
  let dir: string;
  if (flags.ledger !== undefined) dir = path.resolve(workingDir(io), flags.ledger);
  else {
    const workspace = await currentWorkspace(io);
    if (workspace === undefined)
      throw new UsageError(
        "evidence verify needs --ledger <dir> outside a workspace (no stronghold.yaml here or above)",
      );
    dir = path.join(workspace.evidence, "ledger");
  }
  if (!ledgerExists(dir))
    throw new UsageError(
      `${dir} holds no evidence ledger (no entries.jsonl, or an empty one): nothing to verify`,
    );
  const result = verifyLedger(dir, { full: flags.full ?? false });
  if (flags.format === "json") {
    const message = result.break === undefined ? undefined : describeBreak(result.break);
    io.stdout(`${JSON.stringify({ ...result, ...(message ? { message } : {}) }, null, 2)}\n`);
  } else io.stdout(table(result));
  return result.break === undefined ? 0 : 1;
}

/** Adds `verify` to `stronghold evidence`. */
export function registerEvidenceVerify(
  evidence: Command,
  io: Io,
  setExit: (code: number) => void,
): void {
  evidence
    .command("verify")
    .summary("check the ledger's hash chain and artifacts; name the first break")
    .description(
      [
        "Check that every entry of the evidence ledger is complete, in order, chained",
        "to the one before and unchanged, and that every artifact is in objects/ with",
        "the bytes its hash names. Incremental by default: artifacts of entries after",
        "the last clean verify's checkpoint are rehashed, older ones checked for",
        "presence and size; --full rehashes everything and reports the throughput.",
        "A clean verify writes the checkpoint.",
        "",
        "--remote compares the offsite copy (stronghold evidence push) with the",
        "local ledger instead: the segments' chain, the first entry where the two",
        "differ, entries offsite but missing locally, entries not pushed yet (not a",
        "failure), and each offsite artifact by HEAD (--full: downloaded and rehashed).",
        "",
        "Exit codes:",
        "  0  the ledger is intact (--remote: the offsite copy matches it)",
        "  1  a break was found (the output names it: line, seq and what changed);",
        "     --remote: a difference, an offsite problem, or the bucket unreachable",
        "  2  usage or input errors, or no ledger",
      ].join("\n"),
    )
    .option(
      "--full",
      "rehash every entry and every artifact, and report MB/s (--remote: download and rehash every offsite artifact)",
    )
    .option("--remote", "compare the offsite copy in the evidence bucket with the local ledger")
    .option(...outputsOption)
    .option(...cacertOption)
    .option("--ledger <dir>", "the ledger folder (default: the workspace's <evidence>/ledger)")
    .addOption(
      new Option("--format <format>", "output format").choices(["table", "json"]).default("table"),
    )
    .action(async (flags: VerifyFlags) => setExit(await verify(flags, io)));
}
