import { z } from "zod";
import { type JsonPath, ValidationError } from "../errors";
import { formatCount } from "../text";

/**
 * The limits on what asset-diff reads: each bounds an input so that a hostile or broken one is
 * refused with a typed error (naming the source, the JSON path and the limit) before it can
 * exhaust the stack, the memory or the time. The defaults are far above what real graphs reach
 * (docs/reliability.md, "Limits"). The single source for the checks, their messages and the docs.
 *
 * @example
 * LIMITS.jsonDepth.value; // 1024
 */
export const LIMITS = {
  inputBytes: {
    value: 4 * 1024 * 1024 * 1024,
    unit: "bytes",
    exceeded: "is larger than",
    appliesTo:
      "one input file or standard input, counted after gzip decompression; read as bytes, never one string (`maxBytes` overrides it)",
    error: "`InputReadError`",
  },
  textBytes: {
    value: 512 * 1024 * 1024,
    unit: "bytes",
    exceeded: "is larger than",
    appliesTo:
      "an input held as one text (about the longest string a JavaScript engine holds): a GraphQL response over HTTP, a configuration, an approvals file, a report to post (`maxBytes` lowers it)",
    error: "`SourceError` `SOURCE_TOO_LARGE` for a URL, else `InputReadError`",
  },
  jsonDepth: {
    value: 1024,
    unit: "levels",
    exceeded: "nests deeper than",
    appliesTo: "nesting of arrays and objects in a JSON text, from its root",
    error: "`ValidationError`, with line and column",
  },
  jsonValueDepth: {
    value: 512,
    unit: "levels",
    exceeded: "nests deeper than",
    appliesTo:
      "nesting inside one JSON value: a JSON metadata value (also embedded as text), a table record, an opaque value of a newer server",
    error: "`ValidationError`",
  },
  stringLength: {
    value: 16 * 1024 * 1024,
    unit: "characters",
    exceeded: "is longer than",
    appliesTo: "one string (or object key) of a JSON text, counted as written between its quotes",
    error: "`ValidationError`, with line and column",
  },
  assets: {
    value: 1_000_000,
    unit: "assets",
    exceeded: "has more than",
    appliesTo: "assets in one graph",
    error: "`ValidationError`",
  },
  keyParts: {
    value: 256,
    unit: "parts",
    exceeded: "has more than",
    appliesTo: "parts of one asset key (of an asset, a dependency, an asset in metadata)",
    error: "`ValidationError`",
  },
  keyPartLength: {
    value: 64 * 1024,
    unit: "characters",
    exceeded: "is longer than",
    appliesTo: "one part of an asset key",
    error: "`ValidationError`",
  },
  integerDigits: {
    value: 4300,
    unit: "digits",
    exceeded: "has more than",
    appliesTo:
      "an integer metadata value written as decimal text (Python's own limit for converting an int to text)",
    error: "`ValidationError`",
  },
} as const satisfies Record<string, Limit>;

/** One entry of {@link LIMITS}. */
interface Limit {
  /** The largest value accepted. */
  value: number;
  /** What `value` counts. */
  unit: string;
  /** How the error message says the limit was passed, before the limit itself. */
  exceeded: string;
  /** What the limit applies to, for the docs. */
  appliesTo: string;
  /** The error an input over the limit gets, for the docs. */
  error: string;
}

/** A limit's name, e.g. `"jsonDepth"`. */
export type LimitName = keyof typeof LIMITS;

/**
 * A limit as people read it: its value with thousands separators, and its unit.
 *
 * @internal Exported for the test that holds docs/reliability.md to {@link LIMITS}.
 *
 * @example
 * formatLimit("jsonDepth"); // "1,024 levels"
 */
export function formatLimit(name: LimitName): string {
  const { value, unit } = LIMITS[name];
  return `${formatCount(value)} ${unit}`;
}

/**
 * The message of an input over a limit: how it passed it, the limit, an optional detail (a
 * position, the actual size) and the limit's name.
 *
 * @example
 * limitMessage("keyParts", " (300)"); // "has more than 256 parts (300) (limit keyParts)"
 */
export function limitMessage(name: LimitName, detail = ""): string {
  return `${LIMITS[name].exceeded} ${formatLimit(name)}${detail} (limit ${name})`;
}

/** One asset key part, bounded by {@link LIMITS}`.keyPartLength`. */
export const keyPartSchema = z
  .string()
  .max(LIMITS.keyPartLength.value, { error: limitMessage("keyPartLength") });

/** An asset key path: one part or more, at most {@link LIMITS}`.keyParts`, each bounded. */
export const keyPathSchema = z
  .array(keyPartSchema)
  .min(1)
  .max(LIMITS.keyParts.value, { error: limitMessage("keyParts") });

/**
 * What is wrong with an asset key under the limits, or `undefined`; for keys a loader builds
 * rather than reads (dbt's, `dg`'s `/`-joined user strings).
 *
 * @example
 * keyLimitProblem(["a", "b"]); // undefined
 */
export function keyLimitProblem(path: readonly string[]): string | undefined {
  if (path.length > LIMITS.keyParts.value) {
    return `asset key ${limitMessage("keyParts", ` (${formatCount(path.length)})`)}`;
  }
  for (const part of path) {
    if (part.length > LIMITS.keyPartLength.value) {
      return `asset key part ${limitMessage("keyPartLength", ` (${formatCount(part.length)})`)}`;
    }
  }
  return undefined;
}

/**
 * {@link keyLimitProblem} of a `/`-joined user string, without splitting it first.
 *
 * @example
 * userKeyLimitProblem("marts/fct_revenue"); // undefined
 */
export function userKeyLimitProblem(text: string): string | undefined {
  let parts = 1;
  let start = 0;
  for (;;) {
    const slash = text.indexOf("/", start);
    const end = slash === -1 ? text.length : slash;
    if (end - start > LIMITS.keyPartLength.value) {
      return `asset key part ${limitMessage("keyPartLength", ` (${formatCount(end - start)})`)}`;
    }
    if (slash === -1) return undefined;
    if (++parts > LIMITS.keyParts.value) return `asset key ${limitMessage("keyParts")}`;
    start = slash + 1;
  }
}

/**
 * True when an integer written as decimal text (an optional `-`, digits) has at most
 * {@link LIMITS}`.integerDigits` digits: longer ones take superlinear time to convert.
 *
 * @example
 * withinIntegerDigits("-12345678901234567890"); // true
 */
export function withinIntegerDigits(text: string): boolean {
  return text.length - (text.startsWith("-") ? 1 : 0) <= LIMITS.integerDigits.value;
}

/**
 * Throws a {@link ValidationError} when a graph would have more assets than
 * {@link LIMITS}`.assets`; loaders call it with the count of the entries they are about to read.
 *
 * @example
 * checkAssetCount(nodes.length, "prod.json", ["data", "assetNodes"]);
 */
export function checkAssetCount(count: number, source: string | undefined, path: JsonPath): void {
  if (count <= LIMITS.assets.value) return;
  throw new ValidationError(source, [
    { path, message: `the graph ${limitMessage("assets", ` (${formatCount(count)})`)}` },
  ]);
}
