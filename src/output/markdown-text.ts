/** Escaping text for Markdown, so a value from a machine or a host never becomes markup. */

// Inline syntax only: emphasis, code, links, strikethrough, table pipes. Block syntax (#, -, 1.)
// matters only at the start of a line, and escaped text never starts one.
const MARKDOWN_SPECIAL = /[\\`*_[\]|~]/g;

/** Escapes text for a Markdown table cell: entities for &, <, >; backslashes for Markdown syntax. */
export function cell(text: string): string {
  return escapeText(text).replace(/\r?\n/g, "<br>");
}

/** Escapes inline text (outside tables too): no accidental emphasis, links, HTML or headings. */
export function escapeInline(text: string): string {
  return escapeText(text).replace(/\r?\n/g, " ");
}

function escapeText(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(MARKDOWN_SPECIAL, (ch) => `\\${ch}`);
}
