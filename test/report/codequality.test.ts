import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import type { ChangeSet } from "../../src/diff/change-set";
import { diffAssetGraphs } from "../../src/diff/diff";
import type { Severity } from "../../src/diff/verdicts";
import { loadAssetGraph } from "../../src/load/index";
import { changeId } from "../../src/policies/fingerprint";
import { reviewChanges } from "../../src/policies/review";
import {
  CODE_QUALITY_FALLBACK_PATH,
  CODE_QUALITY_SEVERITIES,
  renderCodeQuality,
} from "../../src/report/codequality";
import { asset, graph } from "../helpers/builders";
import { EXAMPLE_AS_OF } from "../helpers/example";
import {
  change,
  changeSetOf,
  columnChange,
  findingsChangeSet,
  keyRange,
  partitionKeys,
  rated,
  reviewedSetOf,
  threeWaySetOf,
  verdict,
} from "./change-set-builders";
import { codeQualityReportSchema } from "./codequality-schema";
import { reviewedChangeSet } from "./reviewed-change-set";

const base = await loadAssetGraph("fixtures/example/base.json");
const branch = await loadAssetGraph("fixtures/example/branch.json");

/** The report parsed, after checking it against GitLab's documented format. */
function issuesOf(text: string) {
  expect(text.endsWith("]\n")).toBe(true);
  return codeQualityReportSchema.parse(JSON.parse(text));
}

const refs = (...codeReferences: unknown[]) => [
  {
    key: "dagster/code_references",
    value: { type: "codeReferences" as const, codeReferences: codeReferences as never },
  },
];

describe("golden Code Quality reports", () => {
  test("the bundled example, raw differ (no severities), at the assets' definitions", async () => {
    const text = renderCodeQuality(diffAssetGraphs(base, branch), {
      graphs: { base, branch },
      workspace: "/opt/dagster/app",
    });
    issuesOf(text);
    await expect(text).toMatchFileSnapshot("../golden/example.codequality.json");
  });

  test("the bundled example after the default policies (what the CLI writes)", async () => {
    const reviewed = reviewChanges(
      diffAssetGraphs(base, branch),
      { base, branch },
      { asOf: EXAMPLE_AS_OF },
    );
    const text = renderCodeQuality(reviewed, {
      graphs: { base, branch },
      workspace: "/opt/dagster/app",
    });
    issuesOf(text);
    await expect(text).toMatchFileSnapshot("../golden/example.reviewed.codequality.json");
  });

  test("a reviewed change set (severities, approvals) without graphs", async () => {
    const text = renderCodeQuality(reviewedChangeSet);
    issuesOf(text);
    await expect(text).toMatchFileSnapshot("../golden/reviewed.codequality.json");
  });
});

describe("GitLab's Code Quality format", () => {
  const reports: [string, ChangeSet][] = [
    ["raw", diffAssetGraphs(base, branch)],
    [
      "reviewed",
      reviewChanges(diffAssetGraphs(base, branch), { base, branch }, { asOf: EXAMPLE_AS_OF }),
    ],
    ["dagster", diffAssetGraphs(base, branch, { changeTypes: "dagster" })],
    ["hand-built reviewed", reviewedChangeSet],
  ];

  test.each(reports)("%s: valid, fingerprints unique, one issue per change", (_name, set) => {
    const issues = issuesOf(renderCodeQuality(set, { graphs: { base, branch } }));
    const fingerprints = issues.map((i) => i.fingerprint);
    expect(new Set(fingerprints).size).toBe(fingerprints.length);
    const changes = set.assets.flatMap((a) => [...a.changeTypes, ...(a.extraChangeTypes ?? [])]);
    expect(issues).toHaveLength(changes.length);
  });

  test("no change: an empty array", () => {
    expect(renderCodeQuality(diffAssetGraphs(base, base))).toBe("[]\n");
  });

  test("unchanged assets (--include-unchanged) give no issue", () => {
    const all = diffAssetGraphs(base, branch, { includeUnchanged: true });
    expect(renderCodeQuality(all)).toBe(renderCodeQuality(diffAssetGraphs(base, branch)));
  });

  test("its severities are GitLab's five, least severe first", () => {
    expect(CODE_QUALITY_SEVERITIES).toEqual(["info", "minor", "major", "critical", "blocker"]);
  });
});

describe("severity", () => {
  test.each<[string, Severity, boolean, string]>([
    ["breaking", "breaking", false, "critical"],
    ["risky", "risky", false, "minor"],
    ["safe", "safe", false, "info"],
    ["approved breaking", "breaking", true, "info"],
    ["approved risky", "risky", true, "info"],
  ])("%s → %s", (_name, severity, approved, expected) => {
    const set = reviewedSetOf([
      rated("a", [
        verdict("CODE_VERSION", severity, "CODE_VERSION_CHANGED", {
          ...(approved ? { approved: { by: "ana", reason: "planned" } } : {}),
        }),
      ]),
    ]);
    const [issue] = issuesOf(renderCodeQuality(set));
    expect(issue?.severity).toBe(expected);
    if (approved)
      expect(issue?.description).toBe(
        `a (loc): CODE_VERSION: ${severity}: the code version changed (approved by ana: planned)`,
      );
  });

  test("without the severity policy: REMOVED and PARTITIONS_DEFINITION minor, the rest info", () => {
    const set = changeSetOf([
      change("gone", ["REMOVED"]),
      change("parts", ["PARTITIONS_DEFINITION", "TAGS"]),
      change("fresh", ["NEW"]),
      change("owned", ["OWNERS"]),
    ]);
    const issues = issuesOf(renderCodeQuality(set));
    expect(issues.map((i) => [i.description, i.severity])).toEqual([
      ["gone (loc): REMOVED", "minor"],
      ["parts (loc): PARTITIONS_DEFINITION", "minor"],
      ["parts (loc): TAGS", "info"],
      ["fresh (loc): NEW", "info"],
      ["owned (loc): OWNERS", "info"],
    ]);
  });

  test("worst asset first, and within an asset its worst change first", () => {
    const set = reviewedSetOf([
      rated("safe", [verdict("TAGS", "safe", "DESCRIPTIVE_CHANGE", { id: "s-1" })]),
      rated("mixed", [
        verdict("TAGS", "safe", "DESCRIPTIVE_CHANGE"),
        verdict("METADATA", "breaking", "COLUMN_REMOVED", { id: "m-1" }),
      ]),
    ]);
    const issues = issuesOf(renderCodeQuality(set));
    expect(issues.map((i) => [i.check_name, i.severity])).toEqual([
      ["asset-diff/METADATA", "critical"],
      ["asset-diff/TAGS", "info"],
      ["asset-diff/TAGS", "info"],
    ]);
    expect(issues[0]?.description).toMatch(/^mixed \(loc\): METADATA: breaking: /);
  });
});

describe("fingerprint", () => {
  const v1 = graph(asset("a", { codeVersion: "1" }), asset("b"));
  const v2 = graph(asset("a", { codeVersion: "2" }), asset("c"));
  const v3 = graph(asset("a", { codeVersion: "3" }), asset("c"));

  test("the change's id: the same on every run, reviewed or not", () => {
    const raw = diffAssetGraphs(v1, v2);
    const reviewed = reviewChanges(raw, { base: v1, branch: v2 });
    const fingerprints = (set: ChangeSet) =>
      issuesOf(renderCodeQuality(set)).map((i) => [i.check_name, i.fingerprint]);
    expect(fingerprints(diffAssetGraphs(v1, v2))).toEqual(fingerprints(raw));
    const expected = raw.assets.flatMap((a) =>
      a.changeTypes.map((t) => [`asset-diff/${t}`, changeId(a, t)]),
    );
    expect(fingerprints(raw).sort()).toEqual(expected.sort());
    expect(fingerprints(reviewed).sort()).toEqual(expected.sort());
  });

  test("another value is another fingerprint; a new asset keeps its own", () => {
    const at = (set: ChangeSet, check: string) =>
      issuesOf(renderCodeQuality(set)).find((i) => i.check_name === check)?.fingerprint;
    expect(at(diffAssetGraphs(v1, v2), "asset-diff/CODE_VERSION")).not.toBe(
      at(diffAssetGraphs(v1, v3), "asset-diff/CODE_VERSION"),
    );
    expect(at(diffAssetGraphs(v1, v2), "asset-diff/NEW")).toBe(
      at(diffAssetGraphs(v1, v3), "asset-diff/NEW"),
    );
  });
});

describe("location", () => {
  const located = (metadata: ReturnType<typeof refs> | undefined, removed = false) => {
    const defined = asset("a", { codeVersion: "1", ...(metadata ? { metadata } : {}) });
    const next = asset("a", { codeVersion: "2", ...(metadata ? { metadata } : {}) });
    const graphs = removed
      ? { base: graph(defined, asset("kept")), branch: graph(asset("kept")) }
      : { base: graph(defined), branch: graph(next) };
    const set = diffAssetGraphs(graphs.base, graphs.branch);
    return issuesOf(
      renderCodeQuality(set, { graphs, workspace: "/builds/acme/app", fallbackPath: "ci.yml" }),
    )[0]?.location;
  };

  test.each([
    [
      "a relative local file, ./ dropped",
      refs({ type: "localFile", filePath: "./defs/a.py", lineNumber: 3, label: null }),
      { path: "defs/a.py", lines: { begin: 3 } },
    ],
    [
      "an absolute file under the workspace",
      refs({
        type: "localFile",
        filePath: "/builds/acme/app/defs/a.py",
        lineNumber: 9,
        label: null,
      }),
      { path: "defs/a.py", lines: { begin: 9 } },
    ],
    [
      "a file without a line: line 1",
      refs({ type: "localFile", filePath: "defs/a.py", lineNumber: null, label: null }),
      { path: "defs/a.py", lines: { begin: 1 } },
    ],
    [
      "a GitLab blob URL (nested groups, encoded path)",
      refs({
        type: "url",
        url: "https://gitlab.example.com/data/platform/app/-/blob/main/defs/b%20c.py#L21",
        label: null,
      }),
      { path: "defs/b c.py", lines: { begin: 21 } },
    ],
    [
      "a GitHub blob URL",
      refs({ type: "url", url: "https://github.com/acme/app/blob/main/defs/a.py#L4", label: null }),
      { path: "defs/a.py", lines: { begin: 4 } },
    ],
    [
      "the first usable reference",
      refs(
        { type: "localFile", filePath: "/elsewhere/a.py", lineNumber: 1, label: null },
        { type: "url", url: "https://example.com/a.py", label: null },
        { type: "localFile", filePath: "defs/a.py", lineNumber: 5, label: null },
      ),
      { path: "defs/a.py", lines: { begin: 5 } },
    ],
    [
      "a file outside the workspace: the fallback",
      refs({ type: "localFile", filePath: "/elsewhere/a.py", lineNumber: 1, label: null }),
      { path: "ci.yml", lines: { begin: 1 } },
    ],
    ["no code reference: the fallback", undefined, { path: "ci.yml", lines: { begin: 1 } }],
  ])("%s", (_name, metadata, expected) => {
    expect(located(metadata)).toEqual(expected);
  });

  test("a removed asset is placed where the base defined it", () => {
    const metadata = refs({ type: "localFile", filePath: "defs/a.py", lineNumber: 7, label: null });
    expect(located(metadata, true)).toEqual({ path: "defs/a.py", lines: { begin: 7 } });
  });

  test("without graphs, every issue is at the default fallback, line 1", () => {
    const issues = issuesOf(renderCodeQuality(reviewedChangeSet));
    expect(new Set(issues.map((i) => JSON.stringify(i.location)))).toEqual(
      new Set([JSON.stringify({ path: CODE_QUALITY_FALLBACK_PATH, lines: { begin: 1 } })]),
    );
  });
});

describe("docs/gitlab-ci.md's severity table is the renderer's", () => {
  const doc = readFileSync("docs/gitlab-ci.md", "utf8");
  const rows = doc
    .slice(doc.indexOf("| change "))
    .split("\n")
    .filter((l) => l.startsWith("|"))
    .slice(2)
    .map((l) => l.split("|").map((c) => c.trim().replace(/`/g, "")));
  const documented = (change: string) => rows.find((r) => r[1] === change)?.[2];

  test.each<Severity>(["breaking", "risky", "safe"])("%s, and approved", (severity) => {
    const issue = (approved: boolean) =>
      issuesOf(
        renderCodeQuality(
          reviewedSetOf([
            rated("a", [
              verdict("CODE_VERSION", severity, "CODE_VERSION_CHANGED", {
                ...(approved ? { approved: { by: null, reason: null } } : {}),
              }),
            ]),
          ]),
        ),
      )[0]?.severity;
    expect(issue(false)).toBe(documented(severity));
    expect(issue(true)).toBe(documented("approved (any severity)"));
  });

  test("without severities", () => {
    const [removed, partitions, tags] = issuesOf(
      renderCodeQuality(
        changeSetOf([change("a", ["REMOVED"]), change("b", ["PARTITIONS_DEFINITION", "TAGS"])]),
      ),
    );
    const unrated = documented("no severity: REMOVED, PARTITIONS_DEFINITION");
    expect([removed?.severity, partitions?.severity]).toEqual([unrated, unrated]);
    expect(tags?.severity).toBe(documented("no severity: any other change type"));
    expect(rows).toHaveLength(6);
  });
});

describe("findings in the description", () => {
  const descriptions = (set: ChangeSet) =>
    issuesOf(renderCodeQuality(set)).map((i) => [i.check_name, i.description]);

  test("a breaking column change names the columns", () => {
    const set = reviewedSetOf([
      rated("raw/orders", [verdict("METADATA", "breaking", "COLUMN_REMOVED")], {
        columns: [
          columnChange("customer_email", "removed", "varchar", null),
          columnChange("amount", "retyped", "number(38,2)", "float"),
        ],
      }),
    ]);
    expect(descriptions(set)).toEqual([
      [
        "asset-diff/METADATA",
        "raw/orders (loc): METADATA: breaking: a column was removed from the table schema — column customer_email removed (breaking); column amount retyped: number(38,2) → float (breaking)",
      ],
    ]);
  });

  test("partition keys are the verdict's to name: the listing's reference time stays out", () => {
    const set = reviewedSetOf([
      rated(
        "marts/by_region",
        [verdict("PARTITIONS_DEFINITION", "breaking", "PARTITION_KEYS_REMOVED")],
        {
          partitionKeys: partitionKeys(keyRange(["mx"]), keyRange(["latam", "apac"])),
        },
      ),
    ]);
    expect(descriptions(set)).toEqual([
      [
        "asset-diff/PARTITIONS_DEFINITION",
        "marts/by_region (loc): PARTITIONS_DEFINITION: breaking: partitions were removed from the partitions definition",
      ],
    ]);
  });

  test("a conflict says production changed it too; drift is not reported", () => {
    const set = threeWaySetOf([
      rated(
        "a",
        [
          verdict("CODE_VERSION", "risky", "CODE_VERSION_CHANGED"),
          verdict("OWNERS", "safe", "DESCRIPTIVE_CHANGE"),
          verdict("TAGS", "safe", "DESCRIPTIVE_CHANGE"),
        ],
        {
          origin: "conflict",
          origins: [
            { changeType: "CODE_VERSION", origin: "conflict" },
            { changeType: "TAGS", origin: "branch" },
            { changeType: "OWNERS", origin: "drift" },
          ],
        },
      ),
      rated("b", [verdict("REMOVED", "breaking", "REMOVED_WITH_DEPENDENTS")], { origin: "drift" }),
    ]);
    expect(descriptions(set)).toEqual([
      [
        "asset-diff/CODE_VERSION",
        "a (loc): CODE_VERSION: risky: the code version changed (conflict: production changed it too since the merge base)",
      ],
      [
        "asset-diff/TAGS",
        "a (loc): TAGS: safe: descriptive only (tags, metadata, description, owners, group, kinds)",
      ],
    ]);
  });

  test("at most five findings in a description, with how many more", () => {
    const set = changeSetOf([
      change("t", ["METADATA"], {
        columns: Array.from({ length: 8 }, (_, i) => columnChange(`c${i}`, "added")),
      }),
    ]);
    const [[, description]] = descriptions(set) as [[string, string]];
    expect(description).toBe(
      "t (loc): METADATA — column c0 added (safe); column c1 added (safe); column c2 added (safe); column c3 added (safe); column c4 added (safe); and 3 more",
    );
  });

  test("without the new fields, descriptions are as before", () => {
    expect(descriptions(changeSetOf([change("a", ["TAGS"])]))).toEqual([
      ["asset-diff/TAGS", "a (loc): TAGS"],
    ]);
  });

  test("the findings change set: valid, one issue per change of the branch, none for drift", () => {
    const set = findingsChangeSet();
    // The builders' ids are per change type only: made unique per asset, as real ids are.
    const unique = {
      ...set,
      assets: set.assets.map((a) => ({
        ...a,
        reasons: (a.reasons ?? []).map((r) => ({ ...r, id: `${a.key}:${r.changeType}` })),
      })),
    };
    const issues = issuesOf(renderCodeQuality(unique));
    expect(issues.some((i) => i.description.includes("dim_customers"))).toBe(false);
    const branchChanges = set.assets
      .flatMap((a) => a.origins ?? [])
      .filter((o) => o.origin !== "drift");
    expect(issues).toHaveLength(branchChanges.length);
  });
});
