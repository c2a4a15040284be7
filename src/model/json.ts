import stableStringify from "fast-json-stable-stringify";

/** A JSON value as `JSON.parse` returns it. */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | JsonValue[]
  | { [key: string]: JsonValue };

/** A JSON object. */
export type JsonObject = { [key: string]: JsonValue };

/**
 * The canonical JSON text of a plain JSON value: object keys sorted at every level, array order
 * kept. Two values have the same canonical text exactly when they are equal as JSON.
 *
 * @example
 * canonicalJson({ b: 1, a: [2, 1] }) === canonicalJson({ a: [2, 1], b: 1 }); // true
 */
export function canonicalJson(value: JsonValue): string {
  return stableStringify(value);
}

/**
 * True for a JSON object (not `null`, not an array): a value whose members can be read by name.
 *
 * @example
 * isJsonObject({ a: 1 }); // true
 * isJsonObject([1]); // false
 */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Deep equality of plain data (what JSON and the model hold: objects, arrays, strings, numbers,
 * booleans, `null`, and `undefined` members): object key order never matters, a member that is
 * present differs from one that is absent. Iterative, so deep values cannot overflow the stack,
 * and blind to keys such as `constructor` or `__proto__`, which are data like any other here.
 *
 * @example
 * sameData({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] }); // true
 */
export function sameData(a: unknown, b: unknown): boolean {
  const pending: [unknown, unknown][] = [[a, b]];
  while (pending.length > 0) {
    const [x, y] = pending.pop() as [unknown, unknown];
    if (x === y) continue;
    if (typeof x !== "object" || typeof y !== "object" || x === null || y === null) {
      // NaN is equal to itself, as in the model (a float that JSON cannot carry).
      if (Number.isNaN(x) && Number.isNaN(y)) continue;
      return false;
    }
    if (Array.isArray(x)) {
      if (!Array.isArray(y) || x.length !== y.length) return false;
      for (let i = 0; i < x.length; i++) pending.push([x[i], y[i]]);
      continue;
    }
    if (Array.isArray(y)) return false;
    const xKeys = Object.keys(x);
    if (xKeys.length !== Object.keys(y).length) return false;
    for (const key of xKeys) {
      if (!Object.hasOwn(y, key)) return false;
      pending.push([(x as Record<string, unknown>)[key], (y as Record<string, unknown>)[key]]);
    }
  }
  return true;
}
