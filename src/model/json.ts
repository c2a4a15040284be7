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
