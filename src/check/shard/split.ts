/**
 * Which shard a machine belongs to: a hash of where it came from (its file, and its line in a
 * JSON Lines file), so every shard agrees without talking to the others, the listing order of a
 * directory does not move machines between shards, and a shard knows its share before parsing
 * anything: it skips the other shards' files and lines unread. A `{ machines: [...] }` fleet
 * document is parsed whole, so all its machines go to one shard.
 */
import { UsageError } from "../../support/errors.js";
import type { Source } from "../evaluation/result.js";

/** Share `index` (1-based) of `count`. */
export interface ShardSpec {
  readonly index: number;
  readonly count: number;
}

/** Parses `--shard i/n` (1 ≤ i ≤ n). */
export function parseShard(value: string): ShardSpec {
  const match = /^(\d+)\/(\d+)$/.exec(value.trim());
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index < 1 || index > count || count > 10_000)
    throw new UsageError(
      `--shard "${value}": give i/n with 1 <= i <= n <= 10000, e.g. --shard 2/3 for the second of three`,
    );
  return { index, count };
}

/** The key a machine is split by: its file, and its line in a JSON Lines file. */
export function partKey(source: Source): string {
  return `${source.file}\u0000${source.line ?? ""}`;
}

/** The shard (1-based) of `count` that evaluates the machine from `source` (FNV-1a, 32 bits). */
export function shardOf(source: Source, count: number): number {
  const key = partKey(source);
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return (hash % count) + 1;
}
