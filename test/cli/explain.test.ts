import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { branchDeployment, node, production, tempDir, workspace } from "./graphs";
import { run } from "./run";

const USAGE_HINT = "Run 'asset-diff --help' for usage.\n";
const files = tempDir("explain");
const prod = files.write("prod.json", workspace(production()));
const branch = files.write(
  "branch.json",
  workspace(branchDeployment({ raw: { codeVersion: "2" }, marts: { tags: { team: "growth" } } })),
);
let dirs = 0;
const cwd = () => files.sub(`cwd-${dirs++}`);
const explain = (args: string[], where = cwd()) => run(["explain", ...args], { cwd: where });

describe("asset-diff explain", () => {
  test("lists every section with both sides, what the differ and the rules did, the severity", async () => {
    const { code, stdout, stderr } = await explain([prod, branch, "raw/orders"]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const lines = stdout.split("\n");
    expect(lines.slice(0, 10)).toEqual([
      "raw/orders  [analytics]: modified",
      "",
      "Compared (base → branch):",
      '  code version: "1" → "2"',
      "  dependencies: same: (none)",
      "  partitions definition: same: (unpartitioned)",
      "  tags: same: (none)",
      "  metadata:",
      "    dagster/code_references: code references (models/orders.sql:12) → code references (models/orders.sql:15)",
      '    dagster/table_name: text "prod.analytics.orders" → text "prod.analytics_pr_42.orders"',
    ]);
    expect(stdout).toContain("  group: not compared (neither input carries it)\n");
    expect(stdout).toContain(
      "\nThe differ reported:\n  CODE_VERSION\n  METADATA: dagster/code_references, dagster/table_name\n",
    );
    expect(stdout).toContain(
      "\nSuppressed by rules (2):\n  METADATA dagster/code_references: rule environment-code-references: dagster/code_references only moved line numbers, in the same files and URLs\n  METADATA dagster/table_name: rule environment-table-name: ",
    );
    expect(stdout).toMatch(
      /\nAfter the rules: risky\n {2}CODE_VERSION: risky: the code version changed \(id [0-9a-f]{16}\)\n\nApprovals: none were read\.\n$/,
    );
  });

  test("--no-default-rules: nothing suppressed, the METADATA change is rated", async () => {
    const { stdout } = await explain([prod, branch, "raw/orders", "--no-default-rules"]);
    expect(stdout).toContain("\nSuppressed by rules: nothing.\n");
    expect(stdout).toMatch(/\n {2}METADATA: safe: descriptive only .*\(id [0-9a-f]{16}\)\n/);
  });

  test("an ignore rule of the configuration is named with its reason", async () => {
    const where = cwd();
    files.write(join(where, "asset-diff.config.json"), {
      ignore: [{ id: "team-tags", tags: ["team"], reason: "team tags are not reviewed" }],
    });
    const { stdout } = await explain([prod, branch, "marts/orders"], where);
    expect(stdout).toContain('  tags:\n    team: "data" → "growth"\n');
    expect(stdout).toContain("  TAGS team: rule team-tags: team tags are not reviewed\n");
    expect(stdout).toContain("\nAfter the rules: no change is left.\n");
  });

  test("approvals: approved by whom, and a stale approval after another push", async () => {
    const where = cwd();
    const approve = await run(["approve", prod, branch, "--by", "ana", "--reason", "planned"], {
      cwd: where,
      now: new Date(0),
    });
    expect(approve.code).toBe(0);
    const approved = await explain([prod, branch, "raw/orders"], where);
    expect(approved.stdout).toContain(
      "\nApprovals: 1 of 1 change approved\n  CODE_VERSION: approved by ana: planned\n",
    );
    const pushed = files.write(
      "pushed.json",
      workspace(branchDeployment({ raw: { codeVersion: "3" } })),
    );
    const stale = await explain([prod, pushed, "raw/orders"], where);
    expect(stale.stdout).toMatch(
      /\nApprovals: 0 of 1 change approved\n {2}CODE_VERSION: not approved\n {2}CODE_VERSION: stale approval by ana: planned, of other values \(approved id [0-9a-f]{16}, now [0-9a-f]{16}\)\n$/,
    );
  });

  test("new, removed and unchanged assets", async () => {
    const grown = files.write(
      "grown.json",
      workspace([...branchDeployment().slice(1), node("raw/refunds", { codeVersion: "7" })]),
    );
    const fresh = await explain([prod, grown, "raw/refunds"]);
    expect(fresh.stdout).toMatch(
      /^raw\/refunds {2}\[analytics\]: new in the branch\n\nNew: nothing to compare it with\. Its definition in the branch:\n {2}code version: "7"\n/,
    );
    const gone = await explain([prod, grown, "raw/orders"]);
    expect(gone.stdout).toContain("raw/orders  [analytics]: removed from the branch\n");
    expect(gone.stdout).toMatch(
      /\n {2}REMOVED: breaking: removed while other assets depend on it: marts\/orders/,
    );
    const same = await explain([prod, prod, "marts/orders"]);
    expect(same.stdout).toContain("marts/orders  [analytics]: unchanged\n");
    expect(same.stdout).toContain('    team: same: "data"\n');
  });

  test("--change-types dagster: the extra sections are not compared", async () => {
    const { stdout } = await explain([prod, branch, "raw/orders", "--change-types", "dagster"]);
    expect(stdout).toContain("  group: not compared (Dagster's change types only)\n");
    expect(stdout).toContain(
      "Suppressed by rules: nothing (no rule suppresses with Dagster's change types only).\n",
    );
  });

  test("--output writes the explanation to a file", async () => {
    const out = join(files.dir, "explained.txt");
    expect(await explain([prod, branch, "raw/orders", "-o", out])).toEqual({
      code: 0,
      stdout: "",
      stderr: "",
    });
    expect(readFileSync(out, "utf8")).toMatch(/^raw\/orders {2}\[analytics\]: modified\n/);
  });

  describe("errors", () => {
    const twice = files.write(
      "twice.json",
      workspace(production(), { ingestion: [node("raw/orders")] }),
    );

    test("a key in two code locations needs --code-location, which then chooses", async () => {
      expect(await explain([twice, twice, "raw/orders"])).toEqual({
        code: 2,
        stdout: "",
        stderr: `asset-diff: asset key "raw/orders" is in more than one code location ("analytics", "ingestion"); choose one with --code-location\n${USAGE_HINT}`,
      });
      const chosen = await explain([twice, twice, "raw/orders", "--code-location", "ingestion"]);
      expect(chosen.code).toBe(0);
      expect(chosen.stdout).toMatch(/^raw\/orders {2}\[ingestion\]: unchanged\n/);
      expect(await explain([twice, twice, "marts/orders", "--code-location", "ingestion"])).toEqual(
        {
          code: 2,
          stdout: "",
          stderr: `asset-diff: asset key "marts/orders" is not in code location "ingestion"; it is in "analytics"\n${USAGE_HINT}`,
        },
      );
    });

    test("an unknown key names close matches", async () => {
      expect(await explain([prod, branch, "raw/order"])).toEqual({
        code: 2,
        stdout: "",
        stderr: `asset-diff: asset key "raw/order" is in neither input; did you mean "raw/orders"?\n${USAGE_HINT}`,
      });
      expect((await explain([prod, branch, "orders"])).stderr).toBe(
        `asset-diff: asset key "orders" is in neither input; did you mean "marts/orders", "raw/orders"?\n${USAGE_HINT}`,
      );
      expect((await explain([prod, branch, "something/else/entirely"])).stderr).toBe(
        `asset-diff: asset key "something/else/entirely" is in neither input\n${USAGE_HINT}`,
      );
    });

    test("an asset of a code location that was not compared says why", async () => {
      const onlyBase = files.write(
        "only-base.json",
        workspace(production(), { ingestion: [node("raw/events")] }),
      );
      expect((await explain([onlyBase, branch, "raw/events"])).stderr).toBe(
        `asset-diff: asset "raw/events" was not compared: its code location "ingestion" is not in the branch (--missing-locations removed compares it)\n${USAGE_HINT}`,
      );
      const removed = await explain([
        onlyBase,
        branch,
        "raw/events",
        "--missing-locations",
        "removed",
      ]);
      expect(removed.stdout).toContain("raw/events  [ingestion]: removed from the branch\n");
    });

    test("usage", async () => {
      expect((await explain([prod, branch])).stderr).toBe(
        `asset-diff: explain takes <base>, <branch> and <asset key>; got 2 arguments\n${USAGE_HINT}`,
      );
      expect((await explain([prod, branch, ""])).stderr).toBe(
        `asset-diff: explain needs an asset key, e.g. marts/orders\n${USAGE_HINT}`,
      );
      expect((await explain(["-", "-", "a"])).stderr).toBe(
        `asset-diff: only one of <base> and <branch> can be - (stdin)\n${USAGE_HINT}`,
      );
    });
  });
});

describe("help of approve and explain", () => {
  test.each(["approve", "explain"])(
    "%s --help, -h and help %s print the command's help",
    async (name) => {
      const help = await run([name, "--help"]);
      expect(help).toMatchObject({ code: 0, stderr: "" });
      expect(await run([name, "-h"])).toEqual(help);
      expect(await run(["help", name])).toEqual(help);
      expect(await run(["--help", name])).toEqual(help);
      expect(help.stdout).toContain("\nOptions:\n");
      expect(help.stdout).toContain(`\n${name} reviews the changes as diff does`);
    },
  );

  test("their usage lines and what is special to each", async () => {
    const approve = (await run(["help", "approve"])).stdout;
    expect(approve).toMatch(
      /^asset-diff approve: add the branch's changes to the approvals file\n/,
    );
    expect(approve).toContain("\nUsage: asset-diff approve <base> <branch> [options]\n");
    expect(approve).toMatch(/\n {2}--select GLOB +approve only .* \(repeatable\)\n/s);
    expect(approve).not.toContain("--format");
    expect(approve).not.toContain("--output");

    const explainHelp = (await run(["help", "explain"])).stdout;
    expect(explainHelp).toContain(
      "\nUsage: asset-diff explain <base> <branch> <asset key> [options]\n",
    );
    expect(explainHelp).toContain("\n  <base>, <branch>: a file");
    expect(explainHelp).toContain("<asset key>: the asset's key, its parts joined by /");
    expect(explainHelp).not.toContain("--fail-on");
  });
});

describe("asset-diff explain: asset checks", () => {
  test("each check on both sides, by name, the changed one with its old and new settings", async () => {
    const { code, stdout } = await explain([
      "fixtures/example/base.json",
      "fixtures/example/branch.json",
      "marts/finance/fct_revenue",
    ]);
    expect(code).toBe(0);
    const checks = stdout.slice(stdout.indexOf("  asset checks:\n")).split("\n\n")[0];
    expect(checks?.split("\n")).toEqual([
      "  asset checks:",
      "    not_null_fct_revenue_amount: same: blocking",
      "    relationships_fct_revenue_customer_id__customer_id__ref_dim_customers_: same: non-blocking; also reads marts/core/dim_customers",
      '    unique_fct_revenue_charge_id: blocking; "Each charge appears once." → non-blocking; "Each charge appears once."',
    ]);
    expect(stdout).toContain("  CHECKS: unique_fct_revenue_charge_id\n");
    expect(stdout).toContain(
      "CHECKS: risky: an asset check no longer blocks downstream materializations: unique_fct_revenue_charge_id",
    );
  });
});
