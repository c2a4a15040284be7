import { PublishError, UsageError } from "../errors";
import { Redactor } from "../load/dagster-graphql/secrets";

/**
 * One merge-request note per report, through GitLab's REST API (v4): the note whose first line is
 * the report's marker, written by the token's user, is updated; when there is none, one is
 * created. Nothing here prints; every error is a {@link PublishError} or a {@link UsageError}
 * without the token in it.
 */

/** GitLab refuses a note longer than this (characters). */
export const GITLAB_NOTE_MAX_LENGTH = 1_000_000;

/** Where the note goes and with what credentials. */
export interface MergeRequestTarget {
  /** The API's root, e.g. `https://gitlab.com/api/v4` (`CI_API_V4_URL`). */
  api: string;
  /** The project's id or its path (`CI_PROJECT_ID`). */
  project: string;
  /** The merge request's number in the project (`CI_MERGE_REQUEST_IID`). */
  mergeRequest: number;
  /** A token with the `api` scope, sent as `PRIVATE-TOKEN`. */
  token: string;
  /** Where the token came from, for messages (e.g. the variable's name). */
  tokenName: string;
}

/** What {@link upsertMergeRequestNote} did. */
export interface NoteResult {
  action: "created" | "updated" | "unchanged";
  noteId: number;
}

/** How requests are made: the `fetch` to use and the time allowed for each. */
export interface RequestOptions {
  fetch: typeof globalThis.fetch;
  timeoutMs: number;
  /** Tries of a GET after a network error, a timeout, HTTP 5xx or 429 (default 2). */
  retries?: number;
  /** The first wait before a retry, doubled each time (default 500 ms). */
  retryDelayMs?: number;
}

/**
 * Updates the merge request's note that starts with `marker` (the first such note of the token's
 * user, oldest first), or creates it; a note that already reads `body` is left as it is.
 * Every page of notes is read (`x-next-page`), so an old note is found however long the thread.
 *
 * @example
 * await upsertMergeRequestNote(target, markdown, "<!-- asset-diff:report -->", { fetch, timeoutMs: 60_000 });
 */
export async function upsertMergeRequestNote(
  target: MergeRequestTarget,
  body: string,
  marker: string,
  options: RequestOptions,
): Promise<NoteResult> {
  const api = new GitlabApi(target, options);
  const me = await api.currentUserId();
  const existing = await api.findNote(me, marker);
  if (existing === undefined) return { action: "created", noteId: await api.createNote(body) };
  if (existing.body === body) return { action: "unchanged", noteId: existing.id };
  await api.updateNote(existing.id, body);
  return { action: "updated", noteId: existing.id };
}

// --- internal ---

/**
 * Most pages of notes read (100 notes each). A longer thread is an error rather than a new note,
 * which could be a second one.
 */
const MAX_PAGES = 1_000;

/** Longest part of GitLab's own error message that a message repeats. */
const MAX_SERVER_MESSAGE = 200;

interface Note {
  id: number;
  body: string;
  system?: boolean;
  author?: { id?: number };
}

class GitlabApi {
  private readonly root: URL;
  /** The API's address as messages show it: without credentials, query or fragment. */
  private readonly shown: string;
  private readonly redactor: Redactor;
  private readonly notesPath: string;

  constructor(
    private readonly target: MergeRequestTarget,
    private readonly options: RequestOptions,
  ) {
    this.redactor = new Redactor([{ what: target.tokenName, value: target.token }]);
    let root: URL;
    try {
      root = new URL(target.api);
    } catch (error) {
      throw new UsageError(
        `the GitLab API address ${JSON.stringify(this.redactor.text(target.api))} is not a URL (e.g. https://gitlab.com/api/v4)`,
        { cause: this.redactor.error(error) },
      );
    }
    if (root.protocol !== "https:" && root.protocol !== "http:")
      throw new UsageError(
        `the GitLab API address must be http(s); got ${JSON.stringify(root.protocol)}`,
      );
    if (root.username || root.password)
      throw new UsageError(
        "the GitLab API address must not hold a user or password; the token is read from the environment",
      );
    root.search = "";
    root.hash = "";
    if (!root.pathname.endsWith("/")) root.pathname += "/";
    this.root = root;
    this.shown = this.redactor.text(root.href.replace(/\/$/, ""));
    this.notesPath = `projects/${encodeURIComponent(target.project)}/merge_requests/${target.mergeRequest}/notes`;
  }

  async currentUserId(): Promise<number> {
    const user = await this.json("GET", "user");
    const id = (user as { id?: unknown } | null)?.id;
    if (typeof id !== "number") throw this.unexpected("GET /user", "a user with an id");
    return id;
  }

  async findNote(author: number, marker: string): Promise<Note | undefined> {
    let page = 1;
    for (let read = 0; read < MAX_PAGES; read++) {
      const { value, next } = await this.request(
        "GET",
        `${this.notesPath}?sort=asc&order_by=created_at&per_page=100&page=${page}`,
      );
      if (!Array.isArray(value)) throw this.unexpected("GET …/notes", "an array of notes");
      for (const note of value as unknown[]) {
        if (!isNote(note)) throw this.unexpected("GET …/notes", "notes with an id and a body");
        if (!note.system && note.author?.id === author && firstLine(note.body) === marker)
          return note;
      }
      // The header is empty on the last page; a page that does not move on ends the search too.
      if (next === undefined || next <= page) return undefined;
      page = next;
    }
    throw new PublishError(
      "PUBLISH_RESPONSE",
      this.shown,
      `GitLab API ${this.shown}: merge request !${this.target.mergeRequest} has more than ${MAX_PAGES * 100} notes; the report's note was not searched for further, and none was posted`,
    );
  }

  async createNote(body: string): Promise<number> {
    const note = await this.json("POST", this.notesPath, { body });
    if (!isNote(note)) throw this.unexpected("POST …/notes", "the note created");
    return note.id;
  }

  async updateNote(id: number, body: string): Promise<void> {
    const note = await this.json("PUT", `${this.notesPath}/${id}`, { body });
    if (!isNote(note)) throw this.unexpected("PUT …/notes/:id", "the note updated");
  }

  private async json(method: string, path: string, body?: { body: string }): Promise<unknown> {
    return (await this.request(method, path, body)).value;
  }

  /** One call of the API, retried (GETs only) after a network error, a timeout, 5xx or 429. */
  private async request(
    method: string,
    path: string,
    body?: { body: string },
  ): Promise<{ value: unknown; next: number | undefined }> {
    const url = new URL(path, this.root);
    const retries = method === "GET" ? (this.options.retries ?? 2) : 0;
    let delay = this.options.retryDelayMs ?? 500;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.once(method, url, body);
      } catch (error) {
        const retry =
          error instanceof PublishError &&
          (error.code === "PUBLISH_NETWORK" ||
            (error.status !== undefined && (error.status >= 500 || error.status === 429)));
        if (!retry || attempt >= retries) throw error;
        await new Promise((done) => setTimeout(done, delay));
        delay *= 2;
      }
    }
  }

  private async once(
    method: string,
    url: URL,
    body: { body: string } | undefined,
  ): Promise<{ value: unknown; next: number | undefined }> {
    const headers: Record<string, string> = {
      "PRIVATE-TOKEN": this.target.token,
      Accept: "application/json",
    };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    let response: Response;
    try {
      response = await this.options.fetch(url, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        // A redirect would carry PRIVATE-TOKEN to wherever it points: none is followed.
        redirect: "manual",
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (error) {
      const timedOut = (error as Error).name === "TimeoutError";
      const reason = timedOut ? "" : ` (${networkCode(error)})`;
      throw new PublishError(
        "PUBLISH_NETWORK",
        this.shown,
        timedOut
          ? `GitLab API ${this.shown}: no response within ${this.options.timeoutMs} ms`
          : `GitLab API ${this.shown}: could not be reached${this.redactor.text(reason)}`,
        { cause: this.redactor.error(error) },
      );
    }
    let text: string;
    try {
      text = this.redactor.text(await response.text());
    } catch (error) {
      throw new PublishError(
        "PUBLISH_NETWORK",
        this.shown,
        `GitLab API ${this.shown}: the answer to ${method} ${url.pathname} was cut off (${this.redactor.text(networkCode(error))})`,
        { status: response.status, cause: this.redactor.error(error) },
      );
    }
    if (!response.ok) throw this.httpError(method, response, text);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new PublishError(
        "PUBLISH_RESPONSE",
        this.shown,
        `GitLab API ${this.shown}: ${method} ${url.pathname} answered HTTP ${response.status} with a body that is not JSON; is this the API's address (it ends in /api/v4)?`,
        { status: response.status, cause: this.redactor.error(error) },
      );
    }
    const next = Number(response.headers.get("x-next-page") ?? "");
    return { value, next: Number.isInteger(next) && next > 0 ? next : undefined };
  }

  private httpError(method: string, response: Response, text: string): PublishError {
    const { status } = response;
    const where = `GitLab API ${this.shown}`;
    const mr = `merge request !${this.target.mergeRequest} of project ${JSON.stringify(this.redactor.text(this.target.project))}`;
    const said = serverMessage(text);
    const theirs = said === "" ? "" : ` (GitLab: ${said})`;
    if (status === 401) {
      return new PublishError(
        "PUBLISH_AUTH",
        this.shown,
        `${where}: the token was refused (HTTP 401): ${this.target.tokenName} must hold an access token with the api scope that has not expired or been revoked`,
        { status },
      );
    }
    if (status === 403) {
      return new PublishError(
        "PUBLISH_AUTH",
        this.shown,
        `${where}: ${method} was forbidden (HTTP 403)${theirs}: the token in ${this.target.tokenName} needs the api scope and a role that may comment on ${mr} (Reporter or higher)`,
        { status },
      );
    }
    if (status === 404) {
      return new PublishError(
        "PUBLISH_HTTP",
        this.shown,
        `${where}: not found (HTTP 404)${theirs}: check that ${mr} exists (run in a merge request pipeline, where CI_PROJECT_ID and CI_MERGE_REQUEST_IID are set) and that the token in ${this.target.tokenName} can see the project`,
        { status },
      );
    }
    if (status >= 300 && status < 400) {
      return new PublishError(
        "PUBLISH_HTTP",
        this.shown,
        `${where}: answered a redirect (HTTP ${status}), which is not followed with the token; give the API's own address (CI_API_V4_URL)`,
        { status },
      );
    }
    return new PublishError(
      "PUBLISH_HTTP",
      this.shown,
      `${where}: ${method} answered HTTP ${status}${response.statusText ? ` ${this.redactor.text(response.statusText)}` : ""}${theirs}`,
      { status },
    );
  }

  private unexpected(call: string, wanted: string): PublishError {
    return new PublishError(
      "PUBLISH_RESPONSE",
      this.shown,
      `GitLab API ${this.shown}: ${call} did not answer ${wanted}; is this the API's address (it ends in /api/v4)?`,
    );
  }
}

function isNote(value: unknown): value is Note {
  if (typeof value !== "object" || value === null) return false;
  const note = value as Record<string, unknown>;
  return typeof note.id === "number" && typeof note.body === "string";
}

function firstLine(text: string): string {
  const end = text.search(/\r?\n/);
  return (end === -1 ? text : text.slice(0, end)).trim();
}

/** GitLab's error message (`message` or `error`), on one line and shortened. */
function serverMessage(text: string): string {
  let said: unknown;
  try {
    const parsed = JSON.parse(text) as { message?: unknown; error?: unknown };
    said = parsed.message ?? parsed.error;
  } catch {
    return "";
  }
  if (said === undefined || said === null) return "";
  const line = (typeof said === "string" ? said : JSON.stringify(said)).replace(/\s+/g, " ").trim();
  return line.length > MAX_SERVER_MESSAGE ? `${line.slice(0, MAX_SERVER_MESSAGE - 1)}…` : line;
}

/** The system error code of a failed fetch (`ECONNREFUSED`), else its message. */
function networkCode(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (typeof cause?.code === "string") return cause.code;
  if (typeof cause?.message === "string") return cause.message;
  return error instanceof Error ? error.message : String(error);
}
