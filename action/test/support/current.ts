/**
 * An object that stands for whatever `get` returns when a member is used, so a test file can hold
 * one name for a service its hooks start and stop (a fresh one per test, or one per file).
 * Using it outside a test, when nothing is running, throws naming `what`.
 */
export function current<T extends object>(get: () => T | undefined, what: string): T {
  const target = (): T => {
    const value = get();
    if (!value) throw new Error(`${what} is not running here: use it inside a test (its hooks start it)`);
    return value;
  };
  return new Proxy({} as T, {
    get(_, key) {
      const value = target();
      const member: unknown = Reflect.get(value, key);
      return typeof member === "function" ? (member as (...args: unknown[]) => unknown).bind(value) : member;
    },
    set(_, key, v) {
      return Reflect.set(target(), key, v);
    },
  });
}
