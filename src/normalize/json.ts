/** Deepest nesting accepted inside a JSON value (metadata, opaque values). */
const MAX_JSON_DEPTH = 512;

/**
 * Checks a value is plain JSON, and tells whether it holds objects without a prototype (which
 * equal plain objects as JSON but not to a structural comparison, so they are copied).
 */
export function inspectJson(value: unknown): {
  problem: string | undefined;
  nullPrototype: boolean;
} {
  let nullPrototype = false;
  const stack: { value: unknown; depth: number; ancestors: Set<object> }[] = [
    { value, depth: 0, ancestors: new Set() },
  ];
  while (stack.length > 0) {
    const item = stack.pop() as (typeof stack)[number];
    const v = item.value;
    if (v === null || typeof v === "string" || typeof v === "boolean") continue;
    const fail = (problem: string) => ({ problem, nullPrototype });
    if (typeof v === "number") {
      if (!Number.isFinite(v)) return fail(`holds the non-JSON number ${v}`);
      continue;
    }
    if (typeof v !== "object") return fail(`holds a ${typeof v}, which JSON cannot carry`);
    if (item.depth >= MAX_JSON_DEPTH) return fail(`nests deeper than ${MAX_JSON_DEPTH} levels`);
    if (item.ancestors.has(v)) return fail("contains a cycle");
    const proto = Object.getPrototypeOf(v);
    if (!Array.isArray(v) && proto !== Object.prototype) {
      if (proto !== null) return fail("holds an object that is not plain JSON");
      nullPrototype = true;
    }
    const ancestors = new Set(item.ancestors).add(v);
    const children = Array.isArray(v) ? v : Object.values(v);
    for (const child of children) stack.push({ value: child, depth: item.depth + 1, ancestors });
  }
  return { problem: undefined, nullPrototype };
}
