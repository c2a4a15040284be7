import { execFile } from "node:child_process";
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { GITLAB_TOKEN_VARIABLE } from "../../src/cli/comment";
import { gitlabCodeQuality } from "../../src/cli/gitlab";
import { diffAssetGraphs } from "../../src/diff/diff";
import { loadAssetGraph } from "../../src/load/index";
import { markdownMarker } from "../../src/report/marker";
import { builtCli, removeBuilds } from "../cli/binary";
import { cli } from "../helpers/cli";
import { type FakeGitlab, startFakeGitlab } from "../helpers/gitlab-server";
import { SETUP_TIMEOUT_MS } from "../helpers/timeouts";
import { codeQualityReportSchema } from "../report/codequality-schema";

// The GitLab CI template, read as GitLab would: its structure checked line by line (no YAML
// parser is a dependency), then its jobs' shell run with bash, as the runner does (`set -eo
// pipefail`, one shell for all lines), against a stand-in for GitLab's API, with `asset-diff`
// on PATH as a shim over the CLI built from these sources.

const TEMPLATE = "docs/gitlab/asset-diff.gitlab-ci.yml";
const template = readFileSync(TEMPLATE, "utf8");
const doc = readFileSync("docs/gitlab-ci.md", "utf8");
const TOKEN = "glpat-bot-0123456789abcdef";

/** The template's top-level entries (hidden jobs), each with the lines under it. */
function topLevel(text: string): Map<string, string[]> {
  const jobs = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of text.split("\n")) {
    if (line.trim() === "" || /^\s*#/.test(line)) continue;
    const key = /^([^\s#][^:]*):$/.exec(line)?.[1];
    if (key !== undefined) {
      current = [];
      jobs.set(key, current);
    } else if (current !== undefined && line.startsWith("  ")) current.push(line.slice(2));
    else throw new Error(`a line outside any job: ${line}`);
  }
  return jobs;
}

/** The lines of `key:`'s block in a job (dedented), or undefined; `key: value` gives [value]. */
function entry(lines: readonly string[], key: string): string[] | undefined {
  const start = lines.findIndex((l) => l === `${key}:` || l.startsWith(`${key}: `));
  if (start === -1) return undefined;
  const head = lines[start] as string;
  if (head !== `${key}:`) return [head.slice(key.length + 2)];
  const body: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (!line.startsWith("  ")) break;
    body.push(line.slice(2));
  }
  return body;
}

/** The items of a block sequence of one-line items (`- text`), comments left out. */
function sequence(lines: readonly string[]): string[] {
  return lines
    .filter((line) => !line.trimStart().startsWith("#"))
    .map((line) => {
      if (!line.startsWith("- ")) throw new Error(`not a one-line sequence item: ${line}`);
      return line.slice(2);
    });
}

/** A script's commands: `- text` items, and `- |` literal blocks with their lines. */
function scriptOf(lines: readonly string[]): string[] {
  const items: string[] = [];
  let block: string[] | undefined;
  for (const line of lines) {
    if (block !== undefined && (line.startsWith("  ") || line === "")) {
      block.push(line.slice(2));
      continue;
    }
    if (block !== undefined) items.push(`${block.join("\n")}\n`);
    block = undefined;
    if (line.trimStart().startsWith("#")) continue;
    if (line === "- |") block = [];
    else items.push(line.slice(2));
  }
  if (block !== undefined) items.push(`${block.join("\n")}\n`);
  return items;
}

/**
 * Why YAML would not read `text` as the plain (unquoted) string it looks like, if it would not:
 * an indicator first, `: ` (a mapping) or ` #` (a comment) inside, or `:` last.
 */
function plainScalarProblem(text: string): string | undefined {
  if (/^[-?:,[\]{}#&*!|>'"%@`]/.test(text)) return "starts with a YAML indicator";
  if (text.includes(": ")) return 'holds ": " (read as a mapping)';
  if (text.includes(" #")) return 'holds " #" (read as a comment)';
  if (text.endsWith(":")) return 'ends with ":"';
  return undefined;
}

/** `KEY: "value"` lines of a `variables:` block. */
function variablesOf(lines: readonly string[]): Map<string, string> {
  const variables = new Map<string, string>();
  for (const line of lines) {
    if (line.trimStart().startsWith("#")) continue;
    const match = /^([A-Z][A-Z0-9_]*): "((?:[^"\\]|\\.)*)"$/.exec(line);
    if (!match) throw new Error(`not a KEY: "value" line: ${line}`);
    variables.set(match[1] as string, JSON.parse(`"${match[2]}"`) as string);
  }
  return variables;
}

const jobs = topLevel(template);
const job = (name: string) => jobs.get(name) ?? [];

describe("the template's structure", () => {
  test("two hidden jobs, the baseline extending the merge request job", () => {
    expect([...jobs.keys()]).toEqual([".asset-diff", ".asset-diff-baseline"]);
    expect(entry(job(".asset-diff-baseline"), "extends")).toEqual([".asset-diff"]);
  });

  test(".asset-diff: node:20, merge request pipelines only, both reports kept, Code Quality declared", () => {
    const lines = job(".asset-diff");
    expect(entry(lines, "image")).toEqual(["node:20"]);
    expect(entry(lines, "rules")).toEqual(['- if: $CI_PIPELINE_SOURCE == "merge_request_event"']);
    expect(entry(lines, "resource_group")).toEqual(["asset-diff-mr-$CI_MERGE_REQUEST_IID"]);
    expect(entry(lines, "interruptible")).toEqual(["true"]);
    const artifacts = entry(lines, "artifacts") ?? [];
    expect(entry(artifacts, "when")).toEqual(["always"]);
    expect(sequence(entry(artifacts, "paths") ?? [])).toEqual([
      "asset-diff.md",
      "gl-code-quality-report.json",
    ]);
    expect(entry(entry(artifacts, "reports") ?? [], "codequality")).toEqual([
      "gl-code-quality-report.json",
    ]);
  });

  test(".asset-diff-baseline: the default branch only, its Code Quality report declared", () => {
    const lines = job(".asset-diff-baseline");
    expect(entry(lines, "rules")).toEqual(["- if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"]);
    const artifacts = entry(lines, "artifacts") ?? [];
    expect(entry(entry(artifacts, "reports") ?? [], "codequality")).toEqual([
      "gl-code-quality-report.json",
    ]);
  });

  test("every unquoted script line reads as the string it looks like", () => {
    for (const name of jobs.keys()) {
      for (const key of ["before_script", "script"]) {
        for (const line of entry(job(name), key) ?? []) {
          if (line.startsWith("  ") || line.trimStart().startsWith("#") || line === "- |") continue;
          expect(plainScalarProblem(line.slice(2)), `${name} ${key}: ${line}`).toBeUndefined();
        }
      }
    }
    expect(scriptOf(entry(job(".asset-diff"), "script") ?? []).length).toBeGreaterThan(3);
  });

  test("docs/gitlab-ci.md lists exactly the template's variables, with their defaults", () => {
    const variables = variablesOf(entry(job(".asset-diff"), "variables") ?? []);
    const rows = doc
      .split("\n")
      .filter((l) => /^\| `ASSET_DIFF_[A-Z_]+` /.test(l))
      .map((l) => l.split(/(?<!\\)\|/).map((c) => c.trim()));
    expect(rows.map((r) => r[1]?.replace(/`/g, ""))).toEqual([...variables.keys()].sort(byDoc));
    for (const [name, value] of variables) {
      const shown = rows.find((r) => r[1] === `\`${name}\``)?.[2] ?? "";
      if (value !== "") expect(shown, name).toBe(`\`${value}\``);
    }
  });

  test("the documented include and the header's agree", () => {
    const include = /- remote: (\S+)/.exec(doc)?.[1];
    expect(template).toContain(`- remote: ${include}`);
    expect(include).toMatch(/\/docs\/gitlab\/asset-diff\.gitlab-ci\.yml$/);
  });
});

/** The doc's order of the variables (its rows), so the comparison above is of sets. */
function byDoc(a: string, b: string): number {
  return doc.indexOf(`| \`${a}\``) - doc.indexOf(`| \`${b}\``);
}

// --- running the jobs ---

let shims: string;
let gitlab: FakeGitlab;
beforeAll(async () => {
  const cli = await builtCli();
  shims = mkdtempSync(join(tmpdir(), "asset-diff-shim-"));
  writeFileSync(
    join(shims, "asset-diff"),
    `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(cli)} "$@"\n`,
  );
  chmodSync(join(shims, "asset-diff"), 0o755);
}, SETUP_TIMEOUT_MS);
afterAll(() => removeBuilds());
beforeEach(async () => {
  gitlab = await startFakeGitlab();
});
afterEach(() => gitlab.close());

/** A checkout with the bundled example's graphs. */
function checkout(): string {
  const dir = mkdtempSync(join(tmpdir(), "asset-diff-gitlab-ci-"));
  copyFileSync("fixtures/example/base.json", join(dir, "prod.json"));
  copyFileSync("fixtures/example/branch.json", join(dir, "branch.json"));
  return dir;
}

/**
 * Runs a job's `before_script` and `script` (after `extends`) in one bash, with the job's
 * variables, GitLab's predefined ones for merge request !42 of project 12, and `overrides`.
 */
async function runJob(
  name: string,
  dir: string,
  overrides: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const own = job(name);
  const parent = entry(own, "extends")?.[0];
  const lines = (key: string) => entry(own, key) ?? (parent ? entry(job(parent), key) : undefined);
  const variables = new Map([
    ...(parent ? variablesOf(entry(job(parent), "variables") ?? []) : []),
    ...variablesOf(entry(own, "variables") ?? []),
  ]);
  const script = [
    "set -eo pipefail",
    ...scriptOf(lines("before_script") ?? []),
    ...scriptOf(lines("script") ?? []),
  ].join("\n");
  const file = join(dir, ".job.sh");
  writeFileSync(file, `${script}\n`);
  const env: Record<string, string> = {
    PATH: `${shims}:${process.env.PATH ?? ""}`,
    HOME: dir,
    GITLAB_CI: "true",
    CI: "true",
    CI_PROJECT_DIR: dir,
    CI_CONFIG_PATH: ".gitlab-ci.yml",
    CI_API_V4_URL: gitlab.api,
    CI_PROJECT_ID: "12",
    CI_PIPELINE_SOURCE: "merge_request_event",
    CI_MERGE_REQUEST_IID: "42",
    CI_MERGE_REQUEST_SOURCE_BRANCH_NAME: "feature/revenue",
    [GITLAB_TOKEN_VARIABLE]: TOKEN,
    ...Object.fromEntries(variables),
    // The image has asset-diff: the shim.
    ASSET_DIFF_PACKAGE: "",
    ...overrides,
  };
  return new Promise((done) => {
    execFile("bash", [file], { cwd: dir, env, encoding: "utf8" }, (error, stdout, stderr) => {
      const code = error ? ((error as { code?: number }).code ?? 1) : 0;
      done({ code: typeof code === "number" ? code : 1, stdout, stderr });
    });
  });
}

const readJson = (path: string): unknown => JSON.parse(readFileSync(path, "utf8"));
const notTheToken = (result: { stdout: string; stderr: string }) =>
  expect(`${result.stdout}${result.stderr}`).not.toContain(TOKEN);

describe("the template's jobs, run", () => {
  const example = { ASSET_DIFF_BASE: "prod.json", ASSET_DIFF_BRANCH: "branch.json" };

  test("a merge request: the Code Quality report, one note, updated by the next pipeline", async () => {
    const dir = checkout();
    const first = await runJob(".asset-diff", dir, example);
    notTheToken(first);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(first.stdout).toContain("asset-diff: created note 1000 on merge request !42\n");

    const issues = codeQualityReportSchema.parse(
      readJson(join(dir, "gl-code-quality-report.json")),
    );
    expect(issues.length).toBeGreaterThan(20);
    // Absolute code references of the example are of a checkout at /opt/dagster/app, not this
    // one: those assets go to the pipeline's configuration.
    expect(issues.some((i) => i.location.path === ".gitlab-ci.yml")).toBe(true);
    expect(issues.some((i) => i.location.path.endsWith(".sql"))).toBe(true);
    const note = gitlab.notes[0]?.body ?? "";
    expect(note).toBe(readFileSync(join(dir, "asset-diff.md"), "utf8"));
    expect(note.split("\n")[0]).toBe(markdownMarker());

    const second = await runJob(".asset-diff", dir, example);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain("asset-diff: note 1000 on merge request !42 is up to date\n");
    expect(gitlab.notes).toHaveLength(1);
  });

  test("the reports are those of the CLI over the two graphs (through the snapshots)", async () => {
    const dir = checkout();
    const result = await runJob(".asset-diff", dir, {
      ...example,
      CI_PROJECT_DIR: "/opt/dagster/app",
    });
    expect(result.code).toBe(0);
    expect(readFileSync(join(dir, "gl-code-quality-report.json"), "utf8")).toBe(
      readFileSync("test/golden/example.reviewed.codequality.json", "utf8"),
    );
  });

  test("ASSET_DIFF_FAIL_ON: the job fails (exit 1) after both reports and the note", async () => {
    const dir = checkout();
    const result = await runJob(".asset-diff", dir, {
      ...example,
      ASSET_DIFF_FAIL_ON: "breaking",
      ASSET_DIFF_REPORT_ID: "analytics",
    });
    notTheToken(result);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^asset-diff: policy failed: \d+ assets? with breaking/m);
    expect(result.stdout).toContain("asset-diff: created note 1000 on merge request !42\n");
    expect(gitlab.notes[0]?.body.split("\n")[0]).toBe(markdownMarker("analytics"));
    codeQualityReportSchema.parse(readJson(join(dir, "gl-code-quality-report.json")));
  });

  test("ASSET_DIFF_NOTE false: the reports, no note", async () => {
    const dir = checkout();
    const result = await runJob(".asset-diff", dir, { ...example, ASSET_DIFF_NOTE: "false" });
    expect(result.code).toBe(0);
    expect(gitlab.calls).toEqual([]);
    codeQualityReportSchema.parse(readJson(join(dir, "gl-code-quality-report.json")));
  });

  test("bad input or usage: exit 2, and nothing is posted", async () => {
    const dir = checkout();
    const missing = await runJob(".asset-diff", dir, { ASSET_DIFF_BASE: "prod.json" });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(
      "asset-diff: set ASSET_DIFF_BASE and ASSET_DIFF_BRANCH (production's graph and the branch's) in the job's variables\n",
    );
    const bogus = await runJob(".asset-diff", dir, {
      ...example,
      ASSET_DIFF_OPTIONS: "--change-types bogus",
    });
    expect(bogus.code).toBe(2);
    expect(bogus.stderr).toMatch(/^asset-diff: --change-types must be one of dagster, all/);
    const refused = await runJob(".asset-diff", dir, {
      ...example,
      [GITLAB_TOKEN_VARIABLE]: "glpat-revoked-000000000",
    });
    notTheToken(refused);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/the token was refused \(HTTP 401\)/);
    expect(gitlab.notes).toEqual([]);
  });

  test("the options variables reach the commands: a dbt manifest, one code location", async () => {
    const dir = checkout();
    copyFileSync("fixtures/dbt/shop-v12-base.json", join(dir, "prod.json"));
    copyFileSync("fixtures/dbt/shop-v12-branch.json", join(dir, "branch.json"));
    const result = await runJob(".asset-diff", dir, {
      ...example,
      ASSET_DIFF_SOURCE_OPTIONS: "--input-format dbt-manifest --default-location shop",
      ASSET_DIFF_OPTIONS: "--code-location shop",
    });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const issues = codeQualityReportSchema.parse(
      readJson(join(dir, "gl-code-quality-report.json")),
    );
    expect(issues.length).toBeGreaterThan(0);
    expect(issues.every((i) => i.description.includes("(shop)"))).toBe(true);
  });

  test("the baseline job on the default branch: production against itself, an empty report", async () => {
    const dir = checkout();
    const result = await runJob(".asset-diff-baseline", dir, {
      ASSET_DIFF_BASE: "prod.json",
      CI_PIPELINE_SOURCE: "push",
      CI_MERGE_REQUEST_IID: "",
    });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(readJson(join(dir, "gl-code-quality-report.json"))).toEqual([]);
    expect(gitlab.calls).toEqual([]);
  });
});

describe("docs/gitlab-ci.md's YAML", () => {
  const blocks = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] as string);
  const variables = variablesOf(entry(job(".asset-diff"), "variables") ?? []);

  test("every job it shows extends a job of the template, with the template's variables", () => {
    expect(blocks.length).toBeGreaterThan(2);
    for (const block of blocks) {
      for (const [, name] of block.matchAll(/^\s+extends: (\S+)$/gm))
        expect([...jobs.keys()]).toContain(name);
      for (const [, name] of block.matchAll(/^\s+(ASSET_DIFF_[A-Z_]+):/gm))
        expect([...variables.keys()]).toContain(name);
    }
  });

  test("its unquoted list items read as the strings they look like", () => {
    for (const block of blocks) {
      for (const line of block.split("\n")) {
        const item = /^\s*- (.*)$/.exec(line)?.[1];
        if (item === undefined || item === "|" || /^[a-z_]+: /.test(item)) continue;
        expect(plainScalarProblem(item), line).toBeUndefined();
      }
    }
  });
});

describe("diff --format codequality under GitLab CI", () => {
  test("the CLI writes the renderer's report, paths relative to CI_PROJECT_DIR", async () => {
    const { code, stdout, stderr } = await cli(
      [
        "diff",
        "fixtures/example/base.json",
        "fixtures/example/branch.json",
        "--format",
        "codequality",
      ],
      { env: { GITLAB_CI: "true", CI_PROJECT_DIR: "/opt/dagster/app" } },
    );
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
    expect(stdout).toBe(readFileSync("test/golden/example.reviewed.codequality.json", "utf8"));
  });

  test("under GitHub Actions, annotations go to stderr and the report stays clean JSON", async () => {
    const { code, stdout, stderr } = await cli(
      [
        "diff",
        "fixtures/example/base.json",
        "fixtures/example/branch.json",
        "--format",
        "codequality",
      ],
      { env: { GITHUB_ACTIONS: "true" } },
    );
    expect(code).toBe(0);
    codeQualityReportSchema.parse(JSON.parse(stdout));
    expect(stderr).toMatch(/^::(error|warning|notice) /m);
  });

  const graph = (path: string) => loadAssetGraph(path);

  test.each([
    [".gitlab-ci.yml", ".gitlab-ci.yml"],
    ["ci/pipeline.yml", "ci/pipeline.yml"],
    ["ci/pipeline.yml@data/ci-templates", ".gitlab-ci.yml"],
    ["https://example.com/ci.yml", ".gitlab-ci.yml"],
    ["", ".gitlab-ci.yml"],
  ])("CI_CONFIG_PATH %j: issues without a code reference go to %s", async (config, path) => {
    const base = await graph("fixtures/dg/base.json");
    const branch = await graph("fixtures/dg/branch.json");
    const text = gitlabCodeQuality(
      diffAssetGraphs(base, branch),
      { base, branch },
      { CI_CONFIG_PATH: config },
      "/nowhere",
    );
    const issues = codeQualityReportSchema.parse(JSON.parse(text));
    expect(issues.length).toBeGreaterThan(0);
    expect(new Set(issues.map((i) => i.location.path))).toEqual(new Set([path]));
  });
});
