/**
 * The deadlines as an iCalendar file (RFC 5545) a calendar can subscribe to: CRLF line ends,
 * content lines folded at 75 octets without splitting a character, TEXT values escaped, an
 * all-day event per deadline with a UID that stays the same from one run to the next.
 */
import { createHash } from "node:crypto";
import type { BudgetReport, Deadline } from "./report-model.js";

const CRLF = "\r\n";
const MAX_OCTETS = 75;

/** RFC 5545 §3.3.11: backslash, semicolon, comma and line breaks are escaped in TEXT. */
export function escapeText(text: string): string {
  return text
    .replace(/\\/g, "\\\\")
    .replace(/;/g, "\\;")
    .replace(/,/g, "\\,")
    .replace(/\r?\n/g, "\\n");
}

/** RFC 5545 §3.1: lines longer than 75 octets continue on lines that start with one space. */
export function foldLine(line: string): string {
  const out: string[] = [];
  let current = "";
  let octets = 0;
  for (const ch of line) {
    const size = Buffer.byteLength(ch, "utf8");
    // Continuation lines carry the leading space in their 75 octets.
    const limit = out.length === 0 ? MAX_OCTETS : MAX_OCTETS - 1;
    if (octets + size > limit) {
      out.push(current);
      current = "";
      octets = 0;
    }
    current += ch;
    octets += size;
  }
  out.push(current);
  return out.join(`${CRLF} `);
}

function compact(day: string): string {
  return day.replace(/-/g, "");
}

function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

function uid(d: Deadline): string {
  const hash = createHash("sha256")
    .update(`${d.kind}\u0000${d.date}\u0000${d.subjects.join("\u0000")}\u0000${d.source}`)
    .digest("hex");
  return `${hash.slice(0, 32)}@stronghold`;
}

const CATEGORY: Readonly<Record<Deadline["kind"], string>> = {
  "warranty-end": "Warranty",
  "license-expiry": "License",
  "contract-notice": "Contract",
  "os-end-of-support": "OS support",
};

/** One all-day VEVENT per deadline in a VCALENDAR; the same report gives the same bytes. */
export function renderIcs(report: BudgetReport): string {
  // DTSTAMP is the forecast's day, so the same inputs give the same file.
  const stamp = `${report.at.slice(0, 19).replace(/[-:]/g, "")}Z`;
  const lines = [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//Stronghold//Budget deadlines//EN",
    "CALSCALE:GREGORIAN",
    "METHOD:PUBLISH",
    "X-WR-CALNAME:IT deadlines",
  ];
  for (const d of report.deadlines) {
    const description = [
      `Department: ${d.department}`,
      `Concerns: ${d.subjects.join(", ")}`,
      `Source: ${d.source}`,
      ...(d.notes === undefined ? [] : [`Notes: ${d.notes}`]),
    ].join("\n");
    lines.push(
      "BEGIN:VEVENT",
      `UID:${uid(d)}`,
      `DTSTAMP:${stamp}`,
      `DTSTART;VALUE=DATE:${compact(d.date)}`,
      `DTEND;VALUE=DATE:${compact(nextDay(d.date))}`,
      `SUMMARY:${escapeText(d.title)}`,
      `DESCRIPTION:${escapeText(description)}`,
      `CATEGORIES:${escapeText(CATEGORY[d.kind])}`,
      "TRANSP:TRANSPARENT",
      "END:VEVENT",
    );
  }
  lines.push("END:VCALENDAR");
  return lines.map((l) => foldLine(l) + CRLF).join("");
}
