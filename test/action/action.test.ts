import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { runAction } from "../../src/action/run";
import { serializeSnapshot } from "../../src/load/snapshot/snapshot";
import { markdownMarker } from "../../src/report/marker";
import { asset, graph } from "../helpers/builders";
import { fixtureData, graphqlEndpoint, startServer } from "../helpers/dagster-server";
import { opened, otherGitHubExample } from "../lifecycle/github-payloads";
import { type FakeGithubApi, startFakeGithubApi } from "./github-api";

const BASE = "fixtures/example/base.json";
const BRANCH = "fixtures/example/branch.json";
const BUNDLE = ".github/action/index.js";
const GITHUB_TOKEN = "ghs_fakeJobToken0123456789abcdefABCDEF";
const API_TOKEN = "user:fakeDagsterToken0123456789abcdef";
const MARKER = markdownMarker();
// GitHub's example pull request: #2 of Codertocat/Hello-World, from a branch of that repository.
const PULL = opened();
const [OWNER, REPO] = PULL.repository.full_name.split("/") as [string, string];

let api: FakeGithubApi;

beforeEach(async () => {
  api = await startFakeGithubApi({
    owner: OWNER,
    repo: REPO,
    issue: PULL.pull_request.number,
    token: GITHUB_TOKEN,
  });
});

afterEach(async () => {
  await api.close();
});

/** A runner's files and variables for one step: the event, outputs, summary and inputs. */
function step(inputs: Record<string, string>, event: { name: string; payload: unknown }) {
  const dir = mkdtempSync(join(tmpdir(), "asset-diff-action-"));
  const files = {
    output: join(dir, "output.txt"),
    summary: join(dir, "summary.md"),
    event: join(dir, "event.json"),
  };
  writeFileSync(files.output, "");
  writeFileSync(files.summary, "");
  writeFileSync(files.event, JSON.stringify(event.payload));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    GITHUB_ACTIONS: "true",
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_EVENT_PATH: files.event,
    GITHUB_EVENT_NAME: event.name,
    GITHUB_REPOSITORY: `${OWNER}/${REPO}`,
    GITHUB_API_URL: api.url,
    RUNNER_TEMP: dir,
    // As the runner sets them: `INPUT_` and the name upper-cased, dashes kept.
    "INPUT_GITHUB-TOKEN": GITHUB_TOKEN,
    "INPUT_API-TOKEN": API_TOKEN,
    INPUT_COMMENT: "true",
  };
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  return { dir, files, env };
}

const pullRequest = { name: "pull_request", payload: PULL };

/** Runs the action's entry point in this process, with `env` as the whole environment. */
async function inProcess(env: Record<string, string>) {
  let stdout = "";
  let stderr = "";
  const saved = process.env;
  process.env = { ...env };
  vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  try {
    const code = await runAction(process.env);
    return { code, stdout, stderr };
  } finally {
    vi.mocked(process.stdout.write).mockRestore();
    vi.mocked(process.stderr.write).mockRestore();
    process.env = saved;
  }
}

/** Runs the committed bundle as the runner does: `node .github/action/index.js`. */
async function asProcess(env: Record<string, string>) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BUNDLE], { env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const ours = () => api.comments.filter((c) => c.body.startsWith(MARKER) && c.user.type === "Bot");
/** The step outputs as the runner reads GITHUB_OUTPUT: `name=value` and `name<<DELIMITER` blocks. */
function outputs(file: string): Record<string, string> {
  const lines = readFileSync(file, "utf8").split("\n");
  const read: Record<string, string> = {};
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const end = lines.indexOf(heredoc[2] ?? "", i + 1);
      read[heredoc[1] ?? ""] = lines.slice(i + 1, end).join("\n");
      i = end;
    } else if (line.includes("="))
      read[line.slice(0, line.indexOf("="))] = line.slice(line.indexOf("=") + 1);
  }
  return read;
}

/** Every line of the output that carries a token is the runner's `::add-mask::` command for it. */
function expectTokensMasked(text: string) {
  for (const line of text.split("\n")) {
    for (const token of [GITHUB_TOKEN, API_TOKEN]) {
      if (line.includes(token)) expect(line).toBe(`::add-mask::${token}`);
    }
  }
}

describe("the action on a pull request", () => {
  test("creates the comment, then updates it: one comment, found past the first page", async () => {
    // 130 comments by others first (two pages of 100), one of them quoting the marker.
    for (let i = 0; i < 130; i++) {
      api.comments.push({
        id: i + 1,
        body: i === 42 ? `${MARKER}\nquoted by a person` : `comment ${i}`,
        user: { login: "alice", type: "User" },
      });
    }
    const first = step({ base: BASE, branch: BRANCH }, pullRequest);
    const created = await inProcess(first.env);
    expect(created.code).toBe(0);
    expect(ours()).toHaveLength(1);
    const [comment] = ours();
    const firstBody = comment?.body;
    expect(comment?.body.split("\n")[0]).toBe(MARKER);
    expect(comment?.body.length).toBeLessThanOrEqual(65_536);
    expect(outputs(first.files.output)).toMatchObject({
      "has-changes": "true",
      summary:
        "4 new, 2 removed, 20 modified, 15 unchanged; 5 breaking, 11 risky; 4 impacted downstream (2 breaking-downstream, 1 risky-downstream, 1 safe-downstream)",
      "worst-severity": "breaking",
      failed: "false",
      "comment-url": `https://github.com/${OWNER}/${REPO}/pull/2#issuecomment-${comment?.id}`,
    });
    expect(readFileSync(first.files.summary, "utf8").split("\n")[0]).toBe(MARKER);
    expect(created.stdout).toContain(`asset-diff: created the comment`);

    // The second run, as the runner starts it, changes the report (another code location).
    const second = step({ base: BASE, branch: BRANCH, "code-location": "ingestion" }, pullRequest);
    const updated = await asProcess(second.env);
    expect(updated).toMatchObject({ code: 0, stderr: "" });
    expect(updated.stdout).toContain(`asset-diff: updated the comment`);
    expect(ours()).toHaveLength(1);
    expect(ours()[0]?.id).toBe(comment?.id);
    expect(ours()[0]?.body).not.toBe(firstBody);
    expect(api.comments.find((c) => c.id === 43)?.body).toBe(`${MARKER}\nquoted by a person`);
    expect(api.requests.filter((r) => r.method !== "GET").map((r) => r.method)).toEqual([
      "POST",
      "PATCH",
    ]);
    expectTokensMasked(created.stdout + created.stderr + updated.stdout + updated.stderr);
  });

  test("a report id keeps one comment per id", async () => {
    for (const id of ["analytics", "ingestion", "analytics"]) {
      const run = step({ base: BASE, branch: BRANCH, "report-id": id }, pullRequest);
      expect((await inProcess(run.env)).code).toBe(0);
    }
    expect(api.comments.map((c) => c.body.split("\n")[0])).toEqual([
      markdownMarker("analytics"),
      markdownMarker("ingestion"),
    ]);
  });

  test("a personal token updates its own user's comment, not a bot's", async () => {
    await api.close();
    api = await startFakeGithubApi({
      owner: OWNER,
      repo: REPO,
      issue: 2,
      token: GITHUB_TOKEN,
      user: "octocat",
    });
    api.comments.push({ id: 1, body: `${MARKER}\nold`, user: { login: "some[bot]", type: "Bot" } });
    for (let i = 0; i < 2; i++)
      expect((await inProcess(step({ base: BASE, branch: BRANCH }, pullRequest).env)).code).toBe(0);
    expect(api.comments.map((c) => c.user.login)).toEqual(["some[bot]", "octocat"]);
    expect(api.comments[0]?.body).toBe(`${MARKER}\nold`);
  });

  test("a failed policy fails the step after the summary, outputs and comment", async () => {
    const run = step({ base: BASE, branch: BRANCH, "fail-on": "breaking" }, pullRequest);
    const { code, stdout } = await inProcess(run.env);
    expect(code).toBe(1);
    expect(ours()).toHaveLength(1);
    expect(outputs(run.files.output)).toMatchObject({ failed: "true", breaking: "5" });
    expect(readFileSync(run.files.summary, "utf8")).toContain(MARKER);
    const lines = stdout.trimEnd().split("\n");
    expect(lines.at(-2)).toMatch(/^asset-diff: created the comment https:/);
    expect(lines.at(-1)).toBe(
      "::error::asset-diff: policy failed: 5 assets with breaking (marts/core/dim_dates, marts/finance/fct_refunds, marts/sales/fct_pipeline, raw/events/app_events, staging/stg_charges)",
    );
  });

  test("an API error is one error line and a failed step, after the summary and outputs", async () => {
    api.failWith = { status: 403, message: "Resource not accessible by integration" };
    const run = step({ base: BASE, branch: BRANCH }, pullRequest);
    for (const result of [await inProcess(run.env), await asProcess(run.env)]) {
      expect(result.code).toBe(2);
      const errors = `${result.stdout}${result.stderr}`.split("\n").filter((l) => /error/i.test(l));
      // The CLI's annotations of breaking assets are errors too; the step's own error is one line.
      expect(errors.filter((l) => !/^::error (file|title)=/.test(l))).toEqual([
        "::error::asset-diff: cannot list the pull request's comments: GitHub answered HTTP 403: Resource not accessible by integration",
      ]);
      expect(result.stdout + result.stderr).not.toMatch(/\n\s+at /);
    }
    expect(outputs(run.files.output)["has-changes"]).toBe("true");
    expect(readFileSync(run.files.summary, "utf8")).toContain(MARKER);
  });

  test("a failed policy is still reported when the comment cannot be posted", async () => {
    api.failWith = { status: 403, message: "Resource not accessible by integration" };
    const run = step({ base: BASE, branch: BRANCH, "fail-on": "REMOVED" }, pullRequest);
    const { code, stdout } = await inProcess(run.env);
    expect(code).toBe(2);
    expect(stdout.split("\n").filter((l) => l.startsWith("::error::"))).toEqual([
      "::error::asset-diff: policy failed: 2 assets with REMOVED (marts/core/dim_dates, marts/finance/fct_refunds)",
      "::error::asset-diff: cannot list the pull request's comments: GitHub answered HTTP 403: Resource not accessible by integration",
    ]);
    expect(outputs(run.files.output).failed).toBe("true");
  });

  test("a server that repeats the token gets it masked, and an unreachable API is one line", async () => {
    api.failWith = { status: 500, message: `internal: token ${GITHUB_TOKEN} refused` };
    const echoed = await inProcess(step({ base: BASE, branch: BRANCH }, pullRequest).env);
    expect(echoed.code).toBe(2);
    expect(echoed.stdout).toContain(
      "::error::asset-diff: cannot identify the token's user: GitHub answered HTTP 500: internal: token *** refused",
    );
    expectTokensMasked(echoed.stdout + echoed.stderr);

    // A Dagster+ token from the step's environment rather than api-token is masked too.
    const fromEnv = step({ base: BASE, branch: BRANCH, comment: "false" }, pullRequest);
    fromEnv.env["INPUT_API-TOKEN"] = "";
    fromEnv.env.DAGSTER_CLOUD_API_TOKEN = API_TOKEN;
    expect((await inProcess(fromEnv.env)).stdout).toContain(`::add-mask::${API_TOKEN}\n`);

    const gone = step({ base: BASE, branch: BRANCH }, pullRequest);
    await api.close();
    const unreachable = await inProcess(gone.env);
    expect(unreachable.code).toBe(2);
    expect(unreachable.stdout.split("\n").filter((l) => l.startsWith("::error::"))).toEqual([
      expect.stringMatching(/^::error::asset-diff: cannot identify the token's user: \S/),
    ]);
    api = await startFakeGithubApi({ owner: OWNER, repo: REPO, issue: 2, token: GITHUB_TOKEN });
  });
});

describe("the action outside a pull request", () => {
  test("a push skips the comment with a notice, and calls no API", async () => {
    const push = { name: "push", payload: otherGitHubExample("push") };
    // One code location: fewer than ten changed assets, so the notice has room.
    const run = step({ base: BASE, branch: BRANCH, "code-location": "ingestion" }, push);
    const { code, stdout } = await inProcess(run.env);
    expect(code).toBe(0);
    expect(stdout).toContain(
      "::notice::asset-diff: no pull-request comment: not a pull request (a push event); the report is in the job summary\n",
    );
    expect(api.requests).toEqual([]);
    expect(readFileSync(run.files.summary, "utf8")).toContain(MARKER);
  });

  test("when the CLI used the ten notices a step shows, the skip is a log line", async () => {
    const push = { name: "push", payload: otherGitHubExample("push") };
    const { code, stdout } = await inProcess(step({ base: BASE, branch: BRANCH }, push).env);
    expect(code).toBe(0);
    expect(stdout.match(/^::notice /gm)).toHaveLength(10);
    expect(stdout).toContain("\nasset-diff: no pull-request comment: not a pull request");
  });

  test("a fork's pull request (read-only token) and comment: false skip the comment", async () => {
    const fork = structuredClone(PULL);
    if (fork.pull_request.head.repo) fork.pull_request.head.repo.full_name = "mallory/Hello-World";
    const forked = await inProcess(
      step({ base: BASE, branch: BRANCH }, { name: "pull_request", payload: fork }).env,
    );
    expect(forked.code).toBe(0);
    expect(forked.stdout).toContain(
      "asset-diff: no pull-request comment: a pull request from the fork mallory/Hello-World gets a read-only token",
    );
    const dependabot = step({ base: BASE, branch: BRANCH }, pullRequest);
    dependabot.env.GITHUB_ACTOR = "dependabot[bot]";
    expect((await inProcess(dependabot.env)).stdout).toContain(
      "asset-diff: no pull-request comment: a pull request event of Dependabot gets a read-only token",
    );
    const off = await inProcess(
      step({ base: BASE, branch: BRANCH, comment: "false" }, pullRequest).env,
    );
    expect(off.code).toBe(0);
    expect(off.stdout).toContain("no pull-request comment: the input comment is false");
    expect(api.requests).toEqual([]);
  });
});

describe("the action's inputs", () => {
  test("a bad input is one error line and exit 2; so is a CLI usage error, without --help", async () => {
    const bad = await inProcess(
      step({ base: BASE, branch: BRANCH, comment: "maybe" }, pullRequest).env,
    );
    expect(bad).toMatchObject({ code: 2, stderr: "" });
    expect(bad.stdout).toContain(
      '::error::asset-diff: the input "comment" must be true or false; got "maybe"\n',
    );
    const missing = await inProcess(
      step({ base: "fixtures/example/nope.json", branch: BRANCH }, pullRequest).env,
    );
    expect(missing.code).toBe(2);
    expect(missing.stdout.split("\n").filter((l) => l.startsWith("::error"))).toEqual([
      expect.stringMatching(/^::error::asset-diff: .*nope\.json.*does not exist/),
    ]);
    const usage = await inProcess(
      step({ base: BASE, branch: BRANCH, "fail-on": "sometimes" }, pullRequest).env,
    );
    expect(usage.code).toBe(2);
    expect(usage.stdout).toMatch(
      /^::error::asset-diff: --fail-on: unknown change type, severity or condition /m,
    );
    expect(usage.stdout + usage.stderr).not.toContain("--help");
    expect(api.requests).toEqual([]);
  });

  test("a runner without its temporary directory is one error line, not a stack trace", async () => {
    const run = step({ base: BASE, branch: BRANCH }, pullRequest);
    run.env.RUNNER_TEMP = join(run.dir, "missing");
    const { code, stdout, stderr } = await inProcess(run.env);
    expect(code).toBe(2);
    expect(stderr).toBe("");
    expect(stdout).toMatch(
      /^::error::asset-diff: ENOENT: no such file or directory, mkdtemp .*missing/m,
    );
  });

  test("format and output write a second report from the same graphs", async () => {
    const run = step({ base: BASE, branch: BRANCH, format: "json" }, pullRequest);
    run.env.INPUT_OUTPUT = join(run.dir, "changes.json");
    expect((await inProcess(run.env)).code).toBe(0);
    const changes = JSON.parse(readFileSync(join(run.dir, "changes.json"), "utf8"));
    expect(changes.summary.assets).toMatchObject({ new: 4, removed: 2, modified: 20 });
    const markdown = step({ base: BASE, branch: BRANCH }, pullRequest);
    markdown.env.INPUT_OUTPUT = join(markdown.dir, "report.md");
    expect((await inProcess(markdown.env)).code).toBe(0);
    expect(readFileSync(join(markdown.dir, "report.md"), "utf8")).toBe(ours()[0]?.body);
  });

  test("format junit fails its test cases where fail-on fails the step", async () => {
    const run = step(
      { base: BASE, branch: BRANCH, format: "junit", "fail-on": "breaking" },
      pullRequest,
    );
    run.env.INPUT_OUTPUT = join(run.dir, "asset-diff.junit.xml");
    expect((await inProcess(run.env)).code).toBe(1);
    const junit = readFileSync(join(run.dir, "asset-diff.junit.xml"), "utf8");
    expect(junit.match(/<failure /g)?.length).toBe(5);
  });
});

describe("the action on a Dagster GraphQL URL", () => {
  test("a second report reads the URL once, into a snapshot shared with the comment", async () => {
    const dagster = await startServer(graphqlEndpoint(fixtureData(BRANCH)));
    try {
      const alone = step({ base: BASE, branch: dagster.url }, pullRequest);
      expect((await inProcess(alone.env)).code).toBe(0);
      const once = dagster.requests.length;
      expect(once).toBeGreaterThan(0);

      const both = step({ base: BASE, branch: dagster.url, format: "text" }, pullRequest);
      both.env.INPUT_OUTPUT = join(both.dir, "report.txt");
      const { code, stdout, stderr } = await inProcess(both.env);
      expect(code).toBe(0);
      expect(dagster.requests.length).toBe(2 * once);
      expect(readFileSync(join(both.dir, "report.txt"), "utf8")).toContain(
        "4 new, 2 removed, 20 modified, 15 unchanged; 5 breaking, 11 risky; 4 impacted downstream (2 breaking-downstream, 1 risky-downstream, 1 safe-downstream)",
      );
      expect(ours()).toHaveLength(1);
      expectTokensMasked(stdout + stderr);
      // The branch was read into a snapshot, and the comment still links into its UI.
      const root = dagster.url.replace(/\/graphql$/, "");
      expect(ours()[0]?.body).toContain(`(<${root}/assets/ml/features/churn_features>)`);
    } finally {
      await dagster.close();
    }
  });
});

describe("GitHub's limits", () => {
  test("ten annotations of each level, a comment under 65,536 characters, a summary under 1 MiB", async () => {
    // 1,500 assets with long keys: 500 change code versions (risky), 500 tags (safe), 500 go.
    const key = (i: number) => `warehouse/${"very_long_schema_name_".repeat(3)}/table_${i}`;
    const base = graph(
      ...Array.from({ length: 1500 }, (_, i) => asset(key(i), { codeVersion: "1" })),
    );
    const branch = graph(
      ...Array.from({ length: 1000 }, (_, i) =>
        i < 500
          ? asset(key(i), { codeVersion: "2" })
          : asset(key(i), { codeVersion: "1", tags: [{ key: "team", value: "data" }] }),
      ),
    );
    const run = step({ base: "", branch: "" }, pullRequest);
    run.env.INPUT_BASE = join(run.dir, "base.json");
    run.env.INPUT_BRANCH = join(run.dir, "branch.json");
    writeFileSync(run.env.INPUT_BASE, serializeSnapshot(base));
    writeFileSync(run.env.INPUT_BRANCH, serializeSnapshot(branch));
    const { code, stdout } = await inProcess(run.env);
    expect(code).toBe(0);
    for (const level of ["error", "warning", "notice"])
      expect(stdout.match(new RegExp(`^::${level} `, "gm"))?.length ?? 0).toBeLessThanOrEqual(10);
    expect(stdout).toMatch(
      /^::notice title=asset-diff::\d[\d,]* more changed assets not annotated: /m,
    );
    expect(ours()[0]?.body.length).toBeLessThanOrEqual(65_536);
    expect(Buffer.byteLength(readFileSync(run.files.summary))).toBeLessThanOrEqual(1024 * 1024);
  });
});
