import { describe, expect, test } from "vitest";
import type { ChangeSet } from "../../src/diff/change-set";
import { changeSetSchema } from "../../src/diff/change-set-schema";
import { EXAMPLE_AS_OF_ARGS } from "../helpers/example";
import { node, production, tempDir, workspace } from "./graphs";
import { run } from "./run";

/**
 * The CLI's options for what a change does to everything else: `--merge-base` (a three-way
 * comparison), `--partitions-as-of`, `--fail-on impacted-breaking` and `--fail-on conflict`, and
 * the configuration's `moves`; each through `asset-diff diff` as a user runs it.
 */

const files = tempDir("impact");
const BASE = "fixtures/example/base.json";
const BRANCH = "fixtures/example/branch.json";
const AS_OF = [...EXAMPLE_AS_OF_ARGS];

/** A usage error's own line (the CLI adds where to find the usage after it). */
const firstLine = (text: string) => text.split("\n")[0];

async function json(args: string[], cwd?: string): Promise<ChangeSet> {
  const { code, stdout, stderr } = await run(
    ["diff", ...args, "--format", "json"],
    cwd === undefined ? {} : { cwd },
  );
  expect(stderr).toBe("");
  expect(code).toBe(0);
  return changeSetSchema.parse(JSON.parse(stdout)) as ChangeSet;
}

describe("the bundled example through asset-diff diff", () => {
  test("impact, column changes, partition keys and the probable rename are in the JSON", async () => {
    const changes = await json([BASE, BRANCH, ...AS_OF]);
    const payments = changes.impacted?.find((i) => i.key === "intermediate/int_payments");
    expect(payments).toMatchObject({
      via: ["staging/stg_charges"],
      distance: 1,
      severity: "breaking-downstream",
      reason: "UPSTREAM_COLUMN_BROKEN",
      columns: [
        {
          column: "refunded_amount",
          upstream: { key: "staging/stg_charges", column: "amount_refunded", change: "removed" },
        },
      ],
    });
    const charges = changes.assets.find((a) => a.key === "staging/stg_charges");
    expect(charges?.columns).toEqual([
      expect.objectContaining({
        column: "amount_refunded",
        change: "removed",
        severity: "breaking",
      }),
    ]);
    const events = changes.assets.find((a) => a.key === "raw/events/app_events");
    // 2024 is a leap year: 366 days of 24 hourly partitions.
    expect(events?.partitionKeys).toMatchObject({
      asOf: "2026-12-01T00:00:00.000Z",
      removed: { count: 366 * 24, first: "2024-01-01-00:00", last: "2024-12-31-23:00" },
      added: { count: 0 },
    });
    expect(events?.severity).toBe("breaking");
    const views = changes.assets.find((a) => a.key === "raw/events/page_views");
    // 2022 is not: 365 daily partitions added by the earlier start.
    expect(views?.partitionKeys?.added).toMatchObject({ count: 365, first: "2022-01-01" });
    expect(views?.reasons?.find((r) => r.changeType === "PARTITIONS_DEFINITION")).toMatchObject({
      severity: "risky",
      reason: "PARTITION_KEYS_ADDED",
    });
    expect(changes.probableMoves?.map((m) => [m.from.key, m.to.key])).toEqual([
      ["marts/core/dim_dates", "marts/core/dim_calendar"],
    ]);
    expect(changes.summary.impacted).toBe(changes.impacted?.length);
  });

  test("--fail-on impacted-breaking fails the change that breaks an unchanged asset downstream", async () => {
    const { code, stderr } = await run([
      "diff",
      BASE,
      BRANCH,
      ...AS_OF,
      "--fail-on",
      "impacted-breaking",
    ]);
    expect(code).toBe(1);
    expect(stderr).toContain("staging/stg_charges");
  });

  test("--fail-on impacted-breaking needs --change-types all", async () => {
    const { code, stderr } = await run([
      "diff",
      BASE,
      BRANCH,
      "--change-types",
      "dagster",
      "--fail-on",
      "impacted-breaking",
    ]);
    expect(code).toBe(2);
    expect(firstLine(stderr)).toBe(
      "asset-diff: --fail-on impacted-breaking needs --change-types all (impact is not computed in dagster mode)",
    );
  });

  test("in dagster mode nothing of it is computed: Dagster parity", async () => {
    const changes = await json([BASE, BRANCH, ...AS_OF, "--change-types", "dagster"]);
    expect(changes.impacted).toBeUndefined();
    expect(changes.probableMoves).toBeUndefined();
    expect(changes.assets.some((a) => a.columns || a.partitionKeys || a.movedFrom)).toBe(false);
  });

  test("a declared move in the configuration makes the rename one MOVED asset", async () => {
    const cwd = files.sub("declared");
    files.write(`${cwd}/asset-diff.config.json`, {
      moves: [
        { from: "marts/core/dim_dates", to: "marts/core/dim_calendar", reason: "the BI name" },
      ],
    });
    const changes = await json(
      [`${process.cwd()}/${BASE}`, `${process.cwd()}/${BRANCH}`, ...AS_OF],
      cwd,
    );
    const moved = changes.assets.find((a) => a.key === "marts/core/dim_calendar");
    expect(moved?.extraChangeTypes).toContain("MOVED");
    expect(moved?.movedFrom?.key).toBe("marts/core/dim_dates");
    expect(moved?.reasons?.find((r) => r.changeType === "MOVED")?.message).toMatch(
      /: the BI name$/,
    );
    expect(changes.assets.some((a) => a.key === "marts/core/dim_dates")).toBe(false);
    const traffic = changes.assets.find((a) => a.key === "marts/marketing/fct_web_traffic");
    expect(traffic?.reasons?.find((r) => r.changeType === "DEPENDENCIES")).toMatchObject({
      severity: "safe",
      reason: "DEPENDENCY_MOVED",
    });
    expect(changes.summary.assets.moved).toBe(1);
    expect(changes.probableMoves).toEqual([]);
  });
});

describe("--partitions-as-of", () => {
  test.each([
    ["2026-12-01", "2026-12-01T00:00:00.000Z"],
    ["2026-12-01T06:30", "2026-12-01T06:30:00.000Z"],
    ["2026-12-01T06:30:00+01:00", "2026-12-01T05:30:00.000Z"],
  ])("%s lists time windows up to %s", async (written, iso) => {
    const changes = await json([BASE, BRANCH, "--partitions-as-of", written]);
    const events = changes.assets.find((a) => a.key === "raw/events/app_events");
    expect(events?.partitionKeys?.asOf).toBe(iso);
  });

  test.each(["2026-02-30", "2026-13-01", "yesterday", "2026-12-01T25:00", ""])(
    "%j is a usage error",
    async (written) => {
      const { code, stdout, stderr } = await run([
        "diff",
        BASE,
        BRANCH,
        "--partitions-as-of",
        written,
      ]);
      expect(code).toBe(2);
      expect(stdout).toBe("");
      expect(firstLine(stderr)).toBe(
        `asset-diff: --partitions-as-of needs an ISO 8601 date or time, e.g. 2026-12-01 or 2026-12-01T06:00:00Z; got ${JSON.stringify(written)}`,
      );
    },
  );
});

describe("--merge-base: a three-way comparison", () => {
  // At the merge base production had code version 1 everywhere. Since then production changed
  // raw/orders' code version (drift); the branch changed marts/orders' tags (its own change) and
  // raw/orders' description, which production also changed, differently (a conflict).
  const mergeBase = files.write("merge-base.json", workspace(production()));
  const base = files.write(
    "base.json",
    workspace(production({ raw: { codeVersion: "2", description: "prod" } })),
  );
  const branch = files.write(
    "branch.json",
    workspace(
      production({
        raw: { description: "branch" },
        marts: { tags: { team: "data", tier: "gold" } },
      }),
    ),
  );

  test("labels each change as the branch's, base drift or a conflict", async () => {
    const changes = await json([base, branch, "--merge-base", mergeBase]);
    const origins = Object.fromEntries(
      changes.assets.map((a) => [a.key, a.origins?.map((o) => `${o.changeType}:${o.origin}`)]),
    );
    expect(origins).toEqual({
      "marts/orders": ["TAGS:branch"],
      "raw/orders": ["CODE_VERSION:drift", "DESCRIPTION:conflict"],
    });
    expect(changes.summary.origins).toEqual({ branch: 1, drift: 0, conflict: 1 });
    expect(changes.mergeBase?.assets).toBe(2);
  });

  test("--fail-on conflict fails the conflict; a change base drift made fails no rule", async () => {
    const conflict = await run([
      "diff",
      base,
      branch,
      "--merge-base",
      mergeBase,
      "--fail-on",
      "conflict",
    ]);
    expect(conflict.code).toBe(1);
    expect(conflict.stderr).toContain("raw/orders");
    // Only drift: production changed the code version, the branch nothing.
    const driftOnly = files.write("branch-drift.json", workspace(production()));
    const drift = await run([
      "diff",
      base,
      driftOnly,
      "--merge-base",
      mergeBase,
      "--fail-on",
      "CODE_VERSION,DESCRIPTION,safe,conflict",
    ]);
    expect(drift.stderr).toBe("");
    expect(drift.code).toBe(0);
    // Without the merge base the same comparison fails: it cannot tell drift from the branch.
    const twoWay = await run(["diff", base, driftOnly, "--fail-on", "CODE_VERSION"]);
    expect(twoWay.code).toBe(1);
  });

  test("the text report lists the conflict first and folds the drift", async () => {
    const driftAndBranch = files.write(
      "branch-mixed.json",
      workspace(production({ marts: { tags: { team: "data", tier: "gold" } } })),
    );
    const { code, stdout } = await run(["diff", base, driftAndBranch, "--merge-base", mergeBase]);
    expect(code).toBe(0);
    const drift = stdout.indexOf("Base drift");
    expect(drift).toBeGreaterThan(stdout.indexOf("marts/orders"));
    expect(stdout.slice(drift)).toContain("raw/orders");
  });

  test("--fail-on conflict without --merge-base is a usage error", async () => {
    const { code, stderr } = await run(["diff", base, branch, "--fail-on", "conflict"]);
    expect(code).toBe(2);
    expect(firstLine(stderr)).toBe(
      "asset-diff: --fail-on conflict needs --merge-base (conflicts come from a three-way comparison)",
    );
  });

  test("only one input can be standard input", async () => {
    const { code, stderr } = await run(["diff", "-", branch, "--merge-base", "-"], { stdin: "{}" });
    expect(code).toBe(2);
    expect(firstLine(stderr)).toBe(
      "asset-diff: only one of <base>, <branch> and --merge-base can be - (stdin)",
    );
  });

  test("a merge base that cannot be read names itself", async () => {
    const { code, stderr } = await run([
      "diff",
      base,
      branch,
      "--merge-base",
      `${files.dir}/nope.json`,
    ]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^asset-diff: .*nope\.json.*\n$/);
  });

  test("--output cannot be the merge base", async () => {
    const { code, stderr } = await run([
      "diff",
      base,
      branch,
      "--merge-base",
      mergeBase,
      "-o",
      mergeBase,
    ]);
    expect(code).toBe(2);
    expect(stderr).toContain("--merge-base input");
  });

  test("a merge base with an asset production has since removed", async () => {
    const old = files.write(
      "merge-base-more.json",
      workspace([...production(), node("raw/legacy", { line: 3 })]),
    );
    const withLegacy = files.write(
      "branch-legacy.json",
      workspace([...production(), node("raw/legacy", { line: 3 })]),
    );
    const changes = await json([
      files.write("base-now.json", workspace(production())),
      withLegacy,
      "--merge-base",
      old,
    ]);
    // The branch still has it because it branched off before production removed it: drift.
    expect(changes.assets.map((a) => [a.key, a.changeTypes, a.origin])).toEqual([
      ["raw/legacy", ["NEW"], "drift"],
    ]);
  });
});
