import fc from "fast-check";

/**
 * Structure-aware mutations of JSON documents, as data: a case is a seed document plus a list of
 * mutations, so that fast-check prints (and shrinks) the recipe, never a 200 KB document. Every
 * helper here is iterative, so that documents nested thousands of levels deep can be built,
 * copied and written without overflowing the stack.
 */

/** How big generated values may get: modest for the CI run, larger for long runs. */
export interface FuzzScale {
  /** Longest huge string. */
  maxString: number;
  /** Most entries of a huge array or object. */
  maxEntries: number;
  /** Deepest nesting added by one mutation. */
  maxDepth: number;
  /** Whether large seeds (real manifests of several MB) are sometimes used whole, not sliced. */
  wholeLarge: boolean;
}

/** The sizes of the CI run (`npx vitest run test/fuzz`). */
export const CI_SCALE: FuzzScale = {
  maxString: 200_000,
  maxEntries: 2_000,
  maxDepth: 3_000,
  wholeLarge: false,
};

/** Sets an own, enumerable property, even one named `__proto__`. */
export function setOwn(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

type Container = Record<string, unknown> | unknown[];

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** A deep copy of plain JSON data, keeping `__proto__` keys as data and key order as it was. */
export function cloneJson<T>(value: T): T {
  const holder: Record<string, unknown> = {};
  const stack: [unknown, Container, string | number][] = [[value, holder, "v"]];
  while (stack.length > 0) {
    const [source, target, key] = stack.pop() as [unknown, Container, string | number];
    let copy: unknown = source;
    if (Array.isArray(source)) {
      const array: unknown[] = new Array(source.length).fill(null);
      for (let i = 0; i < source.length; i++) stack.push([source[i], array, i]);
      copy = array;
    } else if (isObject(source)) {
      const object: Record<string, unknown> = {};
      // Created in order first, filled later: the copy keeps the key order.
      for (const k of Object.keys(source)) {
        setOwn(object, k, null);
        stack.push([source[k], object, k]);
      }
      copy = object;
    }
    if (Array.isArray(target)) target[key as number] = copy;
    else setOwn(target, String(key), copy);
  }
  return holder.v as T;
}

/** `JSON.stringify` without indentation, iterative: deep documents do not overflow the stack. */
export function stringifyJson(value: unknown): string {
  const out: string[] = [];
  const stack: ({ text: string } | { value: unknown })[] = [{ value }];
  while (stack.length > 0) {
    const item = stack.pop() as { text: string } | { value: unknown };
    if ("text" in item) {
      out.push(item.text);
      continue;
    }
    const v = item.value;
    if (Array.isArray(v)) {
      stack.push({ text: "]" });
      for (let i = v.length - 1; i >= 0; i--) {
        stack.push({ value: v[i] === undefined ? null : v[i] });
        if (i > 0) stack.push({ text: "," });
      }
      stack.push({ text: "[" });
    } else if (isObject(v)) {
      const keys = Object.keys(v).filter((k) => v[k] !== undefined);
      stack.push({ text: "}" });
      for (let i = keys.length - 1; i >= 0; i--) {
        const k = keys[i] as string;
        stack.push({ value: v[k] });
        stack.push({ text: `${JSON.stringify(k)}:` });
        if (i > 0) stack.push({ text: "," });
      }
      stack.push({ text: "{" });
    } else {
      out.push(JSON.stringify(v) ?? "null");
    }
  }
  return out.join("");
}

/** A small deterministic PRNG (mulberry32), for mutations that need more than one number. */
function prng(seed: number): (n: number) => number {
  let state = seed >>> 0;
  return (n: number) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const r = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    return Math.floor(r * n);
  };
}

// --- strings ---

/** Names that are members of `Object.prototype` or otherwise special to JavaScript objects. */
const HOSTILE_NAMES = [
  "__proto__",
  "constructor",
  "prototype",
  "toString",
  "hasOwnProperty",
  "valueOf",
  "__defineGetter__",
  "isPrototypeOf",
] as const;

/**
 * Text that has broken parsers and renderers elsewhere: hostile names, lone surrogates, NUL, C0
 * and C1 controls, bidi controls, combining marks, terminal escapes, Markdown, HTML, Mermaid and
 * workflow-command syntax, percent signs, number-like strings.
 */
const UNUSUAL_STRINGS = [
  ...HOSTILE_NAMES,
  "",
  " ",
  "a/b",
  "/",
  "//",
  "\u0000",
  "a\u0000b",
  "\uD800",
  "\uDC00",
  "a\uD800b",
  "\uDBFF",
  "x\uDFFF",
  "\uD83D\uDCA5",
  "\u202E",
  "abc\u202Edef",
  "\u2066\u2067\u2068\u2069",
  "\u200E\u200F\u061C",
  "\u202A\u202B\u202C\u202D",
  "e\u0301",
  "\u0301",
  "Z\u0335\u0321\u0322\u0327\u031B\u0316\u0317",
  "\u0080",
  "\u0085",
  "\u009B31m",
  "\u009F",
  "\u001B[31mred\u001B[0m",
  "\u001B]8;;https://x.test\u0007link\u001B]8;;\u0007",
  "\u0007\u0008\u000B\u000C",
  "\r\n",
  "\r",
  "\n",
  "\t",
  "\u2028",
  "\u2029",
  "\u007F",
  "\uFEFF",
  "\uFFFE",
  "\uFFFF",
  "\uE000",
  "\uE0010\uE001",
  "\uE0000\uE001",
  "ﬂ°¶ß",
  "<script>alert(1)</script>",
  "-->",
  "<!--",
  "`",
  "```",
  "|",
  "[x](javascript:alert(1))",
  "@octocat",
  "#1",
  "%",
  "%E0%A4%A",
  "%zz",
  "%%{init: {}}%%",
  '"];\nclick n0 call alert()\n["',
  "::warning::x",
  "::set-output name=x::y",
  "ASSET_DIFF_EOF",
  "\nASSET_DIFF_EOF\nfailed=false",
  "$" + "{{ secrets.TOKEN }}",
  "{pr}",
  "{branch}",
  "{__proto__}",
  "**",
  "[",
  "!(a|b)",
  "*".repeat(40),
  "a".repeat(300),
  "1e309",
  "-0",
  "NaN",
  "Infinity",
  "123456789012345678901234567890",
  "0x10",
  "1.0",
  "true",
  "null",
  "https://github.com/o/r/blob/main/%E0%A4%A.py#L3",
  "https://github.com/o/r/blob/main/a.py#L99999999999999999999",
  "/abs/path.py",
  "../../etc/passwd",
  "C:\\x\\y.py",
] as const;

/** One UTF-16 unit or code point of any kind, lone surrogates and controls included. */
const arbUnit: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 1 }) },
  {
    weight: 2,
    arbitrary: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
  },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 0x9f }).map((c) => String.fromCharCode(c)) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      "\u202E",
      "\u2066",
      "\u2069",
      "\u200F",
      "\u0301",
      "\u2028",
      "\uFEFF",
      "\uE000",
      "\uE001",
      "/",
      "`",
      '"',
      "\\",
      "%",
      "#",
      ";",
      ":",
      "|",
      "<",
      "=",
      "{",
    ),
  },
);

/** Unusual text: one of {@link UNUSUAL_STRINGS}, or a short string of any units. */
export const arbUnusualString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...UNUSUAL_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: arbUnit, maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
);

/** Any JSON value with unusual strings and keys, a few levels deep. */
export const arbJsonValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.oneof(
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.constantFrom(0, -0, 1e308, 2 ** 53 + 1),
    ),
    arbUnusualString,
    fc.array(tie("value"), { maxLength: 4 }),
    fc
      .array(fc.tuple(fc.oneof(arbUnusualString, fc.string({ maxLength: 6 })), tie("value")), {
        maxLength: 4,
      })
      .map((entries) => {
        const object: Record<string, unknown> = {};
        for (const [k, v] of entries) setOwn(object, k, v);
        return object;
      }),
  ),
})).value;

// --- mutations ---

/** One change to a document; `at` picks a node (modulo the node count, in depth-first order). */
export type Mutation =
  | { op: "drop"; at: number }
  | { op: "duplicate"; at: number }
  | { op: "retype"; at: number; to: number }
  | { op: "reorder"; at: number; seed: number }
  | { op: "truncate"; at: number; keep: number }
  | { op: "nest"; at: number; depth: number; shape: "array" | "object"; key: string }
  | { op: "hugeString"; at: number; length: number; unit: string }
  | { op: "hugeEntries"; at: number; count: number }
  | { op: "numberAsString"; at: number }
  | { op: "unicode"; at: number; text: string; where: "replace" | "prefix" | "suffix" | "key" }
  | { op: "hostile"; at: number; name: string; key: number }
  | { op: "percent"; at: number; escape: string; offset: number }
  | { op: "graft"; at: number; from: number };

/** The mutations that keep a document mostly valid: values change, shapes stay. */
const SOFT_OPS = new Set<Mutation["op"]>([
  "reorder",
  "unicode",
  "hostile",
  "hugeEntries",
  "hugeString",
]);

/** A mutation; `soft` ones change values but keep the document's shape. */
function arbMutation(scale: FuzzScale, soft = false): fc.Arbitrary<Mutation> {
  const at = fc.nat();
  const arbitraries: { op: Mutation["op"]; weight: number; arbitrary: fc.Arbitrary<Mutation> }[] = [
    { op: "drop", weight: 3, arbitrary: fc.record({ op: fc.constant("drop" as const), at }) },
    {
      op: "duplicate",
      weight: 2,
      arbitrary: fc.record({ op: fc.constant("duplicate" as const), at }),
    },
    {
      op: "retype",
      weight: 3,
      arbitrary: fc.record({ op: fc.constant("retype" as const), at, to: fc.nat() }),
    },
    {
      op: "reorder",
      weight: 2,
      arbitrary: fc.record({ op: fc.constant("reorder" as const), at, seed: fc.nat() }),
    },
    {
      op: "truncate",
      weight: 2,
      arbitrary: fc.record({ op: fc.constant("truncate" as const), at, keep: fc.nat() }),
    },
    {
      op: "nest",
      weight: 1,
      arbitrary: fc.record({
        op: fc.constant("nest" as const),
        at,
        depth: fc.integer({ min: 1, max: scale.maxDepth }),
        shape: fc.constantFrom("array" as const, "object" as const),
        key: fc.constantFrom("a", "assetNodes", "data", "nodes", "value", "__proto__", "raw"),
      }),
    },
    {
      op: "hugeString",
      weight: 1,
      arbitrary: fc.record({
        op: fc.constant("hugeString" as const),
        at,
        length: fc.integer({ min: 1, max: scale.maxString }),
        unit: fc.oneof(
          fc.constantFrom("a", "é", "\uD800", "\uD83D\uDCA5", "`", "\\", "%", "/", "\n", "[", "a/"),
          arbUnusualString,
        ),
      }),
    },
    {
      op: "hugeEntries",
      weight: 1,
      arbitrary: fc.record({
        op: fc.constant("hugeEntries" as const),
        at,
        count: fc.integer({ min: 2, max: scale.maxEntries }),
      }),
    },
    {
      op: "numberAsString",
      weight: 2,
      arbitrary: fc.record({ op: fc.constant("numberAsString" as const), at }),
    },
    {
      op: "unicode",
      weight: 4,
      arbitrary: fc.record({
        op: fc.constant("unicode" as const),
        at,
        text: arbUnusualString,
        where: fc.constantFrom(
          "replace" as const,
          "prefix" as const,
          "suffix" as const,
          "key" as const,
        ),
      }),
    },
    {
      op: "hostile",
      weight: 3,
      arbitrary: fc.record({
        op: fc.constant("hostile" as const),
        at,
        name: fc.constantFrom(...HOSTILE_NAMES),
        key: fc.nat(),
      }),
    },
    {
      op: "percent",
      weight: 2,
      arbitrary: fc.record({
        op: fc.constant("percent" as const),
        at,
        escape: fc.constantFrom("%", "%zz", "%E0%A4%A", "%C3", "%ED%A0%80", "%25", "%0A", "%00"),
        offset: fc.nat(),
      }),
    },
    {
      op: "graft",
      weight: 1,
      arbitrary: fc.record({ op: fc.constant("graft" as const), at, from: fc.nat() }),
    },
  ];
  return fc.oneof(
    ...arbitraries
      .filter((a) => !soft || SOFT_OPS.has(a.op))
      .map(({ weight, arbitrary }) => ({ weight, arbitrary })),
  );
}

/** Up to `max` mutations. */
export function arbMutations(scale: FuzzScale, soft = false, max = 5): fc.Arbitrary<Mutation[]> {
  return fc.array(arbMutation(scale, soft), { maxLength: max });
}

interface Slot {
  parent: Container;
  key: string | number;
}

/** Every value of a document (the root first), depth first. */
function slots(holder: Record<string, unknown>): Slot[] {
  const out: Slot[] = [];
  const stack: Slot[] = [{ parent: holder, key: "v" }];
  while (stack.length > 0) {
    const slot = stack.pop() as Slot;
    out.push(slot);
    const value = get(slot);
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ parent: value, key: i });
    } else if (isObject(value)) {
      const keys = Object.keys(value);
      for (let i = keys.length - 1; i >= 0; i--)
        stack.push({ parent: value, key: keys[i] as string });
    }
  }
  return out;
}

function get(slot: Slot): unknown {
  return Array.isArray(slot.parent)
    ? slot.parent[slot.key as number]
    : (slot.parent as Record<string, unknown>)[slot.key as string];
}

function put(slot: Slot, value: unknown): void {
  if (Array.isArray(slot.parent)) slot.parent[slot.key as number] = value;
  else setOwn(slot.parent, String(slot.key), value);
}

/** An object with `from` renamed to `to`, in place of it; the key order is kept. */
function renamed(
  object: Record<string, unknown>,
  from: string,
  to: string,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(object)) {
    if (k === to && k !== from) continue;
    setOwn(out, k === from ? to : k, object[k]);
  }
  return out;
}

/** Keys of model fields that name things: a copy of an entry gets them made distinct. */
const IDENTITY_KEYS = new Set([
  "path",
  "key",
  "label",
  "name",
  "asset_key",
  "unique_id",
  "alias",
  "email",
  "team",
  "columnName",
  "filePath",
]);

/** A copy of `value` whose naming strings get `suffix`, so that copies do not collide. */
function distinctCopy(value: unknown, suffix: string): unknown {
  const copy = cloneJson(value);
  if (typeof copy === "string") return `${copy}${suffix}`;
  const holder: Record<string, unknown> = { v: copy };
  let first: Slot | undefined;
  let changed = false;
  for (const slot of slots(holder)) {
    const v = get(slot);
    if (typeof v !== "string") continue;
    const key = slot.key;
    const named =
      (typeof key === "string" && IDENTITY_KEYS.has(key)) ||
      (typeof key === "number" && isLastPathPart(slot));
    if (named) {
      put(slot, `${v}${suffix}`);
      changed = true;
    } else if (first === undefined && key !== "__typename" && key !== "type") first = slot;
  }
  if (!changed && first !== undefined) put(first, `${get(first) as string}${suffix}`);
  return holder.v;
}

/**
 * The last string of an array of strings (a key path, say): one suffix per path is enough. JSON
 * text (a table's records) is left whole.
 */
function isLastPathPart(slot: Slot): boolean {
  const parent = slot.parent;
  return (
    Array.isArray(parent) &&
    slot.key === parent.length - 1 &&
    parent.every((p) => typeof p === "string" && !/^\s*[[{]/.test(p))
  );
}

/** A replacement value of another type (or the same value spelled differently). */
function retyped(value: unknown, to: number): unknown {
  const options: unknown[] = [
    null,
    true,
    false,
    0,
    -1,
    1.5,
    1e308,
    2 ** 53 + 2,
    "",
    "x",
    [],
    {},
    [value],
    { value },
    typeof value === "number" ? String(value) : typeof value === "string" ? Number(value) : 1,
  ];
  return cloneJson(options[to % options.length]);
}

/**
 * How large `value` is, counting up to `limit`: one per value, and one more per 64 characters of
 * a string (so that copies of an entry holding a huge string stay bounded too).
 */
function size(value: unknown, limit: number): number {
  let n = 0;
  const stack = [value];
  while (stack.length > 0 && n < limit) {
    const v = stack.pop();
    n++;
    if (typeof v === "string") n += Math.floor(v.length / 64);
    else if (Array.isArray(v)) for (const item of v) stack.push(item);
    else if (isObject(v)) for (const item of Object.values(v)) stack.push(item);
  }
  return n;
}

/**
 * Applies mutations in order to a copy of `document`. Copies made to grow a list stop at about
 * `maxCopied` values (or 64-character pieces of strings) in all, so that a list of large entries
 * stays a size the CI run can afford.
 */
export function applyMutations(
  document: unknown,
  mutations: readonly Mutation[],
  maxCopied = 200_000,
): unknown {
  const holder: Record<string, unknown> = { v: cloneJson(document) };
  for (const mutation of mutations) {
    const all = slots(holder);
    const slot = all[mutation.at % all.length] as Slot;
    const value = get(slot);
    const isRoot = slot.parent === holder;
    switch (mutation.op) {
      case "drop":
        if (isRoot) put(slot, {});
        else if (Array.isArray(slot.parent)) slot.parent.splice(slot.key as number, 1);
        else delete (slot.parent as Record<string, unknown>)[slot.key as string];
        break;
      case "duplicate":
        if (Array.isArray(slot.parent)) slot.parent.splice(slot.key as number, 0, cloneJson(value));
        else if (Array.isArray(value) && value.length > 0) value.push(cloneJson(value[0]));
        else put(slot, [value, cloneJson(value)]);
        break;
      case "retype":
        put(slot, retyped(value, mutation.to));
        break;
      case "reorder": {
        const random = prng(mutation.seed);
        if (Array.isArray(value)) {
          for (let i = value.length - 1; i > 0; i--) {
            const j = random(i + 1);
            [value[i], value[j]] = [value[j], value[i]];
          }
        } else if (isObject(value)) {
          const keys = Object.keys(value);
          for (let i = keys.length - 1; i > 0; i--) {
            const j = random(i + 1);
            [keys[i], keys[j]] = [keys[j] as string, keys[i] as string];
          }
          const out: Record<string, unknown> = {};
          for (const k of keys) setOwn(out, k, value[k]);
          put(slot, out);
        }
        break;
      }
      case "truncate":
        if (typeof value === "string")
          put(slot, value.slice(0, mutation.keep % (value.length + 1)));
        else if (Array.isArray(value)) value.length = mutation.keep % (value.length + 1);
        else if (isObject(value)) {
          const keys = Object.keys(value);
          const out: Record<string, unknown> = {};
          for (const k of keys.slice(0, mutation.keep % (keys.length + 1)))
            setOwn(out, k, value[k]);
          put(slot, out);
        }
        break;
      case "nest": {
        let nested: unknown = value;
        for (let i = 0; i < mutation.depth; i++) {
          if (mutation.shape === "array") nested = [nested];
          else {
            const wrapper: Record<string, unknown> = {};
            setOwn(wrapper, mutation.key, nested);
            nested = wrapper;
          }
        }
        put(slot, nested);
        break;
      }
      case "hugeString": {
        const unit = mutation.unit === "" ? "a" : mutation.unit;
        const text = unit
          .repeat(Math.ceil(mutation.length / unit.length))
          .slice(0, mutation.length);
        put(slot, typeof value === "string" ? `${value}${text}` : text);
        break;
      }
      case "hugeEntries": {
        // The largest entry sets how many copies fit (copies cycle through every entry).
        const entries = Array.isArray(value)
          ? value
          : isObject(value)
            ? Object.values(value)
            : [value];
        let each = 1;
        for (const entry of entries.slice(0, 64)) each = Math.max(each, size(entry, maxCopied));
        const count = Math.max(2, Math.min(mutation.count, Math.floor(maxCopied / each)));
        if (Array.isArray(value) && value.length > 0) {
          const original = value.length;
          for (let i = original; i < count; i++)
            value.push(distinctCopy(value[i % original], `~${i}`));
        } else if (isObject(value) && Object.keys(value).length > 0) {
          const keys = Object.keys(value);
          for (let i = 0; i < count; i++) {
            const k = keys[i % keys.length] as string;
            setOwn(value, `${k}~${i}`, distinctCopy(value[k], `~${i}`));
          }
        } else {
          put(
            slot,
            Array.from({ length: count }, (_, i) => distinctCopy(value, `~${i}`)),
          );
        }
        break;
      }
      case "numberAsString":
        if (typeof value === "number") put(slot, String(value));
        else if (typeof value === "string" && value.trim() !== "" && !Number.isNaN(Number(value)))
          put(slot, Number(value));
        else if (typeof value === "boolean") put(slot, String(value));
        else if (typeof value === "string") put(slot, value.length);
        break;
      case "unicode":
        if (mutation.where === "key" && isObject(value)) {
          const keys = Object.keys(value);
          const k = keys[mutation.at % Math.max(1, keys.length)];
          if (k !== undefined) put(slot, renamed(value, k, `${k}${mutation.text}`));
        } else if (typeof value === "string") {
          put(
            slot,
            mutation.where === "prefix"
              ? `${mutation.text}${value}`
              : mutation.where === "suffix"
                ? `${value}${mutation.text}`
                : mutation.text,
          );
        } else if (!isObject(value) && !Array.isArray(value)) put(slot, mutation.text);
        else if (Array.isArray(value)) value.push(mutation.text);
        break;
      case "hostile":
        if (isObject(value) && Object.keys(value).length > 0) {
          const keys = Object.keys(value);
          put(slot, renamed(value, keys[mutation.key % keys.length] as string, mutation.name));
        } else if (Array.isArray(value) && value.every((v) => typeof v === "string")) {
          value[mutation.key % Math.max(1, value.length)] = mutation.name;
        } else put(slot, mutation.name);
        break;
      case "percent":
        // Percent escapes, well formed or not, inside a string (a URL's path, say).
        if (typeof value === "string") {
          const at = mutation.offset % (value.length + 1);
          put(slot, `${value.slice(0, at)}${mutation.escape}${value.slice(at)}`);
        }
        break;
      case "graft": {
        const from = all[mutation.from % all.length] as Slot;
        put(slot, cloneJson(get(from)));
        break;
      }
    }
  }
  return holder.v;
}

/**
 * A smaller copy of a document, of the same shape: arrays longer than 8 keep a window of 8
 * entries, objects with more than 50 keys (dbt's node maps) a window of 12. `seed` picks the
 * windows. Only what is kept is visited, so slicing a large manifest is cheap.
 */
export function sliceDocument(document: unknown, seed: number): unknown {
  const random = prng(seed);
  const holder: Record<string, unknown> = {};
  const stack: [unknown, Container, string | number][] = [[document, holder, "v"]];
  while (stack.length > 0) {
    const [source, target, key] = stack.pop() as [unknown, Container, string | number];
    let copy: unknown = source;
    if (Array.isArray(source)) {
      const start = source.length > 8 ? random(source.length - 7) : 0;
      const kept = source.slice(start, start + 8);
      const array: unknown[] = new Array(kept.length).fill(null);
      for (let i = 0; i < kept.length; i++) stack.push([kept[i], array, i]);
      copy = array;
    } else if (isObject(source)) {
      let keys = Object.keys(source);
      if (keys.length > 50) {
        const start = random(keys.length - 11);
        keys = keys.slice(start, start + 12);
      }
      const object: Record<string, unknown> = {};
      for (const k of keys) {
        setOwn(object, k, null);
        stack.push([source[k], object, k]);
      }
      copy = object;
    }
    if (Array.isArray(target)) target[key as number] = copy;
    else setOwn(target, String(key), copy);
  }
  return holder.v;
}
