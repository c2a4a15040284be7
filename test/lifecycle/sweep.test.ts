import { describe, expect, test } from "vitest";
import { UsageError } from "../../src/errors";
import {
  type KnownPullRequest,
  type LiveDeployment,
  type SweepInput,
  sweep,
} from "../../src/lifecycle/index";

const REPO = "acme/data";
const DAY = 24 * 3600_000;
const now = "2024-05-10T00:00:00Z";
const options = { now, retentionMs: 3 * DAY };
const sources = [{ dialect: "postgres", schema: "analytics" }] as const;

const deployment = (name: string, updatedAt: string | null = null): LiveDeployment => ({
  name,
  repo: REPO,
  branch: name,
  updatedAt,
});
const pr = (
  branch: string,
  number: number,
  status: KnownPullRequest["status"],
  closedAt: string | null = null,
): KnownPullRequest => ({ repo: REPO, branch, number, status, closedAt });

const input: SweepInput = {
  deployments: [
    { name: "prod", repo: REPO, branch: "main" },
    deployment("feature-open"),
    deployment("old-closed"),
    deployment("recent-merged"),
    deployment("old-merged"),
    deployment("gone", "2024-05-01T00:00:00Z"),
    deployment("gone-recent", "2024-05-09T00:00:00Z"),
    deployment("no-pr"),
    deployment("reopened"),
    { name: "mystery", repo: REPO, branch: null },
  ],
  schemas: [
    { dialect: "postgres", schema: "analytics" },
    { dialect: "postgres", schema: "analytics__feature_open" },
    { dialect: "postgres", schema: "analytics__old_closed" },
    { dialect: "postgres", schema: "analytics__orphan_closed" },
    { dialect: "postgres", schema: "analytics__orphan_open" },
    { dialect: "postgres", schema: "analytics__something" },
  ],
  pullRequests: [
    pr("feature-open", 1, "OPEN"),
    pr("old-closed", 2, "CLOSED", "2024-05-01T00:00:00Z"),
    pr("recent-merged", 3, "MERGED", "2024-05-09T00:00:00Z"),
    pr("old-merged", 4, "MERGED", "2024-05-02T00:00:00Z"),
    pr("reopened", 5, "CLOSED", "2024-05-01T00:00:00Z"),
    pr("reopened", 6, "OPEN"),
    pr("orphan-closed", 7, "CLOSED", "2024-05-01T00:00:00Z"),
    pr("orphan-open", 8, "OPEN"),
  ],
  branches: [
    "main",
    "feature-open",
    "old-closed",
    "recent-merged",
    "no-pr",
    "reopened",
    "orphan-open",
  ].map((branch) => ({ repo: REPO, branch })),
  sources,
};

describe("sweep", () => {
  test("plans the teardown of orphans older than the retention, and nothing else", () => {
    expect(sweep(input, options).actions).toEqual([
      {
        type: "drop_schemas",
        deployment: "old-closed",
        meta: {
          schemas: [{ dialect: "postgres", catalog: null, schema: "analytics__old_closed" }],
        },
      },
      { type: "delete_deployment", deployment: "old-closed", meta: { reason: "closed" } },
      { type: "delete_deployment", deployment: "old-merged", meta: { reason: "merged" } },
      { type: "delete_deployment", deployment: "gone", meta: { reason: "branch_deleted" } },
      {
        type: "drop_schemas",
        deployment: "orphan-closed",
        meta: {
          schemas: [{ dialect: "postgres", catalog: null, schema: "analytics__orphan_closed" }],
        },
      },
    ]);
  });

  test("says why it keeps or tears down each deployment and schema", () => {
    const verdicts = sweep(input, options).decisions.map(
      (d) => `${d.kind} ${d.name}: ${d.teardown ? "teardown" : "keep"} (${d.reason})`,
    );
    expect(verdicts).toEqual([
      "deployment prod: keep (protected)",
      "deployment feature-open: keep (open)",
      "schema analytics__feature_open: keep (open)",
      "deployment old-closed: teardown (closed)",
      "schema analytics__old_closed: teardown (closed)",
      "deployment recent-merged: keep (within_retention)",
      "deployment old-merged: teardown (merged)",
      "deployment gone: teardown (branch_deleted)",
      "deployment gone-recent: keep (within_retention)",
      "deployment no-pr: keep (no_pull_request)",
      "deployment reopened: keep (open)",
      "deployment mystery: keep (unknown_branch)",
      "schema analytics__orphan_closed: teardown (closed)",
      "schema analytics__orphan_open: keep (open)",
      "schema analytics: keep (production_schema)",
      "schema analytics__something: keep (unattributed)",
    ]);
    const recent = sweep(input, options).decisions.find((d) => d.name === "recent-merged");
    expect(recent?.message).toBe("#3 was merged; kept until 2024-05-12T00:00:00.000Z");
  });

  test("without the list of branches, a deployment without a pull request is kept", () => {
    const { branches: _, ...withoutBranches } = input;
    const plan = sweep(withoutBranches, options);
    expect(plan.actions.map((a) => a.deployment)).not.toContain("gone");
    expect(plan.decisions.find((d) => d.name === "gone")?.reason).toBe("no_pull_request");
  });

  test("retention 0 tears down everything closed; a longer one keeps it", () => {
    const deleted = (retentionMs: number) =>
      sweep(input, { now, retentionMs })
        .actions.filter((a) => a.type === "delete_deployment")
        .map((a) => a.deployment);
    expect(deleted(0)).toEqual([
      "old-closed",
      "recent-merged",
      "old-merged",
      "gone",
      "gone-recent",
    ]);
    expect(deleted(30 * DAY)).toEqual([]);
  });

  test("protected names are configurable and never deleted", () => {
    const plan = sweep(input, { ...options, protect: ["prod", "old-closed"] });
    expect(plan.actions.map((a) => a.deployment)).not.toContain("old-closed");
    expect(
      plan.decisions.filter((d) => d.name.includes("old_closed") || d.name === "old-closed"),
    ).toMatchObject([
      { kind: "deployment", teardown: false, reason: "protected" },
      { kind: "schema", name: "analytics__old_closed", teardown: false, reason: "protected" },
    ]);
  });

  test.each<[string, () => unknown]>([
    ["a bad time", () => sweep(input, { now: "later", retentionMs: DAY })],
    ["a negative retention", () => sweep(input, { now, retentionMs: -1 })],
    ["an infinite retention", () => sweep(input, { now, retentionMs: Number.POSITIVE_INFINITY })],
  ])("%s is a UsageError", (_name, run) => {
    expect(run).toThrow(UsageError);
  });
});
