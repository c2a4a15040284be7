/**
 * Splitting a JSON input into its elements: the input stays bytes, and only its envelope (the
 * objects and lists above the asset nodes) is built by hand; every element below it is parsed on
 * its own with `JSON.parse`, or kept as a {@link RawElement}, a byte range parsed when a loader
 * needs it. No string ever holds the whole input, so an input may be larger than the longest
 * string a JavaScript engine holds, and a loader that reads two inputs can find the nodes written
 * identically in both by their bytes and read each such node once.
 *
 * Which values are built, kept raw or parsed depends on the JSON path alone ({@link SPLIT_RULES}),
 * the same for every format, because the format is told from the envelope afterwards.
 *
 * The splitter checks what `parseJsonText` checks (nesting depth, string length, keys written
 * twice, valid JSON) but reports a problem only as a {@link SplitFailure}: the loader then reads
 * the input again as one text with `parseJsonText`, whose error names the line and column. Only
 * an input too large for one text gets the splitter's own error, naming the byte offset.
 */
import { type JsonPath, JsonSyntaxError, ValidationError } from "../errors";
import type { JsonValue } from "../model/json";
import { formatCount } from "../text";
import {
  BACKSLASH,
  CLOSE_BRACE,
  CLOSE_BRACKET,
  COMMA,
  countKeys,
  OPEN_BRACE,
  OPEN_BRACKET,
  QUOTE,
} from "./json";
import { LIMITS, limitMessage } from "./limits";

/**
 * One element of the input kept as bytes: a Dagster GraphQL asset node or a snapshot asset. It is
 * parsed by {@link parseRawElement}; two elements with equal bytes parse to equal values.
 */
export class RawElement {
  constructor(
    /** The whole input. */
    readonly buffer: Buffer,
    /** The element's first byte. */
    readonly start: number,
    /** One past its last byte. */
    readonly end: number,
    /** Where it is in the input. */
    readonly path: JsonPath,
    /** How many object keys its text writes (for keys written twice). */
    readonly keys: number,
    /**
     * The bytes of its identifying member (`assetKey` of a node, `key` of a snapshot asset) as
     * written, one character per byte, or undefined: a hint for finding the same element in
     * another input.
     */
    readonly keyText: string | undefined,
  ) {}

  /** True once its bytes are known to be valid JSON: parsed, or equal to a parsed element's. */
  checked = false;

  /** True when `other` has exactly the same bytes. */
  sameBytes(other: RawElement): boolean {
    return (
      this.end - this.start === other.end - other.start &&
      this.buffer.compare(other.buffer, other.start, other.end, this.start, this.end) === 0
    );
  }
}

/**
 * A problem found while splitting: the loader reads the input again as one text to report it
 * with a line and a column ({@link splitFailureError} when it cannot).
 */
export class SplitFailure extends Error {
  constructor(
    /** The byte offset of the problem. */
    readonly offset: number,
    /** What is wrong there. */
    readonly problem: string,
    /** The JSON path of the value it is in, where known. */
    readonly path: JsonPath = [],
    /** True for a limit passed (a `ValidationError`), false for text that is not JSON. */
    readonly limit = false,
  ) {
    super(problem);
    this.name = "SplitFailure";
  }
}

/**
 * The error of a {@link SplitFailure} in an input too large to read again as one text: its byte
 * offset instead of a line and column.
 */
export function splitFailureError(failure: SplitFailure, source: string | undefined): Error {
  const where = `at byte ${formatCount(failure.offset)}`;
  if (failure.limit) {
    return new ValidationError(source, [
      { path: failure.path, message: `${failure.problem} ${where}` },
    ]);
  }
  return new JsonSyntaxError(source, `${failure.problem} ${where}`, undefined);
}

/**
 * Splits a JSON input (UTF-8 bytes, a leading byte-order mark ignored) into its envelope, with
 * the elements {@link SPLIT_RULES} keeps raw left as {@link RawElement}s and all other values
 * parsed. Throws a {@link SplitFailure} for input that is not valid JSON within the limits.
 *
 * @example
 * const json = splitJson(readFileSync("prod.json"));
 */
export function splitJson(buffer: Buffer): JsonValue {
  const start = buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf ? 3 : 0;
  const splitter = new Splitter(buffer);
  let at = splitter.space(start);
  const { value, end } = splitter.value(at, [], ROOT, 0);
  at = splitter.space(end);
  if (at < buffer.length)
    throw new SplitFailure(at, "Unexpected non-whitespace character after JSON");
  // The root's rule builds it: it is never a raw element.
  if (typeof value === "object" && value !== null) {
    rawElements.set(value, splitter.elements);
    rawSlots.set(value, splitter.slots);
  }
  return value as JsonValue;
}

/**
 * Parses a {@link RawElement}: `JSON.parse` of its bytes, refusing a key written twice in one
 * object ({@link SplitFailure}).
 */
export function parseRawElement(element: RawElement): JsonValue {
  const value = parseRange(element.buffer, element.start, element.end, element.keys, element.path);
  element.checked = true;
  return value;
}

/**
 * Parses every {@link RawElement} of a split input that its loader neither read nor found equal
 * to one it read (nodes under a location's load error, a member the format ignores), so that an
 * input is valid JSON throughout, as `JSON.parse` would require. Throws a {@link SplitFailure}.
 */
export function checkUnreadElements(root: JsonValue): void {
  for (const element of rawElements.get(root as object) ?? []) {
    if (!element.checked) parseRawElement(element);
  }
}

/**
 * Replaces the {@link RawElement}s of a split input by their values, for the loaders that read
 * plain JSON only (dbt manifests, `dg list defs` output). Only the places the splitter left raw
 * elements in are visited; any other value (plain JSON, perhaps frozen) is returned as it is.
 */
export function materialize(value: JsonValue): JsonValue {
  if (typeof value !== "object" || value === null) return value;
  for (const { holder, slot, element } of rawSlots.get(value) ?? []) {
    // defineProperty: a member named "__proto__" stays an own member.
    Object.defineProperty(holder, slot, {
      value: parseRawElement(element),
      writable: true,
      enumerable: true,
      configurable: true,
    });
  }
  return value;
}

/** True when a split input still holds {@link RawElement}s that a plain-JSON reader cannot read. */
export function isRawElement(value: unknown): value is RawElement {
  return value instanceof RawElement;
}

// --- internal ---

/** The raw elements of each split input, by its root. */
const rawElements = new WeakMap<object, readonly RawElement[]>();

/** Where a raw element sits: the container the splitter built, and its key or index there. */
interface RawSlot {
  holder: object;
  slot: string | number;
  element: RawElement;
}

/** The places of the raw elements of each split input, by its root. */
const rawSlots = new WeakMap<object, readonly RawSlot[]>();

/**
 * What happens to a value, by JSON path: `build` (an envelope container, built by hand so that
 * its members can be split), `raw` (kept as a {@link RawElement}) or `parse` (parsed whole).
 * A rule is a trie over path parts: `*` matches any key or index; a `string` leaf names the
 * identifying member of raw elements. A value with no rule of its own is parsed.
 */
interface Rule {
  readonly children: ReadonlyMap<string, Rule>;
  readonly any: Rule | undefined;
  /** For raw elements: the member whose text identifies the element. */
  readonly raw: string | undefined;
}

/**
 * The paths split, for every format at once (the format is not known until the envelope is
 * read). Dagster GraphQL asset nodes (under each root field, with or without `data`) and snapshot
 * assets are kept raw; the members of every top-level member (dbt's nodes, sources, parent map,
 * ...) and the elements of a top-level list are parsed one by one.
 */
/** Where Dagster GraphQL asset nodes are, below the response's `data` (or without it). */
const GRAPHQL_NODE_PATHS: readonly (readonly string[])[] = [
  [
    "workspaceOrError",
    "locationEntries",
    "*",
    "locationOrLoadError",
    "repositories",
    "*",
    "assetNodes",
    "*=assetKey",
  ],
  ["repositoriesOrError", "nodes", "*", "assetNodes", "*=assetKey"],
  ["repositoryOrError", "assetNodes", "*=assetKey"],
  ["assetNodes", "*=assetKey"],
];

const SPLIT_RULES: readonly (readonly string[])[] = [
  ...GRAPHQL_NODE_PATHS.flatMap((path) => [["data", ...path], path]),
  ["assets", "*=key"],
  ["*", "*"],
];

function buildRules(paths: readonly (readonly string[])[]): Rule {
  type Mutable = {
    children: Map<string, Mutable>;
    any: Mutable | undefined;
    raw: string | undefined;
  };
  const root: Mutable = { children: new Map(), any: undefined, raw: undefined };
  for (const path of paths) {
    let node = root;
    for (const part of path) {
      const [name, raw] = part.split("=") as [string, string | undefined];
      let next: Mutable | undefined = name === "*" ? node.any : node.children.get(name);
      if (next === undefined) {
        next = { children: new Map(), any: undefined, raw: undefined };
        if (name === "*") node.any = next;
        else node.children.set(name, next);
      }
      if (raw !== undefined) next.raw = raw;
      node = next;
    }
  }
  return root;
}

const ROOT = buildRules(SPLIT_RULES);

/** The rule of a member or an element under `rule`: its own name first, else `*`. */
function childRule(rule: Rule, name: string | number): Rule | undefined {
  return (typeof name === "string" ? rule.children.get(name) : undefined) ?? rule.any;
}

function isBuilt(rule: Rule | undefined): boolean {
  return rule !== undefined && (rule.children.size > 0 || rule.any !== undefined);
}

const COLON = 0x3a;

class Splitter {
  private readonly maxDepth = LIMITS.jsonDepth.value;
  private readonly maxString = LIMITS.stringLength.value;
  /** Every raw element made, in order. */
  readonly elements: RawElement[] = [];
  /** Where each raw element was put. */
  readonly slots: RawSlot[] = [];
  /** {@link skip}'s stack of open containers, reused. */
  private readonly open = new Uint8Array(LIMITS.jsonDepth.value + 2);

  constructor(private readonly buffer: Buffer) {}

  /** The offset of the first byte at or after `at` that is not JSON whitespace. */
  space(at: number): number {
    const b = this.buffer;
    while (at < b.length) {
      const c = b[at];
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
      at++;
    }
    return at;
  }

  /** The value at `at` (not whitespace), read as its rule says, and the offset after it. */
  value(
    at: number,
    path: JsonPath,
    rule: Rule | undefined,
    depth: number,
  ): { value: JsonValue | RawElement; end: number } {
    const c = this.buffer[at];
    if (at >= this.buffer.length) throw new SplitFailure(at, "Unexpected end of JSON input", path);
    if (isBuilt(rule) && (c === OPEN_BRACE || c === OPEN_BRACKET)) {
      if (depth + 1 > this.maxDepth) this.tooDeep(at, path);
      return c === OPEN_BRACE
        ? this.object(at, path, rule as Rule, depth + 1)
        : this.array(at, path, rule as Rule, depth + 1);
    }
    const skipped = this.skip(at, path, depth, rule?.raw);
    if (rule?.raw !== undefined && c === OPEN_BRACE) {
      const element = new RawElement(
        this.buffer,
        at,
        skipped.end,
        path,
        skipped.keys,
        skipped.keyText,
      );
      this.elements.push(element);
      this.elements.push(element);
      return { value: element, end: skipped.end };
    }
    return {
      value: parseRange(this.buffer, at, skipped.end, skipped.keys, path),
      end: skipped.end,
    };
  }

  private object(
    open: number,
    path: JsonPath,
    rule: Rule,
    depth: number,
  ): { value: JsonValue; end: number } {
    const b = this.buffer;
    const out: Record<string, JsonValue> = {};
    let at = this.space(open + 1);
    if (b[at] === CLOSE_BRACE) return { value: out, end: at + 1 };
    for (;;) {
      if (b[at] !== QUOTE) throw new SplitFailure(at, "Expected a property name", path);
      const keyEnd = this.stringEnd(at, path);
      const key = parseRange(b, at, keyEnd + 1, 0, path) as string;
      if (Object.hasOwn(out, key)) throw new SplitFailure(at, "a key appears twice", path);
      at = this.space(keyEnd + 1);
      if (b[at] !== COLON) throw new SplitFailure(at, "Expected ':' after property name", path);
      at = this.space(at + 1);
      const member = this.value(at, [...path, key], childRule(rule, key), depth);
      if (member.value instanceof RawElement) {
        this.slots.push({ holder: out, slot: key, element: member.value });
      }
      // "__proto__" is an own member in JSON.parse's output, not the prototype.
      if (key === "__proto__") {
        Object.defineProperty(out, key, {
          value: member.value,
          writable: true,
          enumerable: true,
          configurable: true,
        });
      } else out[key] = member.value as JsonValue;
      at = this.space(member.end);
      if (b[at] === COMMA) {
        at = this.space(at + 1);
        continue;
      }
      if (b[at] === CLOSE_BRACE) return { value: out, end: at + 1 };
      throw new SplitFailure(at, "Expected ',' or '}' after property value", path);
    }
  }

  private array(
    open: number,
    path: JsonPath,
    rule: Rule,
    depth: number,
  ): { value: JsonValue; end: number } {
    const b = this.buffer;
    const out: (JsonValue | RawElement)[] = [];
    let at = this.space(open + 1);
    if (b[at] === CLOSE_BRACKET) return { value: out as JsonValue, end: at + 1 };
    for (;;) {
      const index = out.length;
      const element = this.value(at, [...path, index], childRule(rule, index), depth);
      if (element.value instanceof RawElement) {
        this.slots.push({ holder: out, slot: index, element: element.value });
      }
      out.push(element.value);
      at = this.space(element.end);
      if (b[at] === COMMA) {
        at = this.space(at + 1);
        continue;
      }
      if (b[at] === CLOSE_BRACKET) return { value: out as JsonValue, end: at + 1 };
      throw new SplitFailure(at, "Expected ',' or ']' after array element", path);
    }
  }

  /**
   * The end of the value at `at`, found by counting brackets outside strings, with the keys it
   * writes and, for a raw element, the text of its member `idMember`. Checks nesting and string
   * length; everything else about the text is left to `JSON.parse`.
   */
  private skip(
    at: number,
    path: JsonPath,
    baseDepth: number,
    idMember: string | undefined,
  ): { end: number; keys: number; keyText: string | undefined } {
    const b = this.buffer;
    const n = b.length;
    const c0 = b[at];
    if (c0 === QUOTE) return { end: this.stringEnd(at, path) + 1, keys: 0, keyText: undefined };
    if (c0 !== OPEN_BRACE && c0 !== OPEN_BRACKET) {
      // A number or a literal: up to the next delimiter; JSON.parse checks the spelling.
      let i = at;
      while (i < n) {
        const c = b[i] as number;
        if (c === COMMA || c === CLOSE_BRACE || c === CLOSE_BRACKET || c <= 0x20) break;
        i++;
      }
      return { end: i, keys: 0, keyText: undefined };
    }
    const idLength = idMember?.length ?? 0;
    // The open containers, 1 for an object; `depth` counts from this value.
    const open = this.open;
    let depth = 0;
    let keys = 0;
    let expectKey = false;
    let capture = false;
    let keyStart = -1;
    let keyText: string | undefined;
    for (let i = at; i < n; i++) {
      const c = b[i];
      if (c === QUOTE) {
        const end = this.stringEnd(i, path);
        if (expectKey) {
          keys++;
          expectKey = false;
          if (
            depth === 1 &&
            idMember !== undefined &&
            end - i - 1 === idLength &&
            b.toString("latin1", i + 1, end) === idMember
          ) {
            capture = true;
          }
        }
        i = end;
      } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        depth++;
        if (baseDepth + depth > this.maxDepth) this.tooDeep(i, path);
        expectKey = c === OPEN_BRACE;
        open[depth] = expectKey ? 1 : 0;
        if (capture && depth === 2) keyStart = i;
      } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        if (depth === 2 && keyStart >= 0 && keyText === undefined) {
          keyText = b.toString("latin1", keyStart, i + 1);
          capture = false;
        }
        depth--;
        expectKey = false;
        if (depth === 0) return { end: i + 1, keys, keyText };
      } else if (c === COMMA) {
        expectKey = open[depth] === 1;
        if (depth === 1) capture = false;
      }
    }
    throw new SplitFailure(n, "Unexpected end of JSON input", path);
  }

  /** The offset of the quote that ends the string opened at `start`; checks its length. */
  private stringEnd(start: number, path: JsonPath): number {
    const b = this.buffer;
    let from = start + 1;
    for (;;) {
      const quote = b.indexOf(QUOTE, from);
      if (quote === -1) throw new SplitFailure(b.length, "Unterminated string in JSON", path);
      // A quote after an odd run of backslashes is escaped.
      let backslashes = 0;
      while (b[quote - 1 - backslashes] === BACKSLASH) backslashes++;
      if (backslashes % 2 === 0) {
        // Bytes are at least as many as characters: only a long one is counted exactly.
        if (
          quote - start - 1 > this.maxString &&
          b.toString("utf8", start + 1, quote).length > this.maxString
        ) {
          throw new SplitFailure(start, `a string ${limitMessage("stringLength")}`, path, true);
        }
        return quote;
      }
      from = quote + 1;
    }
  }

  private tooDeep(at: number, path: JsonPath): never {
    throw new SplitFailure(at, limitMessage("jsonDepth"), path.slice(0, 12), true);
  }
}

/** `JSON.parse` of a byte range, checking that it keeps every key its text writes. */
function parseRange(
  buffer: Buffer,
  start: number,
  end: number,
  keys: number,
  path: JsonPath,
): JsonValue {
  let value: JsonValue;
  try {
    value = JSON.parse(buffer.toString("utf8", start, end)) as JsonValue;
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    throw new SplitFailure(start, error.message.replace(/ in JSON at position.*$/s, ""), path);
  }
  if (keys > 0 && countKeys(value) !== keys) {
    throw new SplitFailure(start, "a key appears twice in one object", path);
  }
  return value;
}
