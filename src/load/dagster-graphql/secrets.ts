/**
 * The secrets of one request to a Dagster GraphQL endpoint, and their removal from everything the
 * server sends back. A server may echo what it was sent (a proxy's error page, a `PythonError`
 * quoting the request, a description that happens to hold a header): every string that comes from
 * it passes through a {@link Redactor} before it reaches a graph, a warning or an error.
 *
 * The secrets are the API token, the URL's password and `user:password`, the whole `Authorization`
 * header sent for them, and the value of every query parameter with a secret-looking name
 * ({@link isSecretQueryParameter}); each in every spelling a server may echo it in (as given,
 * percent-decoded and percent-encoded, base64 as in a Basic header, JSON-escaped).
 */
import { isAssetDiffError, UsageError } from "../../errors";

/** What a secret is replaced with (`***` when a secret is a part of this text). */
const REDACTED = "[redacted]";

/**
 * Secrets shorter than this are refused. Replacing a 1 to 3 character password everywhere it
 * occurs would garble the data (every "a" in every description), and leaving it would print it;
 * so asset-diff sends no such secret at all. It also keeps the search for secrets cheap.
 */
const MIN_SECRET_LENGTH = 4;

/** How many causes deep a thrown error is cleaned; deeper causes are dropped. */
const MAX_CAUSE_DEPTH = 16;

/** The credentials of one request: the endpoint to send to, the headers, and their redactor. */
export interface RequestCredentials {
  /** The endpoint without user and password (they travel as Basic authentication). */
  url: URL;
  /** `Dagster-Cloud-Api-Token` and `Authorization`, when there are credentials for them. */
  headers: Record<string, string>;
  /** Removes every secret of the request from what the server sends back. */
  redactor: Redactor;
}

/**
 * Works out the headers and the secrets of a request to `endpoint` with `token`: a user and
 * password in the URL become a Basic `Authorization` header (fetch refuses them in a URL), and
 * the token a `Dagster-Cloud-Api-Token` header. Throws a {@link UsageError} for a secret shorter
 * than 4 characters (see `MIN_SECRET_LENGTH`), without showing it.
 *
 * @example
 * const { url, headers, redactor } = requestCredentials(new URL("https://me:pa55word@host/graphql"), undefined);
 * redactor.text("bad password pa55word"); // "bad password [redacted]"
 */
export function requestCredentials(endpoint: URL, token: string | undefined): RequestCredentials {
  const secrets: Secret[] = [];
  const headers: Record<string, string> = {};
  if (token) {
    headers["Dagster-Cloud-Api-Token"] = token;
    secrets.push({ what: "the API token", value: token });
  }
  const url = new URL(endpoint.href);
  if (url.username || url.password) {
    const user = decodeLeniently(url.username);
    const password = decodeLeniently(url.password);
    const pair = `${user}:${password}`;
    const authorization = `Basic ${base64(pair)}`;
    headers.Authorization = authorization;
    if (password !== "") {
      secrets.push(
        { what: "the URL's password", value: password, spellings: [url.password] },
        {
          what: "the URL's user and password",
          value: pair,
          spellings: [`${url.username}:${url.password}`],
        },
      );
    }
    // Even with no password the header is not to be shown back (it is all a proxy checks).
    secrets.push({ what: "the Authorization header", value: authorization, minor: true });
    url.username = "";
    url.password = "";
  }
  for (const parameter of queryParameters(url)) {
    if (parameter.value === "" || !isSecretQueryParameter(parameter.name)) continue;
    secrets.push({
      what: `the query parameter ${JSON.stringify(parameter.name)}`,
      value: parameter.value,
      spellings: [parameter.raw],
    });
  }
  return { url, headers, redactor: new Redactor(secrets) };
}

/**
 * True for a query parameter whose value is taken for a secret. Names are compared in lower case
 * with `-` and `.` read as `_`; a name is secret-looking when it ends in `token`, `secret`,
 * `password`, `passwd`, `passphrase`, `apikey`, `accesskey`, `secretkey`, `privatekey`,
 * `signature`, `credential(s)` or `sessionid` (`api_token`, `access_token`, `client_secret`,
 * `X-Amz-Signature`, `apiKey`), or when it, or its last `_`-separated part, is `key`, `sig`,
 * `pwd`, `pass`, `auth`, `authorization`, `session`, `jwt` or `hmac` (`key`, `api_key`,
 * `x-api-key`, `sig`).
 *
 * @internal Exported for the table test of the names.
 * @example
 * isSecretQueryParameter("X-Amz-Signature"); // true
 * isSecretQueryParameter("page"); // false
 */
export function isSecretQueryParameter(name: string): boolean {
  return SECRET_PARAMETER.test(name.toLowerCase().replace(/[-.]/g, "_"));
}

/**
 * Removes a fixed set of secrets, in all their spellings, from text, parsed JSON and errors.
 * Every spelling is searched for at once (one regular expression of literal alternatives, longest
 * first), so the work is linear in the size of what is searched.
 */
export class Redactor {
  /** Finds every spelling of every secret; `undefined` when the request has no secrets. */
  private readonly pattern: RegExp | undefined;
  /** The same search without the global flag, for a yes/no answer. */
  private readonly probe: RegExp | undefined;
  private readonly placeholder: string;

  constructor(secrets: readonly Secret[]) {
    const spellings = new Set<string>();
    for (const secret of secrets) {
      if (!secret.minor && secret.value.length < MIN_SECRET_LENGTH) {
        throw new UsageError(
          `${secret.what} is shorter than ${MIN_SECRET_LENGTH} characters; asset-diff does not send so short a secret, since it could keep it out of what it prints only by garbling the data`,
        );
      }
      for (const spelling of spellingsOf(secret)) {
        if (spelling.length >= MIN_SECRET_LENGTH) spellings.add(spelling);
      }
    }
    const all = [...spellings];
    this.placeholder = all.some((s) => REDACTED.includes(s)) ? "***" : REDACTED;
    if (all.length === 0) {
      this.pattern = undefined;
      this.probe = undefined;
      return;
    }
    const source = all
      .sort((a, b) => b.length - a.length)
      .map(escapeRegExp)
      .join("|");
    this.pattern = new RegExp(source, "g");
    this.probe = new RegExp(source);
  }

  /** True when there is nothing to remove (the request carries no secret). */
  get empty(): boolean {
    return this.pattern === undefined;
  }

  /**
   * `text` with every secret replaced by `[redacted]`. Should a replacement itself form a secret
   * with the text around it (a secret that overlaps `[redacted]`), the whole text is replaced.
   */
  text(text: string): string {
    if (this.pattern === undefined || this.probe === undefined) return text;
    const out = text.replace(this.pattern, this.placeholder);
    if (out === text) return text;
    return this.probe.test(out) ? this.placeholder : out;
  }

  /** True when `text` holds a secret. */
  has(text: string): boolean {
    return this.probe?.test(text) ?? false;
  }

  /**
   * Redacts, in place, every string value and every object key of a freshly parsed JSON value
   * (which nothing else holds yet), and returns it. Iterative, so any depth is fine.
   */
  parsed<T>(json: T): T {
    if (this.pattern === undefined) return json;
    if (typeof json === "string") return this.text(json) as T;
    const pending: object[] = [];
    if (typeof json === "object" && json !== null) pending.push(json);
    for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
      if (Array.isArray(node)) {
        for (let i = 0; i < node.length; i++) {
          const value: unknown = node[i];
          if (typeof value === "string") {
            const cleaned = this.text(value);
            if (cleaned !== value) node[i] = cleaned;
          } else if (typeof value === "object" && value !== null) pending.push(value);
        }
        continue;
      }
      const record = node as Record<string, unknown>;
      let renamed = false;
      for (const key of Object.keys(record)) {
        const value = record[key];
        if (typeof value === "string") {
          const cleaned = this.text(value);
          if (cleaned !== value) record[key] = cleaned;
        } else if (typeof value === "object" && value !== null) pending.push(value);
        if (!renamed && this.has(key)) renamed = true;
      }
      if (renamed) renameKeys(record, (key) => this.text(key));
    }
    return json;
  }

  /**
   * `value` itself when it holds no secret (in any string or key, at any depth), else a redacted
   * copy: the value may be shared, so it is never changed.
   */
  value<T>(value: T): T {
    if (!this.holds(value)) return value;
    try {
      return this.parsed(structuredClone(value));
    } catch {
      return this.placeholder as T;
    }
  }

  /**
   * A thrown value without secrets, anywhere `String`, `JSON.stringify` or `util.inspect` would
   * look: message, stack, own fields and the `cause` chain. asset-diff's own errors (made for
   * this request) are cleaned in place, so that their class and fields stay; any other error
   * holding a secret is replaced by a plain `Error` copy with the same name, cleaned.
   */
  error(thrown: unknown): unknown {
    if (this.pattern === undefined) return thrown;
    return this.cleanError(thrown, new Map(), 0);
  }

  // --- internal ---

  private cleanError(thrown: unknown, seen: Map<object, unknown>, depth: number): unknown {
    if (typeof thrown === "string") return this.text(thrown);
    if (!(thrown instanceof Error)) return this.value(thrown);
    const known = seen.get(thrown);
    if (known !== undefined) return known;
    if (!isAssetDiffError(thrown)) {
      if (!this.holds(thrown)) return thrown;
      const copy = new Error(this.text(String(thrown.message)));
      seen.set(thrown, copy);
      define(copy, "name", this.text(String(thrown.name)), false);
      define(copy, "stack", this.text(String(thrown.stack ?? "")), false);
      for (const key of Object.keys(thrown)) {
        if (key === "message" || key === "stack" || key === "name" || key === "cause") continue;
        const field = (thrown as unknown as Record<string, unknown>)[key];
        define(copy, this.text(key), this.cleanError(field, seen, depth + 1), true);
      }
      if ("cause" in thrown && depth < MAX_CAUSE_DEPTH) {
        define(copy, "cause", this.cleanError(thrown.cause, seen, depth + 1), false);
      }
      return copy;
    }
    seen.set(thrown, thrown);
    for (const key of Object.getOwnPropertyNames(thrown)) {
      const descriptor = Object.getOwnPropertyDescriptor(thrown, key);
      if (descriptor === undefined || !("value" in descriptor)) continue;
      const field: unknown = descriptor.value;
      let cleaned: unknown;
      if (key === "cause" && depth >= MAX_CAUSE_DEPTH) cleaned = undefined;
      else if (typeof field === "string") cleaned = this.text(field);
      else cleaned = this.cleanError(field, seen, depth + 1);
      if (cleaned !== field) Object.defineProperty(thrown, key, { ...descriptor, value: cleaned });
    }
    return thrown;
  }

  /** True when a secret is in any string or key of `root`, at any depth (errors included). */
  private holds(root: unknown): boolean {
    if (this.probe === undefined) return false;
    const seen = new Set<object>();
    const pending: unknown[] = [root];
    while (pending.length > 0) {
      const value = pending.pop();
      if (typeof value === "string") {
        if (this.has(value)) return true;
        continue;
      }
      if (typeof value !== "object" || value === null || seen.has(value)) continue;
      seen.add(value);
      if (value instanceof Error) pending.push(value.message, value.name, value.stack);
      const keys = value instanceof Error ? Object.getOwnPropertyNames(value) : Object.keys(value);
      for (const key of keys) {
        if (this.has(key)) return true;
        pending.push((value as Record<string, unknown>)[key]);
      }
    }
    return false;
  }
}

// --- internal ---

/** One secret of a request. */
interface Secret {
  /** Names it in messages, e.g. "the API token"; never its value. */
  what: string;
  /** The value as it is meant (percent-decoded). */
  value: string;
  /** Other forms it was given in, e.g. percent-encoded as in the URL. */
  spellings?: readonly string[];
  /** Derived from other credentials, so never refused for its length. */
  minor?: boolean;
}

/** See {@link isSecretQueryParameter}. */
const SECRET_PARAMETER =
  /(?:token|secret|passw(?:or)?d|passphrase|apikey|accesskey|secretkey|privatekey|signature|credentials?|sessionid)$|(?:^|_)(?:key|sig|pwd|pass|auth|authorization|session|jwt|hmac)$/;

/** Every form a server may echo a secret in. */
function spellingsOf(secret: Secret): string[] {
  const out = new Set<string>();
  for (const text of [secret.value, ...(secret.spellings ?? [])]) {
    const decoded = decodeLeniently(text);
    for (const form of [text, decoded, decodeLeniently(text.replace(/\+/g, " "))]) {
      out.add(form);
      const encoded = encodeLeniently(form);
      out.add(encoded);
      out.add(encoded.replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase()));
      out.add(encoded.replace(/%20/g, "+"));
      const json = JSON.stringify(form).slice(1, -1);
      out.add(json);
      out.add(
        json.replace(
          /[\u007f-\uffff]/g,
          (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
        ),
      );
      // Unpadded, so that it is found with any padding and in a longer base64 text's start.
      out.add(base64(form).replace(/=+$/, ""));
      out.add(Buffer.from(form, "utf8").toString("base64url"));
    }
  }
  return [...out];
}

/** The query's parameters, names and values percent-decoded, with each value as written. */
function queryParameters(url: URL): { name: string; value: string; raw: string }[] {
  if (url.search.length <= 1) return [];
  return url.search
    .slice(1)
    .split("&")
    .map((part) => {
      const equals = part.indexOf("=");
      const rawName = equals === -1 ? part : part.slice(0, equals);
      const raw = equals === -1 ? "" : part.slice(equals + 1);
      return {
        name: decodeLeniently(rawName.replace(/\+/g, " ")),
        value: decodeLeniently(raw.replace(/\+/g, " ")),
        raw,
      };
    });
}

function decodeLeniently(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function encodeLeniently(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return text;
  }
}

function base64(text: string): string {
  return Buffer.from(text, "utf8").toString("base64");
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/** Renames an object's keys in place, keeping their order (and any `__proto__` key as data). */
function renameKeys(record: Record<string, unknown>, rename: (key: string) => string): void {
  const entries = Object.keys(record).map((key) => [rename(key), record[key]] as const);
  for (const key of Object.keys(record)) delete record[key];
  for (const [key, value] of entries) define(record, key, value, true);
}

function define(target: object, key: string, value: unknown, enumerable: boolean): void {
  Object.defineProperty(target, key, { value, writable: true, configurable: true, enumerable });
}
