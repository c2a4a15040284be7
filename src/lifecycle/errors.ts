import { AssetDiffError } from "../errors";
import type { SqlDialect } from "./vocabulary";

/**
 * Lifecycle-specific errors. Bad webhook payloads are the shared {@link ValidationError} (with
 * the JSON path of each problem); options that cannot work are the shared `UsageError`; the
 * only error of this module's own is a name that cannot be written as an SQL identifier.
 */

/** Why a name cannot be used as an identifier; the single source for {@link IdentifierProblem}. */
export const IDENTIFIER_PROBLEMS = ["empty", "nul", "too_long", "invalid_characters"] as const;

/** See {@link IDENTIFIER_PROBLEMS}. */
export type IdentifierProblem = (typeof IDENTIFIER_PROBLEMS)[number];

/**
 * A name that cannot be written safely as an identifier of an SQL dialect: empty, holding a NUL
 * byte, longer than the dialect keeps (PostgreSQL would silently truncate it, so it could name
 * another schema), or with characters the dialect forbids (BigQuery dataset names).
 *
 * @example
 * try { quoteIdentifier("postgres", "a\u0000b"); } catch (e) { if (isInvalidIdentifierError(e)) e.problem; } // "nul"
 */
export class InvalidIdentifierError extends AssetDiffError {
  override name = "InvalidIdentifierError" as const;
  readonly dialect: SqlDialect;
  readonly identifier: string;
  readonly problem: IdentifierProblem;

  constructor(dialect: SqlDialect, identifier: string, problem: IdentifierProblem, detail: string) {
    super(
      "USAGE",
      `${dialect}: cannot use ${JSON.stringify(identifier)} as an identifier: ${detail}`,
    );
    this.dialect = dialect;
    this.identifier = identifier;
    this.problem = problem;
  }
}

/**
 * True for an {@link InvalidIdentifierError}.
 *
 * @example
 * if (isInvalidIdentifierError(e)) console.error(e.problem);
 */
export function isInvalidIdentifierError(error: unknown): error is InvalidIdentifierError {
  return error instanceof InvalidIdentifierError && error.name === "InvalidIdentifierError";
}
