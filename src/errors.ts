import type { z } from "zod";
import { plural } from "./text";

/**
 * The error hierarchy. Everything the library throws on purpose is an {@link AssetDiffError};
 * problems with what a caller passed in are {@link InputError}s (bad files, bad responses) or
 * {@link UsageError}s (bad options); {@link InternalError} means a bug here.
 */

/** A location inside a JSON document: object keys and array indices from the root. */
export type JsonPath = readonly (string | number)[];

/** One problem found in an input, at a JSON path. */
export interface InputIssue {
  path: JsonPath;
  message: string;
}

/**
 * Stable, machine-readable error codes; the single source for {@link ErrorCode}. `INPUT_*` are
 * {@link InputError}s, `SOURCE_*` {@link SourceError}s, `PUBLISH_*` {@link PublishError}s.
 */
export const ERROR_CODES = [
  "INPUT_READ",
  "INPUT_JSON_SYNTAX",
  "INPUT_INVALID",
  "INPUT_UNKNOWN_FORMAT",
  "INPUT_GRAPHQL_ERRORS",
  "SOURCE_AUTH",
  "SOURCE_HTTP",
  "SOURCE_NETWORK",
  "SOURCE_TIMEOUT",
  "SOURCE_TOO_LARGE",
  "SOURCE_NOT_JSON",
  "SOURCE_REDIRECT",
  "PUBLISH_AUTH",
  "PUBLISH_HTTP",
  "PUBLISH_NETWORK",
  "PUBLISH_RESPONSE",
  "OUTPUT_WRITE",
  "USAGE",
  "INTERNAL",
] as const;

/** See {@link ERROR_CODES}. */
export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * Marks errors of this package. The guards check it rather than `instanceof`, so they also
 * recognise errors from another copy of asset-diff (a second version installed, or the CommonJS
 * build of another entry point).
 */
const BRAND = Symbol.for("asset-diff.error");

/**
 * Base class of every error asset-diff throws on purpose; `code` is one of {@link ERROR_CODES}.
 *
 * @example
 * try { diffAssetGraphs(base, branch, { codeLocation: "x" }); } catch (e) { if (e instanceof AssetDiffError) e.code; } // "USAGE"
 */
export class AssetDiffError extends Error {
  override name = "AssetDiffError";
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    Object.defineProperty(this, BRAND, { value: true });
  }
}

/**
 * A problem with an input document: a file, standard input, a response. `source` names it
 * (a file path, `<stdin>`, a URL without credentials) when known.
 *
 * @example
 * try { await loadAssetGraph("prod.json"); } catch (e) { if (isInputError(e)) console.error(e.message); }
 */
export class InputError extends AssetDiffError {
  override name: string = "InputError";
  readonly source: string | undefined;
  readonly issues: readonly InputIssue[];

  constructor(
    code: Extract<ErrorCode, `INPUT_${string}`>,
    source: string | undefined,
    issues: readonly InputIssue[],
    options?: { cause?: unknown; message?: string },
  ) {
    super(code, options?.message ?? formatInputIssues(source, issues), options);
    this.source = source;
    this.issues = issues;
  }
}

/**
 * The input could not be read: missing, a directory, too large.
 *
 * @example
 * await loadAssetGraph("missing.json").catch((e) => e instanceof InputReadError); // true
 */
export class InputReadError extends InputError {
  override name = "InputReadError" as const;

  constructor(source: string, message: string, options?: { cause?: unknown }) {
    super("INPUT_READ", source, [{ path: [], message }], options);
  }
}

/**
 * The input is not valid JSON; `line` and `column` are 1-based.
 *
 * @example
 * await loadAssetGraph("truncated.json").catch((e) => e instanceof JsonSyntaxError && e.line);
 */
export class JsonSyntaxError extends InputError {
  override name = "JsonSyntaxError" as const;
  readonly line: number | undefined;
  readonly column: number | undefined;

  constructor(
    source: string | undefined,
    detail: string,
    position: { line: number; column: number } | undefined,
    options?: { cause?: unknown },
  ) {
    const where = position ? ` at line ${position.line}, column ${position.column}` : "";
    super("INPUT_JSON_SYNTAX", source, [{ path: [], message: `invalid JSON${where}: ${detail}` }], {
      ...options,
      message: `${source ?? "input"}: invalid JSON${where}: ${detail}`,
    });
    this.line = position?.line;
    this.column = position?.column;
  }
}

/**
 * The input is JSON of the wrong shape; `issues` lists each problem with its JSON path.
 *
 * @example
 * try { parseSnapshot({ formatVersion: 1, assets: [{}] }); } catch (e) { if (e instanceof ValidationError) e.issues[0]?.path; } // ["assets", 0, "key"]
 */
export class ValidationError extends InputError {
  override name = "ValidationError" as const;

  constructor(
    source: string | undefined,
    issues: readonly InputIssue[],
    options?: { cause?: unknown },
  ) {
    super("INPUT_INVALID", source, issues, options);
  }
}

/**
 * The input's format could not be recognised, or is not the format that was asked for.
 *
 * @example
 * try { parseAssetGraph({ hello: 1 }); } catch (e) { e instanceof UnknownFormatError; } // true
 */
export class UnknownFormatError extends InputError {
  override name = "UnknownFormatError" as const;

  constructor(source: string | undefined, message: string) {
    super("INPUT_UNKNOWN_FORMAT", source, [{ path: [], message }]);
  }
}

/**
 * A GraphQL response that carries `errors` (or an error union member) instead of data.
 *
 * @example
 * try { parseDagsterGraphql({ errors: [{ message: "boom" }] }); } catch (e) { e instanceof GraphQLResponseError; } // true
 */
export class GraphQLResponseError extends InputError {
  override name = "GraphQLResponseError" as const;
}

/**
 * A remote source (a Dagster GraphQL endpoint) could not be read: refused credentials, an HTTP
 * error, a network failure or timeout after the allowed retries, a body that is not JSON or is
 * too large, a redirect to another origin. `url` never holds credentials; no message ever holds
 * a token.
 *
 * @example
 * await fetchDagsterAssetGraph(url).catch((e) => e instanceof SourceError && e.code); // "SOURCE_AUTH"
 */
export class SourceError extends AssetDiffError {
  override name = "SourceError" as const;
  /** The endpoint, without credentials or query string. */
  readonly url: string;
  /** The last HTTP status, when there was one. */
  readonly status: number | undefined;
  /** How many requests were made. */
  readonly attempts: number;

  constructor(
    code: Extract<ErrorCode, `SOURCE_${string}`>,
    url: string,
    message: string,
    details: { status?: number; attempts?: number; cause?: unknown } = {},
  ) {
    super(
      code,
      `${url}: ${message}`,
      details.cause === undefined ? undefined : { cause: details.cause },
    );
    this.url = url;
    this.status = details.status;
    this.attempts = details.attempts ?? 1;
  }
}

/**
 * True for an error reading a remote source.
 *
 * @example
 * if (isSourceError(e) && e.code === "SOURCE_AUTH") console.error("check DAGSTER_CLOUD_API_TOKEN");
 */
export function isSourceError(error: unknown): error is SourceError {
  return isAssetDiffError(error) && error.code.startsWith("SOURCE_");
}

/**
 * A report could not be published to a code host (the CLI's `comment`, which posts a merge-request
 * note): the token was refused, the merge request not found, another HTTP error, no response, or
 * an answer that is not what the host's API returns. `url` is the API's address without
 * credentials; no message ever holds the token.
 *
 * @example
 * new PublishError("PUBLISH_AUTH", "https://gitlab.com/api/v4", "the token was refused (HTTP 401)", { status: 401 }).code; // "PUBLISH_AUTH"
 */
export class PublishError extends AssetDiffError {
  override name = "PublishError" as const;
  /** The API's address, without credentials. */
  readonly url: string;
  /** The HTTP status, when there was one. */
  readonly status: number | undefined;

  constructor(
    code: Extract<ErrorCode, `PUBLISH_${string}`>,
    url: string,
    message: string,
    details: { status?: number; cause?: unknown } = {},
  ) {
    super(code, message, details.cause === undefined ? undefined : { cause: details.cause });
    this.url = url;
    this.status = details.status;
  }
}

/**
 * An output file could not be written (the CLI's `--output`).
 *
 * @example
 * new OutputWriteError("out/report.md", "cannot be written (ENOENT)").code; // "OUTPUT_WRITE"
 */
export class OutputWriteError extends AssetDiffError {
  override name = "OutputWriteError" as const;
  readonly path: string;

  constructor(path: string, message: string, options?: { cause?: unknown }) {
    super("OUTPUT_WRITE", `${path}: ${message}`, options);
    this.path = path;
  }
}

/**
 * A caller passed options that cannot work, e.g. a code location the branch does not have.
 *
 * @example
 * try { diffAssetGraphs(base, branch, { codeLocation: "nope" }); } catch (e) { isUsageError(e); } // true
 */
export class UsageError extends AssetDiffError {
  override name = "UsageError" as const;

  constructor(message: string, options?: { cause?: unknown }) {
    super("USAGE", message, options);
  }
}

/**
 * An invariant broke inside asset-diff: a bug to report, not a problem with the input.
 *
 * @example
 * if (isAssetDiffError(e) && e.code === "INTERNAL") console.error("please report:", e.message);
 */
export class InternalError extends AssetDiffError {
  override name = "InternalError" as const;

  constructor(message: string, options?: { cause?: unknown }) {
    super("INTERNAL", message, options);
  }
}

/**
 * True for any error asset-diff throws on purpose.
 *
 * @example
 * if (isAssetDiffError(e)) process.exitCode = 2;
 */
export function isAssetDiffError(error: unknown): error is AssetDiffError {
  return (
    error instanceof Error &&
    (error as unknown as Record<symbol, unknown>)[BRAND] === true &&
    typeof (error as { code?: unknown }).code === "string"
  );
}

/**
 * True for a problem with an input document (read, syntax, shape, format, GraphQL errors).
 *
 * @example
 * if (isInputError(e)) console.error(e.issues);
 */
export function isInputError(error: unknown): error is InputError {
  return isAssetDiffError(error) && error.code.startsWith("INPUT_") && "issues" in error;
}

/**
 * True for a problem with the options a caller passed.
 *
 * @example
 * if (isUsageError(e)) printUsage();
 */
export function isUsageError(error: unknown): error is UsageError {
  return isAssetDiffError(error) && error.name === "UsageError";
}

/**
 * Renders a JSON path the way people write it, e.g. `$.data.assetNodes[3].assetKey`.
 *
 * @example
 * formatJsonPath(["data", "assetNodes", 3, "assetKey"]); // "$.data.assetNodes[3].assetKey"
 */
export function formatJsonPath(path: JsonPath): string {
  let out = "$";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(part)) out += `.${part}`;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out;
}

/**
 * Turns zod's issues into input issues with full JSON paths from the document root and short
 * messages ("expected string, received number").
 */
export function zodIssues(error: z.ZodError, prefix: JsonPath = []): InputIssue[] {
  return error.issues.map((issue) => ({
    path: [...prefix, ...issue.path.map((p) => (typeof p === "symbol" ? String(p) : p))],
    message: issue.message.replace(/^Invalid input: /, ""),
  }));
}

/**
 * Validates a value with a zod schema and returns its output, or throws a {@link ValidationError}
 * naming `source` and the JSON path of each problem: the one way inputs are checked.
 *
 * @example
 * const state = validate(stateSchema, JSON.parse(text), "state.json");
 */
export function validate<S extends z.ZodType>(
  schema: S,
  value: unknown,
  source: string | undefined,
  options: { showValues?: boolean } = {},
): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = zodIssues(parsed.error);
  // Only for documents a person wrote (a configuration): responses may carry secrets.
  throw new ValidationError(source, options.showValues ? withValues(issues, value) : issues);
}

/** Each issue at a scalar value, with that value (shortened) after its message. */
function withValues(issues: readonly InputIssue[], document: unknown): InputIssue[] {
  return issues.map((issue) => {
    let at: unknown = document;
    for (const part of issue.path) {
      if (typeof at !== "object" || at === null || !Object.hasOwn(at, part)) return issue;
      at = (at as Record<string | number, unknown>)[part];
    }
    if (typeof at === "object" && at !== null) return issue;
    const text = JSON.stringify(at) ?? String(at);
    const shown = text.length > 60 ? `${text.slice(0, 59)}…` : text;
    return { ...issue, message: `${issue.message}; got ${shown}` };
  });
}

/** Most issues a message lists before summarising the rest. */
const MAX_LISTED_ISSUES = 3;

/**
 * Formats issues as one line: source, JSON path and problem of the first few, then a count.
 *
 * @example
 * formatInputIssues("prod.json", [{ path: ["assets", 0, "key"], message: "expected an array" }]);
 * // "prod.json: $.assets[0].key: expected an array"
 */
export function formatInputIssues(
  source: string | undefined,
  issues: readonly InputIssue[],
): string {
  const listed = issues
    .slice(0, MAX_LISTED_ISSUES)
    .map((issue) =>
      issue.path.length > 0 ? `${formatJsonPath(issue.path)}: ${issue.message}` : issue.message,
    );
  const more = issues.length - listed.length;
  const tail = more > 0 ? `; and ${plural(more, "more issue")}` : "";
  return `${source ?? "input"}: ${listed.join("; ")}${tail}`;
}
