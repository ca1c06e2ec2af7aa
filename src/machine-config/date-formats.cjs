// The `date` and `date-time` formats of the precompiled machine-config validator: ajv-formats'
// own, with a first answer for the text a collector writes (`2026-11-20`,
// `2026-11-20T12:00:00.000Z`) read by character codes. ajv-formats runs a regular expression,
// and for a date-time a split, on each of a machine's dates: some 2 KB of garbage per machine.
// The first answer is only ever "valid"; everything else goes to ajv-formats, so both answer
// alike (test/machine-config/date-formats.test.ts holds them equal).
"use strict";
const { fullFormats } = require("ajv-formats/dist/formats");

const DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The digits of `text` from `at`, `count` of them, as a number; -1 when one is not a digit. */
function digits(text, at, count) {
  let value = 0;
  for (let i = at; i < at + count; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}

/** `YYYY-MM-DD` at the start of `text`, a day of the calendar. */
function plainDate(text) {
  if (text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return false;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 2 && leap ? 29 : DAYS[month]);
}

/** `YYYY-MM-DDTHH:MM:SSZ`, with a fraction of a second or not, a moment of the calendar. */
function plainDateTime(text) {
  const end = text.length - 1;
  if (text.charCodeAt(10) !== 84 /* T */ || text.charCodeAt(end) !== 90 /* Z */) return false;
  if (text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) return false;
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return false;
  if (end !== 19) {
    if (text.charCodeAt(19) !== 46 /* . */ || end === 20) return false;
    if (digits(text, 20, end - 20) < 0) return false;
  }
  return plainDate(text);
}

const date = fullFormats.date;
const dateTime = fullFormats["date-time"];

module.exports = {
  date: {
    validate: (text) => (text.length === 10 && plainDate(text)) || date.validate(text),
    compare: date.compare,
  },
  "date-time": {
    validate: (text) => (text.length >= 20 && plainDateTime(text)) || dateTime.validate(text),
    compare: dateTime.compare,
  },
};
