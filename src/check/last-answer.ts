/**
 * The answer for the last (inventory, reference table) asked about. Two controls judge one
 * machine's titles in turn (both app-lifecycle controls, both browser controls, both license
 * controls): the second reads the first's answers instead of looking each title up again. Only
 * the last is kept, so nothing outlives the next machine.
 */
export class LastAnswer<Key extends object, Ref extends object, Value> {
  private key: Key | undefined;
  private ref: Ref | undefined;
  private value: Value | undefined;

  constructor(private readonly compute: (key: Key, ref: Ref) => Value) {}

  get(key: Key, ref: Ref): Value {
    if (key !== this.key || ref !== this.ref) {
      this.value = this.compute(key, ref);
      this.key = key;
      this.ref = ref;
    }
    return this.value as Value;
  }
}
