/**
 * Whether a machine's hardware can run the release its OS must move to at end of support, from
 * the dated table policies/data/os-hardware-minimums.yaml. A fact the machine file does not record
 * makes the answer "unknown", never a guess.
 */
import path from "node:path";
import { Type, type Static } from "@sinclair/typebox";
import { loadValidated } from "../documents/ajv.js";
import { OS_FAMILIES, type MachineConfig } from "../machine-config/schema.js";
import { InputError } from "../support/errors.js";
import { DATA_DIR } from "../support/project-root.js";

const Patterns = Type.Array(Type.String({ minLength: 1 }), {
  description: "Regular expressions on hardware.cpu (case-insensitive).",
});

/** The table's shape; published with the other reference data schemas' conventions. */
export const OsHardwareMinimumsSchema = Type.Object(
  {
    checked: Type.String({ format: "date", description: "When the sources were last read." }),
    lines: Type.Array(
      Type.Object(
        {
          family: Type.Union(OS_FAMILIES.map((f) => Type.Literal(f))),
          name: Type.String({ description: "Regular expression on os.name (case-insensitive)." }),
          successor: Type.String({ minLength: 1, description: "The release to move to." }),
          runningSuccessor: Type.Optional(
            Type.String({
              description:
                "Regular expression on os.name: a machine already running the successor meets the line.",
            }),
          ),
          tpmVersion: Type.Optional(Type.String({ pattern: "^[0-9]+\\.[0-9]+$" })),
          memoryGiB: Type.Optional(Type.Number({ minimum: 0 })),
          cpu: Type.Optional(
            Type.Object(
              { supported: Patterns, unsupported: Patterns },
              { additionalProperties: false },
            ),
          ),
          source: Type.String({ minLength: 1 }),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type OsHardwareMinimums = Static<typeof OsHardwareMinimumsSchema>;
type Line = OsHardwareMinimums["lines"][number];

/** The answer for one machine. */
export type HardwareVerdict =
  | { readonly kind: "no-minimum" }
  | { readonly kind: "meets"; readonly successor: string }
  | { readonly kind: "falls-short"; readonly successor: string; readonly reasons: string[] }
  | { readonly kind: "unknown"; readonly successor: string; readonly unknown: string[] };

/** Loads and validates the table; a broken table stops the run with its problems located. */
export async function loadOsHardwareMinimums(
  file = path.join(DATA_DIR, "os-hardware-minimums.yaml"),
): Promise<OsHardwareMinimums> {
  const loaded = await loadValidated(file, OsHardwareMinimumsSchema);
  if (!loaded.ok) throw new InputError(loaded.problems);
  const problems = loaded.value.lines.flatMap((line, i) =>
    [
      line.name,
      line.runningSuccessor ?? "",
      ...(line.cpu?.supported ?? []),
      ...(line.cpu?.unsupported ?? []),
    ].flatMap((p) => {
      try {
        new RegExp(p, "iu");
        return [];
      } catch (error) {
        const message = `is not a regular expression: ${(error as Error).message}`;
        return [{ file, pointer: `/lines/${i}`, message }];
      }
    }),
  );
  if (problems.length > 0) throw new InputError(problems);
  return loaded.value;
}

function matches(source: string, text: string): boolean {
  return new RegExp(source, "iu").test(text);
}

function versionBelow(actual: string, minimum: string): boolean {
  const [aMajor = 0, aMinor = 0] = actual.split(".").map(Number);
  const [mMajor = 0, mMinor = 0] = minimum.split(".").map(Number);
  return aMajor < mMajor || (aMajor === mMajor && aMinor < mMinor);
}

/** Compares the machine's recorded CPU, TPM and memory with its OS line's minimum. */
export function hardwareVerdict(
  machine: MachineConfig,
  table: OsHardwareMinimums,
): HardwareVerdict {
  const line: Line | undefined = table.lines.find(
    (l) => l.family === machine.os.family && matches(l.name, machine.os.name),
  );
  if (line === undefined) return { kind: "no-minimum" };
  if (line.runningSuccessor !== undefined && matches(line.runningSuccessor, machine.os.name))
    return { kind: "meets", successor: line.successor };
  const hw = machine.hardware;
  const reasons: string[] = [];
  const unknown: string[] = [];
  if (line.tpmVersion !== undefined) {
    const tpm = hw?.tpmVersion;
    if (tpm === undefined || tpm === "unknown") unknown.push("TPM version");
    else if (tpm === "none") reasons.push(`no TPM (needs ${line.tpmVersion})`);
    else if (versionBelow(tpm, line.tpmVersion))
      reasons.push(`TPM ${tpm} (needs ${line.tpmVersion})`);
  }
  if (line.memoryGiB !== undefined) {
    const memory = hw?.memoryGiB;
    if (memory === undefined || memory === "unknown") unknown.push("memory");
    else if (memory < line.memoryGiB)
      reasons.push(`${memory} GiB memory (needs ${line.memoryGiB})`);
  }
  if (line.cpu !== undefined) {
    const cpu = hw?.cpu;
    if (cpu === undefined || cpu === "unknown") unknown.push("CPU");
    else if (line.cpu.unsupported.some((p) => matches(p, cpu)))
      reasons.push(`CPU ${cpu} is not supported`);
    else if (!line.cpu.supported.some((p) => matches(p, cpu)))
      unknown.push(`CPU ${cpu} (not in the table)`);
  }
  if (reasons.length > 0) return { kind: "falls-short", successor: line.successor, reasons };
  if (unknown.length > 0) return { kind: "unknown", successor: line.successor, unknown };
  return { kind: "meets", successor: line.successor };
}
