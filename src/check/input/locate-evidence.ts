/**
 * Gives each piece of evidence the line of its field in the machine's source file, so that code
 * scanning points at `smbv1Enabled: true` rather than at the top of the file. Only failing and
 * waived machines are read again, each file once.
 */
import { readFileSync } from "node:fs";
import type { ControlResult, Evidence, SubjectResults } from "../evaluation/result.js";
import { lineOf } from "../../documents/locate.js";

const JSON_LINES = /\.(jsonl|ndjson)$/i;

function hasEvidence(
  r: ControlResult,
): r is Extract<ControlResult, { evidence: readonly Evidence[] }> {
  return r.status === "fail" || r.status === "waived";
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined; // gone or unreadable since the check: the evidence keeps no line
  }
}

/** True when no line break comes before the last character that is not one. */
function onOneLine(text: string): boolean {
  const first = text.indexOf("\n");
  return first === -1 || text.slice(first).trim() === "";
}

export function locateEvidence(subjects: readonly SubjectResults[]): SubjectResults[] {
  let file: string | undefined;
  let text: string | undefined;
  const located: SubjectResults[] = [];
  for (const subject of subjects) {
    const source = subject.source;
    if (source === undefined || source.file === "<stdin>" || !subject.results.some(hasEvidence)) {
      located.push(subject);
      continue;
    }
    // One machine per JSON Lines record: every field is on the record's line, which the source
    // already names (SARIF puts it in every location), so the subject needs no copy.
    if (JSON_LINES.test(source.file)) {
      located.push(subject);
      continue;
    }
    if (file !== source.file) {
      file = source.file;
      text = readText(source.file);
    }
    const prefix = source.index === undefined ? "" : `/machines/${source.index}`;
    const current = text;
    // Collectors write a machine as one line of JSON: every field is on line 1, and building a
    // syntax tree of each file to find that out cost more than the rest of the SARIF report.
    const lineFor: (pointer: string) => number | undefined =
      current === undefined
        ? () => undefined
        : onOneLine(current)
          ? () => 1
          : (pointer) => lineOf(current, prefix + pointer);
    located.push({
      ...subject,
      results: subject.results.map((r) =>
        hasEvidence(r)
          ? {
              ...r,
              evidence: r.evidence.map((e) => {
                const line = lineFor(e.pointer);
                return line === undefined ? e : { ...e, line };
              }),
            }
          : r,
      ),
    });
  }
  return located;
}
