import { InvalidIdentifierError } from "./errors";
import { SQL_DIALECTS, type SqlDialect } from "./vocabulary";

/** How a dialect treats identifiers: how long one may be, and which case unquoted names fold to. */
export interface IdentifierRules {
  /** Longest identifier the dialect keeps, or `null` when it documents no limit. */
  maxLength: number | null;
  /** Whether {@link IdentifierRules.maxLength} counts UTF-8 bytes or characters. */
  unit: "bytes" | "characters";
  /** The case unquoted identifiers fold to; generated names use it so quoting never matters. */
  fold: "lower" | "upper";
  /** The quote character. */
  quote: '"' | "`";
}

/**
 * Identifier rules per dialect:
 * - PostgreSQL keeps 63 bytes (`NAMEDATALEN - 1`) and silently truncates longer names, so
 *   longer names are refused rather than quoted; unquoted names fold to lower case.
 * - Snowflake allows 255 characters; unquoted names fold to upper case.
 * - BigQuery allows 1,024 (dataset names: letters, digits and underscores only); names are
 *   case-sensitive, so generated ones are lower case.
 * - DuckDB documents no limit; unquoted names are case-insensitive.
 *
 * @example
 * IDENTIFIER_RULES.postgres.maxLength; // 63
 */
export const IDENTIFIER_RULES = {
  postgres: { maxLength: 63, unit: "bytes", fold: "lower", quote: '"' },
  snowflake: { maxLength: 255, unit: "characters", fold: "upper", quote: '"' },
  bigquery: { maxLength: 1024, unit: "bytes", fold: "lower", quote: "`" },
  duckdb: { maxLength: null, unit: "characters", fold: "lower", quote: '"' },
} as const satisfies Record<SqlDialect, IdentifierRules>;

/**
 * True for one of the supported SQL dialect names.
 *
 * @example
 * isSqlDialect("duckdb"); // true
 */
export function isSqlDialect(value: string): value is SqlDialect {
  return (SQL_DIALECTS as readonly string[]).includes(value);
}

/**
 * Quotes a name as an identifier of `dialect`, so that any name, however hostile, stays one
 * identifier: PostgreSQL, Snowflake and DuckDB double embedded `"`; BigQuery uses backticks with
 * its string-literal escapes (`` \` ``, `\\`, `\xhh` for control characters). Throws an
 * {@link InvalidIdentifierError} for an empty name, a NUL byte, or a name longer than the dialect
 * keeps.
 *
 * @example
 * quoteIdentifier("postgres", 'we"ird'); // "\"we\"\"ird\""
 * quoteIdentifier("bigquery", "a`b");   // "`a\\`b`"
 */
export function quoteIdentifier(dialect: SqlDialect, name: string): string {
  checkIdentifier(dialect, name);
  if (dialect === "bigquery") return `\`${escapeGoogleSql(name)}\``;
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Quotes each part and joins them with dots, skipping absent parts (e.g. no catalog).
 *
 * @example
 * qualifiedName("duckdb", [undefined, "prod", "orders"]); // "\"prod\".\"orders\""
 */
export function qualifiedName(
  dialect: SqlDialect,
  parts: readonly (string | null | undefined)[],
): string {
  return parts
    .filter((part): part is string => part !== undefined && part !== null)
    .map((part) => quoteIdentifier(dialect, part))
    .join(".");
}

// --- internal ---

const encoder = new TextEncoder();

/** Length of `name` in the unit the dialect counts. */
export function identifierLength(dialect: SqlDialect, name: string): number {
  return IDENTIFIER_RULES[dialect].unit === "bytes"
    ? encoder.encode(name).length
    : [...name].length;
}

function checkIdentifier(dialect: SqlDialect, name: string): void {
  if (name.length === 0) throw new InvalidIdentifierError(dialect, name, "empty", "it is empty");
  if (name.includes("\u0000"))
    throw new InvalidIdentifierError(dialect, name, "nul", "it holds a NUL byte");
  const { maxLength, unit } = IDENTIFIER_RULES[dialect];
  const length = identifierLength(dialect, name);
  if (maxLength !== null && length > maxLength) {
    throw new InvalidIdentifierError(
      dialect,
      name,
      "too_long",
      `it is ${length} ${unit} long; ${dialect} keeps ${maxLength}`,
    );
  }
}

function escapeGoogleSql(name: string): string {
  let out = "";
  for (const char of name) {
    const code = char.codePointAt(0) ?? 0;
    if (char === "\\" || char === "`") out += `\\${char}`;
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, "0")}`;
    else out += char;
  }
  return out;
}
