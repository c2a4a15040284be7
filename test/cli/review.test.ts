import { describe, expect, test } from "vitest";
import { placeholderValues } from "../../src/cli/review";
import type { ChangeSet } from "../../src/diff/change-set";
import { branchDeployment, production, tempDir, workspace } from "./graphs";
import { run } from "./run";

const USAGE_HINT = "Run 'asset-diff --help' for usage.\n";
const files = tempDir("review");
const prod = files.write("prod.json", workspace(production()));
/** The branch deployment of an unchanged pull request: only the environment differs. */
const sameBranch = files.write("same.json", workspace(branchDeployment()));

/** Runs `diff --format json` in a new, empty working directory (unless one is given). */
async function diffJson(
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
) {
  const result = await run(["diff", ...args, "--format", "json"], {
    cwd: options.cwd ?? files.sub(`cwd-${Math.random().toString(36).slice(2)}`),
    ...(options.env ? { env: options.env } : {}),
  });
  return {
    ...result,
    changeSet: (result.code === 2 ? undefined : JSON.parse(result.stdout)) as ChangeSet,
  };
}

const changes = (changeSet: ChangeSet) =>
  changeSet.assets.map((a) => [a.key, [...a.changeTypes, ...(a.extraChangeTypes ?? [])]]);

describe("diff runs the policies", () => {
  test("a branch that differs only by its schema and moved code lines reports no change", async () => {
    const { code, changeSet, stderr } = await diffJson([prod, sameBranch]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(changeSet.assets).toEqual([]);
    expect(changeSet.summary.suppressed).toBe(4);
    expect(changeSet.suppressed.map((s) => [s.key, s.keys, s.rule])).toEqual([
      ["marts/orders", ["dagster/code_references"], "environment-code-references"],
      ["marts/orders", ["dagster/table_name"], "environment-table-name"],
      ["raw/orders", ["dagster/code_references"], "environment-code-references"],
      ["raw/orders", ["dagster/table_name"], "environment-table-name"],
    ]);
  });

  test("--change-types dagster suppresses nothing, but rates the METADATA changes", async () => {
    const { changeSet } = await diffJson([prod, sameBranch, "--change-types", "dagster"]);
    expect(changes(changeSet)).toEqual([
      ["marts/orders", ["METADATA"]],
      ["raw/orders", ["METADATA"]],
    ]);
    expect(changeSet.suppressed).toEqual([]);
    expect(changeSet.assets.map((a) => a.severity)).toEqual(["safe", "safe"]);
  });

  test("--no-default-rules reports the environment differences", async () => {
    const { changeSet } = await diffJson([prod, sameBranch, "--no-default-rules"]);
    expect(changes(changeSet)).toEqual([
      ["marts/orders", ["METADATA"]],
      ["raw/orders", ["METADATA"]],
    ]);
    expect(changeSet.summary.suppressed).toBe(0);
  });

  test("the text report says how many changes the rules suppressed", async () => {
    const { code, stdout } = await run(["diff", prod, sameBranch], { cwd: files.sub("text") });
    expect(code).toBe(0);
    expect(stdout).toContain("No changes (2 unchanged).");
    expect(stdout).toMatch(/4 changes suppressed/);
  });
});

describe("the configuration", () => {
  const branch = files.write(
    "changed.json",
    workspace(branchDeployment({ raw: { codeVersion: "2" }, marts: { tags: { team: "growth" } } })),
  );
  const config = {
    ignore: [{ id: "team-tags", tags: ["team"], reason: "team tags are not reviewed" }],
    severity: [
      {
        select: { keys: ["raw/**"] },
        changeTypes: ["CODE_VERSION"],
        severity: "breaking",
        reason: "raw tables feed everything",
      },
    ],
  };

  test("without one: the defaults", async () => {
    const { changeSet } = await diffJson([prod, branch]);
    expect(changes(changeSet)).toEqual([
      ["marts/orders", ["TAGS"]],
      ["raw/orders", ["CODE_VERSION"]],
    ]);
    expect(changeSet.assets.map((a) => a.severity)).toEqual(["safe", "risky"]);
  });

  test("asset-diff.config.json is read from the working directory", async () => {
    const cwd = files.sub("discovered");
    files.write("discovered/asset-diff.config.json", config);
    const { changeSet } = await diffJson([prod, branch], { cwd });
    expect(changes(changeSet)).toEqual([["raw/orders", ["CODE_VERSION"]]]);
    expect(changeSet.assets[0]?.severity).toBe("breaking");
    expect(changeSet.assets[0]?.reasons?.[0]).toMatchObject({
      reason: "CONFIGURED",
      message: "raw tables feed everything",
    });
    const ignored = changeSet.suppressed.filter((s) => s.rule === "team-tags");
    expect(ignored).toEqual([
      expect.objectContaining({
        key: "marts/orders",
        changeType: "TAGS",
        keys: ["team"],
        reason: "team tags are not reviewed",
      }),
    ]);
  });

  test("--config names it, relative to the working directory, instead of the one there", async () => {
    const cwd = files.sub("explicit");
    files.write("explicit/asset-diff.config.json", { severity: [{ severity: "safe" }] });
    files.write("explicit/ci/review.json", config);
    const { changeSet } = await diffJson([prod, branch, "--config", "ci/review.json"], { cwd });
    expect(changes(changeSet)).toEqual([["raw/orders", ["CODE_VERSION"]]]);
    expect(changeSet.assets[0]?.severity).toBe("breaking");
  });

  test("an invalid configuration: exit 2, one line naming the file, the JSON path and the value", async () => {
    const cwd = files.sub("invalid");
    files.write("invalid/asset-diff.config.json", { severity: [{ severity: "bad" }] });
    expect(await run(["diff", prod, branch], { cwd })).toEqual({
      code: 2,
      stdout: "",
      stderr:
        'asset-diff: asset-diff.config.json: $.severity[0].severity: Invalid option: expected one of "breaking"|"risky"|"safe"; got "bad"\n',
    });
    files.write("invalid/typo.json", { ignore: [{ reason: "x", metdata: ["a"] }] });
    const typo = await run(["diff", prod, branch, "--config", "typo.json"], { cwd });
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/^asset-diff: typo\.json: \$\.ignore\[0\]: .*metdata.*\n$/);
  });

  test("invalid JSON and a missing --config are input errors", async () => {
    const cwd = files.sub("broken");
    files.write("broken/asset-diff.config.json", '{"ignore": [}');
    const broken = await run(["diff", prod, branch], { cwd });
    expect(broken).toMatchObject({ code: 2, stdout: "" });
    expect(broken.stderr).toMatch(/^asset-diff: asset-diff\.config\.json: invalid JSON at line 1/);
    expect(await run(["diff", prod, branch, "--config", "nope.json"], { cwd })).toEqual({
      code: 2,
      stdout: "",
      stderr: "asset-diff: nope.json: does not exist\n",
    });
  });

  test("the configuration's defaultRules: false turns the environment rules off", async () => {
    const cwd = files.sub("no-defaults");
    files.write("no-defaults/asset-diff.config.json", { defaultRules: false });
    const { changeSet } = await diffJson([prod, sameBranch], { cwd });
    expect(changeSet.summary.suppressed).toBe(0);
    expect(changeSet.assets).toHaveLength(2);
  });
});

describe("--fail-on severities", () => {
  const risky = files.write(
    "risky.json",
    workspace(branchDeployment({ raw: { codeVersion: "2" } })),
  );
  const safe = files.write(
    "safe.json",
    workspace(branchDeployment({ marts: { tags: { team: "growth" } } })),
  );
  const breaking = files.write(
    "breaking.json",
    workspace(branchDeployment({ raw: { codeVersion: "2", partitions: "'us', 'eu'" } })),
  );
  const removed = files.write("removed.json", workspace(branchDeployment().slice(1)));
  const fail = async (branch: string, rules: string) =>
    run(["diff", prod, branch, "--fail-on", rules, "-o", `${files.dir}/report.txt`], {
      cwd: files.sub("fail-on"),
    });

  test("breaking fails on a partitions definition change, or a removed asset others depend on", async () => {
    expect(await fail(breaking, "breaking")).toEqual({
      code: 1,
      stdout: "",
      stderr: "asset-diff: policy failed: 1 asset with breaking (raw/orders)\n",
    });
    expect((await fail(removed, "breaking")).code).toBe(1);
  });

  test("breaking passes with only risky and safe changes", async () => {
    expect(await fail(risky, "breaking")).toEqual({ code: 0, stdout: "", stderr: "" });
    expect((await fail(safe, "breaking")).code).toBe(0);
  });

  test("risky fails on risky or worse; safe on any change", async () => {
    expect((await fail(risky, "risky")).code).toBe(1);
    expect((await fail(breaking, "risky")).code).toBe(1);
    expect((await fail(safe, "risky")).code).toBe(0);
    expect((await fail(safe, "safe")).code).toBe(1);
    expect((await fail(sameBranch, "safe")).code).toBe(0);
  });

  test("severities and change types mix, case-insensitively", async () => {
    expect(await fail(safe, "Breaking,tags")).toEqual({
      code: 1,
      stdout: "",
      stderr: "asset-diff: policy failed: 1 asset with breaking or TAGS (marts/orders)\n",
    });
    expect((await fail(risky, "BREAKING,TAGS")).code).toBe(0);
  });
});

describe("placeholders: --branch, --pr and the CI environment", () => {
  const config = {
    substitutions: [
      { from: "analytics_pr_{pr}", to: "analytics" },
      { from: "{branch}", to: "main" },
    ],
  };
  const cwd = files.sub("placeholders");
  files.write("placeholders/asset-diff.config.json", config);
  const prodBuilt = files.write(
    "built-prod.json",
    workspace(production({ raw: { description: "built from main" } })),
  );
  const branch = files.write(
    "built-branch.json",
    workspace(branchDeployment({ raw: { description: "built from feature-x" } })),
  );
  /** The suppressed changes, with the environment rules off so that substitutions do the work. */
  const suppressed = async (args: string[], env: Record<string, string> = {}) => {
    const { code, stderr, changeSet } = await diffJson(
      [prodBuilt, branch, "--no-default-rules", ...args],
      { cwd, env },
    );
    expect(stderr).toBe("");
    expect(code).toBe(0);
    return changeSet.suppressed
      .filter((s) => s.rule === "substitutions")
      .map((s) => `${s.key} ${s.changeType} ${s.keys.join(",")}`);
  };
  const all = [
    "marts/orders METADATA dagster/table_name",
    "raw/orders METADATA dagster/table_name",
    "raw/orders DESCRIPTION ",
  ];

  test("--branch and --pr fill the substitutions", async () => {
    expect(await suppressed(["--branch", "feature-x", "--pr", "42"])).toEqual(all);
    expect(await suppressed(["--branch", "other", "--pr", "42"])).toEqual(all.slice(0, 2));
  });

  test("GitHub Actions: GITHUB_HEAD_REF and the number of refs/pull/<n>/merge", async () => {
    expect(
      await suppressed([], {
        GITHUB_HEAD_REF: "feature-x",
        GITHUB_REF_NAME: "42/merge",
        GITHUB_REF: "refs/pull/42/merge",
      }),
    ).toEqual(all);
  });

  test("GitLab CI: the merge request's source branch and IID", async () => {
    expect(
      await suppressed([], {
        CI_MERGE_REQUEST_SOURCE_BRANCH_NAME: "feature-x",
        CI_COMMIT_REF_NAME: "refs/merge-requests/42/head",
        CI_MERGE_REQUEST_IID: "42",
      }),
    ).toEqual(all);
  });

  test("the options win over the environment", async () => {
    const env = { GITHUB_HEAD_REF: "elsewhere", GITHUB_REF: "refs/pull/7/merge" };
    expect(await suppressed(["--branch", "feature-x", "--pr", "42"], env)).toEqual(all);
  });

  test("a placeholder without a value: exit 2 with the message", async () => {
    expect(await run(["diff", prodBuilt, branch, "--branch", "feature-x"], { cwd })).toEqual({
      code: 2,
      stdout: "",
      stderr: `asset-diff: substitutions[0].from: the placeholder {pr} has no value; pass --pr <number> (in CI it is read from the environment) or give the variable "pr" a value, or remove it from the rule\n${USAGE_HINT}`,
    });
    const empty = await run(["diff", prodBuilt, branch, "--branch", "x"], {
      cwd,
      env: { CI_MERGE_REQUEST_IID: "" },
    });
    expect(empty.stderr).toContain("the placeholder {pr} has no value");
  });

  test("bad values of --branch and --pr are usage errors", async () => {
    const pr = await run(["diff", prodBuilt, branch, "--pr", "#42"], { cwd });
    expect(pr).toEqual({
      code: 2,
      stdout: "",
      stderr: `asset-diff: --pr must be a pull or merge request number; got "#42"\n${USAGE_HINT}`,
    });
    expect((await run(["diff", prodBuilt, branch, "--branch="], { cwd })).stderr).toBe(
      `asset-diff: --branch needs a name\n${USAGE_HINT}`,
    );
  });

  test.each([
    [{}, {}, {}],
    [{ GITHUB_REF_NAME: "main", GITHUB_REF: "refs/heads/main" }, {}, { branch: "main" }],
    [
      { GITHUB_HEAD_REF: "", GITHUB_REF_NAME: "42/merge", GITHUB_REF: "refs/pull/42/merge" },
      {},
      { branch: "42/merge", pr: "42" },
    ],
    [{ CI_COMMIT_REF_NAME: "main" }, {}, { branch: "main" }],
    [
      { CI_MERGE_REQUEST_SOURCE_BRANCH_NAME: "f", CI_MERGE_REQUEST_IID: "9" },
      {},
      { branch: "f", pr: "9" },
    ],
    [
      { GITHUB_HEAD_REF: "f", GITHUB_REF: "refs/pull/3/merge" },
      { pr: "4" },
      { branch: "f", pr: "4" },
    ],
  ])("%#: env %j and options %j give %j", (env, values, expected) => {
    expect(placeholderValues(values, env)).toEqual(expected);
  });
});
