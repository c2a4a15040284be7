import { diffLines } from "diff";
import type {
  AssetCheck,
  AssetOwner,
  AutomationCondition,
  PartitionMapping,
  PartitionsDefinition,
} from "../model/asset";
import type { JsonValue } from "../model/json";
import { keyToString, ownerText } from "../model/key";
import type { MetadataValue } from "../model/metadata";
import { isControl, plural } from "../text";

/** Longest rendering of a single value before it is shortened with `…`. */
const MAX_VALUE_LENGTH = 80;

/**
 * Shortens text to `max` characters (code points), marking the cut with `…`. Reads at most `max`
 * characters of the text, however long it is.
 *
 * @example
 * truncate("abcdef", 4); // "abc…"
 */
export function truncate(text: string, max = MAX_VALUE_LENGTH): string {
  return shorten("", text, 0, max);
}

/**
 * Shortens an old and a new rendering together so that the place where they differ stays in
 * view: a long shared beginning is elided from both. Reads the shared beginning and at most
 * `max` characters after it.
 *
 * @example
 * contrast("Maps … offset by -1", "Maps … offset by 0", 12); // ["…by -1", "…by 0"]
 */
export function contrast(old: string, next: string, max = MAX_VALUE_LENGTH): [string, string] {
  if (fits(old, max) && fits(next, max)) return [old, next];
  // The shared beginning, in code units (the same in both), then back to a character boundary:
  // a surrogate pair is one character, equal only when both halves are.
  const end = Math.min(old.length, next.length);
  let at = 0;
  // Long equal stretches compare a chunk at a time (string equality is a memory comparison).
  while (at + 4096 <= end && old.slice(at, at + 4096) === next.slice(at, at + 4096)) at += 4096;
  while (at < end && old.charCodeAt(at) === next.charCodeAt(at)) at++;
  if (
    at > 0 &&
    isHigh(old.charCodeAt(at - 1)) &&
    (isLow(old.charCodeAt(at)) || isLow(next.charCodeAt(at)))
  )
    at--;
  // Only whether it is longer than `max / 2` characters matters.
  const common = countUpTo(old, at, Math.floor(max / 2) + 1);
  const keep = Math.min(10, Math.floor(max / 4));
  if (!(common > max / 2)) return [truncate(old, max), truncate(next, max)];
  for (let i = 0; i < keep; i++) at -= charWidthBefore(old, at);
  return [shorten("…", old, at, max), shorten("…", next, at, max)];
}

/**
 * Shortens text to `max` characters by keeping its end, marked with a leading `…`. Reads at most
 * `max` characters from each end.
 *
 * @example
 * keepEnd("marts/finance/fct_revenue", 12); // "…fct_revenue"
 */
export function keepEnd(text: string, max: number): string {
  if (fits(text, max)) return text;
  // As `slice` reads a count that is not a number: the whole text.
  return `…${text.slice(Number.isNaN(max) ? 0 : startOfLast(text, Math.trunc(max - 1)))}`;
}

/**
 * Shortens text to `max` characters by keeping as many from its beginning as from its end,
 * joined by `…`. Reads at most `max` characters from each end.
 *
 * @example
 * keepEnds("raw/very/long/key/of/an/asset", 11); // "raw/v…asset"
 */
export function keepEnds(text: string, max: number): string {
  if (fits(text, max)) return text;
  const half = Math.floor((max - 1) / 2);
  let head = 0;
  for (let i = 0; i < half && head < text.length; i++) head += charWidth(text, head);
  return `${text.slice(0, head)}…${text.slice(startOfLast(text, half))}`;
}

/**
 * Makes text from an input safe to print on a terminal: each character that would control the
 * terminal or hide what the text says is replaced by its JSON-style escape, which shows it.
 *
 * - C0 controls (U+0000–U+001F): `\b`, `\t`, `\n`, `\f`, `\r` (as in JSON), else `\u001b` and so on;
 * - DEL and the C1 controls (U+007F–U+009F), e.g. `\u009b` (CSI);
 * - the bidirectional formatting characters (U+061C, U+200E, U+200F, U+202A–U+202E,
 *   U+2066–U+2069), e.g. `\u202e` (RIGHT-TO-LEFT OVERRIDE), and the line and paragraph
 *   separators U+2028 and U+2029;
 * - lone surrogates (half of a UTF-16 pair), e.g. `\ud83d`.
 *
 * Everything else, other scripts and emoji included, is kept. A backslash is kept as it is, so
 * `\u001b` typed in an input reads the same as the escape character: the escapes are for
 * people to read, not to parse back. The CLI shows its one-line messages with it too.
 *
 * @example
 * escapeControls("red\u001b[31m"); // "red\\u001b[31m"
 */
export function escapeControls(text: string): string {
  let out = "";
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
    } else if (!isControl(code) && !(code >= 0xdc00 && code <= 0xdfff)) {
      continue;
    }
    out += text.slice(start, i) + escapeOf(code);
    start = i + 1;
  }
  return start === 0 ? text : out + text.slice(start);
}

/** Renders a nullable string value for people: quoted, or `(none)`. */
export function formatText(value: string | null, max = MAX_VALUE_LENGTH): string {
  return value === null ? "(none)" : JSON.stringify(truncate(value, max));
}

/** Renders a metadata value in one short line, e.g. `int 1200` or `table schema (5 columns)`. */
export function formatMetadataValue(value: MetadataValue | null, max = MAX_VALUE_LENGTH): string {
  if (value === null) return "(none)";
  switch (value.type) {
    case "text":
      return `text ${formatText(value.text, max)}`;
    case "markdown":
      return `markdown ${formatText(value.markdown, max)}`;
    case "url":
      return `url ${truncate(value.url, max)}`;
    case "path":
    case "notebook":
      return `${value.type} ${truncate(value.path, max)}`;
    case "pool":
      return `pool ${formatText(value.pool, max)}`;
    case "run":
      return `run ${value.runId}`;
    case "json":
      return `json ${formatJson(value.value, max)}`;
    case "bool":
      return `bool ${String(value.value)}`;
    case "int":
      return `int ${String(value.value)}`;
    case "float":
      return `float ${String(value.value)}`;
    case "timestamp":
      return `timestamp ${formatTimestamp(value.timestamp)}`;
    case "pythonArtifact":
      return `python ${value.module}.${value.name}`;
    case "asset":
      return `asset ${keyToString(value.assetKey)}`;
    case "job":
      return `job ${value.jobName}`;
    case "null":
      return "null";
    case "table":
      return `table (${value.schema.columns.length} columns, ${value.records.length} records)`;
    case "tableSchema":
      return `table schema (${plural(value.schema.columns.length, "column")})`;
    case "tableColumnLineage":
      return `column lineage (${plural(value.lineage.length, "column")})`;
    case "codeReferences":
      return `code references (${value.codeReferences.map(formatCodeReference).join(", ")})`;
    case "unknown":
      return `${value.typename} ${formatJson(value.raw, max)}`;
  }
}

/** Renders a JSON value compactly, shortened to `max` characters. */
export function formatJson(value: JsonValue | undefined, max = MAX_VALUE_LENGTH): string {
  return truncate(value === undefined ? "(none)" : JSON.stringify(value), max);
}

/** Renders a partitions definition: its type and Dagster's description. */
export function formatPartitions(def: PartitionsDefinition | null, max = MAX_VALUE_LENGTH): string {
  if (def === null) return "(unpartitioned)";
  const type = def.type === "UNKNOWN" ? def.unknownType : def.type;
  return `${type} ${formatText(def.description, max)}`;
}

/**
 * Renders a partition mapping by its class and the parameters its description states, e.g.
 * `TimeWindowPartitionMapping (start_offset -1, end_offset 0)`; a mapping whose description is
 * not one of Dagster's known forms shows its class and description, shortened to `max`.
 */
export function formatMapping(mapping: PartitionMapping | null, max = MAX_VALUE_LENGTH): string {
  if (mapping === null) return "(default)";
  const parameters = mappingParameters(mapping);
  if (parameters === undefined)
    return truncate(
      mapping.description ? `${mapping.className}: ${mapping.description}` : mapping.className,
      max,
    );
  if (parameters.length === 0) return truncate(mapping.className, max);
  const list = parameters.map(([name, value]) => `${name} ${value}`).join(", ");
  return truncate(`${mapping.className} (${list})`, max);
}

/** A parameter of a partition mapping: its name in Dagster's constructor and its value. */
export type MappingParameter = readonly [name: string, value: string];

/**
 * The parameters of a partition mapping, read from the description Dagster writes for its
 * class (the GraphQL API gives only the class name and the description): none for the mappings
 * that take none (identity, all, last, multi-to-single), the offsets of a time-window mapping
 * (both 0 when its description names none), the mapping of a static one and the keys of a
 * specific-partitions one. Undefined when the class or its description is not a known form.
 *
 * @example
 * mappingParameters({
 *   className: "TimeWindowPartitionMapping",
 *   description: "Maps a downstream partition to any upstream partition with an overlapping time window. The start and end of the upstream time window is offsetted by -1 and 0 partitions respectively.",
 * }); // [["start_offset", "-1"], ["end_offset", "0"]]
 */
export function mappingParameters(mapping: PartitionMapping): MappingParameter[] | undefined {
  const description = mapping.description.trim();
  // Own entries only: a class named `constructor` is not a known form.
  if (!Object.hasOwn(MAPPING_FORMS, mapping.className)) return undefined;
  return (MAPPING_FORMS[mapping.className] as (d: string) => MappingParameter[] | undefined)(
    description,
  );
}

/**
 * Shortens a pair of hashes (a code version, a checksum: 20 or more hexadecimal digits) to the
 * shortest prefix of at least 12 digits that tells them apart, each cut marked with `…`. Other
 * values are returned as they are.
 *
 * @example
 * shortHashes("4bc9060af5bf50080e328ce3", "d627c313426e8c700f4a0ede"); // ["4bc9060af5bf…", "d627c313426e…"]
 */
export function shortHashes(
  old: string | null,
  next: string | null,
): [string | null, string | null] {
  const a = old !== null && HASH.test(old);
  const b = next !== null && HASH.test(next);
  if (!a && !b) return [old, next];
  let length = SHORT_HASH;
  if (a && b) {
    const x = old as string;
    const y = next as string;
    while (length < Math.max(x.length, y.length) && x.slice(0, length) === y.slice(0, length))
      length += 4;
  }
  const cut = (hash: string | null, is: boolean) =>
    hash !== null && is && hash.length > length ? `${hash.slice(0, length)}…` : hash;
  return [cut(old, a), cut(next, b)];
}

/** One line of a {@link lineChanges} listing: kept (` `), removed (`-`) or added (`+`). */
interface ChangedLine {
  op: " " | "-" | "+";
  text: string;
}

/** What {@link lineChanges} found: the lines, the count of removed and added ones. */
export interface LineChanges {
  /** Changed lines with up to `context` kept lines around each run; `…` lines mark gaps. */
  lines: ChangedLine[];
  removed: number;
  added: number;
}

/**
 * Compares two texts line by line (a multi-line description, a SQL query): the changed lines
 * with `context` kept lines around each run of changes, kept stretches between runs shown as
 * one ` …` line. Undefined when the texts are too different to compare quickly (more than
 * 2,000 lines changed, or over 200,000 characters), so a report never hangs on them.
 *
 * @example
 * lineChanges("a\nb\nc", "a\nB\nc", 0); // { lines: [{op:" ",text:"…"},{op:"-",text:"b"},{op:"+",text:"B"},{op:" ",text:"…"}], removed: 1, added: 1 }
 */
export function lineChanges(
  old: string | null,
  next: string | null,
  context = 2,
): LineChanges | undefined {
  const a = old ?? "";
  const b = next ?? "";
  if (a.length + b.length > MAX_DIFF_TEXT) return undefined;
  const parts = diffLines(a.endsWith("\n") ? a : `${a}\n`, b.endsWith("\n") ? b : `${b}\n`, {
    maxEditLength: MAX_DIFF_EDITS,
  });
  if (parts === undefined) return undefined;
  const all: ChangedLine[] = [];
  let removed = 0;
  let added = 0;
  for (const part of parts) {
    const op = part.added ? "+" : part.removed ? "-" : " ";
    const lines = part.value.replace(/\r?\n$/, "").split(/\r?\n/);
    if (op === "+") added += lines.length;
    if (op === "-") removed += lines.length;
    for (const text of lines) all.push({ op, text });
  }
  // Keep the changed lines and `context` lines either side of each.
  const keep = new Uint8Array(all.length);
  all.forEach((line, i) => {
    if (line.op === " ") return;
    for (let j = Math.max(0, i - context); j <= Math.min(all.length - 1, i + context); j++)
      keep[j] = 1;
  });
  const lines: ChangedLine[] = [];
  for (let i = 0; i < all.length; i++) {
    if (keep[i]) lines.push(all[i] as ChangedLine);
    else if (lines.at(-1)?.text !== "…" || lines.at(-1)?.op !== " ")
      lines.push({ op: " ", text: "…" });
  }
  return { lines, removed, added };
}

/** True when text spans several lines (a SQL query, a Markdown description). */
export function isMultiline(text: string | null | undefined): text is string {
  return text != null && /[\r\n]/.test(text.trimEnd());
}

/** Renders an owner as Dagster writes it (an email, or `team:name`), shortened to `max`. */
export function formatOwner(owner: AssetOwner, max = MAX_VALUE_LENGTH): string {
  return truncate(ownerText(owner), max);
}

function formatCodeReference(
  ref: Extract<MetadataValue, { type: "codeReferences" }>["codeReferences"][number],
): string {
  if (ref.type === "localFile")
    return ref.lineNumber === null ? ref.filePath : `${ref.filePath}:${ref.lineNumber}`;
  if (ref.type === "url") return ref.url;
  return ref.typename;
}

function formatTimestamp(seconds: number): string {
  const date = new Date(seconds * 1000);
  return Number.isNaN(date.getTime()) ? String(seconds) : date.toISOString();
}

// --- internal ---

/** A hash: 20 or more hexadecimal digits and nothing else. */
const HASH = /^[0-9a-f]{20,}$/i;
/** Longest pair of texts compared line by line, in code units. */
const MAX_DIFF_TEXT = 200_000;
/** Most changed lines a line-by-line comparison looks for before it gives up. */
const MAX_DIFF_EDITS = 2_000;
/** Digits of a hash shown, at least. */
const SHORT_HASH = 12;

const TIME_WINDOW_MAPPING =
  /^Maps a downstream partition to any upstream partition with an overlapping time window\.(?: The start and end of the upstream time window is offsetted by (-?\d+) and (-?\d+) partitions respectively\.)?$/;

/** Reads the parameters of a mapping class from its description; undefined when not understood. */
const MAPPING_FORMS: Readonly<
  Record<string, (description: string) => MappingParameter[] | undefined>
> = {
  IdentityPartitionMapping: () => [],
  AllPartitionMapping: () => [],
  LastPartitionMapping: () => [],
  MultiToSingleDimensionPartitionMapping: () => [],
  TimeWindowPartitionMapping: (description) => {
    const match = TIME_WINDOW_MAPPING.exec(description);
    if (match === null) return undefined;
    return [
      ["start_offset", match[1] ?? "0"],
      ["end_offset", match[2] ?? "0"],
    ];
  },
  StaticPartitionMapping: (description) => {
    const match = /following mapping:\s*([\s\S]+)$/.exec(description);
    return match === null ? undefined : [["mapping", oneLine(match[1] as string)]];
  },
  SpecificPartitionsPartitionMapping: (description) => {
    const match = /following upstream partitions:\s*([\s\S]+?)\.?$/.exec(description);
    return match === null ? undefined : [["partition_keys", oneLine(match[1] as string)]];
  },
};

function oneLine(text: string): string {
  return text.trim().replace(/\s*[\r\n]+\s*/g, " ");
}

/** JSON's short escapes of the C0 controls that have one. */
const SHORT_ESCAPES: Readonly<Record<number, string>> = {
  8: "\\b",
  9: "\\t",
  10: "\\n",
  12: "\\f",
  13: "\\r",
};

function escapeOf(code: number): string {
  return SHORT_ESCAPES[code] ?? `\\u${code.toString(16).padStart(4, "0")}`;
}

function isHigh(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLow(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/** The characters in the first `units` code units of `text`, counted up to `limit`. */
function countUpTo(text: string, units: number, limit: number): number {
  let count = 0;
  for (let at = 0; at < units && count < limit; at += charWidth(text, at)) count++;
  return count;
}

/** Code units of the character (code point; a lone surrogate is one) at `at`. */
function charWidth(text: string, at: number): number {
  const c = text.charCodeAt(at);
  if (c < 0xd800 || c > 0xdbff) return 1;
  const d = text.charCodeAt(at + 1);
  return d >= 0xdc00 && d <= 0xdfff ? 2 : 1;
}

/** Code units of the character that ends at `at`. */
function charWidthBefore(text: string, at: number): number {
  const c = text.charCodeAt(at - 1);
  if (at < 2 || c < 0xdc00 || c > 0xdfff) return 1;
  const d = text.charCodeAt(at - 2);
  return d >= 0xd800 && d <= 0xdbff ? 2 : 1;
}

/** The code unit where the last `count` characters of `text` start. */
function startOfLast(text: string, count: number): number {
  let at = text.length;
  for (let i = 0; i < count && at > 0; i++) at -= charWidthBefore(text, at);
  return at;
}

/** True when `text` has at most `max` characters; reads at most `max + 1` of them. */
function fits(text: string, max: number): boolean {
  if (!(max >= 0)) return false;
  if (text.length <= max) return true;
  let count = 0;
  for (let at = 0; at < text.length; at += charWidth(text, at)) if (++count > max) return false;
  return true;
}

/**
 * `truncate(prefix + text.slice(from), max)`, without building that string: `prefix` is one
 * character or none.
 */
function shorten(prefix: string, text: string, from: number, max: number): string {
  const room = max - prefix.length;
  const rest = from === 0 ? text : text.slice(from);
  if (fits(rest, room)) return `${prefix}${rest}`;
  // Keep `max - 1` characters (at least one) and the ellipsis.
  let keep = Math.trunc(Math.max(1, max - 1)) - prefix.length;
  let end = 0;
  while (keep-- > 0 && end < rest.length) end += charWidth(rest, end);
  return `${prefix}${rest.slice(0, end)}…`;
}

/**
 * An automation condition in one line: its label, else its expanded label; `(none)` for none.
 *
 * @example
 * formatAutomationCondition({ label: "eager", expandedLabel: [] }); // "eager"
 */
export function formatAutomationCondition(
  condition: AutomationCondition | null,
  max = MAX_VALUE_LENGTH,
): string {
  if (condition === null) return "(none)";
  return truncate(condition.label ?? condition.expandedLabel.join(" "), max);
}

/**
 * Whether an asset check blocks its asset's downstream when it fails, as far as the source said:
 * `blocking`, `non-blocking`, or `undefined` when unknown.
 *
 * @example
 * checkBlocking({ name: "not_null_id", blocking: true }); // "blocking"
 */
export function checkBlocking(check: AssetCheck): "blocking" | "non-blocking" | undefined {
  return check.blocking === undefined ? undefined : check.blocking ? "blocking" : "non-blocking";
}

/**
 * An asset check's settings in one line, as far as the source carried them: whether it blocks,
 * the other assets it reads, its automation condition and its description.
 *
 * @example
 * formatCheck({ name: "fk_orders", blocking: false, additionalAssetKeys: [["customers"]] });
 * // "non-blocking; also reads customers"
 */
export function formatCheck(check: AssetCheck, max = MAX_VALUE_LENGTH): string {
  const parts: string[] = [];
  const blocking = checkBlocking(check);
  if (blocking !== undefined) parts.push(blocking);
  if (check.additionalAssetKeys !== undefined && check.additionalAssetKeys.length > 0)
    parts.push(`also reads ${check.additionalAssetKeys.map(keyToString).join(", ")}`);
  if (check.automationCondition)
    parts.push(`automation ${formatAutomationCondition(check.automationCondition)}`);
  if (check.description) parts.push(formatText(check.description, Number.POSITIVE_INFINITY));
  return parts.length === 0 ? "(no settings known)" : truncate(parts.join("; "), max);
}
