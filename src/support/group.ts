/** Grouping values under a key without copying the group on every add (which is quadratic). */

/** Appends `value` to the list under `key`, creating the list on first use. */
export function appendTo<K, V>(groups: Map<K, V[]>, key: K, value: V): void {
  const list = groups.get(key);
  if (list) list.push(value);
  else groups.set(key, [value]);
}
