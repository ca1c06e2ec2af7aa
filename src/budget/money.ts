/** Money in whole cents, so totals add up exactly; inflation compounds once per fiscal year. */

/**
 * `cents` in dollars of `years` fiscal years later at `rate` a year (0.03 for 3 %), compounded
 * per fiscal year and rounded to the cent once, at the end.
 */
export function inflate(cents: number, rate: number, years: number): number {
  if (years <= 0 || rate === 0) return cents;
  return Math.round(cents * (1 + rate) ** years);
}

/** "$1,234.50". */
export function formatDollars(cents: number): string {
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(cents);
  const dollars = Math.floor(abs / 100).toLocaleString("en-US");
  return `${sign}$${dollars}.${String(abs % 100).padStart(2, "0")}`;
}
