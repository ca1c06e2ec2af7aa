/** `stronghold dispose`: record an asset's NIST SP 800-88 sanitisation in the disposal register. */
import { Option, type Command } from "commander";
import { appendDisposal, type WipeMethod } from "../check/input/disposals.js";
import { WIPE_METHODS } from "../machine-config/schema.js";
import { UsageError } from "../support/errors.js";
import type { Io } from "./io.js";
import { isCalendarDay } from "../support/calendar-day.js";
import { currentWorkspace } from "./workspace-settings.js";

interface DisposeOptions {
  method: WipeMethod;
  by: string;
  witness: string;
  certificate: string;
  register?: string;
  date?: string;
}

async function dispose(assetTag: string, options: DisposeOptions, io: Io): Promise<number> {
  const register = options.register ?? (await currentWorkspace(io))?.registers.disposals;
  if (register === undefined)
    throw new UsageError(
      "dispose needs --register <file> (or registers.disposals in a stronghold.yaml workspace)",
    );
  const tag = assetTag.trim();
  if (tag === "") throw new UsageError("the asset tag is empty");
  for (const [flag, value] of [
    ["--by", options.by],
    ["--witness", options.witness],
  ] as const)
    if (value.trim() === "") throw new UsageError(`${flag} is empty: name the person`);
  if (options.by.trim().toLowerCase() === options.witness.trim().toLowerCase())
    throw new UsageError("--witness must be someone other than --by");
  const wipedAt = options.date ?? new Date().toISOString().slice(0, 10);
  if (!isCalendarDay(wipedAt))
    throw new UsageError(`--date "${wipedAt}" is not a date: use YYYY-MM-DD`);
  const record = appendDisposal(register, {
    assetTag: tag,
    method: options.method,
    wipedAt,
    performedBy: options.by.trim(),
    witness: options.witness.trim(),
    certificateFile: options.certificate,
  });
  io.stdout(
    `recorded ${record.assetTag}: ${record.method} on ${record.wipedAt} by ${record.performedBy}, witnessed by ${record.witness}; certificate sha256 ${record.certificateSha256} (${register} line ${record.line})\n`,
  );
  return 0;
}

/** Adds `stronghold dispose` to the program. */
export function registerDisposeCommand(
  program: Command,
  io: Io,
  setExit: (code: number) => void,
): void {
  program
    .command("dispose")
    .summary("record an asset's NIST SP 800-88 wipe in the disposal register")
    .description(
      [
        "Append a sanitisation record to the disposal register (created when",
        "missing), with the SHA-256 of the certificate file. stronghold check",
        "--disposals reads it: a disposed asset without a record fails",
        "lcm-disposed-wipe-recorded.",
        "",
        "Exit codes:",
        "  0  recorded",
        "  2  usage or input errors (nothing recorded)",
      ].join("\n"),
    )
    .argument("<asset-tag>", "the asset tag, as in the asset register")
    .addOption(
      new Option("--method <method>", "NIST SP 800-88 method")
        .choices([...WIPE_METHODS])
        .makeOptionMandatory(),
    )
    .requiredOption("--by <name>", "who sanitised the media")
    .requiredOption("--witness <name>", "who witnessed it (not the same person)")
    .requiredOption("--certificate <file>", "certificate of sanitisation or destruction")
    .option(
      "--register <file>",
      "the disposal register (CSV; default: the workspace's registers.disposals)",
    )
    .option("--date <date>", "the day of the wipe, YYYY-MM-DD (default: today)")
    .action(async (assetTag: string, options: DisposeOptions) => {
      setExit(await dispose(assetTag, options, io));
    });
}
