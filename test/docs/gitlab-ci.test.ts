import { execFile } from "node:child_process";
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { parse } from "yaml";
import { GITLAB_TOKEN_VARIABLE } from "../../src/cli/comment";
import { gitlabCodeQuality } from "../../src/cli/gitlab";
import { diffAssetGraphs } from "../../src/diff/diff";
import { loadAssetGraph } from "../../src/load/index";
import { markdownMarker } from "../../src/report/marker";
import { builtCli, removeBuilds } from "../cli/binary";
import { cli } from "../helpers/cli";
import { EXAMPLE_AS_OF_ARGS } from "../helpers/example";
import { type FakeGitlab, startFakeGitlab } from "../helpers/gitlab-server";
import { SETUP_TIMEOUT_MS } from "../helpers/timeouts";
import { codeQualityReportSchema } from "../report/codequality-schema";

// The GitLab CI template, read as GitLab reads it (YAML), its structure checked, then its jobs'
// shell run with bash as the runner does (`set -eo pipefail`, one shell for all lines), against a
// stand-in for GitLab's API, with `asset-diff` on PATH as a shim over the CLI built from these
// sources.

const TEMPLATE = "docs/gitlab/asset-diff.gitlab-ci.yml";
const template = readFileSync(TEMPLATE, "utf8");
const doc = readFileSync("docs/gitlab-ci.md", "utf8");
const TOKEN = "glpat-bot-0123456789abcdef";

/** What the tests read of a job. */
interface Job {
  extends?: string;
  image?: string;
  variables?: Record<string, string>;
  rules?: { if: string }[];
  resource_group?: string;
  interruptible?: boolean;
  before_script?: string[];
  script?: string[];
  artifacts?: { paths?: string[]; reports?: { codequality?: string } } & Record<string, unknown>;
  [key: string]: unknown;
}

const jobs = parse(template, { uniqueKeys: true }) as Record<string, Job>;

/** A job as GitLab runs it: `extends` merges hashes key by key; anything else is replaced. */
function resolved(name: string): Job {
  const own = jobs[name];
  if (own === undefined) throw new Error(`no job ${name}`);
  return own.extends === undefined ? own : (merge(resolved(own.extends), own) as Job);
}

function merge(base: unknown, over: unknown): unknown {
  const isHash = (v: unknown): v is Record<string, unknown> =>
    typeof v === "object" && v !== null && !Array.isArray(v);
  if (!isHash(base) || !isHash(over)) return over;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) out[key] = merge(base[key], value);
  return out;
}

describe("the template's structure", () => {
  test("two hidden jobs, the baseline extending the merge request job", () => {
    expect(Object.keys(jobs)).toEqual([".asset-diff", ".asset-diff-baseline"]);
    expect(jobs[".asset-diff-baseline"]?.extends).toBe(".asset-diff");
  });

  test(".asset-diff: node:20, merge request pipelines only, one at a time, both reports kept", () => {
    const job = resolved(".asset-diff");
    expect(job.image).toBe("node:20");
    expect(job.rules).toEqual([{ if: '$CI_PIPELINE_SOURCE == "merge_request_event"' }]);
    expect(job.resource_group).toBe("asset-diff-mr-$CI_MERGE_REQUEST_IID");
    expect(job.interruptible).toBe(true);
    expect(job.artifacts).toEqual({
      when: "always",
      expire_in: "30 days",
      paths: ["asset-diff.md", "gl-code-quality-report.json"],
      reports: { codequality: "gl-code-quality-report.json" },
    });
    // GitLab takes variables and script lines as strings only.
    expect(Object.values(job.variables ?? {}).every((v) => typeof v === "string")).toBe(true);
    for (const line of [...(job.before_script ?? []), ...(job.script ?? [])])
      expect(typeof line).toBe("string");
  });

  test(".asset-diff-baseline: the default branch only, its Code Quality report, no note", () => {
    const job = resolved(".asset-diff-baseline");
    expect(job.rules).toEqual([{ if: "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH" }]);
    expect(job.artifacts?.paths).toEqual(["gl-code-quality-report.json"]);
    expect(job.artifacts?.reports).toEqual({ codequality: "gl-code-quality-report.json" });
    expect(job.script?.join("\n")).not.toContain("asset-diff comment");
  });

  test("docs/gitlab-ci.md lists exactly the template's variables, with their defaults", () => {
    const variables = resolved(".asset-diff").variables ?? {};
    const rows = doc
      .split("\n")
      .filter((l) => /^\| `ASSET_DIFF_[A-Z_]+` /.test(l))
      .map((l) => l.split(/(?<!\\)\|/).map((c) => c.trim()));
    expect(rows.map((r) => r[1]?.replace(/`/g, "")).sort()).toEqual(Object.keys(variables).sort());
    for (const [name, value] of Object.entries(variables)) {
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

describe("docs/gitlab-ci.md's YAML", () => {
  const blocks = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map(
    (m) => parse(m[1] as string, { uniqueKeys: true }) as Record<string, Job>,
  );
  const variables = Object.keys(resolved(".asset-diff").variables ?? {});

  test("every job it shows extends a job of the template, with the template's variables", () => {
    expect(blocks.length).toBeGreaterThan(2);
    for (const block of blocks) {
      for (const [name, job] of Object.entries(block)) {
        if (name === "include") continue;
        if (job.extends !== undefined) expect(Object.keys(jobs)).toContain(job.extends);
        for (const variable of Object.keys(job.variables ?? {}))
          expect(variables, `${name}: ${variable}`).toContain(variable);
        for (const line of job.script ?? []) expect(typeof line, `${name}: ${line}`).toBe("string");
      }
    }
  });
});

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
  const job = resolved(name);
  const script = ["set -eo pipefail", ...(job.before_script ?? []), ...(job.script ?? [])];
  const file = join(dir, ".job.sh");
  writeFileSync(file, `${script.join("\n")}\n`);
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
    ...job.variables,
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
    // Both pipelines list time-window partition keys as of the same time: by default the report
    // says "as of" the time of its run, so the second pipeline's note would differ from the first.
    const pipeline = { ...example, ASSET_DIFF_OPTIONS: EXAMPLE_AS_OF_ARGS.join(" ") };
    const first = await runJob(".asset-diff", dir, pipeline);
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

    const second = await runJob(".asset-diff", dir, pipeline);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain("asset-diff: note 1000 on merge request !42 is up to date\n");
    expect(gitlab.notes).toHaveLength(1);
    expect(gitlab.notes[0]?.body).toBe(note);
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
