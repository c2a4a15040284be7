import { describe, expect, test } from "vitest";
import type { ChangeSet } from "../../src/diff/change-set";
import { changeSetSchema } from "../../src/diff/change-set-schema";
import { diffAssetGraphs } from "../../src/diff/diff";
import { isUsageError, ValidationError } from "../../src/errors";
import type { Asset, AssetGraph } from "../../src/model/asset";
import {
  type ApprovalsFile,
  approvalRules,
  approveChanges,
  parseApprovals,
  serializeApprovals,
} from "../../src/policies/approvals";
import { applyPolicies, createPolicyContext, type Policy } from "../../src/policies/policy";
import { severityRules } from "../../src/policies/severity";
import { asset, dep, graph } from "../helpers/builders";

/** Diffs two graphs, then runs severity and, when given, approvals. */
function review(base: AssetGraph, branch: AssetGraph, approvals?: ApprovalsFile): ChangeSet {
  const policies: Policy[] = [severityRules()];
  if (approvals !== undefined) policies.push(approvalRules(approvals));
  return applyPolicies(
    diffAssetGraphs(base, branch),
    policies,
    createPolicyContext({ base, branch }),
  );
}

function verdict(changeSet: ChangeSet, key: string, changeType: string) {
  const found = changeSet.assets
    .find((a) => a.key === key)
    ?.reasons?.find((r) => r.changeType === changeType);
  if (found === undefined) throw new Error(`no ${changeType} verdict for ${key}`);
  return found;
}

/** The graphs of one pull request, built afresh on every call; `codeVersion` is the branch's. */
function pullRequest(codeVersion = "2", config: Record<string, unknown> = { b: 1, a: 2 }) {
  const orders = (fields: Partial<Asset>) =>
    asset("marts/orders", {
      metadata: [{ key: "config", value: { type: "json", value: config as never } }],
      ...fields,
    });
  return {
    base: graph(asset("raw"), orders({ codeVersion: "1" }), asset("gone")),
    branch: graph(
      asset("raw"),
      orders({ codeVersion, dependencies: [dep("raw")], tags: [{ key: "team", value: "x" }] }),
      asset("fresh"),
    ),
  };
}

/** An approvals file approving the given changes of a change set. */
function approving(changeSet: ChangeSet, keys: [string, string][]): ApprovalsFile {
  return {
    formatVersion: 1,
    approvals: keys.map(([key, changeType]) => {
      const v = verdict(changeSet, key, changeType);
      const change = changeSet.assets.find((a) => a.key === key);
      return {
        id: v.id,
        key,
        codeLocation: change?.codeLocation ?? null,
        repository: change?.repository ?? null,
        changeType: v.changeType,
        by: "ana@example.com",
        reason: "checked",
      };
    }),
  };
}

describe("approvalRules", () => {
  test("marks the approved verdicts, counts them, and lists no stale approval", () => {
    const { base, branch } = pullRequest();
    const approvals = approving(review(base, branch), [["marts/orders", "CODE_VERSION"]]);
    const reviewed = review(base, branch, approvals);
    expect(verdict(reviewed, "marts/orders", "CODE_VERSION").approved).toEqual({
      by: "ana@example.com",
      reason: "checked",
    });
    expect(verdict(reviewed, "marts/orders", "DEPENDENCIES")).not.toHaveProperty("approved");
    expect(reviewed.summary.approved).toBe(1);
    expect(reviewed.staleApprovals).toEqual([]);
    expect(changeSetSchema.safeParse(reviewed).success).toBe(true);
  });

  test("the same change from independently built inputs is still approved", () => {
    const first = pullRequest();
    const approvals = approving(review(first.base, first.branch), [
      ["marts/orders", "CODE_VERSION"],
      ["marts/orders", "TAGS"],
      ["fresh", "NEW"],
    ]);
    // Another run: graphs rebuilt, JSON keys in another order, the file read back from text.
    const second = pullRequest("2", { a: 2, b: 1 });
    const reread = parseApprovals(JSON.parse(serializeApprovals(approvals)));
    const reviewed = review(second.base, second.branch, reread);
    expect(reviewed.summary.approved).toBe(3);
    expect(reviewed.staleApprovals).toEqual([]);
  });

  test("a change whose values changed is not approved, and its approval is stale with both ids", () => {
    const first = pullRequest("2");
    const approvals = approving(review(first.base, first.branch), [
      ["marts/orders", "CODE_VERSION"],
      ["marts/orders", "TAGS"],
    ]);
    const next = pullRequest("3");
    const reviewed = review(next.base, next.branch, approvals);
    const now = verdict(reviewed, "marts/orders", "CODE_VERSION");
    expect(now).not.toHaveProperty("approved");
    expect(verdict(reviewed, "marts/orders", "TAGS").approved).toBeDefined();
    expect(reviewed.staleApprovals).toEqual([
      {
        id: approvals.approvals[0]?.id,
        currentId: now.id,
        key: "marts/orders",
        codeLocation: "loc",
        repository: "__repository__",
        changeType: "CODE_VERSION",
        by: "ana@example.com",
        reason: "checked",
      },
    ]);
    expect(now.id).not.toBe(approvals.approvals[0]?.id);
    expect(reviewed.summary.approved).toBe(1);
  });

  test("an approval renewed for the new values supersedes the old one: approved, not stale", () => {
    const first = pullRequest("2");
    const old = approving(review(first.base, first.branch), [["marts/orders", "CODE_VERSION"]]);
    const next = pullRequest("3");
    const renewed = approveChanges(review(next.base, next.branch, old), { by: "bo" }, old);
    const reviewed = review(next.base, next.branch, renewed);
    expect(verdict(reviewed, "marts/orders", "CODE_VERSION").approved).toEqual({
      by: "bo",
      reason: null,
    });
    expect(reviewed.staleApprovals).toEqual([]);
  });

  test("approvals of changes that no longer exist are neither applied nor stale", () => {
    const { base, branch } = pullRequest();
    const approvals = approving(review(base, branch), [
      ["gone", "REMOVED"],
      ["marts/orders", "DEPENDENCIES"],
    ]);
    // The branch puts `gone` back and drops the new dependency.
    const reverted = graph(
      ...branch.assets.map((a) => (a.key[0] === "marts" ? { ...a, dependencies: [] } : a)),
      asset("gone"),
    );
    const reviewed = review(base, reverted, approvals);
    expect(reviewed.summary.approved).toBe(0);
    expect(reviewed.staleApprovals).toEqual([]);
    expect(reviewed.assets.map((a) => a.key)).toEqual(["fresh", "marts/orders"]);
  });

  test("always sets staleApprovals, so the summary counts approved (zero here)", () => {
    const reviewed = review(graph(asset("a")), graph(asset("a")), {
      formatVersion: 1,
      approvals: [],
    });
    expect(reviewed.staleApprovals).toEqual([]);
    expect(reviewed.summary.approved).toBe(0);
  });

  test("needs the severity policy first", () => {
    const { base, branch } = pullRequest();
    const run = () =>
      applyPolicies(
        diffAssetGraphs(base, branch),
        [approvalRules({ formatVersion: 1, approvals: [] })],
        createPolicyContext({ base, branch }),
      );
    expect(run).toThrow(/approvals need the severity policy first/);
    try {
      run();
    } catch (error) {
      expect(isUsageError(error)).toBe(true);
    }
  });
});

describe("parseApprovals and serializeApprovals", () => {
  const entry = {
    id: "0123456789abcdef",
    key: "marts/orders",
    codeLocation: "loc",
    repository: "__repository__",
    changeType: "CODE_VERSION",
    by: "ana@example.com",
    reason: null,
    approvedAt: "2026-12-01T09:30:00.000Z",
  };

  test("accepts a valid file, with or without approvedAt", () => {
    const { approvedAt: _at, ...withoutDate } = entry;
    expect(parseApprovals({ formatVersion: 1, approvals: [entry, withoutDate] }).approvals).toEqual(
      [entry, withoutDate],
    );
  });

  test.each<[string, unknown, RegExp]>([
    [
      "an unknown change type",
      { formatVersion: 1, approvals: [{ ...entry, changeType: "BOGUS" }] },
      /approvals\.json: \$\.approvals\[0\]\.changeType: .*; got "BOGUS"/,
    ],
    [
      "an id that is not a change id",
      { formatVersion: 1, approvals: [{ ...entry, id: "nope" }] },
      /\$\.approvals\[0\]\.id: expected a change id .*; got "nope"/,
    ],
    [
      "a date that is not ISO",
      { formatVersion: 1, approvals: [{ ...entry, approvedAt: "yesterday" }] },
      /\$\.approvals\[0\]\.approvedAt: .*; got "yesterday"/,
    ],
    [
      "an unknown member (a typo)",
      { formatVersion: 1, approvals: [{ ...entry, reasn: "x" }] },
      /\$\.approvals\[0\]: .*reasn/,
    ],
    ["another format version", { formatVersion: 2, approvals: [] }, /\$\.formatVersion: .*; got 2/],
  ])("rejects %s, naming the path and the value", (_what, json, message) => {
    expect(() => parseApprovals(json, { source: "approvals.json" })).toThrow(ValidationError);
    expect(() => parseApprovals(json, { source: "approvals.json" })).toThrow(message);
  });

  test("serializes stably: sorted, 2-space JSON, trailing newline, and parses back", () => {
    const file = parseApprovals({
      formatVersion: 1,
      approvals: [
        { ...entry, key: "b", id: "ffffffffffffffff" },
        { ...entry, key: "a", changeType: "TAGS" },
        { ...entry, key: "a", codeLocation: null, id: "1111111111111111" },
        { ...entry, reason: "r", key: "a", id: "2222222222222222" },
        { ...entry, key: "a", id: "0000000000000000" },
      ],
    });
    const text = serializeApprovals(file);
    expect(text.endsWith("}\n")).toBe(true);
    expect(text).toContain('\n  "approvals": [\n    {\n      "id": ');
    const parsed = parseApprovals(JSON.parse(text));
    expect(parsed.approvals.map((a) => [a.key, a.codeLocation, a.changeType, a.id])).toEqual([
      ["a", null, "CODE_VERSION", "1111111111111111"],
      ["a", "loc", "CODE_VERSION", "0000000000000000"],
      ["a", "loc", "CODE_VERSION", "2222222222222222"],
      ["a", "loc", "TAGS", "0123456789abcdef"],
      ["b", "loc", "CODE_VERSION", "ffffffffffffffff"],
    ]);
    expect(Object.keys(JSON.parse(text).approvals[2])).toEqual(Object.keys(entry));
    expect(serializeApprovals(parsed)).toBe(text);
  });
});

describe("approveChanges", () => {
  const now = new Date("2026-12-01T09:30:00.000Z");

  test("adds one entry per current verdict, with who, why and when", () => {
    const { base, branch } = pullRequest();
    const reviewed = review(base, branch);
    const file = approveChanges(reviewed, { by: "ana", reason: "ok", now });
    const verdicts = reviewed.assets.flatMap((a) => a.reasons ?? []);
    expect(file.approvals.map((a) => a.id).sort()).toEqual(verdicts.map((v) => v.id).sort());
    expect(file.approvals.find((a) => a.key === "fresh")).toEqual({
      id: verdict(reviewed, "fresh", "NEW").id,
      key: "fresh",
      codeLocation: "loc",
      repository: "__repository__",
      changeType: "NEW",
      by: "ana",
      reason: "ok",
      approvedAt: "2026-12-01T09:30:00.000Z",
    });
    expect(() => parseApprovals(JSON.parse(serializeApprovals(file)))).not.toThrow();
  });

  test("keeps every existing entry as it was and adds new ones once", () => {
    const { base, branch } = pullRequest();
    const reviewed = review(base, branch);
    const vanished = {
      id: "abcdefabcdefabcd",
      key: "long/gone",
      codeLocation: null,
      repository: null,
      changeType: "REMOVED" as const,
      by: "someone",
      reason: "kept forever",
    };
    const existing: ApprovalsFile = {
      formatVersion: 1,
      approvals: [...approving(reviewed, [["fresh", "NEW"]]).approvals, vanished],
    };
    const file = approveChanges(reviewed, { by: "bo", now }, existing);
    expect(file.approvals).toContainEqual(vanished);
    expect(file.approvals.find((a) => a.key === "fresh")).toEqual(existing.approvals[0]);
    const ids = file.approvals.map((a) => a.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(approveChanges(reviewed, { by: "cy", now }, file)).toEqual(file);
  });

  test("approves only the selected changes", () => {
    const { base, branch } = pullRequest();
    const file = approveChanges(review(base, branch), { select: (c) => c.key === "fresh", now });
    expect(file.approvals.map((a) => [a.key, a.changeType, a.by, a.reason])).toEqual([
      ["fresh", "NEW", null, null],
    ]);
  });

  test("approving, then running again, leaves every verdict approved and nothing stale", () => {
    const first = pullRequest();
    const file = approveChanges(review(first.base, first.branch), { by: "ana", now });
    const again = pullRequest();
    const reviewed = review(
      again.base,
      again.branch,
      parseApprovals(JSON.parse(serializeApprovals(file))),
    );
    const verdicts = reviewed.assets.flatMap((a) => a.reasons ?? []);
    expect(verdicts.length).toBeGreaterThan(3);
    expect(verdicts.every((v) => v.approved?.by === "ana")).toBe(true);
    expect(reviewed.summary.approved).toBe(verdicts.length);
    expect(reviewed.staleApprovals).toEqual([]);
  });

  test("needs the severity policy first", () => {
    const { base, branch } = pullRequest();
    expect(() => approveChanges(diffAssetGraphs(base, branch))).toThrow(
      /needs the severity policy first/,
    );
  });
});
