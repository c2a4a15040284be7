import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { OUTPUT_FILE_NAMES, planOutputs } from "../../src/cli/outputs";
import { UsageError } from "../../src/errors";
import { cli } from "../helpers/cli";
import {
  fixtureData,
  graphqlEndpoint,
  startServer,
  type TestServer,
} from "../helpers/dagster-server";
import { EXAMPLE_AS_OF_ARGS } from "../helpers/example";
import { tempDir } from "./graphs";
import { run } from "./run";

const BASE = "fixtures/example/base.json";
const BRANCH = "fixtures/example/branch.json";
const AS_OF = [...EXAMPLE_AS_OF_ARGS];
const files = tempDir("outputs");

describe("planOutputs: where each report goes", () => {
  test("one format: --output, else standard output", () => {
    expect(planOutputs(undefined, undefined, undefined)).toEqual([
      { format: "text", path: undefined, name: "standard output" },
    ]);
    expect(planOutputs(["json"], undefined, "out.json")).toEqual([
      { format: "json", path: "out.json", name: "--output out.json" },
    ]);
    expect(planOutputs(["json"], undefined, "-")[0]?.path).toBeUndefined();
  });

  test("several formats: comma-separated or repeated, to --output-dir or a file each", () => {
    expect(
      planOutputs(["markdown,sarif", "html"], "reports", undefined).map((o) => o.path),
    ).toEqual([
      join("reports", "asset-diff.md"),
      join("reports", "asset-diff.sarif"),
      join("reports", "asset-diff.html"),
    ]);
    expect(planOutputs(["text", "junit=t.xml"], undefined, undefined)).toEqual([
      { format: "text", path: undefined, name: "standard output" },
      { format: "junit", path: "t.xml", name: "--format junit=t.xml" },
    ]);
    expect(planOutputs(["json=-", "junit=t.xml"], undefined, undefined)[0]).toEqual({
      format: "json",
      path: undefined,
      name: "--format json=-",
    });
  });

  test("codequality is another name of gitlab", () => {
    expect(planOutputs(["codequality"], undefined, undefined)[0]?.format).toBe("gitlab");
  });

  test.each([
    [
      ["markdown,sarif"],
      undefined,
      undefined,
      /several formats \(markdown, sarif\) need --output-dir DIR/,
    ],
    [
      ["xml"],
      undefined,
      undefined,
      /--format must be one of text, json, markdown, gitlab, sarif, junit, html/,
    ],
    [["json,"], undefined, undefined, /--format needs a format for each entry/],
    [["json="], undefined, undefined, /--format json= needs a file/],
    [["json", "json=x"], undefined, undefined, /--format json is given twice/],
    [["gitlab", "codequality=x"], undefined, undefined, /--format gitlab is given twice/],
    [
      ["json=-", "text"],
      undefined,
      undefined,
      /only one report can go to standard output, not json and text/,
    ],
    [["json=a", "sarif=a"], undefined, undefined, /json and sarif would both be written to a/],
    [["json"], "dir", "out", /--output and --output-dir cannot be used together/],
    [["json"], "", undefined, /--output-dir needs a directory/],
    [["constructor"], undefined, undefined, /--format must be one of/],
  ])("%j (dir %s, output %s) is refused", (formats, dir, output, message) => {
    expect(() => planOutputs(formats, dir, output)).toThrow(UsageError);
    expect(() => planOutputs(formats, dir, output)).toThrow(message);
  });

  test("every format has its file name in --output-dir, each different", () => {
    const names = Object.values(OUTPUT_FILE_NAMES);
    expect(new Set(names).size).toBe(names.length);
  });
});

describe("diff writes several reports from one comparison", () => {
  test("--format markdown,sarif,junit,html,gitlab,json,text --output-dir DIR", async () => {
    const dir = join(files.dir, "all");
    const formats = "markdown,sarif,junit,html,gitlab,json,text";
    const { code, stdout, stderr } = await run(
      [
        "diff",
        BASE,
        BRANCH,
        ...AS_OF,
        "--format",
        formats,
        "--output-dir",
        dir,
        "--fail-on",
        "breaking",
      ],
      { now: new Date("2026-12-01T16:52:00Z") },
    );
    expect(stderr).toMatch(/^asset-diff: policy failed: 5 assets with breaking/);
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(readdirSync(dir).sort()).toEqual(Object.values(OUTPUT_FILE_NAMES).sort());
    // Each file is the report one format run alone writes.
    for (const [format, name] of Object.entries(OUTPUT_FILE_NAMES)) {
      const alone = await run(
        ["diff", BASE, BRANCH, ...AS_OF, "--format", format, "--fail-on", "breaking"],
        { now: new Date("2026-12-01T16:52:00Z") },
      );
      expect(readFileSync(join(dir, name), "utf8"), format).toBe(alone.stdout);
    }
    const junit = readFileSync(join(dir, "asset-diff.junit.xml"), "utf8");
    expect(junit.match(/<failure /g)?.length).toBe(5);
    const sarif = JSON.parse(readFileSync(join(dir, "asset-diff.sarif"), "utf8"));
    expect(sarif.version).toBe("2.1.0");
  });

  test("repeated --format FORMAT=FILE, with one report on standard output", async () => {
    const md = join(files.dir, "repeat-comment.md");
    const html = join(files.dir, "repeat-report.html");
    const { code, stdout } = await run([
      "diff",
      BASE,
      BRANCH,
      ...AS_OF,
      "--format",
      "json",
      "--format",
      `markdown=${md}`,
      "--format",
      `html=${html}`,
    ]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).summary.assets.new).toBe(4);
    expect(existsSync(html)).toBe(true);
    expect(readFileSync(html, "utf8")).toMatch(/^<!doctype html>/i);
    expect(readFileSync(md, "utf8")).toMatch(/^<!-- asset-diff:report -->/);
  });

  test("a FILE in a directory that does not exist: an error before any report is written", async () => {
    const first = join(files.dir, "first.json");
    const { code, stdout, stderr } = await run([
      "diff",
      BASE,
      BRANCH,
      "--format",
      `json=${first},text`,
      "--format",
      `sarif=${join(files.dir, "missing", "x.sarif")}`,
    ]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/x\.sarif: cannot be written \(ENOENT\)\n$/);
    expect(stdout).toBe("");
    expect(existsSync(first)).toBe(false);
  });

  test("no report is written over an input, whichever format names it", async () => {
    const copy = files.write("base-copy.json", readFileSync(BASE, "utf8"));
    const before = readFileSync(copy, "utf8");
    const { code, stderr } = await run(["diff", copy, BRANCH, "--format", `text,sarif=${copy}`]);
    expect(code).toBe(2);
    expect(stderr).toContain("is the <base> input");
    expect(readFileSync(copy, "utf8")).toBe(before);
  });

  test("a file in the way of --output-dir is a clear error", async () => {
    const blocker = files.write("blocker", "keep me");
    const { code, stderr } = await run([
      "diff",
      BASE,
      BRANCH,
      "--format",
      "json,sarif",
      "--output-dir",
      blocker,
    ]);
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/--output-dir cannot be created \(a file is in the way\)/);
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(readFileSync(blocker, "utf8")).toBe("keep me");
  });
});

describe("links into the Dagster UI and what the comment reflects", () => {
  const servers: TestServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  test("--dagster-url and --base-dagster-url link assets; removed ones to production", async () => {
    const { code, stdout } = await run([
      "diff",
      BASE,
      BRANCH,
      ...AS_OF,
      "--format",
      "markdown",
      "--dagster-url",
      "https://acme.dagster.cloud/pr-42/",
      "--base-dagster-url",
      "https://user:token@acme.dagster.cloud/prod?x=1",
    ]);
    expect(code).toBe(0);
    expect(stdout).toContain(
      "[`marts/core/dim_dates`](<https://acme.dagster.cloud/prod/assets/marts/core/dim_dates>)",
    );
    expect(stdout).toContain(
      "[`ml/features/churn_features`](<https://acme.dagster.cloud/pr-42/assets/ml/features/churn_features>)",
    );
    expect(stdout).not.toContain("token");
  });

  test("derived from the GraphQL URL a side was read from", async () => {
    const prod = await startServer(graphqlEndpoint(fixtureData(BASE)));
    servers.push(prod);
    const { code, stdout, stderr } = await cli([
      "diff",
      prod.url,
      BRANCH,
      ...AS_OF,
      "--format",
      "markdown",
    ]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const root = prod.url.replace(/\/graphql$/, "");
    expect(stdout).toContain(`[\`marts/core/dim_dates\`](<${root}/assets/marts/core/dim_dates>)`);
    // The branch is a file: its assets are not linked.
    expect(stdout).not.toContain("/assets/ml/features/churn_features");
  });

  test("the configuration's dagsterUi, and a bad URL refused", async () => {
    const config = files.write("links.config.json", {
      dagsterUi: { branch: "https://acme.dagster.cloud/pr-7" },
    });
    const linked = await run([
      "diff",
      BASE,
      BRANCH,
      ...AS_OF,
      "--format",
      "markdown",
      "--config",
      config,
    ]);
    expect(linked.stdout).toContain("(<https://acme.dagster.cloud/pr-7/assets/");
    const bad = await run(["diff", BASE, BRANCH, "--dagster-url", "javascript:alert(1)"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(
      "asset-diff: --dagster-url needs an http:// or https:// URL, e.g. https://acme.dagster.cloud/prod\nRun 'asset-diff --help' for usage.\n",
    );
  });

  test("in GitHub Actions: the pull request's head commit, the run and the time", async () => {
    const event = files.write("event.json", {
      pull_request: { number: 7, head: { sha: "1234567890abcdef1234567890abcdef12345678" } },
    });
    const { stdout } = await run(["diff", BASE, BRANCH, ...AS_OF, "--format", "markdown"], {
      env: {
        GITHUB_ACTIONS: "true",
        GITHUB_EVENT_PATH: event,
        GITHUB_SHA: "ffffffffffffffffffffffffffffffffffffffff",
        GITHUB_SERVER_URL: "https://github.com",
        GITHUB_REPOSITORY: "acme/data",
        GITHUB_RUN_ID: "99",
        GITHUB_RUN_ATTEMPT: "2",
        GITHUB_OUTPUT: files.write("gh-output", ""),
        GITHUB_STEP_SUMMARY: files.write("gh-summary", ""),
      },
      now: new Date("2026-12-01T16:52:35Z"),
    });
    expect(stdout).toContain(
      "<sub>Commit [`1234567`](<https://github.com/acme/data/commit/1234567890abcdef1234567890abcdef12345678>) · [CI run](<https://github.com/acme/data/actions/runs/99/attempts/2>) · 2026-12-01 16:52 UTC · Base ",
    );
  });

  test("in GitLab CI, and --commit / --run-url over the environment", async () => {
    const env = {
      GITLAB_CI: "true",
      CI_COMMIT_SHA: "abcdefabcdefabcdefabcdefabcdefabcdefabcd",
      CI_PROJECT_URL: "https://gitlab.com/acme/data",
      CI_JOB_URL: "https://gitlab.com/acme/data/-/jobs/5",
    };
    const { stdout } = await run(["diff", BASE, BRANCH, ...AS_OF, "--format", "markdown"], {
      env,
      now: new Date("2026-12-01T08:00:00Z"),
    });
    expect(stdout).toContain(
      "<sub>Commit [`abcdefa`](<https://gitlab.com/acme/data/-/commit/abcdefabcdefabcdefabcdefabcdefabcdefabcd>) · [CI run](<https://gitlab.com/acme/data/-/jobs/5>) · 2026-12-01 08:00 UTC · ",
    );
    const given = await run(
      [
        "diff",
        BASE,
        BRANCH,
        "--format",
        "markdown",
        "--commit",
        "0123abc",
        "--run-url",
        "https://ci.example.com/r/1",
      ],
      { env: {}, now: new Date("2026-12-01T08:00:00Z") },
    );
    expect(given.stdout).toContain(
      "<sub>Commit `0123abc` · [CI run](<https://ci.example.com/r/1>) · 2026-12-01 08:00 UTC · ",
    );
  });
});
