import { LIMITS, limitMessage } from "../load/limits";

/**
 * Checks a value is plain JSON, and tells whether it holds objects without a prototype (which
 * equal plain objects as JSON but not to a structural comparison, so they are copied). Refuses
 * nesting deeper than {@link LIMITS}`.jsonValueDepth`, which bounds every recursive reader of
 * such values afterwards (microdiff, stable stringification). Iterative and linear in the size
 * of the value: a cycle is an object met again while it is still being visited, and an object
 * met again after that (values built in code may share one) is visited again only deeper.
 */
export function inspectJson(value: unknown): {
  problem: string | undefined;
  nullPrototype: boolean;
} {
  let nullPrototype = false;
  /** Objects being visited: their descendants are still on the stack. */
  const open = new Set<object>();
  /** Objects visited, with the depth they were visited at. */
  const done = new Map<object, number>();
  /** Each item is a value to visit, or (`leave`) an object whose descendants are all visited. */
  const stack: { value: unknown; depth: number; leave?: true }[] = [{ value, depth: 0 }];
  const fail = (problem: string) => ({ problem, nullPrototype });
  while (stack.length > 0) {
    const item = stack.pop() as (typeof stack)[number];
    const v = item.value;
    if (item.leave) {
      open.delete(v as object);
      done.set(v as object, item.depth);
      continue;
    }
    if (v === null || typeof v === "string" || typeof v === "boolean") continue;
    if (typeof v === "number") {
      if (!Number.isFinite(v)) return fail(`holds the non-JSON number ${v}`);
      continue;
    }
    if (typeof v !== "object") return fail(`holds a ${typeof v}, which JSON cannot carry`);
    if (item.depth >= LIMITS.jsonValueDepth.value) return fail(limitMessage("jsonValueDepth"));
    if (open.has(v)) return fail("contains a cycle");
    if ((done.get(v) ?? -1) >= item.depth) continue;
    const proto = Object.getPrototypeOf(v);
    if (!Array.isArray(v) && proto !== Object.prototype) {
      if (proto !== null) return fail("holds an object that is not plain JSON");
      nullPrototype = true;
    }
    open.add(v);
    stack.push({ value: v, depth: item.depth, leave: true });
    const children = Array.isArray(v) ? v : Object.values(v);
    for (const child of children) stack.push({ value: child, depth: item.depth + 1 });
  }
  return { problem: undefined, nullPrototype };
}
