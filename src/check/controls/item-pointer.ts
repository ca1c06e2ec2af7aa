/** JSON pointers to the items of a machine's lists, made once per list and index. */

const byList = new Map<string, string[]>();

/**
 * "/ipAddresses/0" for ("/ipAddresses", 0): the same string object every time, so evidence kept
 * for every machine (fleet controls hold it until the fleet concludes) does not hold a copy each.
 */
export function itemPointer(list: string, index: number): string {
  let pointers = byList.get(list);
  if (pointers === undefined) byList.set(list, (pointers = []));
  return (pointers[index] ??= `${list}/${index}`);
}
