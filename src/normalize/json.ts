import stableStringify from "fast-json-stable-stringify";
import type { JsonValue } from "../model/json";

/** Deepest nesting accepted inside a JSON value (metadata, opaque values). */
export const MAX_JSON_DEPTH = 512;

/**
 * Why a value is not plain JSON (cycle, too deep, a function, a non-finite number...), or
 * `undefined` when it is. Iterative, so hostile nesting cannot overflow the stack.
 */
export function jsonProblem(value: unknown): string | undefined {
  const stack: { value: unknown; depth: number; ancestors: Set<object> }[] = [
    { value, depth: 0, ancestors: new Set() },
  ];
  while (stack.length > 0) {
    const item = stack.pop() as (typeof stack)[number];
    const v = item.value;
    if (v === null || typeof v === "string" || typeof v === "boolean") continue;
    if (typeof v === "number") {
      if (!Number.isFinite(v)) return `holds the non-JSON number ${v}`;
      continue;
    }
    if (typeof v !== "object") return `holds a ${typeof v}, which JSON cannot carry`;
    if (item.depth >= MAX_JSON_DEPTH) return `nests deeper than ${MAX_JSON_DEPTH} levels`;
    if (item.ancestors.has(v)) return "contains a cycle";
    const proto = Object.getPrototypeOf(v);
    if (!Array.isArray(v) && proto !== Object.prototype && proto !== null) {
      return "holds an object that is not plain JSON";
    }
    const ancestors = new Set(item.ancestors).add(v);
    const children = Array.isArray(v) ? v : Object.values(v);
    for (const child of children) stack.push({ value: child, depth: item.depth + 1, ancestors });
  }
  return undefined;
}

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
 * A copy of a plain JSON value with object keys sorted at every level, so that `JSON.stringify`
 * of it is canonical.
 *
 * @example
 * sortJsonKeys({ b: 1, a: 2 }); // { a: 2, b: 1 }
 */
export function sortJsonKeys(value: JsonValue): JsonValue {
  if (value === null || typeof value !== "object") return value;
  return JSON.parse(stableStringify(value)) as JsonValue;
}
