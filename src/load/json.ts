import { type ParseError, parse as parseTolerantly } from "jsonc-parser";
import { InternalError, type JsonPath, JsonSyntaxError, ValidationError } from "../errors";
import type { JsonValue } from "../model/json";
import { formatCount } from "../text";
import { LIMITS, type LimitName, limitMessage } from "./limits";

/**
 * Parses JSON text, turning a syntax error into a {@link JsonSyntaxError} with the line and
 * column of the first bad character. A leading byte-order mark is ignored. Text that nests
 * deeper than {@link LIMITS}`.jsonDepth` or holds a string longer than
 * {@link LIMITS}`.stringLength` is refused first, with a {@link ValidationError} naming the
 * limit, the JSON path, the line and the column: one linear scan, so no nesting can exhaust the
 * stack of anything that reads the document afterwards. An object that has a key twice
 * (`JSON.parse` keeps the last silently) is refused too, naming the key, its JSON path and both
 * positions: the scan counts the keys written, and only a count that differs from those parsed
 * sends the text to a second, exact scan.
 *
 * @example
 * parseJsonText('{"assets": []}', "snapshot.json");
 */
export function parseJsonText(text: string, source?: string): JsonValue {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const keys = checkJsonLimits(body, source);
  let value: JsonValue;
  try {
    value = JSON.parse(body) as JsonValue;
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    const offset = errorOffset(body, error.message);
    throw new JsonSyntaxError(
      source,
      describeSyntaxError(error.message),
      offset === undefined ? undefined : lineColumn(body, offset),
      {
        cause: error,
      },
    );
  }
  // Fewer keys than the text writes: an object has one twice. Find it (a second scan, only then).
  if (countKeys(value) !== keys) findDuplicateKey(body, source);
  return value;
}

// --- internal ---

/**
 * The keys of every object in a parsed value, counted without recursion: fewer than its text
 * writes means an object has a key twice.
 *
 * @example
 * countKeys({ a: { b: 1 } }); // 2
 */
export function countKeys(root: JsonValue): number {
  let keys = 0;
  const stack: JsonValue[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value !== "object" || value === null) continue;
    if (Array.isArray(value)) {
      for (const item of value) if (typeof item === "object" && item !== null) stack.push(item);
      continue;
    }
    for (const key in value) {
      keys++;
      const item = value[key] as JsonValue;
      if (typeof item === "object" && item !== null) stack.push(item);
    }
  }
  return keys;
}

/**
 * Scans JSON text once, skipping strings, for nesting deeper than {@link LIMITS}`.jsonDepth` and
 * strings longer than {@link LIMITS}`.stringLength`, and counts the object keys it writes: when
 * `JSON.parse` then holds fewer, an object has a key twice ({@link findDuplicateKey}). Iterative
 * and linear; it reads text that is not JSON too (JSON.parse then reports the syntax error).
 */
function checkJsonLimits(text: string, source: string | undefined): number {
  const maxDepth = LIMITS.jsonDepth.value;
  const maxString = LIMITS.stringLength.value;
  const n = text.length;
  // The open objects and arrays, innermost last: true for an object.
  const open: boolean[] = [];
  let expectKey = false;
  let keys = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = stringEnd(text, i);
      const length = end - i - 1;
      if (length > maxString) {
        refuse(text, source, i, "stringLength", length);
      }
      if (expectKey) {
        keys++;
        expectKey = false;
      }
      i = end;
    } else if (c === OPEN_BRACKET || c === OPEN_BRACE) {
      if (open.length + 1 > maxDepth) refuse(text, source, i, "jsonDepth");
      expectKey = c === OPEN_BRACE;
      open.push(expectKey);
    } else if (c === CLOSE_BRACKET || c === CLOSE_BRACE) {
      open.pop();
      expectKey = false;
    } else if (c === COMMA) {
      expectKey = open[open.length - 1] === true;
    }
  }
  return keys;
}

/**
 * Finds the first object key written twice in one object and throws a {@link ValidationError}
 * naming it, its JSON path and both places. A second scan, run only once {@link checkJsonLimits}
 * counted more keys than `JSON.parse` kept, over text known to be valid JSON within the limits:
 * one frame per open object (reused per depth), its keys compared one by one while they are few,
 * then in a set.
 */
function findDuplicateKey(text: string, source: string | undefined): never {
  const n = text.length;
  const open: boolean[] = [];
  const pool: ObjectFrame[] = [];
  let top: ObjectFrame | null = null;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = stringEnd(text, i);
      if (top?.expectKey) {
        top.expectKey = false;
        const key = keyText(text, i, end);
        if (top.set !== undefined) {
          if (top.set.has(key)) duplicateKey(text, source, key, i);
          top.set.add(key);
        } else {
          const { keys } = top;
          for (let k = 0; k < keys.length; k++)
            if (keys[k] === key) duplicateKey(text, source, key, i);
          keys.push(key);
          if (keys.length > LINEAR_KEYS) top.set = new Set(keys);
        }
      }
      i = end;
    } else if (c === OPEN_BRACKET || c === OPEN_BRACE) {
      const object = c === OPEN_BRACE;
      if (object) {
        top = pool[open.length] ?? { expectKey: true, keys: [], set: undefined };
        pool[open.length] = top;
        top.expectKey = true;
        top.keys.length = 0;
        top.set = undefined;
      } else top = null;
      open.push(object);
    } else if (c === CLOSE_BRACKET || c === CLOSE_BRACE) {
      open.pop();
      top = open[open.length - 1] === true ? (pool[open.length - 1] as ObjectFrame) : null;
    } else if (c === COMMA && top !== null) {
      top.expectKey = true;
    }
  }
  throw new InternalError(
    "JSON.parse kept fewer keys than the text writes, but none is written twice",
  );
}

/** An open object of {@link findDuplicateKey}: the keys read so far. */
interface ObjectFrame {
  /** The next string is a key (after `{` or `,`). */
  expectKey: boolean;
  /** The keys, in order, while there are at most {@link LINEAR_KEYS}. */
  keys: string[];
  /** Every key, once there are more. */
  set: Set<string> | undefined;
}

/** Most keys of an object compared one by one before they go into a set. */
const LINEAR_KEYS = 8;

/** The key a string literal (quote to quote) stands for: decoded only when it has an escape. */
function keyText(text: string, start: number, end: number): string {
  for (let j = start + 1; j < end; j++) {
    if (text.charCodeAt(j) === BACKSLASH) return decodeKey(text.slice(start, end + 1));
  }
  return text.slice(start + 1, end);
}

function duplicateKey(
  text: string,
  source: string | undefined,
  key: string,
  againAt: number,
): never {
  const { path } = pathAt(text, againAt);
  const again = lineColumn(text, againAt);
  const firstAt = firstKeyAt(text, againAt, key);
  const first =
    firstAt === undefined
      ? ""
      : `line ${lineColumn(text, firstAt).line}, column ${lineColumn(text, firstAt).column} and `;
  throw new ValidationError(source, [
    {
      path: [...path.slice(0, MAX_PATH_PARTS), key],
      message: `the key ${JSON.stringify(key)} appears twice in one object (${first}line ${again.line}, column ${again.column}); JSON would keep the last silently, so asset-diff reads neither`,
    },
  ]);
}

/**
 * The offset of the first literal of `key` in the object whose later literal of it opens at
 * `againAt`: a scan from that object's opening brace, only when a duplicate was found.
 */
function firstKeyAt(text: string, againAt: number, key: string): number | undefined {
  // The opening brace: back over the object, counting brackets outside strings is not possible
  // backwards, so scan forward from the start, tracking the innermost open object.
  const opens: number[] = [];
  for (let i = 0; i < againAt; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) i = stringEnd(text, i);
    else if (c === OPEN_BRACKET || c === OPEN_BRACE) opens.push(i);
    else if (c === CLOSE_BRACKET || c === CLOSE_BRACE) opens.pop();
  }
  const open = opens[opens.length - 1];
  if (open === undefined) return undefined;
  let depth = 0;
  let expectKey = true;
  for (let i = open + 1; i < againAt; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = stringEnd(text, i);
      if (depth === 0 && expectKey && keyText(text, i, end) === key) return i;
      if (depth === 0) expectKey = false;
      i = end;
    } else if (c === OPEN_BRACKET || c === OPEN_BRACE) depth++;
    else if (c === CLOSE_BRACKET || c === CLOSE_BRACE) depth--;
    else if (c === COMMA && depth === 0) expectKey = true;
  }
  return undefined;
}

/** The character codes of JSON's structure, for the scans here and in `split.ts`. */
export const QUOTE = 0x22;
export const BACKSLASH = 0x5c;
export const OPEN_BRACKET = 0x5b;
export const CLOSE_BRACKET = 0x5d;
export const OPEN_BRACE = 0x7b;
export const CLOSE_BRACE = 0x7d;
export const COMMA = 0x2c;

/** The offset of the quote that ends the string opened at `start`, or the text's length. */
function stringEnd(text: string, start: number): number {
  let from = start + 1;
  for (;;) {
    const quote = text.indexOf('"', from);
    if (quote === -1) return text.length;
    // A quote after an odd run of backslashes is escaped. Each run is counted once.
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote;
    from = quote + 1;
  }
}

/** Most parts of the JSON path an error over a limit names (deep paths are long). */
const MAX_PATH_PARTS = 12;

function refuse(
  text: string,
  source: string | undefined,
  offset: number,
  limit: LimitName,
  length?: number,
): never {
  const { line, column } = lineColumn(text, offset);
  const { path, key } = pathAt(text, offset);
  const what =
    length === undefined
      ? ""
      : `${key ? "a key" : "a string"} of ${formatCount(length)} characters `;
  throw new ValidationError(source, [
    {
      path: path.slice(0, MAX_PATH_PARTS),
      message: `${what}${limitMessage(limit, ` at line ${line}, column ${column}`)}`,
    },
  ]);
}

/**
 * The JSON path of the value that starts at `offset` (of its object, when it is an object's
 * key): a second scan up to it, only when a limit is passed.
 */
function pathAt(text: string, offset: number): { path: JsonPath; key: boolean } {
  const frames: { array: boolean; index: number; key: string; inKey: boolean }[] = [];
  for (let i = 0; i < offset; i++) {
    const c = text.charCodeAt(i);
    const top = frames[frames.length - 1];
    if (c === QUOTE) {
      const end = stringEnd(text, i);
      if (top !== undefined && !top.array && top.inKey) {
        top.key = decodeKey(text.slice(i, end + 1));
        top.inKey = false;
      }
      i = end;
    } else if (c === OPEN_BRACKET || c === OPEN_BRACE) {
      frames.push({ array: c === OPEN_BRACKET, index: 0, key: "", inKey: c === OPEN_BRACE });
    } else if (c === CLOSE_BRACKET || c === CLOSE_BRACE) {
      frames.pop();
    } else if (c === COMMA && top !== undefined) {
      if (top.array) top.index++;
      else top.inKey = true;
    }
  }
  const top = frames[frames.length - 1];
  const key = top !== undefined && !top.array && top.inKey;
  const path = (key ? frames.slice(0, -1) : frames).map((f) => (f.array ? f.index : f.key));
  return { path, key };
}

function decodeKey(literal: string): string {
  try {
    return JSON.parse(literal) as string;
  } catch {
    return literal.slice(1, -1);
  }
}

/** V8 echoes the input in some messages; keep only the part that describes the problem. */
function describeSyntaxError(message: string): string {
  const withoutEcho = message.replace(/, (\.\.\.)?".*"(\.\.\.)? is not valid JSON$/s, "");
  return withoutEcho.replace(/ at position \d+.*$/s, "").replace(/ in JSON$/, "");
}

function errorOffset(text: string, message: string): number | undefined {
  const stated = /at position (\d+)/.exec(message);
  if (stated) return Number(stated[1]);
  // V8 names no position for some errors; a tolerant parser finds the first bad offset. It
  // recurses per level of nesting, which checkJsonLimits has bounded.
  const errors: ParseError[] = [];
  parseTolerantly(text, errors, {
    disallowComments: true,
    allowTrailingComma: false,
    allowEmptyContent: false,
  });
  return errors[0]?.offset;
}

function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}
