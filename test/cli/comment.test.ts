import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { GITLAB_TOKEN_VARIABLE } from "../../src/cli/comment";
import { EXIT_CODES } from "../../src/cli/exit-codes";
import { GITLAB_NOTE_MAX_LENGTH } from "../../src/cli/gitlab-notes";
import { markdownMarker } from "../../src/report/marker";
import { cli } from "../helpers/cli";
import { startServer } from "../helpers/dagster-server";
import {
  type FakeGitlab,
  GITLAB_USERS,
  otherNote,
  startFakeGitlab,
} from "../helpers/gitlab-server";

const TOKEN = "glpat-bot-0123456789abcdef";
const dir = mkdtempSync(join(tmpdir(), "asset-diff-comment-"));
let files = 0;

/** A report file: the marker, then the text. */
function report(text: string, id?: string): string {
  const path = join(dir, `report-${files++}.md`);
  writeFileSync(path, `${markdownMarker(id)}\n\n${text}\n`);
  return path;
}

let gitlab: FakeGitlab;
beforeEach(async () => {
  gitlab = await startFakeGitlab();
});
afterEach(async () => {
  await gitlab.close();
});

const ciEnv = (overrides: Record<string, string> = {}) => ({
  CI_API_V4_URL: gitlab.api,
  CI_PROJECT_ID: "12",
  CI_MERGE_REQUEST_IID: "42",
  [GITLAB_TOKEN_VARIABLE]: TOKEN,
  ...overrides,
});

const comment = (path: string, env = ciEnv(), args: string[] = []) =>
  cli(["comment", path, ...args], { env });

/** The result, after checking the token is nowhere in it. */
function clean<T extends { stdout: string; stderr: string }>(result: T): T {
  expect(`${result.stdout}${result.stderr}`).not.toContain(TOKEN);
  expect(`${result.stdout}${result.stderr}`).not.toContain("0123456789abcdef");
  return result;
}

describe("asset-diff comment: one note per marker", () => {
  test("the first run creates the note, the next update it, a run with the same report leaves it", async () => {
    const first = clean(await comment(report("3 new assets")));
    expect(first).toEqual({
      code: 0,
      stdout: "asset-diff: created note 1000 on merge request !42\n",
      stderr: "",
    });
    const second = clean(await comment(report("4 new assets")));
    expect(second.stdout).toBe("asset-diff: updated note 1000 on merge request !42\n");
    const same = clean(await comment(report("4 new assets")));
    expect(same.stdout).toBe("asset-diff: note 1000 on merge request !42 is up to date\n");
    expect(gitlab.notes).toHaveLength(1);
    expect(gitlab.notes[0]?.body).toBe(`${markdownMarker()}\n\n4 new assets\n`);
    expect(gitlab.calls.filter((c) => c.startsWith("POST"))).toHaveLength(1);
    expect(gitlab.calls.filter((c) => c.startsWith("PUT"))).toHaveLength(1);
  });

  test("the token goes as PRIVATE-TOKEN, the body as JSON", async () => {
    await comment(report("x"));
    const post = gitlab.server.requests.find((r) => r.body !== "");
    expect(post?.headers["private-token"]).toBe(TOKEN);
    expect(post?.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(post?.body ?? "")).toEqual({ body: `${markdownMarker()}\n\nx\n` });
  });

  test("every page is read (x-next-page): a note far back in a long thread is updated", async () => {
    for (let i = 0; i < 230; i++) gitlab.notes.push(otherNote(i + 1, `comment ${i}`, i % 3 === 0));
    gitlab.notes.push({
      id: 500,
      body: `${markdownMarker()}\n\nold`,
      system: false,
      author: GITLAB_USERS[TOKEN] as never,
    });
    for (let i = 0; i < 5; i++) gitlab.notes.push(otherNote(600 + i, "later"));
    const result = clean(await comment(report("new")));
    expect(result.stdout).toBe("asset-diff: updated note 500 on merge request !42\n");
    const pages = gitlab.calls
      .filter((c) => c.startsWith("GET") && c.includes("/notes"))
      .map((c) => new URL(c.split(" ")[1] ?? "", "http://x").searchParams.get("page"));
    expect(pages).toEqual(["1", "2", "3"]);
    expect(gitlab.notes.filter((n) => n.body.startsWith(markdownMarker()))).toHaveLength(1);
  });

  test("a server that pages by less than asked still has every page read", async () => {
    await gitlab.close();
    gitlab = await startFakeGitlab({ perPage: 2 });
    for (let i = 0; i < 7; i++) gitlab.notes.push(otherNote(i + 1, `comment ${i}`));
    await comment(report("a"));
    await comment(report("b"));
    expect(gitlab.notes.filter((n) => n.body.startsWith(markdownMarker()))).toHaveLength(1);
    expect(gitlab.notes.at(-1)?.body).toContain("b");
  });

  test("someone else's note with the marker, a system note, a quoted marker are not the report's", async () => {
    gitlab.notes.push(
      otherNote(1, `${markdownMarker()}\n\ncopied by hand`),
      {
        ...otherNote(2, `${markdownMarker()}\n\nsystem`, true),
        author: GITLAB_USERS[TOKEN] as never,
      },
      { ...otherNote(3, `> ${markdownMarker()}\n\nquoted`), author: GITLAB_USERS[TOKEN] as never },
    );
    const result = clean(await comment(report("mine")));
    expect(result.stdout).toBe("asset-diff: created note 1000 on merge request !42\n");
    expect(gitlab.notes.map((n) => n.body.trimEnd().split("\n").at(-1))).toEqual([
      "copied by hand",
      "system",
      "quoted",
      "mine",
    ]);
  });

  test("each --report-id has its own note", async () => {
    await comment(report("analytics", "analytics"));
    await comment(report("ingestion", "ingestion"));
    await comment(report("analytics 2", "analytics"));
    expect(gitlab.notes.map((n) => n.body.split("\n")[0])).toEqual([
      markdownMarker("analytics"),
      markdownMarker("ingestion"),
    ]);
    expect(gitlab.notes[0]?.body).toContain("analytics 2");
  });

  test("the report may come from stdin; options override the CI variables", async () => {
    await gitlab.close();
    gitlab = await startFakeGitlab({ project: "data/platform", mergeRequest: 7 });
    const result = clean(
      await cli(
        [
          "comment",
          "-",
          "--gitlab-api",
          gitlab.api,
          "--project",
          "data/platform",
          "--merge-request",
          "7",
        ],
        {
          stdin: `\uFEFF${markdownMarker()}\nfrom stdin\n`,
          env: { [GITLAB_TOKEN_VARIABLE]: TOKEN },
        },
      ),
    );
    expect(result.stdout).toBe("asset-diff: created note 1000 on merge request !7\n");
    expect(gitlab.notes[0]?.body).toBe(`${markdownMarker()}\nfrom stdin\n`);
    expect(gitlab.calls[1]).toMatch(
      /^GET \/api\/v4\/projects\/data%2Fplatform\/merge_requests\/7\/notes\?/,
    );
  });
});

describe("asset-diff comment: errors are one line, exit 2, without the token", () => {
  const oneLine = (result: { code: number; stdout: string; stderr: string }) => {
    expect(result.code).toBe(EXIT_CODES.usage);
    expect(result.stdout).toBe("");
    const lines = result.stderr.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^asset-diff: /);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    return lines;
  };

  test("401: the token is refused; the variable to fix is named", async () => {
    const result = clean(
      await comment(report("x"), ciEnv({ [GITLAB_TOKEN_VARIABLE]: "glpat-wrong-token-1234" })),
    );
    expect(oneLine(result)).toEqual([
      `asset-diff: GitLab API ${gitlab.api}: the token was refused (HTTP 401): ${GITLAB_TOKEN_VARIABLE} must hold an access token with the api scope that has not expired or been revoked`,
    ]);
  });

  test("403: the role or scope to fix is named, GitLab's message kept and the echoed token redacted", async () => {
    gitlab.fail(/^POST /, 403, { message: `403 Forbidden - token ${TOKEN} lacks permission` });
    const result = clean(await comment(report("x")));
    expect(oneLine(result)).toEqual([
      `asset-diff: GitLab API ${gitlab.api}: POST was forbidden (HTTP 403) (GitLab: 403 Forbidden - token [redacted] lacks permission): the token in ${GITLAB_TOKEN_VARIABLE} needs the api scope and a role that may comment on merge request !42 of project "12" (Reporter or higher)`,
    ]);
    expect(gitlab.notes).toEqual([]);
  });

  test("404: the project and merge request to check are named", async () => {
    const result = clean(await comment(report("x"), ciEnv({ CI_MERGE_REQUEST_IID: "43" })));
    expect(oneLine(result)).toEqual([
      `asset-diff: GitLab API ${gitlab.api}: not found (HTTP 404) (GitLab: 404 Project Not Found): check that merge request !43 of project "12" exists (run in a merge request pipeline, where CI_PROJECT_ID and CI_MERGE_REQUEST_IID are set) and that the token in ${GITLAB_TOKEN_VARIABLE} can see the project`,
    ]);
  });

  test("another HTTP error keeps GitLab's message, on one line", async () => {
    gitlab.fail(/^POST /, 400, {
      message: { note: ["is too long\n(maximum is 1000000 characters)"] },
    });
    const result = clean(await comment(report("x")));
    expect(oneLine(result)).toEqual([
      `asset-diff: GitLab API ${gitlab.api}: POST answered HTTP 400 Bad Request (GitLab: {"note":["is too long\\n(maximum is 1000000 characters)"]})`,
    ]);
  });

  test("a GET that fails with 5xx is retried; a POST is never (no second note)", async () => {
    gitlab.fail(/^GET .*\/notes$/, 502, { message: "502 Bad Gateway" }, 1);
    expect(clean(await comment(report("x"))).code).toBe(0);
    gitlab.fail(/^PUT /, 500, { message: "500 Internal Server Error" }, 1);
    const result = clean(await comment(report("y")));
    expect(oneLine(result)[0]).toMatch(/PUT answered HTTP 500 Internal Server Error/);
    expect(gitlab.calls.filter((c) => c.startsWith("PUT"))).toHaveLength(1);
    expect(gitlab.notes).toHaveLength(1);
  });

  test("an address that is not GitLab's API (HTML, or not notes) is named as such", async () => {
    const html = await startServer((_req, res) => {
      res.writeHead(200, { "Content-Type": "text/html" }).end("<html>sign in</html>");
    });
    try {
      const result = clean(await comment(report("x"), ciEnv({ CI_API_V4_URL: html.url })));
      expect(oneLine(result)[0]).toBe(
        `asset-diff: GitLab API ${html.url}: GET /graphql/user answered HTTP 200 with a body that is not JSON; is this the API's address (it ends in /api/v4)?`,
      );
    } finally {
      await html.close();
    }
  });

  test("a redirect is not followed: the token never reaches another server", async () => {
    const elsewhere = await startServer((_req, res) => {
      res.writeHead(200, { "Content-Type": "application/json" }).end('{"id":1}');
    });
    const redirecting = await startServer((_req, res) => {
      res.writeHead(302, { Location: `${elsewhere.url}/user` }).end();
    });
    try {
      const result = clean(await comment(report("x"), ciEnv({ CI_API_V4_URL: redirecting.url })));
      expect(oneLine(result)[0]).toMatch(/answered a redirect \(HTTP 302\), which is not followed/);
      expect(elsewhere.requests).toEqual([]);
    } finally {
      await redirecting.close();
      await elsewhere.close();
    }
  });

  test("an unreachable server, and one that does not answer in time", async () => {
    const closed = createServer();
    await new Promise<void>((done) => closed.listen(0, "127.0.0.1", done));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((done) => closed.close(() => done()));
    const unreachable = clean(
      await comment(report("x"), ciEnv({ CI_API_V4_URL: `http://127.0.0.1:${port}/api/v4` })),
    );
    expect(oneLine(unreachable)).toEqual([
      `asset-diff: GitLab API http://127.0.0.1:${port}/api/v4: could not be reached (ECONNREFUSED)`,
    ]);

    const silent = await startServer(() => {});
    try {
      const result = clean(
        await comment(report("x"), ciEnv({ CI_API_V4_URL: silent.url }), ["--timeout", "0.2"]),
      );
      expect(oneLine(result)).toEqual([
        `asset-diff: GitLab API ${silent.url}: no response within 200 ms`,
      ]);
    } finally {
      await silent.close();
    }
  }, 20_000);

  test.each([
    [
      "no API address",
      { CI_API_V4_URL: "" },
      "asset-diff: comment needs the GitLab API's address: --gitlab-api URL, or CI_API_V4_URL (set in GitLab CI)",
    ],
    [
      "no project",
      { CI_PROJECT_ID: "" },
      "asset-diff: comment needs the project: --project ID, or CI_PROJECT_ID (set in GitLab CI)",
    ],
    [
      "no merge request (a branch pipeline)",
      { CI_MERGE_REQUEST_IID: "" },
      'asset-diff: comment needs the merge request: --merge-request IID, or CI_MERGE_REQUEST_IID (set in merge request pipelines only: run the job with rules: - if: $CI_PIPELINE_SOURCE == "merge_request_event")',
    ],
    [
      "a merge request that is not a number",
      { CI_MERGE_REQUEST_IID: "!42" },
      'asset-diff: the merge request must be its number (IID), e.g. 42; got "!42"',
    ],
    [
      "no token",
      { [GITLAB_TOKEN_VARIABLE]: "" },
      `asset-diff: comment needs a GitLab access token with the api scope in ${GITLAB_TOKEN_VARIABLE} (a masked CI/CD variable); CI_JOB_TOKEN cannot post merge request notes`,
    ],
    [
      "a token with a line break",
      { [GITLAB_TOKEN_VARIABLE]: `${TOKEN}\n` },
      `asset-diff: ${GITLAB_TOKEN_VARIABLE} must hold the token alone: printable characters, without spaces or line breaks`,
    ],
    [
      "an API address that is not a URL",
      { CI_API_V4_URL: "gitlab.com/api/v4" },
      'asset-diff: the GitLab API address "gitlab.com/api/v4" is not a URL (e.g. https://gitlab.com/api/v4)',
    ],
    [
      "credentials in the API address",
      { CI_API_V4_URL: "https://me:secret-pass@gitlab.com/api/v4" },
      "asset-diff: the GitLab API address must not hold a user or password; the token is read from the environment",
    ],
  ])("%s: a usage error", async (_name, overrides, message) => {
    const result = clean(await comment(report("x"), ciEnv(overrides)));
    expect(oneLine(result)).toEqual([message, "Run 'asset-diff --help' for usage."]);
    expect(result.stderr).not.toContain("secret-pass");
    expect(gitlab.calls).toEqual([]);
  });

  test("a file that is not an asset-diff report, and one over GitLab's limit, are refused before any call", async () => {
    const plain = join(dir, "plain.md");
    writeFileSync(plain, "# hello\n<!-- asset-diff:report -->\n");
    expect(oneLine(await comment(plain))[0]).toBe(
      `asset-diff: ${plain}: is not an asset-diff Markdown report (its first line is not an <!-- asset-diff:report --> marker); write it with asset-diff diff --format markdown`,
    );
    const huge = report("x".repeat(GITLAB_NOTE_MAX_LENGTH));
    expect(oneLine(await comment(huge))[0]).toMatch(
      /has 1000\d+ characters, more than the 1000000 of a GitLab note/,
    );
    expect(oneLine(await comment(join(dir, "missing.md")))[0]).toBe(
      `asset-diff: ${join(dir, "missing.md")}: does not exist`,
    );
    expect(gitlab.calls).toEqual([]);
  });

  test("a thread that never ends is an error, not a second note", async () => {
    const endless = await startServer((req, res, received) => {
      const url = new URL(received.url, "http://x");
      const page = Number(url.searchParams.get("page") ?? 1);
      const body = url.pathname.endsWith("/user") ? { id: 77 } : [];
      res.writeHead(req.method === "GET" ? 200 : 500, {
        "Content-Type": "application/json",
        "x-next-page": String(page + 1),
      });
      res.end(JSON.stringify(body));
    });
    try {
      const result = clean(await comment(report("x"), ciEnv({ CI_API_V4_URL: endless.url })));
      expect(oneLine(result)).toEqual([
        `asset-diff: GitLab API ${endless.url}: merge request !42 has more than 100000 notes; the report's note was not searched for further, and none was posted`,
      ]);
      expect(endless.requests.filter((r) => r.body !== "")).toEqual([]);
    } finally {
      await endless.close();
    }
  }, 60_000);

  test("comment takes exactly one <report>", async () => {
    expect(oneLine(await cli(["comment"], { env: ciEnv() }))[0]).toBe(
      "asset-diff: comment takes one <report>; got 0",
    );
  });
});
