import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { UnknownFormatError, ValidationError } from "../../src/errors";
import {
  eventFromGit,
  type LifecycleEvent,
  type LifecycleEventType,
  parseGitHubPullRequestEvent,
  parseGitLabMergeRequestEvent,
  parseLifecycleEvent,
  safeParseLifecycleEvent,
} from "../../src/lifecycle/index";
import {
  allPullRequestExamples,
  closed,
  githubExample,
  opened,
  otherGitHubExample,
  retargeted,
  SHA,
  synchronize,
} from "./github-payloads";

const gitlab = (name: string): unknown =>
  JSON.parse(
    readFileSync(
      join(import.meta.dirname, "..", "..", "fixtures", "lifecycle", "gitlab", `${name}.json`),
      "utf8",
    ),
  );

/** A parse error's issues, as `path: message` lines. */
function issuesOf(parse: () => unknown): string[] {
  try {
    parse();
  } catch (error) {
    if (error instanceof ValidationError) {
      return error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    }
    throw error;
  }
  throw new Error("expected a ValidationError");
}

describe("GitHub pull_request events", () => {
  const expectedType: Record<string, LifecycleEventType> = {
    opened: "opened",
    reopened: "reopened",
    synchronize: "pushed",
    closed: "closed",
    ready_for_review: "ready_for_review",
    converted_to_draft: "converted_to_draft",
  };

  test("every pull_request example GitHub ships parses, into the type its action means", async () => {
    const examples = await allPullRequestExamples();
    expect(examples.length).toBeGreaterThan(30);
    for (const { label, payload } of examples) {
      const event = parseGitHubPullRequestEvent(payload, { source: label });
      expect({ label, type: event.type }).toEqual({
        label,
        type: expectedType[payload.action] ?? "other",
      });
      expect(event).toMatchObject({
        source: "github",
        action: payload.action,
        repo: payload.repository.full_name,
        branch: payload.pull_request.head.ref,
        baseBranch: payload.pull_request.base.ref,
        pullRequest: payload.pull_request.number,
        headSha: payload.pull_request.head.sha,
        draft: payload.pull_request.draft,
        at: new Date(payload.pull_request.updated_at).toISOString(),
      });
    }
  });

  test("opened: the whole event", () => {
    expect(parseGitHubPullRequestEvent(githubExample("opened"))).toEqual({
      type: "opened",
      source: "github",
      action: "opened",
      repo: "Codertocat/Hello-World",
      branch: "changes",
      baseBranch: "master",
      previousBaseBranch: null,
      pullRequest: 2,
      pullRequestUrl: "https://github.com/Codertocat/Hello-World/pull/2",
      headSha: SHA.a,
      beforeSha: null,
      draft: false,
      at: "2019-05-15T15:20:33.000Z",
      author: { login: "Codertocat", name: null, email: null },
      sender: "Codertocat",
      commitMessage: null,
      mergeCommitSha: null,
    } satisfies LifecycleEvent);
  });

  test.each([
    {
      name: "synchronize carries the previous head as beforeSha",
      payload: synchronize(SHA.a, SHA.b, "2019-05-15T15:25:00Z"),
      expected: {
        type: "pushed",
        headSha: SHA.b,
        beforeSha: SHA.a,
        at: "2019-05-15T15:25:00.000Z",
      },
    },
    {
      name: "closed without merge",
      payload: githubExample("closed"),
      expected: { type: "closed", mergeCommitSha: null, at: "2019-05-15T15:21:18.000Z" },
    },
    {
      name: "closed with merge is merged",
      payload: closed(SHA.c, "2019-05-15T16:00:00Z", { merged: true }),
      expected: { type: "merged", headSha: SHA.c, mergeCommitSha: SHA.merge },
    },
    {
      name: "edited with a changed base is retargeted",
      payload: retargeted("master", "develop", "2019-05-15T15:30:00Z"),
      expected: { type: "retargeted", baseBranch: "develop", previousBaseBranch: "master" },
    },
    {
      name: "edited without a base change (a title) is other",
      payload: { ...githubExample("opened"), action: "edited", changes: { title: { from: "x" } } },
      expected: { type: "other", previousBaseBranch: null },
    },
    {
      name: "converted_to_draft is a draft",
      payload: githubExample("converted_to_draft"),
      expected: { type: "converted_to_draft", draft: true },
    },
    {
      name: "ready_for_review is not",
      payload: githubExample("ready_for_review"),
      expected: { type: "ready_for_review", draft: false },
    },
    {
      name: "labeled is other",
      payload: githubExample("labeled"),
      expected: { type: "other", action: "labeled" },
    },
  ])("$name", ({ payload, expected }) => {
    expect(parseGitHubPullRequestEvent(payload)).toMatchObject(expected);
  });

  test("a pull request from a fork is named after the fork's owner, so it never is the repository's branch", () => {
    const fork = opened();
    fork.pull_request.head.repo = { full_name: "octocat/Hello-World" };
    fork.pull_request.head.label = "octocat:changes";
    expect(parseGitHubPullRequestEvent(fork).branch).toBe("octocat:changes");
    const deletedFork = opened();
    deletedFork.pull_request.head.repo = null;
    deletedFork.pull_request.head.label = "ghost:changes";
    expect(parseGitHubPullRequestEvent(deletedFork).branch).toBe("ghost:changes");
  });

  test.each([
    {
      name: "a missing head sha",
      mutate: (p: ReturnType<typeof opened>) => {
        delete (p.pull_request.head as { sha?: string }).sha;
      },
      issues: ["pull_request.head.sha: expected string, received undefined"],
    },
    {
      name: "a sha that is not hex",
      mutate: (p: ReturnType<typeof opened>) => {
        p.pull_request.head.sha = "not-a-sha";
      },
      issues: ["pull_request.head.sha: expected a commit sha (7 to 64 hex digits)"],
    },
    {
      name: "a time without a zone",
      mutate: (p: ReturnType<typeof opened>) => {
        p.pull_request.updated_at = "2019-05-15 15:20:33";
      },
      issues: ["pull_request.updated_at: expected an ISO-8601 timestamp with a time zone"],
    },
    {
      name: "a number that is a string, and no repository",
      mutate: (p: ReturnType<typeof opened>) => {
        (p.pull_request as { number: unknown }).number = "2";
        delete (p as { repository?: unknown }).repository;
      },
      issues: [
        "pull_request.number: expected number, received string",
        "repository: expected object, received undefined",
      ],
    },
  ])("$name is a ValidationError with the JSON path", ({ mutate, issues }) => {
    const payload = opened();
    mutate(payload);
    expect(issuesOf(() => parseGitHubPullRequestEvent(payload))).toEqual(issues);
  });

  test("the error message names the payload and the path", () => {
    const payload = opened();
    payload.pull_request.head.sha = "nope";
    expect(() => parseGitHubPullRequestEvent(payload, { source: "delivery 42" })).toThrow(
      "delivery 42: $.pull_request.head.sha: expected a commit sha (7 to 64 hex digits)",
    );
  });
});

describe("GitLab merge request events", () => {
  test("open: the whole event, from GitLab's documented payload", () => {
    expect(parseGitLabMergeRequestEvent(gitlab("open"))).toEqual({
      type: "opened",
      source: "gitlab",
      action: "open",
      repo: "gitlabhq/gitlab-test",
      branch: "ms-viewport",
      baseBranch: "master",
      previousBaseBranch: null,
      pullRequest: 1,
      pullRequestUrl: "http://example.com/diaspora/merge_requests/1",
      headSha: "da1560886d4f094c3e6c9ef40349f7d38b5d27d7",
      beforeSha: null,
      draft: false,
      at: "2013-12-03T17:23:34.000Z",
      author: { login: null, name: "GitLab dev user", email: "gitlabdev@dv6700.(none)" },
      sender: "root",
      commitMessage: "fixed readme",
      mergeCommitSha: null,
    } satisfies LifecycleEvent);
  });

  test.each([
    {
      file: "update-push",
      expected: {
        type: "pushed",
        headSha: "b6568db1bc1dcd7f8b4d5a946b0b91f9dacd7327",
        beforeSha: "da1560886d4f094c3e6c9ef40349f7d38b5d27d7",
        at: "2013-12-03T17:30:00.000Z",
      },
    },
    { file: "update-labels", expected: { type: "other", action: "update", beforeSha: null } },
    { file: "approved", expected: { type: "other", action: "approved" } },
    {
      file: "update-retarget",
      expected: { type: "retargeted", baseBranch: "develop", previousBaseBranch: "master" },
    },
    { file: "update-draft", expected: { type: "converted_to_draft", draft: true } },
    { file: "close", expected: { type: "closed", at: "2013-12-03T17:50:00.000Z" } },
    { file: "reopen", expected: { type: "reopened" } },
    {
      file: "merge",
      expected: { type: "merged", mergeCommitSha: "82b3d5ae55f7080f1e6022629cdb57bfae7cccc7" },
    },
  ])("$file", ({ file, expected }) => {
    expect(parseGitLabMergeRequestEvent(gitlab(file))).toMatchObject({
      source: "gitlab",
      repo: "gitlabhq/gitlab-test",
      branch: "ms-viewport",
      pullRequest: 1,
      ...expected,
    });
  });

  test("a merge request from a fork is prefixed with the fork's path", () => {
    const payload = gitlab("open") as {
      object_attributes: { source_project_id: number; source: { path_with_namespace: string } };
    };
    payload.object_attributes.source_project_id = 15;
    payload.object_attributes.source.path_with_namespace = "someone/gitlab-test";
    expect(parseGitLabMergeRequestEvent(payload).branch).toBe("someone/gitlab-test:ms-viewport");
  });

  test("a payload without an action (older GitLab) is an update", () => {
    const payload = gitlab("update-push") as { object_attributes: { action?: string } };
    delete payload.object_attributes.action;
    expect(parseGitLabMergeRequestEvent(payload)).toMatchObject({
      type: "pushed",
      action: "update",
    });
  });

  test("a payload missing its last commit is a ValidationError with the JSON path", () => {
    const payload = gitlab("open") as { object_attributes: { last_commit?: unknown } };
    delete payload.object_attributes.last_commit;
    expect(issuesOf(() => parseGitLabMergeRequestEvent(payload))).toEqual([
      "object_attributes.last_commit: expected object, received undefined",
    ]);
  });
});

describe("parseLifecycleEvent", () => {
  test("recognises GitHub and GitLab payloads", () => {
    expect(parseLifecycleEvent(opened()).source).toBe("github");
    expect(parseLifecycleEvent(gitlab("open")).source).toBe("gitlab");
  });

  test.each([
    ["an issues event", otherGitHubExample("issues")],
    ["a GitLab push", { object_kind: "push", ref: "refs/heads/main" }],
    ["null", null],
    ["a string", "opened"],
  ])("refuses %s with an UnknownFormatError", (_name, payload) => {
    expect(() => parseLifecycleEvent(payload)).toThrow(UnknownFormatError);
  });

  test("the safe variant returns the problems instead of throwing", () => {
    const payload = opened();
    payload.pull_request.head.sha = "nope";
    expect(safeParseLifecycleEvent(payload)).toEqual({
      ok: false,
      issues: [
        {
          path: ["pull_request", "head", "sha"],
          message: "expected a commit sha (7 to 64 hex digits)",
        },
      ],
      message:
        "GitHub pull_request event: $.pull_request.head.sha: expected a commit sha (7 to 64 hex digits)",
    });
    expect(safeParseLifecycleEvent(opened())).toMatchObject({
      ok: true,
      value: { type: "opened" },
    });
  });
});

describe("events from git facts", () => {
  test("plain facts make a push, with every absent value null", () => {
    expect(
      eventFromGit({
        repo: "acme/data",
        branch: "feature/x",
        headSha: "ABCDEF1234567",
        author: "Ada Lovelace",
        message: "Add orders",
        at: "2024-05-01T12:00:00+02:00",
      }),
    ).toEqual({
      type: "pushed",
      source: "git",
      action: "pushed",
      repo: "acme/data",
      branch: "feature/x",
      baseBranch: null,
      previousBaseBranch: null,
      pullRequest: null,
      pullRequestUrl: null,
      headSha: "abcdef1234567",
      beforeSha: null,
      draft: false,
      at: "2024-05-01T10:00:00.000Z",
      author: { login: null, name: "Ada Lovelace", email: null },
      sender: "Ada Lovelace",
      commitMessage: "Add orders",
      mergeCommitSha: null,
    } satisfies LifecycleEvent);
  });

  test("a Date or epoch milliseconds are times too; no time at all is allowed", () => {
    const facts = { repo: "r", branch: "b", headSha: SHA.a };
    expect(eventFromGit({ ...facts, at: new Date(0) }).at).toBe("1970-01-01T00:00:00.000Z");
    expect(eventFromGit({ ...facts, at: 1000 }).at).toBe("1970-01-01T00:00:01.000Z");
    expect(eventFromGit(facts).at).toBeNull();
  });

  test("bad facts are a ValidationError naming each one", () => {
    expect(
      issuesOf(() =>
        eventFromGit({
          repo: "",
          branch: "a\u0000b",
          headSha: "xyz",
          at: "yesterday",
          type: "other" as "pushed",
        }),
      ),
    ).toEqual([
      "repo: expected a non-empty name",
      "branch: a NUL byte cannot be part of a git name",
      "headSha: expected a commit sha (7 to 64 hex digits)",
      'type: Invalid option: expected one of "opened"|"pushed"|"reopened"|"closed"|"merged"|"retargeted"|"ready_for_review"|"converted_to_draft"',
      "at: expected an ISO-8601 timestamp with a time zone",
    ]);
  });
});
