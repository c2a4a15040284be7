import { startServer, type TestServer } from "./dagster-server";

/** A merge-request note as the fake GitLab keeps it. */
export interface FakeNote {
  id: number;
  body: string;
  system: boolean;
  author: { id: number; username: string };
}

/** A loopback stand-in for GitLab's REST API v4: users by token, one merge request's notes. */
export interface FakeGitlab {
  /** The API's root, as `CI_API_V4_URL` gives it: `http://127.0.0.1:PORT/api/v4`. */
  api: string;
  server: TestServer;
  /** The notes of merge request `!mergeRequest` of project `project`, oldest first. */
  notes: FakeNote[];
  /** Each call as `METHOD /path?query`. */
  calls: string[];
  /**
   * Makes every call whose `METHOD /path` matches answer this status and body instead, `times`
   * times (every time when absent).
   */
  fail(match: RegExp, status: number, body: unknown, times?: number): void;
  close(): Promise<void>;
}

/** Tokens the fake knows, and their users. */
export const GITLAB_USERS: Record<string, { id: number; username: string }> = {
  "glpat-bot-0123456789abcdef": { id: 77, username: "project_12_bot" },
  "glpat-someone-else-987654": { id: 5, username: "ana" },
};

/** Starts the fake for project `12`, merge request `!42`, on 127.0.0.1 with a random port. */
export async function startFakeGitlab(
  options: { perPage?: number; project?: string; mergeRequest?: number } = {},
): Promise<FakeGitlab> {
  const notes: FakeNote[] = [];
  const calls: string[] = [];
  const failures: { match: RegExp; status: number; body: unknown; times: number }[] = [];
  const project = options.project ?? "12";
  const notesPath = `/api/v4/projects/${encodeURIComponent(project)}/merge_requests/${options.mergeRequest ?? 42}/notes`;
  let nextId = 1000;
  const server = await startServer((req, res, received) => {
    const url = new URL(received.url, "http://localhost");
    const call = `${req.method} ${url.pathname}`;
    calls.push(`${call}${url.search}`);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "Content-Type": "application/json", ...headers });
      res.end(JSON.stringify(body));
    };
    const failure = failures.find((f) => f.times > 0 && f.match.test(call));
    if (failure) {
      failure.times--;
      send(failure.status, failure.body);
      return;
    }
    const user = GITLAB_USERS[String(req.headers["private-token"] ?? "")];
    if (user === undefined) return send(401, { message: "401 Unauthorized" });
    if (call === "GET /api/v4/user") return send(200, { ...user, name: user.username });
    if (url.pathname === notesPath && req.method === "GET") {
      const perPage = Math.min(
        Number(url.searchParams.get("per_page") ?? 20),
        options.perPage ?? 100,
      );
      const page = Number(url.searchParams.get("page") ?? 1);
      const slice = notes.slice((page - 1) * perPage, page * perPage);
      const last = page * perPage >= notes.length;
      return send(200, slice, {
        "x-page": String(page),
        "x-per-page": String(perPage),
        "x-next-page": last ? "" : String(page + 1),
        "x-total": String(notes.length),
      });
    }
    if (url.pathname === notesPath && req.method === "POST") {
      const body = JSON.parse(received.body) as { body: string };
      const note: FakeNote = { id: nextId++, body: body.body, system: false, author: user };
      notes.push(note);
      return send(201, note);
    }
    const one = new RegExp(`^${notesPath}/(\\d+)$`).exec(url.pathname);
    if (one && req.method === "PUT") {
      const note = notes.find((n) => n.id === Number(one[1]));
      if (note === undefined) return send(404, { message: "404 Not found" });
      if (note.author.id !== user.id) return send(403, { message: "403 Forbidden" });
      note.body = (JSON.parse(received.body) as { body: string }).body;
      return send(200, note);
    }
    return send(404, { message: "404 Project Not Found" });
  });
  const origin = server.url.replace(/\/graphql$/, "");
  return {
    api: `${origin}/api/v4`,
    server,
    notes,
    calls,
    fail: (match, status, body, times = Number.POSITIVE_INFINITY) => {
      failures.push({ match, status, body, times });
    },
    close: () => server.close(),
  };
}

/** A note of someone else (or a system note) to fill the thread with. */
export function otherNote(id: number, body: string, system = false): FakeNote {
  return { id, body, system, author: { id: 5, username: "ana" } };
}
