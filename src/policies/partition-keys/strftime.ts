/**
 * Python `strftime`/`strptime` for partition keys: the directives Dagster's default formats use
 * (`%Y-%m-%d`, `%Y-%m-%d-%H:%M`) and a few more, over "wall" times (a local time written as if it
 * were UTC, in milliseconds). Python's C locale is assumed, so names are English.
 */

/**
 * The `strftime` directives this version reads and writes; a format with any other directive is
 * not enumerable. `%z` is the UTC offset as `+HHMM`, `%%` a literal `%`.
 */
const STRFTIME_DIRECTIVES = ["Y", "y", "m", "d", "H", "M", "S", "j", "z", "%"] as const;

/** A compiled format: its parts, and whether it writes the UTC offset. */
export interface TimeFormat {
  fmt: string;
  parts: readonly FormatPart[];
  hasOffset: boolean;
}

/**
 * Compiles a Python date format, or returns the first directive it does not support.
 *
 * @example
 * compileFormat("%Y-%m-%d"); // { ok: true, format: … }
 * compileFormat("%A %d"); // { ok: false, directive: "%A" }
 */
export function compileFormat(
  fmt: string,
): { ok: true; format: TimeFormat } | { ok: false; directive: string } {
  const parts: FormatPart[] = [];
  let literal = "";
  for (let i = 0; i < fmt.length; i++) {
    const c = fmt[i] as string;
    if (c !== "%") {
      literal += c;
      continue;
    }
    const d = fmt[i + 1];
    if (d === undefined || !(STRFTIME_DIRECTIVES as readonly string[]).includes(d))
      return { ok: false, directive: `%${d ?? ""}` };
    i++;
    if (d === "%") {
      literal += "%";
      continue;
    }
    if (literal !== "") parts.push(literal);
    literal = "";
    parts.push({ directive: d as Directive });
  }
  if (literal !== "") parts.push(literal);
  return { ok: true, format: { fmt, parts, hasOffset: fmt.includes("%z") } };
}

/**
 * Writes a wall time (local time as UTC milliseconds) with a compiled format; `offsetMinutes` is
 * written for `%z`, and appended as `+HHMM` when `appendOffset` (Dagster's second instance of an
 * ambiguous hour).
 *
 * @example
 * formatWall(compiled, Date.UTC(2024, 0, 31, 5, 0), 0); // "2024-01-31-05:00" for "%Y-%m-%d-%H:%M"
 */
export function formatWall(
  format: TimeFormat,
  wall: number,
  offsetMinutes: number,
  appendOffset = false,
): string {
  const date = new Date(wall);
  let out = "";
  for (const part of format.parts) {
    if (typeof part === "string") out += part;
    else out += directiveText(part.directive, date, offsetMinutes);
  }
  return appendOffset && !format.hasOffset ? out + offsetText(offsetMinutes) : out;
}

/** A time read back with {@link parseWall}: the wall time and the offset, when the text had one. */
export interface ParsedTime {
  wall: number;
  offsetMinutes: number | null;
}

/**
 * Reads a time written with a compiled format (Python `strptime`); fields the format lacks take
 * Python's defaults (1900-01-01 00:00:00). `undefined` when the text does not match.
 *
 * @example
 * parseWall(compiled, "2023-01-01"); // { wall: Date.UTC(2023, 0, 1), offsetMinutes: null }
 */
export function parseWall(format: TimeFormat, text: string): ParsedTime | undefined {
  let pattern = "^";
  const order: Directive[] = [];
  for (const part of format.parts) {
    if (typeof part === "string") pattern += escapeRegExp(part);
    else {
      pattern += DIRECTIVE_PATTERNS[part.directive];
      order.push(part.directive);
    }
  }
  const match = new RegExp(`${pattern}$`).exec(text);
  if (match === null) return undefined;
  const f = { Y: 1900, m: 1, d: 1, H: 0, M: 0, S: 0, j: 0 };
  let offsetMinutes: number | null = null;
  order.forEach((directive, i) => {
    const value = match[i + 1] as string;
    if (directive === "z") offsetMinutes = parseOffset(value);
    else if (directive === "y") f.Y = Number(value) + (Number(value) < 69 ? 2000 : 1900);
    else f[directive as keyof typeof f] = Number(value);
  });
  if (f.m < 1 || f.m > 12 || f.d < 1 || f.d > 31 || f.H > 23 || f.M > 59 || f.S > 61)
    return undefined;
  const wall =
    f.j > 0
      ? Date.UTC(f.Y, 0, f.j, f.H, f.M, f.S)
      : Date.UTC(f.Y, f.m - 1, f.d, f.H, f.M, Math.min(f.S, 59));
  // Date.UTC rolls 2023-02-30 over to March; strptime refuses it.
  if (f.j === 0 && new Date(wall).getUTCDate() !== f.d) return undefined;
  return { wall, offsetMinutes };
}

/**
 * A UTC offset as `%z` writes it: `+HHMM` or `-HHMM`.
 *
 * @example
 * offsetText(-300); // "-0500"
 */
function offsetText(offsetMinutes: number): string {
  const sign = offsetMinutes < 0 ? "-" : "+";
  const abs = Math.abs(offsetMinutes);
  return `${sign}${pad(Math.floor(abs / 60), 2)}${pad(abs % 60, 2)}`;
}

// --- internal ---

type Directive = Exclude<(typeof STRFTIME_DIRECTIVES)[number], "%">;
type FormatPart = string | { directive: Directive };

const DIRECTIVE_PATTERNS: Record<Directive, string> = {
  Y: "(\\d{4})",
  y: "(\\d{2})",
  m: "(\\d{1,2})",
  d: "(\\d{1,2})",
  H: "(\\d{1,2})",
  M: "(\\d{1,2})",
  S: "(\\d{1,2})",
  j: "(\\d{1,3})",
  z: "([+-]\\d{2}:?\\d{2}|Z)",
};

function directiveText(directive: Directive, date: Date, offsetMinutes: number): string {
  switch (directive) {
    case "Y":
      return pad(date.getUTCFullYear(), 4);
    case "y":
      return pad(date.getUTCFullYear() % 100, 2);
    case "m":
      return pad(date.getUTCMonth() + 1, 2);
    case "d":
      return pad(date.getUTCDate(), 2);
    case "H":
      return pad(date.getUTCHours(), 2);
    case "M":
      return pad(date.getUTCMinutes(), 2);
    case "S":
      return pad(date.getUTCSeconds(), 2);
    case "j": {
      const start = Date.UTC(date.getUTCFullYear(), 0, 1);
      return pad(Math.floor((date.getTime() - start) / 86_400_000) + 1, 3);
    }
    case "z":
      return offsetText(offsetMinutes);
  }
}

function parseOffset(text: string): number {
  if (text === "Z") return 0;
  const digits = text.replace(":", "");
  const minutes = Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5));
  return digits.startsWith("-") ? -minutes : minutes;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, "0");
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
