import type { DocumentNode, GraphQLFormattedError } from "graphql";
import type { GraphQLClient } from "graphql-request";
import {
  GraphQLResponseError,
  type InputIssue,
  InternalError,
  SourceError,
  UsageError,
} from "../../errors";
import type { AssetGraph } from "../../model/asset";
import { parseJsonText } from "../json";
import { DEFAULT_MAX_TEXT_BYTES } from "../read";
import { locationWarnings } from "../warnings";
import { parseDagsterGraphql } from "./parse";
import { WORKSPACE_ASSET_NODES_QUERY } from "./query";
import { type Redactor, type RequestCredentials, requestCredentials } from "./secrets";

/** How long one request may take before it is abandoned (and retried), by default. */
export const DEFAULT_TIMEOUT_MS = 60_000;

/** How many times a transient failure is retried, by default. */
export const DEFAULT_RETRIES = 3;

/** Options of {@link fetchDagsterAssetGraph}. */
export interface FetchDagsterAssetGraphOptions {
  /**
   * A Dagster+ API token, sent as `Dagster-Cloud-Api-Token`. Without it, the token is taken from
   * `DAGSTER_CLOUD_API_TOKEN`, but only for Dagster+ hosts (`*.dagster.cloud`), so that it is
   * never sent anywhere else by accident.
   */
  token?: string;
  /** Where `DAGSTER_CLOUD_API_TOKEN` is read from; `process.env` by default. */
  env?: Record<string, string | undefined>;
  /** Time allowed for one request, in milliseconds (default 60 000). */
  timeoutMs?: number;
  /** Retries after a network error, a timeout, HTTP 5xx, 409 or 429 (default 3). */
  retries?: number;
  /** First backoff delay in milliseconds, doubled on each retry (default 500). */
  retryDelayMs?: number;
  /** Largest response accepted, in bytes (default 512 MiB). */
  maxBytes?: number;
  /** The `fetch` to use; the global one by default. */
  fetch?: typeof globalThis.fetch;
}

/** An asset graph read from a server, with what the reader had to leave out. */
export interface FetchedAssetGraph {
  graph: AssetGraph;
  /**
   * Things worth telling a user, e.g. fields an older server does not have (the sections they
   * feed are then unknown, and the change set lists them as limitations).
   */
  warnings: string[];
}

/**
 * Reads the asset graph of a running Dagster deployment over GraphQL: an OSS webserver
 * (`http://localhost:3000/graphql`) or Dagster+ (`https://ORG.dagster.cloud/DEPLOYMENT/graphql`).
 * Loads per code location and repository (so equal keys in two locations stay apart), keeps the
 * load errors of locations that failed, adapts the query to older or newer servers by dropping
 * the fields they do not know, and retries transient failures with backoff.
 *
 * Credentials stay with the endpoint. Redirects within its origin (scheme, host and port) are
 * followed, at most 5, with the credentials; a redirect to another origin is refused with a
 * `SourceError` `SOURCE_REDIRECT` naming that origin, so nothing is sent there. Every secret of
 * the request (the token, the URL's password and `user:password`, the `Authorization` header,
 * the values of secret-looking query parameters such as `?api_token=`, in their percent-encoded,
 * percent-decoded, base64 and JSON-escaped forms) is replaced by `[redacted]` in everything the
 * server sends back before it is used, so no graph, warning or thrown error (message, stack,
 * fields, `cause`) holds one. A secret shorter than 4 characters is refused with a `UsageError`:
 * it could not be kept out of the output without garbling the data.
 *
 * @example
 * const { graph, warnings } = await fetchDagsterAssetGraph("https://acme.dagster.cloud/prod/graphql");
 */
export async function fetchDagsterAssetGraph(
  url: string,
  options: FetchDagsterAssetGraphOptions = {},
): Promise<FetchedAssetGraph> {
  const endpoint = parseEndpoint(url);
  const token =
    options.token ??
    (isDagsterPlusHost(endpoint)
      ? (options.env ?? process.env).DAGSTER_CLOUD_API_TOKEN
      : undefined);
  const credentials = requestCredentials(endpoint, token);
  await loadGraphqlLibraries();
  try {
    return await readGraph(credentials, displayUrl(endpoint), options);
  } catch (error) {
    throw credentials.redactor.error(error);
  }
}

/**
 * Removes from a document the fields and fragments a server reported it does not know (by the
 * errors' locations), or `undefined` when some error is not of that kind.
 *
 * @example
 * pruneUnknownFields(parse("{ a b }"), [{ message: 'Cannot query field "b" on type "Query".', locations: [{ line: 1, column: 5 }] }]);
 */
function pruneUnknownFields(
  document: DocumentNode,
  errors: readonly GraphQLFormattedError[],
): { document: DocumentNode; warnings: string[] } | undefined {
  const targets = new Set<string>();
  const pending: { at: Position; what: string }[] = [];
  for (const error of errors) {
    const location = error.locations?.[0];
    const what = describePrunable(error.message);
    if (location === undefined || what === undefined) return undefined;
    targets.add(`${location.line}:${location.column}`);
    if (what !== "") pending.push({ at: location, what });
  }
  const at = (node: { loc?: { startToken: Position } }) =>
    node.loc ? targets.has(`${node.loc.startToken.line}:${node.loc.startToken.column}`) : false;
  let removed = 0;
  const removedFields: { start: Position; end: Position }[] = [];
  const next = gql().visit(document, {
    Field(node) {
      if (at(node)) {
        removed++;
        if (node.loc) removedFields.push({ start: node.loc.startToken, end: node.loc.endToken });
        return null;
      }
      return undefined;
    },
    InlineFragment(node) {
      if (at(node) || (node.typeCondition && at(node.typeCondition))) {
        removed++;
        return null;
      }
      return undefined;
    },
  });
  if (removed === 0) return undefined;
  // What lies inside a dropped field goes with it: one warning for the field, none for the types
  // its selection names (an older server lacks `assetChecksOrError` and `AssetChecks` alike).
  const warnings = pending
    .filter((w) => !removedFields.some((f) => isBefore(f.start, w.at) && isBefore(w.at, f.end)))
    .map((w) => w.what);
  // Re-parse so that locations match the printed text the server sees next.
  return { document: gql().parse(gql().print(dropEmptySelections(next))), warnings };
}

// --- internal ---

/** {@link fetchDagsterAssetGraph} once the credentials are known; what it throws is redacted there. */
async function readGraph(
  credentials: RequestCredentials,
  display: string,
  options: FetchDagsterAssetGraphOptions,
): Promise<FetchedAssetGraph> {
  const { redactor } = credentials;
  const transport = new Transport(display, {
    fetch: options.fetch ?? globalThis.fetch,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    retries: options.retries ?? DEFAULT_RETRIES,
    retryDelayMs: options.retryDelayMs ?? 500,
    maxBytes: Math.min(options.maxBytes ?? DEFAULT_MAX_TEXT_BYTES, DEFAULT_MAX_TEXT_BYTES),
    redactor,
  });
  const client = new (request().GraphQLClient)(credentials.url.href, {
    headers: credentials.headers,
    fetch: transport.fetch,
    errorPolicy: "all",
    jsonSerializer: {
      stringify: JSON.stringify,
      // Data, errors and their keys lose every secret before anything reads them.
      parse: (text: string) => redactor.parsed(parseJsonText(text, display)),
    },
  });

  const warnings: string[] = [];
  // Error locations refer to the text sent, which is always the printed document.
  let document = gql().parse(gql().print(gql().parse(WORKSPACE_ASSET_NODES_QUERY)));
  for (let round = 0; round <= MAX_PRUNING_ROUNDS; round++) {
    const { data, errors } = await transport.run(() => send(client, document));
    if (errors.length === 0) {
      if (data === undefined || data === null) {
        throw new GraphQLResponseError("INPUT_GRAPHQL_ERRORS", display, [
          { path: [], message: "the response holds no data" },
        ]);
      }
      // Parsing can join strings (a JSON metadata value's escapes, say); check the result too.
      const graph = redactor.value(
        parseDagsterGraphql(
          { data },
          { source: display, onWarning: (warning) => warnings.push(warning) },
        ),
      );
      return {
        graph: {
          ...graph,
          source: {
            format: "dagster-graphql",
            name: display,
            capturedAt: new Date().toISOString(),
          },
        },
        warnings: [...warnings, ...locationWarnings(graph)].map((w) => redactor.text(w)),
      };
    }
    const pruned = pruneUnknownFields(document, errors);
    if (pruned === undefined) throw graphqlErrors(display, errors);
    document = pruned.document;
    warnings.push(...pruned.warnings);
  }
  throw new SourceError(
    "SOURCE_HTTP",
    display,
    `the server kept rejecting the query after ${MAX_PRUNING_ROUNDS} adjustments`,
  );
}

/** A position in the document text (1-based), as GraphQL errors and tokens give it. */
interface Position {
  line: number;
  column: number;
}

function isBefore(a: Position, b: Position): boolean {
  return a.line < b.line || (a.line === b.line && a.column < b.column);
}

/** At most this many rounds of dropping unknown fields (each round drops all it was told of). */
const MAX_PRUNING_ROUNDS = 8;

/** HTTP statuses worth retrying: conflicts, rate limits and server-side failures. */
const RETRYABLE = new Set([409, 429, 500, 502, 503, 504]);

/** HTTP statuses that redirect (with a `Location` header). */
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** At most this many redirects (within the endpoint's origin) are followed per request. */
const MAX_REDIRECTS = 5;

/** The longest wait honoured from a `Retry-After` header. */
const MAX_RETRY_AFTER_MS = 30_000;

interface TransportOptions {
  fetch: typeof globalThis.fetch;
  timeoutMs: number;
  retries: number;
  retryDelayMs: number;
  maxBytes: number;
  /** Cleans what the server says before a message quotes it. */
  redactor: Redactor;
}

/** Timeouts, retries, size limits and HTTP status handling around graphql-request. */
class Transport {
  private attempts = 0;

  constructor(
    private readonly display: string,
    private readonly options: TransportOptions,
  ) {}

  /** Runs one GraphQL exchange, retrying transient failures with exponential backoff. */
  async run<T>(exchange: () => Promise<T>): Promise<T> {
    for (let retry = 0; ; retry++) {
      try {
        return await exchange();
      } catch (error) {
        const failure = this.classify(error);
        if (!failure.retryable || retry >= this.options.retries) throw failure.error;
        await sleep(failure.retryAfterMs ?? this.options.retryDelayMs * 2 ** retry);
      }
    }
  }

  /**
   * A `fetch` with a timeout, a size limit, typed HTTP failures, and redirects followed only
   * within the endpoint's origin.
   */
  readonly fetch: typeof globalThis.fetch = async (input, init) => {
    this.attempts++;
    const signal = AbortSignal.timeout(this.options.timeoutMs);
    const response = await this.follow(input, { ...init, signal, redirect: "manual" });
    if (response.status === 401 || response.status === 403) {
      await response.body?.cancel();
      throw new SourceError(
        "SOURCE_AUTH",
        this.display,
        `the server refused the request (HTTP ${response.status}): the API token is missing or wrong (Dagster+ reads it from DAGSTER_CLOUD_API_TOKEN)`,
        { status: response.status, attempts: this.attempts },
      );
    }
    if (RETRYABLE.has(response.status)) {
      await response.body?.cancel();
      throw new TransientFailure(
        "SOURCE_HTTP",
        `the server answered HTTP ${response.status}`,
        response.status,
        retryAfter(response),
      );
    }
    const contentType = response.headers.get("content-type") ?? "";
    if (!/json/i.test(contentType)) {
      await response.body?.cancel();
      throw new SourceError(
        "SOURCE_NOT_JSON",
        this.display,
        `expected a JSON GraphQL response, got HTTP ${response.status} with ${contentType ? `content type ${this.options.redactor.text(contentType.split(";")[0] ?? "")}` : "no content type"}`,
        { status: response.status, attempts: this.attempts },
      );
    }
    const text = await this.readBody(response, signal);
    return new Response(text, {
      status: response.status,
      statusText: this.options.redactor.text(response.statusText),
      headers: response.headers,
    });
  };

  /**
   * Sends a request, following redirects (at most {@link MAX_REDIRECTS}) as fetch would, but only
   * within the origin of the first URL: credentials are never sent to another origin.
   */
  private async follow(
    input: Parameters<typeof globalThis.fetch>[0],
    init: RequestInit,
  ): Promise<Response> {
    let current = input instanceof Request ? input.url : String(input);
    const origin = new URL(current).origin;
    let target: Parameters<typeof globalThis.fetch>[0] = input;
    let request = init;
    for (let redirects = 0; ; redirects++) {
      let response: Response;
      try {
        response = await this.options.fetch(target, request);
      } catch (error) {
        throw this.networkError(error);
      }
      const location = REDIRECTS.has(response.status) ? response.headers.get("location") : null;
      if (location === null) return response;
      await response.body?.cancel();
      const next = URL.canParse(location, current) ? new URL(location, current) : null;
      const refuse = (message: string) =>
        new SourceError("SOURCE_REDIRECT", this.display, message, {
          status: response.status,
          attempts: this.attempts,
        });
      if (next === null)
        throw refuse(
          `the server redirects (HTTP ${response.status}) to an address that is not a URL`,
        );
      if (next.origin !== origin) {
        const where =
          next.protocol === "http:" || next.protocol === "https:"
            ? next.origin
            : `a ${next.protocol} URL`;
        throw refuse(
          `the server redirects (HTTP ${response.status}) to another origin, ${this.options.redactor.text(where)}; asset-diff does not follow it, so that no credentials are sent there (use that address if it is the right one)`,
        );
      }
      if (redirects >= MAX_REDIRECTS)
        throw refuse(`the server redirected more than ${MAX_REDIRECTS} times`);
      next.username = "";
      next.password = "";
      next.hash = "";
      request = redirected(request, response.status);
      target = next;
      current = next.href;
    }
  }

  private async readBody(response: Response, signal: AbortSignal): Promise<string> {
    const declared = Number(response.headers.get("content-length") ?? Number.NaN);
    if (declared > this.options.maxBytes) {
      await response.body?.cancel();
      throw this.tooLarge(declared);
    }
    if (response.body === null) return "";
    const reader = response.body.getReader();
    const chunks: Uint8Array[] = [];
    let total = 0;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        total += value.byteLength;
        if (total > this.options.maxBytes) {
          await reader.cancel();
          throw this.tooLarge(total);
        }
        chunks.push(value);
      }
    } catch (error) {
      if (error instanceof SourceError) throw error;
      throw this.networkError(signal.aborted ? signal.reason : error);
    }
    return Buffer.concat(chunks).toString("utf8");
  }

  private tooLarge(bytes: number): SourceError {
    return new SourceError(
      "SOURCE_TOO_LARGE",
      this.display,
      `the response is over ${this.options.maxBytes} bytes (at least ${bytes}); raise the size limit if this is expected`,
      { attempts: this.attempts },
    );
  }

  private networkError(error: unknown): TransientFailure {
    const name = (error as Error | undefined)?.name;
    if (name === "TimeoutError" || name === "AbortError") {
      return new TransientFailure(
        "SOURCE_TIMEOUT",
        `no response within ${this.options.timeoutMs} ms`,
      );
    }
    // Only the error code is shown: messages of fetch errors may quote the URL.
    const cause = (error as { cause?: { code?: string } } | undefined)?.cause;
    const reason =
      cause?.code ?? (error as { code?: string } | undefined)?.code ?? name ?? "unknown error";
    return new TransientFailure("SOURCE_NETWORK", `could not be reached (${reason})`);
  }

  private classify(error: unknown): { error: Error; retryable: boolean; retryAfterMs?: number } {
    if (error instanceof request().ClientError) {
      // graphql-request turns any non-2xx answer into a ClientError; one with GraphQL errors is
      // handled by the caller, so only an error without them lands here.
      const status = error.response.status;
      return {
        error: new SourceError("SOURCE_HTTP", this.display, `the server answered HTTP ${status}`, {
          status,
          attempts: this.attempts,
        }),
        retryable: false,
      };
    }
    if (error instanceof Error && !(error instanceof TransientFailure) && "code" in error) {
      return { error, retryable: false };
    }
    const failure = error instanceof TransientFailure ? error : this.networkError(error);
    const final = failure.toSourceError(this.display, this.attempts);
    return failure.retryAfterMs === undefined
      ? { error: final, retryable: true }
      : { error: final, retryable: true, retryAfterMs: failure.retryAfterMs };
  }
}

/** A failure worth retrying (network, timeout, HTTP 5xx/409/429); becomes a SourceError when retries run out. */
class TransientFailure extends Error {
  constructor(
    readonly code: "SOURCE_HTTP" | "SOURCE_NETWORK" | "SOURCE_TIMEOUT",
    readonly reason: string,
    readonly status?: number,
    readonly retryAfterMs?: number,
  ) {
    super(reason);
  }

  toSourceError(display: string, attempts: number): SourceError {
    const message =
      this.code === "SOURCE_HTTP"
        ? `${this.reason}${attempts > 1 ? ` on all ${attempts} attempts` : ""}`
        : `${this.reason}${attempts > 1 ? ` (after ${attempts} attempts)` : ""}`;
    return new SourceError(this.code, display, message, {
      ...(this.status === undefined ? {} : { status: this.status }),
      attempts,
    });
  }
}

/** Sends the document; GraphQL errors come back as data, whatever the HTTP status. */
async function send(
  client: GraphQLClient,
  document: DocumentNode,
): Promise<{ data: unknown; errors: GraphQLFormattedError[] }> {
  try {
    const response = await client.rawRequest<Record<string, unknown>>(gql().print(document));
    return { data: response.data, errors: (response.errors ?? []) as GraphQLFormattedError[] };
  } catch (error) {
    if (error instanceof request().ClientError && (error.response.errors?.length ?? 0) > 0) {
      return {
        data: error.response.data,
        errors: error.response.errors as GraphQLFormattedError[],
      };
    }
    throw error;
  }
}

/** What a prunable validation error says is missing ("" when nothing worth a warning), or undefined. */
function describePrunable(message: string): string | undefined {
  const field = /^Cannot query field "([^"]+)" on type "([^"]+)"/.exec(message);
  if (field)
    return `the server does not know ${field[2]}.${field[1]}; it is left out, and what it feeds is not compared`;
  const type = /^Unknown type "([^"]+)"/.exec(message);
  if (type) return `the server does not know the type ${type[1]}; it is left out`;
  const spread =
    /^Fragment cannot be spread here as objects of type "([^"]+)" can never be of type "([^"]+)"/.exec(
      message,
    );
  if (spread) return `the server's ${spread[1]} cannot be a ${spread[2]}; that part is left out`;
  if (/must have a selection of subfields/.test(message)) return "";
  return undefined;
}

/** Removes fields whose selection set became empty, and empty inline fragments. */
function dropEmptySelections(document: DocumentNode): DocumentNode {
  let current = document;
  for (;;) {
    let changed = false;
    current = gql().visit(current, {
      leave(node) {
        if (
          (node.kind === gql().Kind.FIELD || node.kind === gql().Kind.INLINE_FRAGMENT) &&
          node.selectionSet?.selections.length === 0
        ) {
          changed = true;
          return null;
        }
        return undefined;
      },
    });
    if (!changed) return current;
  }
}

function graphqlErrors(
  display: string,
  errors: readonly GraphQLFormattedError[],
): GraphQLResponseError {
  const issues = errors.map(
    (e, i): InputIssue => ({ path: ["errors", i], message: `GraphQL error: ${e.message}` }),
  );
  return new GraphQLResponseError("INPUT_GRAPHQL_ERRORS", display, issues);
}

function parseEndpoint(url: string): URL {
  let endpoint: URL;
  try {
    endpoint = new URL(url);
  } catch {
    throw new UsageError(`${JSON.stringify(redact(url))} is not a URL`);
  }
  if (endpoint.protocol !== "http:" && endpoint.protocol !== "https:") {
    throw new UsageError(`${displayUrl(endpoint)}: only http and https URLs can be read`);
  }
  return endpoint;
}

/**
 * A URL as it may be shown: no user, password, query or fragment (where tokens sometimes hide).
 *
 * @example
 * displayUrl(new URL("https://me:pw@acme.dagster.cloud/prod/graphql?token=x")); // "https://acme.dagster.cloud/prod/graphql"
 */
function displayUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

function redact(text: string): string {
  return text.replace(/\/\/[^/@]*@/, "//").replace(/[?#].*$/, "");
}

/** Dagster+ hosts: `*.dagster.cloud` (the token from the environment is only ever sent there). */
function isDagsterPlusHost(url: URL): boolean {
  return (
    url.protocol === "https:" &&
    (url.hostname === "dagster.cloud" || url.hostname.endsWith(".dagster.cloud"))
  );
}

/** The request to send after a redirect: as fetch does, 303 (and 301/302 after a POST) turn into a GET. */
function redirected(init: RequestInit, status: number): RequestInit {
  const method = (init.method ?? "GET").toUpperCase();
  if (
    !(status === 303 && method !== "HEAD") &&
    !((status === 301 || status === 302) && method === "POST")
  )
    return init;
  const headers = new Headers(init.headers);
  for (const name of [
    "content-type",
    "content-length",
    "content-encoding",
    "content-language",
    "content-location",
  ])
    headers.delete(name);
  const { body: _body, ...rest } = init;
  return { ...rest, method: "GET", headers };
}

function retryAfter(response: Response): number | undefined {
  const header = response.headers.get("retry-after");
  if (header === null) return undefined;
  const seconds = Number(header);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - Date.now();
  return Number.isFinite(ms) ? Math.min(Math.max(0, ms), MAX_RETRY_AFTER_MS) : undefined;
}

/**
 * The GraphQL libraries, loaded on first use: only a URL source needs them, and loading them
 * takes a fifth of a second that reading files should not pay.
 */
let graphqlLibraries:
  | { graphql: typeof import("graphql"); request: typeof import("graphql-request") }
  | undefined;

async function loadGraphqlLibraries(): Promise<void> {
  if (graphqlLibraries !== undefined) return;
  const [graphql, request] = await Promise.all([import("graphql"), import("graphql-request")]);
  graphqlLibraries = { graphql, request };
}

function gql(): typeof import("graphql") {
  if (graphqlLibraries === undefined) throw new InternalError("the GraphQL library is not loaded");
  return graphqlLibraries.graphql;
}

function request(): typeof import("graphql-request") {
  if (graphqlLibraries === undefined) throw new InternalError("graphql-request is not loaded");
  return graphqlLibraries.request;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
