import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { cli } from "../helpers/cli";

const BASE = "fixtures/example/base.json";
const BRANCH = "fixtures/example/branch.json";

function actionsEnv() {
  const dir = mkdtempSync(join(tmpdir(), "asset-diff-gha-"));
  const summary = join(dir, "summary.md");
  const output = join(dir, "output.txt");
  writeFileSync(summary, "# earlier step\n");
  writeFileSync(output, "");
  return {
    summary,
    output,
    env: { GITHUB_ACTIONS: "true", GITHUB_STEP_SUMMARY: summary, GITHUB_OUTPUT: output },
  };
}

describe("asset-diff diff --format markdown", () => {
  test("prints the pull-request comment with its marker, and --report-id names it", async () => {
    const { code, stdout } = await cli([
      "diff",
      BASE,
      BRANCH,
      "--format",
      "markdown",
      "--report-id",
      "analytics",
    ]);
    expect(code).toBe(0);
    expect(stdout.split("\n")[0]).toBe("<!-- asset-diff:report:analytics -->");
    expect(stdout).toContain("```mermaid");
    expect(stdout.length).toBeLessThan(65_536);
  });
});

describe("under GitHub Actions", () => {
  test("appends the Markdown report to the job summary, sets outputs and annotates changed assets", async () => {
    const gha = actionsEnv();
    const { code, stdout } = await cli(
      ["diff", BASE, BRANCH, "--output", join(gha.summary, "..", "report.txt")],
      { env: gha.env },
    );
    expect(code).toBe(0);
    const summary = readFileSync(gha.summary, "utf8");
    expect(summary.startsWith("# earlier step\n<!-- asset-diff:report -->\n")).toBe(true);
    expect(readFileSync(gha.output, "utf8")).toBe(
      [
        "has-changes=true",
        "new=4",
        "removed=2",
        "modified=20",
        "unchanged=15",
        "change-types=NEW,REMOVED,CODE_VERSION,DEPENDENCIES,PARTITIONS_DEFINITION,TAGS,METADATA,GROUP,OWNERS,DESCRIPTION,KINDS,AUTOMATION_CONDITION,FRESHNESS_POLICY,BACKFILL_POLICY,EXECUTION_TYPE,CHECKS",
        "summary=4 new, 2 removed, 20 modified, 15 unchanged; 5 breaking, 11 risky; 4 impacted downstream (2 breaking-downstream, 1 risky-downstream, 1 safe-downstream)",
        "breaking=5",
        "risky=11",
        "worst-severity=breaking",
        "failed=false",
        "",
      ].join("\n"),
    );
    const annotations = stdout.split("\n").filter((l) => l.startsWith("::"));
    // 26 changed assets: 5 errors, GitHub's 10 warnings a step (of 11 risky), 9 notices (of 10
    // safe) and one notice for the 2 left.
    expect(annotations).toHaveLength(25);
    expect(annotations.filter((l) => l.startsWith("::error "))).toHaveLength(5);
    expect(annotations.filter((l) => l.startsWith("::warning "))).toHaveLength(10);
    expect(annotations.at(-1)).toBe(
      "::notice title=asset-diff::2 more changed assets not annotated: 1 risky, 1 safe",
    );
    expect(annotations).toContain(
      "::error file=analytics/dbt_project/models/marts/finance/fct_refunds.sql,title=asset-diff%3A marts/finance/fct_refunds::marts/finance/fct_refunds (analytics): REMOVED%0Abreaking: removed while other assets depend on it: weekly_exec_report",
    );
  });

  test("a failed policy is in the outputs, and the exit code is 1", async () => {
    const gha = actionsEnv();
    const { code } = await cli(
      [
        "diff",
        BASE,
        BRANCH,
        "--fail-on",
        "REMOVED",
        "--format",
        "markdown",
        "-o",
        join(gha.summary, "..", "r.md"),
      ],
      {
        env: gha.env,
      },
    );
    expect(code).toBe(1);
    expect(readFileSync(gha.output, "utf8")).toContain("failed=true\n");
  });

  test("with a JSON report on stdout, annotations go to stderr and stdout stays JSON", async () => {
    const gha = actionsEnv();
    const { code, stdout, stderr } = await cli(["diff", BASE, BRANCH, "--format", "json"], {
      env: gha.env,
    });
    expect(code).toBe(0);
    expect(() => JSON.parse(stdout)).not.toThrow();
    expect(stderr.split("\n").filter((l) => /^::(?:error|warning|notice) /.test(l))).toHaveLength(
      25,
    );
  });

  test("nothing is published outside GitHub Actions", async () => {
    const gha = actionsEnv();
    const { stdout } = await cli(["diff", BASE, BRANCH], {
      env: { ...gha.env, GITHUB_ACTIONS: "false" },
    });
    expect(stdout).not.toMatch(/^::/m);
    expect(readFileSync(gha.output, "utf8")).toBe("");
  });
});
