import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv from "ajv-draft-04";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import type { ChangeSet } from "../../src/diff/change-set";
import { CHANGE_TYPES } from "../../src/diff/change-types";
import { diffAssetGraphs } from "../../src/diff/diff";
import type { Severity } from "../../src/diff/verdicts";
import { loadAssetGraph } from "../../src/load/index";
import type { ApprovalsFile } from "../../src/policies/approvals";
import { changeId } from "../../src/policies/fingerprint";
import { reviewChanges } from "../../src/policies/review";
import {
  renderSarif,
  SARIF_FALLBACK_PATH,
  SARIF_FINGERPRINT_KEY,
  SARIF_LEVELS,
} from "../../src/report/sarif";
import { isControl } from "../../src/text";
import { arbGraph } from "../helpers/arbitraries";
import { asset, graph } from "../helpers/builders";
import { EXAMPLE_AS_OF } from "../helpers/example";
import {
  AWKWARD_KEYS,
  change,
  changeSetOf,
  columnChange,
  findingsChangeSet,
  impactedAsset,
  notLoadedInBranch,
  rated,
  reviewedSetOf,
  threeWaySetOf,
  verdict,
} from "./change-set-builders";
import { reviewedChangeSet } from "./reviewed-change-set";

const base = await loadAssetGraph("fixtures/example/base.json");
const branch = await loadAssetGraph("fixtures/example/branch.json");
const reviewed = reviewChanges(
  diffAssetGraphs(base, branch),
  { base, branch },
  { asOf: EXAMPLE_AS_OF },
);

/**
 * The official OASIS schema, beside the repository (`../shared/reference/sarif/` from its root),
 * when present: a fresh clone runs the structural checks of {@link logOf} only.
 */
const SCHEMA_PATH = join(
  import.meta.dirname,
  "..",
  "..",
  "..",
  "shared",
  "reference",
  "sarif",
  "sarif-schema-2.1.0.json",
);

/** The parts of a SARIF log the tests read. */
interface Log {
  $schema: string;
  version: string;
  runs: {
    tool: { driver: { name: string; version: string; rules: Rule[] } };
    invocations?: {
      executionSuccessful: boolean;
      toolExecutionNotifications: { level: string; message: { text: string } }[];
    }[];
    results: Result[];
    properties: Record<string, unknown>;
  }[];
}
interface Rule {
  id: string;
  name: string;
  shortDescription: { text: string };
  defaultConfiguration: { level: string };
}
interface Result {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations: {
    physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } };
    logicalLocations: { name: string; fullyQualifiedName: string; kind: string }[];
  }[];
  partialFingerprints: Record<string, string>;
  suppressions?: { kind: string; status: string; justification: string }[];
  properties: Record<string, unknown>;
}

/**
 * The log parsed, after the structural checks that need no schema file: what GitHub code scanning
 * needs of every result (a rule, a level, a file of the repository and a line, a fingerprint).
 */
function logOf(text: string): Log {
  expect(text.endsWith("}\n")).toBe(true);
  const log = JSON.parse(text) as Log;
  expect(log.$schema).toBe("https://json.schemastore.org/sarif-2.1.0.json");
  expect(log.version).toBe("2.1.0");
  expect(log.runs).toHaveLength(1);
  const [run] = log.runs as [Log["runs"][number]];
  expect(run.tool.driver.name).toBe("asset-diff");
  const ids = run.tool.driver.rules.map((r) => r.id);
  expect(new Set(ids).size).toBe(ids.length);
  for (const result of run.results) {
    expect(ids[result.ruleIndex]).toBe(result.ruleId);
    expect(SARIF_LEVELS).toContain(result.level);
    expect(result.message.text.length).toBeGreaterThan(0);
    expect(result.locations).toHaveLength(1);
    const { uri } = result.locations[0]?.physicalLocation.artifactLocation ?? { uri: "" };
    expect(isRelativeUriReference(uri), uri).toBe(true);
    expect(result.locations[0]?.physicalLocation.region.startLine).toBeGreaterThanOrEqual(1);
    expect(result.locations[0]?.logicalLocations[0]?.name.length).toBeGreaterThan(0);
    expect(result.partialFingerprints[SARIF_FINGERPRINT_KEY]).toMatch(/\S/);
  }
  return log;
}

/** A relative URI reference without a scheme, a leading `/` or a character URIs cannot hold. */
function isRelativeUriReference(uri: string): boolean {
  return (
    uri.length > 0 &&
    !uri.startsWith("/") &&
    !/^[a-z][a-z0-9+.-]*:/i.test(uri) &&
    /^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-F]{2})*$/.test(uri)
  );
}

/** True when a line carries a control character or a lone surrogate raw, not as an escape. */
function hasRawControl(line: string): boolean {
  for (const ch of line) {
    const code = ch.codePointAt(0) as number;
    if (isControl(code) || (code >= 0xd800 && code <= 0xdfff)) return true;
  }
  return false;
}

const resultsOf = (text: string) => logOf(text).runs[0]?.results ?? [];

const refs = (...codeReferences: unknown[]) => [
  {
    key: "dagster/code_references",
    value: { type: "codeReferences" as const, codeReferences: codeReferences as never },
  },
];

/** The builders' ids are per change type only: made unique per asset, as real ids are. */
function withUniqueIds(set: ChangeSet): ChangeSet {
  return {
    ...set,
    assets: set.assets.map((a) => ({
      ...a,
      ...(a.reasons
        ? { reasons: a.reasons.map((r) => ({ ...r, id: `${a.key}:${r.changeType}` })) }
        : {}),
    })),
  };
}

/** Change sets whose keys and values hold what breaks naive output. */
function hostileChangeSets(): [string, ChangeSet][] {
  const controls =
    "nul\u0000 bell\u0007 esc\u001b[31m del\u007f csi\u009b rlo\u202e ls\u2028 lone\ud800 end";
  const keys = [...AWKWARD_KEYS, controls, "]]>", "\ufffe\uffff", "emoji 🚀\u{1f600}"];
  const long = "v".repeat(100_000);
  return [
    [
      "awkward keys, raw",
      changeSetOf(
        keys.map((key) =>
          change(
            key,
            ["CODE_VERSION", "TAGS"],
            {},
            {
              codeVersion: { old: controls, new: long },
              tags: {
                addedKeys: [controls],
                changedKeys: [],
                removedKeys: [],
                values: [{ key: controls, old: null, new: long }],
              },
            },
          ),
        ),
      ),
    ],
    [
      "awkward keys, reviewed and approved",
      withUniqueIds(
        reviewedSetOf(
          keys.map((key) =>
            rated(
              key,
              [
                verdict("CODE_VERSION", "breaking", "CONFIGURED", {
                  message: controls,
                  approved: { by: controls, reason: long },
                }),
              ],
              { codeLocation: controls },
            ),
          ),
          { locations: [notLoadedInBranch(controls)] },
        ),
      ),
    ],
  ];
}

/** The goldens: a file of test/golden/ and how it is rendered. */
const GOLDENS: [name: string, file: string, render: () => string][] = [
  [
    "the bundled example, raw differ (no severities), at the assets' definitions",
    "example.sarif.json",
    () =>
      renderSarif(diffAssetGraphs(base, branch), {
        graphs: { base, branch },
        workspace: "/opt/dagster/app",
      }),
  ],
  [
    "the bundled example after the default policies, with Dagster links",
    "example.reviewed.sarif.json",
    () =>
      renderSarif(reviewed, {
        graphs: { base, branch },
        workspace: "/opt/dagster/app",
        links: {
          base: "https://acme.dagster.cloud/prod",
          branch: "https://acme.dagster.cloud/pr-42",
        },
      }),
  ],
  [
    "the findings change set (conflict, drift, moves, impact, a location not loaded)",
    "findings.sarif.json",
    () => {
      const findings = withUniqueIds(findingsChangeSet());
      return renderSarif({
        ...findings,
        locations: [...findings.locations, notLoadedInBranch("ingestion")],
      });
    },
  ],
];

describe("golden SARIF logs", () => {
  test.each(GOLDENS)("%s", async (_name, file, render) => {
    const text = render();
    logOf(text);
    await expect(text).toMatchFileSnapshot(`../golden/${file}`);
  });
});

describe.skipIf(!existsSync(SCHEMA_PATH))("the official SARIF 2.1.0 schema", () => {
  const ajv = new Ajv({ allErrors: true, strict: false });
  // ajv knows no formats of its own: these are the schema's three, checked as RFC 3986 and 3339 say.
  ajv.addFormat("uri", (s: string) => /^[a-z][a-z0-9+.-]*:[^\s]*$/i.test(s));
  ajv.addFormat("uri-reference", (s: string) => !/[\s<>"{}|\\^`]/.test(s));
  ajv.addFormat("date-time", (s: string) => !Number.isNaN(Date.parse(s)));
  const validate = ajv.compile(JSON.parse(readFileSync(SCHEMA_PATH, "utf8")));
  const valid = (text: string) => {
    const ok = validate(JSON.parse(text));
    expect(validate.errors ?? [], text.slice(0, 2000)).toEqual([]);
    return ok;
  };

  test.each(GOLDENS)("golden: %s", (_name, _file, render) => {
    expect(valid(render())).toBe(true);
  });

  test("the validator is in earnest: a wrong level or a missing message is rejected", () => {
    const log = JSON.parse(renderSarif(reviewed)) as Log;
    const [first] = log.runs[0]?.results ?? [];
    expect(first).toBeDefined();
    (first as { level: string }).level = "critical";
    expect(validate(log)).toBe(false);
    (first as { level: string }).level = "error";
    expect(validate(log)).toBe(true);
    delete (first as Partial<Result>).message;
    expect(validate(log)).toBe(false);
  });

  test("an empty change set, and a hand-built reviewed one", () => {
    expect(valid(renderSarif(diffAssetGraphs(base, base)))).toBe(true);
    expect(valid(renderSarif(withUniqueIds(reviewedChangeSet)))).toBe(true);
  });

  test.each(hostileChangeSets())("%s", (_name, set) => {
    expect(valid(renderSarif(set))).toBe(true);
  });

  test("random graphs, raw and reviewed, with code references", () => {
    fc.assert(
      fc.property(arbGraph, arbGraph, (a, b) => {
        const raw = diffAssetGraphs(a, b);
        const graphs = { base: a, branch: b };
        const rated = reviewChanges(raw, graphs);
        return (
          valid(renderSarif(raw, { graphs })) &&
          valid(renderSarif(rated, { graphs, links: { base: "http://b", branch: "http://c" } }))
        );
      }),
      { seed: 20261201, numRuns: 150 },
    );
  });
});

describe("the log", () => {
  test("an empty change set: one run, no rule, no result", () => {
    const log = logOf(renderSarif(diffAssetGraphs(base, base)));
    expect(log.runs[0]?.results).toEqual([]);
    expect(log.runs[0]?.tool.driver.rules).toEqual([]);
    expect(log.runs[0]?.invocations).toBeUndefined();
  });

  test("the tool is asset-diff at the package's version", () => {
    const { version } = JSON.parse(readFileSync("package.json", "utf8")) as { version: string };
    expect(logOf(renderSarif(reviewed)).runs[0]?.tool.driver.version).toBe(version);
  });

  test("one result per change of the branch; unchanged assets give none", () => {
    const all = diffAssetGraphs(base, branch, { includeUnchanged: true });
    expect(renderSarif(all)).toBe(renderSarif(diffAssetGraphs(base, branch)));
    const changes = reviewed.assets.flatMap((a) => [
      ...a.changeTypes,
      ...(a.extraChangeTypes ?? []),
    ]);
    expect(resultsOf(renderSarif(reviewed))).toHaveLength(changes.length);
  });

  test("deterministic: the same text for the same change set", () => {
    const again = reviewChanges(
      diffAssetGraphs(base, branch),
      { base, branch },
      { asOf: EXAMPLE_AS_OF },
    );
    expect(renderSarif(again, { graphs: { base, branch } })).toBe(
      renderSarif(reviewed, { graphs: { base, branch } }),
    );
  });

  test("changes rules suppressed are counted, not listed", () => {
    const log = logOf(renderSarif(reviewedChangeSet));
    expect(log.runs[0]?.properties).toEqual({
      suppressedByRules: reviewedChangeSet.suppressed.length,
    });
    expect(reviewedChangeSet.suppressed.length).toBeGreaterThan(0);
  });
});

describe("rules", () => {
  test("one per change type that occurs, in change-type order, ids asset-diff/TYPE", () => {
    const rules = logOf(renderSarif(reviewed)).runs[0]?.tool.driver.rules ?? [];
    const present = new Set(
      reviewed.assets.flatMap((a) => [...a.changeTypes, ...(a.extraChangeTypes ?? [])]),
    );
    expect(rules.map((r) => r.id)).toEqual(
      CHANGE_TYPES.filter((t) => present.has(t)).map((t) => `asset-diff/${t}`),
    );
    for (const rule of rules) {
      expect(rule.name).toMatch(/^[A-Z][A-Za-z]+$/);
      expect(rule.shortDescription.text.length).toBeGreaterThan(0);
      expect(rule.defaultConfiguration.level).toBe("warning");
    }
  });

  test("every change type has a rule, its id stable", () => {
    const set = changeSetOf(CHANGE_TYPES.map((t) => change(`a/${t}`, [t])));
    const rules = logOf(renderSarif(set)).runs[0]?.tool.driver.rules ?? [];
    expect(rules.map((r) => r.id)).toEqual([
      "asset-diff/NEW",
      "asset-diff/REMOVED",
      "asset-diff/CODE_VERSION",
      "asset-diff/DEPENDENCIES",
      "asset-diff/PARTITIONS_DEFINITION",
      "asset-diff/TAGS",
      "asset-diff/METADATA",
      "asset-diff/MOVED",
      "asset-diff/GROUP",
      "asset-diff/OWNERS",
      "asset-diff/DESCRIPTION",
      "asset-diff/KINDS",
      "asset-diff/AUTOMATION_CONDITION",
      "asset-diff/FRESHNESS_POLICY",
      "asset-diff/BACKFILL_POLICY",
      "asset-diff/EXECUTION_TYPE",
      "asset-diff/CHECKS",
    ]);
  });

  test("SARIF's levels, most severe first", () => {
    expect(SARIF_LEVELS).toEqual(["error", "warning", "note", "none"]);
  });
});

describe("level and suppression", () => {
  test.each<[Severity, boolean, string]>([
    ["breaking", false, "error"],
    ["risky", false, "warning"],
    ["safe", false, "note"],
    ["breaking", true, "error"],
    ["risky", true, "warning"],
    ["safe", true, "note"],
  ])("%s, approved %s: %s", (severity, approved, level) => {
    const set = reviewedSetOf([
      rated("a", [
        verdict("CODE_VERSION", severity, "CODE_VERSION_CHANGED", {
          ...(approved ? { approved: { by: "ana", reason: "planned" } } : {}),
        }),
      ]),
    ]);
    const [result] = resultsOf(renderSarif(set));
    expect(result?.level).toBe(level);
    if (approved) {
      expect(result?.suppressions).toEqual([
        {
          kind: "external",
          status: "accepted",
          justification: `${severity}: the code version changed (approved by ana: planned)`,
        },
      ]);
    } else {
      expect(result?.suppressions).toBeUndefined();
    }
  });

  test("without the severity policy every result is a warning", () => {
    const set = changeSetOf([change("gone", ["REMOVED"]), change("t", ["TAGS", "OWNERS"])]);
    expect(resultsOf(renderSarif(set)).map((r) => [r.ruleId, r.level])).toEqual([
      ["asset-diff/REMOVED", "warning"],
      ["asset-diff/TAGS", "warning"],
      ["asset-diff/OWNERS", "warning"],
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
    expect(resultsOf(renderSarif(set)).map((r) => [r.properties.assetKey, r.level])).toEqual([
      ["mixed", "error"],
      ["mixed", "note"],
      ["safe", "note"],
    ]);
  });

  test("an approved change of the real pipeline is suppressed, with the approvals' id", () => {
    const target = reviewed.assets.find((a) => a.key === "shared/currency_rates");
    const id = target?.reasons?.[0]?.id as string;
    const approvals: ApprovalsFile = {
      formatVersion: 1,
      approvals: [
        {
          id,
          key: "shared/currency_rates",
          codeLocation: "analytics",
          repository: target?.repository ?? null,
          changeType: "CODE_VERSION",
          by: "ana@example.com",
          reason: "rates now daily",
        },
      ],
    };
    const approved = reviewChanges(
      diffAssetGraphs(base, branch),
      { base, branch },
      { asOf: EXAMPLE_AS_OF, approvals },
    );
    const results = resultsOf(renderSarif(approved));
    const suppressed = results.filter((r) => r.suppressions !== undefined);
    expect(suppressed.map((r) => r.partialFingerprints[SARIF_FINGERPRINT_KEY])).toEqual([id]);
    expect(suppressed[0]?.suppressions?.[0]?.justification).toMatch(
      /approved by ana@example\.com: rates now daily\)$/,
    );
    expect(results).toHaveLength(resultsOf(renderSarif(reviewed)).length);
  });
});

describe("fingerprints", () => {
  const v1 = graph(asset("a", { codeVersion: "1" }), asset("b"));
  const v2 = graph(asset("a", { codeVersion: "2" }), asset("c"));

  test("the change ids approvals use: verdict ids once reviewed, changeId before", () => {
    const raw = diffAssetGraphs(v1, v2);
    const rated = reviewChanges(raw, { base: v1, branch: v2 });
    const fingerprints = (set: ChangeSet) =>
      resultsOf(renderSarif(set))
        .map((r) => `${r.ruleId} ${r.partialFingerprints[SARIF_FINGERPRINT_KEY]}`)
        .sort();
    const expected = raw.assets
      .flatMap((a) => a.changeTypes.map((t) => `asset-diff/${t} ${changeId(a, t)}`))
      .sort();
    expect(fingerprints(raw)).toEqual(expected);
    expect(fingerprints(rated)).toEqual(expected);
    const verdictIds = rated.assets.flatMap((a) => (a.reasons ?? []).map((v) => v.id)).sort();
    expect(
      resultsOf(renderSarif(rated))
        .map((r) => r.partialFingerprints[SARIF_FINGERPRINT_KEY])
        .sort(),
    ).toEqual(verdictIds);
  });

  test("unique across the example", () => {
    const ids = resultsOf(renderSarif(reviewed)).map(
      (r) => r.partialFingerprints[SARIF_FINGERPRINT_KEY],
    );
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe("locations", () => {
  const located = (metadata: ReturnType<typeof refs> | undefined, options = {}) => {
    const defined = asset("a", { codeVersion: "1", ...(metadata ? { metadata } : {}) });
    const next = asset("a", { codeVersion: "2", ...(metadata ? { metadata } : {}) });
    const graphs = { base: graph(defined), branch: graph(next) };
    const set = diffAssetGraphs(graphs.base, graphs.branch);
    return resultsOf(renderSarif(set, { graphs, workspace: "/github/workspace", ...options }))[0]
      ?.locations[0];
  };
  const physical = (uri: string, startLine: number) => ({
    artifactLocation: { uri },
    region: { startLine },
  });

  test.each([
    [
      "a relative local file, ./ dropped",
      refs({ type: "localFile", filePath: "./defs/a.py", lineNumber: 3, label: null }),
      physical("defs/a.py", 3),
    ],
    [
      "an absolute file under the workspace",
      refs({
        type: "localFile",
        filePath: "/github/workspace/defs/a.py",
        lineNumber: 9,
        label: null,
      }),
      physical("defs/a.py", 9),
    ],
    [
      "a file without a line: line 1",
      refs({ type: "localFile", filePath: "defs/a.py", lineNumber: null, label: null }),
      physical("defs/a.py", 1),
    ],
    [
      "a GitHub blob URL, its path decoded then encoded as a URI",
      refs({
        type: "url",
        url: "https://github.com/acme/app/blob/main/defs/b%20c%23.py#L4",
        label: null,
      }),
      physical("defs/b%20c%23.py", 4),
    ],
    [
      "a GitLab blob URL",
      refs({
        type: "url",
        url: "https://gitlab.example.com/data/app/-/blob/main/defs/a.py#L21",
        label: null,
      }),
      physical("defs/a.py", 21),
    ],
    [
      "a file outside the workspace: the fallback",
      refs({ type: "localFile", filePath: "/elsewhere/a.py", lineNumber: 1, label: null }),
      physical(SARIF_FALLBACK_PATH, 1),
    ],
    ["no code reference: the fallback", undefined, physical(SARIF_FALLBACK_PATH, 1)],
  ])("%s", (_name, metadata, expected) => {
    expect(located(metadata)?.physicalLocation).toEqual(expected);
  });

  test("a fallback path of one's own; an absolute one is not used", () => {
    expect(
      located(undefined, { fallbackPath: "./.github/workflows/ci.yml" })?.physicalLocation,
    ).toEqual(physical(".github/workflows/ci.yml", 1));
    expect(located(undefined, { fallbackPath: "/etc/passwd" })?.physicalLocation).toEqual(
      physical(SARIF_FALLBACK_PATH, 1),
    );
  });

  test("a file name with a lone surrogate is still a valid URI", () => {
    const metadata = refs({
      type: "localFile",
      filePath: "defs/\ud800.py",
      lineNumber: 2,
      label: null,
    });
    expect(located(metadata)?.physicalLocation).toEqual(physical("defs/%EF%BF%BD.py", 2));
  });

  test("the asset is the logical location, always", () => {
    expect(located(undefined)?.logicalLocations).toEqual([
      { name: "a", fullyQualifiedName: "a (loc)", kind: "resource" },
    ]);
  });
});

describe("message and properties", () => {
  test("the verdict, then the value-level details and findings, a line each", () => {
    const set = reviewedSetOf([
      rated("raw/orders", [verdict("METADATA", "breaking", "COLUMN_REMOVED")], {
        columns: [columnChange("customer_email", "removed", "varchar", null)],
      }),
    ]);
    const [result] = resultsOf(renderSarif(set));
    expect(result?.message.text.split("\n")).toEqual([
      "raw/orders (loc): METADATA: breaking: a column was removed from the table schema",
      "column customer_email removed (breaking)",
    ]);
  });

  test("value-level details of a code version change", () => {
    const [result] = resultsOf(
      renderSarif(
        diffAssetGraphs(
          graph(asset("a", { codeVersion: "1" })),
          graph(asset("a", { codeVersion: "2" })),
        ),
      ),
    );
    expect(result?.message.text).toBe('a (loc): CODE_VERSION\ncode version: "1" → "2"');
  });

  test("impacted downstream assets: named in the message, listed in the properties", () => {
    const set = reviewedSetOf(
      [rated("raw/orders", [verdict("REMOVED", "breaking", "REMOVED_WITH_DEPENDENTS")])],
      { impacted: [impactedAsset("marts/revenue", ["raw/orders"], "breaking-downstream")] },
    );
    const [result] = resultsOf(renderSarif(set));
    expect(result?.message.text).toContain(
      "impacts 1 downstream asset (1 breaking-downstream): marts/revenue (breaking-downstream, 1 hop)",
    );
    expect(result?.properties.impacted).toEqual(["marts/revenue"]);
  });

  test("with links: the asset's Dagster page, production's for a removed asset", () => {
    const set = changeSetOf([change("gone", ["REMOVED"]), change("a/b", ["TAGS"])]);
    const links = {
      base: "https://acme.dagster.cloud/prod",
      branch: "https://acme.dagster.cloud/pr-1",
    };
    expect(resultsOf(renderSarif(set, { links })).map((r) => r.properties.dagsterUrl)).toEqual([
      "https://acme.dagster.cloud/prod/assets/gone",
      "https://acme.dagster.cloud/pr-1/assets/a/b",
    ]);
    expect(resultsOf(renderSarif(set))[0]?.properties.dagsterUrl).toBeUndefined();
  });

  test("a conflict says so; base drift gives no result", () => {
    const set = threeWaySetOf([
      rated(
        "a",
        [
          verdict("CODE_VERSION", "risky", "CODE_VERSION_CHANGED"),
          verdict("OWNERS", "safe", "DESCRIPTIVE_CHANGE"),
        ],
        {
          origin: "conflict",
          origins: [
            { changeType: "CODE_VERSION", origin: "conflict" },
            { changeType: "OWNERS", origin: "drift" },
          ],
        },
      ),
      rated("b", [verdict("REMOVED", "breaking", "REMOVED_WITH_DEPENDENTS")], { origin: "drift" }),
    ]);
    expect(resultsOf(renderSarif(set)).map((r) => r.message.text)).toEqual([
      "a (loc): CODE_VERSION: risky: the code version changed (conflict: production changed it too since the merge base)",
    ]);
  });

  test("a branch code location that did not load: an error notification, the run not successful", () => {
    const set = changeSetOf([], { locations: [notLoadedInBranch("ingestion")] });
    const [invocation] = logOf(renderSarif(set)).runs[0]?.invocations ?? [];
    expect(invocation?.executionSuccessful).toBe(false);
    expect(invocation?.toolExecutionNotifications).toEqual([
      expect.objectContaining({
        level: "error",
        message: {
          text: "code location ingestion did not load in the branch: its assets were not compared (failed to load in the branch: boom)",
        },
      }),
    ]);
  });
});

describe("hostile keys and values", () => {
  test.each(hostileChangeSets())(
    "%s: valid JSON, no raw control character in the text",
    (_n, set) => {
      const text = renderSarif(set);
      const results = resultsOf(text);
      expect(results.length).toBeGreaterThan(0);
      // JSON.stringify escapes C0 controls and lone surrogates, so the JSON parses whatever the
      // input; the messages show every control as a visible escape, and long lines are cut.
      for (const r of results) {
        const lines = r.message.text.split("\n");
        expect(lines.some(hasRawControl)).toBe(false);
        expect(Math.max(...lines.map((l) => [...l].length))).toBeLessThanOrEqual(1000);
      }
      expect(text).toContain("\\\\u001b");
    },
  );

  test("the key stays exact in the properties and logical location", () => {
    const key = "a\u0001/b]]>&\"'<🚀";
    const [result] = resultsOf(renderSarif(changeSetOf([change(key, ["TAGS"])])));
    expect(result?.properties.assetKey).toBe(key);
    expect(result?.locations[0]?.logicalLocations[0]?.name).toBe(key);
    expect(result?.message.text).toBe("a\\u0001/b]]>&\"'<🚀 (loc): TAGS");
  });
});

describe("docs/ci-formats.md's tables are the renderer's", () => {
  const doc = readFileSync("docs/ci-formats.md", "utf8");
  /** The body rows of the table whose header starts with `header`, as cells without backticks. */
  const rows = (header: string) =>
    doc
      .slice(doc.indexOf(`| ${header} `))
      .split("\n")
      .filter((l, i, all) => l.startsWith("|") && all.slice(0, i).every((p) => p.startsWith("|")))
      .slice(2)
      .map((l) =>
        l
          .split("|")
          .slice(1, -1)
          .map((c) => c.trim().replace(/`/g, "")),
      );

  test("the rules: every change type's id and name", () => {
    const set = changeSetOf(CHANGE_TYPES.map((t) => change(`a/${t}`, [t])));
    const rules = logOf(renderSarif(set)).runs[0]?.tool.driver.rules ?? [];
    expect(rows("ruleId")).toEqual(rules.map((r) => [r.id, r.name]));
  });

  test("the levels", () => {
    const level = (severity: Severity, approved: boolean) =>
      resultsOf(
        renderSarif(
          reviewedSetOf([
            rated("a", [
              verdict("CODE_VERSION", severity, "CODE_VERSION_CHANGED", {
                ...(approved ? { approved: { by: null, reason: null } } : {}),
              }),
            ]),
          ]),
        ),
      )[0];
    const documented = Object.fromEntries(rows("change").map((r) => [r[0], [r[1], r[2]]]));
    for (const severity of ["breaking", "risky", "safe"] as const) {
      expect(documented[severity]).toEqual([level(severity, false)?.level, "no"]);
      expect(level(severity, true)?.level).toBe(level(severity, false)?.level);
      expect(level(severity, true)?.suppressions).toHaveLength(1);
    }
    expect(documented["approved (any severity)"]).toEqual(["unchanged", "yes"]);
    const unrated = resultsOf(renderSarif(changeSetOf([change("a", ["TAGS"])])))[0];
    expect(documented["no severity (the policy did not run)"]).toEqual([unrated?.level, "no"]);
    expect(Object.keys(documented)).toHaveLength(5);
  });
});
