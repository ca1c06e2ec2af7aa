/** "Did you mean": the allowed word closest to a wrong one, when one is close enough to guess. */

/**
 * Optimal string alignment distance (Damerau–Levenshtein without repeated edits of a substring):
 * insertions, deletions, substitutions and swaps of two neighbours each cost one.
 */
export function editDistance(a: string, b: string): number {
  let previous2: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, previous2[j - 2]! + 1);
      current.push(best);
    }
    previous2 = previous;
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * The candidate meant by `word`, or undefined: the same word in another case first, then one it
 * abbreviates (`repo` for `repository`), then the one within a third of its length in edits
 * (at least one edit allowed). Ambiguous guesses are not made.
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  if (word === "" || candidates.includes(word)) return undefined;
  const unique = (found: string[]) => (found.length === 1 ? found[0] : undefined);
  const lower = word.toLowerCase();
  const sameCase = candidates.filter((c) => c.toLowerCase() === lower);
  if (sameCase.length > 0) return unique(sameCase);
  if (word.length >= 3) {
    const extended = candidates.filter((c) => c.toLowerCase().startsWith(lower));
    if (extended.length > 0) return unique(extended);
  }
  const limit = Math.max(1, Math.floor(word.length / 3));
  let best: string[] = [];
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    if (Math.abs(candidate.length - word.length) > limit) continue;
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) {
      bestDistance = distance;
      best = [candidate];
    } else if (distance === bestDistance) best.push(candidate);
  }
  return unique(best);
}

/** " (did you mean "x"?)" or nothing. */
export function didYouMean(word: unknown, candidates: readonly unknown[]): string {
  if (typeof word !== "string") return "";
  const guess = closest(
    word,
    candidates.filter((c): c is string => typeof c === "string"),
  );
  return guess === undefined ? "" : ` (did you mean ${JSON.stringify(guess)}?)`;
}
