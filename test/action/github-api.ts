import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** An issue comment as the fake API keeps it. */
interface FakeComment {
  id: number;
  body: string;
  user: { login: string; type: "Bot" | "User" };
}

/** One request the fake API answered. */
interface SeenRequest {
  method: string;
  path: string;
  authorization: string | undefined;
}

/** A loopback stand-in for the parts of GitHub's REST API the action calls. */
export interface FakeGithubApi {
  /** `GITHUB_API_URL` for the action. */
  url: string;
  comments: FakeComment[];
  requests: SeenRequest[];
  /** Answers every request with this status and message instead, when set. */
  failWith: { status: number; message: string } | undefined;
  close(): Promise<void>;
}

/** Who the fake API says the token belongs to: `null` for the job's token (GET /user is 403). */
export interface FakeGithubOptions {
  owner: string;
  repo: string;
  issue: number;
  token: string;
  user?: string | null;
}

/**
 * Serves, on 127.0.0.1 and a free port: GET /user, GET (paginated, 30 per page unless
 * `per_page`, with a `Link` header) and POST /repos/:owner/:repo/issues/:n/comments, and PATCH
 * /repos/:owner/:repo/issues/comments/:id. Other paths, another token or another issue are errors,
 * as GitHub would answer them.
 */
export async function startFakeGithubApi(options: FakeGithubOptions): Promise<FakeGithubApi> {
  let nextId = 1000;
  const login = options.user ?? "github-actions[bot]";
  const api: FakeGithubApi = {
    url: "",
    comments: [],
    requests: [],
    failWith: undefined,
    close: () => new Promise((done) => server.close(() => done())),
  };
  const comments = `/repos/${options.owner}/${options.repo}/issues/${options.issue}/comments`;
  const oneComment = new RegExp(`^/repos/${options.owner}/${options.repo}/issues/comments/(\\d+)$`);
  const shown = (c: FakeComment) => ({
    ...c,
    html_url: `https://github.com/${options.owner}/${options.repo}/pull/${options.issue}#issuecomment-${c.id}`,
  });

  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    api.requests.push({
      method: req.method ?? "",
      path: url.pathname,
      authorization: req.headers.authorization,
    });
    let text = "";
    for await (const chunk of req) text += chunk;
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(JSON.stringify(body));
    };
    if (api.failWith) return reply(api.failWith.status, { message: api.failWith.message });
    if (req.headers.authorization !== `token ${options.token}`)
      return reply(401, { message: "Bad credentials" });
    if (req.method === "GET" && url.pathname === "/user") {
      return options.user === undefined || options.user === null
        ? reply(403, { message: "Resource not accessible by integration" })
        : reply(200, { login, type: "User" });
    }
    if (url.pathname === comments && req.method === "GET") {
      const perPage = Number(url.searchParams.get("per_page") ?? 30);
      const page = Number(url.searchParams.get("page") ?? 1);
      const last = Math.max(1, Math.ceil(api.comments.length / perPage));
      const link =
        page < last
          ? { link: `<${api.url}${comments}?per_page=${perPage}&page=${page + 1}>; rel="next"` }
          : {};
      return reply(
        200,
        api.comments.slice((page - 1) * perPage, page * perPage).map(shown),
        link as Record<string, string>,
      );
    }
    if (url.pathname === comments && req.method === "POST") {
      const { body } = JSON.parse(text) as { body: string };
      const comment: FakeComment = {
        id: nextId++,
        body,
        user: { login, type: options.user ? "User" : "Bot" },
      };
      api.comments.push(comment);
      return reply(201, shown(comment));
    }
    const match = oneComment.exec(url.pathname);
    if (match && req.method === "PATCH") {
      const comment = api.comments.find((c) => c.id === Number(match[1]));
      if (!comment) return reply(404, { message: "Not Found" });
      comment.body = (JSON.parse(text) as { body: string }).body;
      return reply(200, shown(comment));
    }
    return reply(404, { message: "Not Found" });
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  api.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return api;
}
