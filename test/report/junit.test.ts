import fc from "fast-check";
import { describe, expect, test } from "vitest";
import type { ChangeSet } from "../../src/diff/change-set";
import { CHANGE_TYPES } from "../../src/diff/change-types";
import { diffAssetGraphs } from "../../src/diff/diff";
import { SEVERITIES } from "../../src/diff/verdicts";
import { loadAssetGraph } from "../../src/load/index";
import { assetsFailing, FAIL_ON_CONDITIONS, type FailOnRule } from "../../src/policies/fail-on";
import { reviewChanges } from "../../src/policies/review";
import { renderJunit } from "../../src/report/junit";
import { arbGraph } from "../helpers/arbitraries";
import { EXAMPLE_AS_OF } from "../helpers/example";
import {
  AWKWARD_KEYS,
  change,
  changeSetOf,
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

/** What this test reads of jsdom, which ships no types. */
interface JsdomModule {
  JSDOM: new () => {
    window: { DOMParser: new () => { parseFromString(text: string, type: string): Document } };
  };
}

// A non-literal specifier: jsdom ships no types (as in mermaid-parser.ts).
const jsdomName = "jsdom";
const { JSDOM } = (await import(jsdomName)) as JsdomModule;
const { DOMParser } = new JSDOM().window;

/** The report parsed by a real XML parser, which must report no error. */
function parse(xml: string): Document {
  expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
  expect(xml.endsWith("</testsuites>\n")).toBe(true);
  const doc = new DOMParser().parseFromString(xml, "application/xml");
  expect(doc.getElementsByTagName("parsererror"), xml.slice(0, 3000)).toHaveLength(0);
  expect(doc.documentElement.tagName).toBe("testsuites");
  return doc;
}

/** Each test case as `classname name: outcome`. */
function outcomes(doc: Document): string[] {
  return [...doc.getElementsByTagName("testcase")].map((c) => {
    const outcome =
      ["failure", "error", "skipped"].find((t) => c.getElementsByTagName(t).length > 0) ?? "passed";
    return `${c.getAttribute("classname")} ${c.getAttribute("name")}: ${outcome}`;
  });
}

/** Checks the count attributes of `testsuites` and every `testsuite` against their test cases. */
function expectCountsAgree(doc: Document): void {
  const count = (el: Element, tag: string) =>
    [...el.getElementsByTagName("testcase")].filter((c) => c.getElementsByTagName(tag).length > 0)
      .length;
  for (const el of [doc.documentElement, ...doc.getElementsByTagName("testsuite")]) {
    expect(el.getAttribute("tests")).toBe(String(el.getElementsByTagName("testcase").length));
    expect(el.getAttribute("failures")).toBe(String(count(el, "failure")));
    expect(el.getAttribute("errors")).toBe(String(count(el, "error")));
    expect(el.getAttribute("skipped")).toBe(String(count(el, "skipped")));
  }
}

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

/** The findings change set with a branch code location that did not load. */
function findingsWithFailedLocation(): ChangeSet {
  const findings = withUniqueIds(findingsChangeSet());
  return { ...findings, locations: [...findings.locations, notLoadedInBranch("ingestion")] };
}

describe("golden JUnit reports", () => {
  test.each<[string, string, () => string]>([
    [
      "the bundled example, raw differ, failing on REMOVED and PARTITIONS_DEFINITION",
      "example.junit.xml",
      () =>
        renderJunit(diffAssetGraphs(base, branch), {
          failOn: ["REMOVED", "PARTITIONS_DEFINITION"],
        }),
    ],
    [
      "the bundled example after the default policies, failing on breaking and impacted-breaking",
      "example.reviewed.junit.xml",
      () =>
        renderJunit(reviewed, {
          failOn: ["breaking", "impacted-breaking"],
          links: {
            base: "https://acme.dagster.cloud/prod",
            branch: "https://acme.dagster.cloud/pr-42",
          },
          context: {
            commit: "4f2c9e1",
            runUrl: "https://github.com/acme/data/actions/runs/42",
            generatedAt: "2026-12-01T00:00:00Z",
          },
        }),
    ],
    [
      "the findings change set, failing on risky and conflict, a location not loaded",
      "findings.junit.xml",
      () => renderJunit(findingsWithFailedLocation(), { failOn: ["risky", "conflict"] }),
    ],
  ])("%s", async (_name, file, render) => {
    const xml = render();
    expectCountsAgree(parse(xml));
    await expect(xml).toMatchFileSnapshot(`../golden/${file}`);
  });
});

describe("test cases", () => {
  test("one per listed asset, a suite per code location, sorted; unchanged assets pass", () => {
    const all = diffAssetGraphs(base, branch, { includeUnchanged: true });
    const doc = parse(renderJunit(all));
    expectCountsAgree(doc);
    expect(doc.getElementsByTagName("testcase")).toHaveLength(all.assets.length);
    expect([...doc.getElementsByTagName("testsuite")].map((s) => s.getAttribute("name"))).toEqual([
      "analytics",
      "ingestion",
    ]);
    expect(doc.documentElement.getAttribute("failures")).toBe("0");
  });

  test("an empty change set: a valid report of no test", () => {
    const xml = renderJunit(diffAssetGraphs(base, base), { failOn: ["breaking"] });
    const doc = parse(xml);
    expect(doc.documentElement.getAttribute("tests")).toBe("0");
    expect(xml).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="asset-diff" tests="0" failures="0" errors="0" skipped="0" time="0">\n</testsuites>\n',
    );
  });

  test("a passing asset lists its changes as system-out", () => {
    const set = reviewedSetOf([
      rated(
        "a",
        [verdict("CODE_VERSION", "risky", "CODE_VERSION_CHANGED")],
        {},
        {
          codeVersion: { old: "1", new: "2" },
        },
      ),
    ]);
    const doc = parse(renderJunit(set, { failOn: ["breaking"] }));
    expect(doc.getElementsByTagName("system-out")[0]?.textContent).toBe(
      'a (loc): modified (CODE_VERSION)\nCODE_VERSION: risky: the code version changed\n  code version: "1" → "2"',
    );
  });

  test("a failing asset: the rules it fails as type, its worst unapproved change in the message", () => {
    const set = reviewedSetOf([
      rated("a", [verdict("REMOVED", "breaking", "REMOVED_WITH_DEPENDENTS", { id: "r-1" })]),
    ]);
    const doc = parse(renderJunit(set, { failOn: ["REMOVED", "breaking", "TAGS"] }));
    const failure = doc.getElementsByTagName("failure")[0];
    expect(failure?.getAttribute("type")).toBe("REMOVED,breaking");
    expect(failure?.getAttribute("message")).toBe(
      "fails --fail-on REMOVED,breaking; worst unapproved change: REMOVED: breaking: removed while other assets depend on it",
    );
    expect(failure?.textContent).toContain(
      "REMOVED: breaking: removed while other assets depend on it",
    );
  });

  test("every change approved: skipped, and never failing", () => {
    const set = reviewedSetOf([
      rated("a", [
        verdict("REMOVED", "breaking", "REMOVED_WITH_DEPENDENTS", {
          approved: { by: "ana", reason: "retired" },
        }),
      ]),
      rated("b", [
        verdict("TAGS", "safe", "DESCRIPTIVE_CHANGE", { approved: { by: null, reason: null } }),
        verdict("CODE_VERSION", "risky", "CODE_VERSION_CHANGED"),
      ]),
    ]);
    const doc = parse(renderJunit(set, { failOn: ["breaking"] }));
    expect(outcomes(doc)).toEqual(["loc a: skipped", "loc b: passed"]);
    expect(doc.getElementsByTagName("skipped")[0]?.getAttribute("message")).toBe(
      "every change is approved",
    );
  });

  test("base drift only: skipped; a conflict fails on conflict", () => {
    const set = threeWaySetOf([
      rated("a", [verdict("CODE_VERSION", "risky", "CODE_VERSION_CHANGED")], {
        origin: "conflict",
        origins: [{ changeType: "CODE_VERSION", origin: "conflict" }],
      }),
      rated("b", [verdict("REMOVED", "breaking", "REMOVED_WITH_DEPENDENTS")], {
        origin: "drift",
        origins: [{ changeType: "REMOVED", origin: "drift" }],
      }),
    ]);
    const doc = parse(renderJunit(withUniqueIds(set), { failOn: ["breaking", "conflict"] }));
    expect(outcomes(doc)).toEqual(["loc a: failure", "loc b: skipped"]);
  });

  test("assets without a code location: their own suite", () => {
    const doc = parse(renderJunit(changeSetOf([change("a", ["TAGS"], { codeLocation: null })])));
    expect(outcomes(doc)).toEqual(["(no code location) a: passed"]);
  });
});

describe("failures are exactly where --fail-on fails", () => {
  const sets: [string, ChangeSet][] = [
    ["raw example", diffAssetGraphs(base, branch)],
    ["reviewed example", reviewed],
    ["hand-built reviewed", reviewedChangeSet],
    ["findings", withUniqueIds(findingsChangeSet())],
  ];
  const policies: FailOnRule[][] = [
    [],
    ["breaking"],
    ["risky"],
    ["safe"],
    ["REMOVED"],
    ["NEW", "PARTITIONS_DEFINITION"],
    ["impacted-breaking"],
    ["conflict"],
    ["breaking", "conflict", "OWNERS"],
  ];
  const cases = sets.flatMap(([name, set]) =>
    policies.map((failOn) => [name, failOn.join(",") || "(none)", set, failOn] as const),
  );

  test.each(cases)("%s, --fail-on %s", (_name, _rules, set, failOn) => {
    const doc = parse(renderJunit(set, { failOn }));
    expectCountsAgree(doc);
    const failed = [...doc.getElementsByTagName("testcase")]
      .filter((c) => c.getElementsByTagName("failure").length > 0)
      .map((c) => `${c.getAttribute("classname")} ${c.getAttribute("name")}`)
      .sort();
    const expected = assetsFailing(set, failOn)
      .map((a) => `${a.codeLocation ?? "(no code location)"} ${a.key}`)
      .sort();
    expect(failed).toEqual(expected);
  });

  test("the policies above fail some assets and pass others in every change set", () => {
    for (const [, set] of sets) {
      const counts = policies.map((p) => assetsFailing(set, p).length);
      expect(Math.max(...counts)).toBeGreaterThan(0);
      expect(counts.some((c) => c > 0 && c < set.assets.length)).toBe(true);
    }
    expect(assetsFailing(reviewed, ["impacted-breaking"]).length).toBeGreaterThan(0);
  });
});

describe("random graphs and policies", () => {
  const arbRules = fc.uniqueArray(
    fc.constantFrom<FailOnRule>(...CHANGE_TYPES, ...SEVERITIES, ...FAIL_ON_CONDITIONS),
    { maxLength: 4 },
  );

  test("parseable, counts right, failures where assetsFailing says", () => {
    fc.assert(
      fc.property(arbGraph, arbGraph, arbRules, fc.boolean(), (a, b, failOn, rate) => {
        const raw = diffAssetGraphs(a, b, { includeUnchanged: true });
        const set = rate ? reviewChanges(raw, { base: a, branch: b }) : raw;
        const doc = parse(renderJunit(set, { failOn }));
        expectCountsAgree(doc);
        const failed = [...doc.getElementsByTagName("testcase")].filter(
          (c) => c.getElementsByTagName("failure").length > 0,
        ).length;
        expect(failed).toBe(assetsFailing(set, failOn).length);
        expect(doc.getElementsByTagName("testcase")).toHaveLength(set.assets.length);
      }),
      { seed: 20261201, numRuns: 150 },
    );
  });
});

describe("branch code locations that did not load", () => {
  const set = changeSetOf([change("a", ["TAGS"])], {
    locations: [notLoadedInBranch("ingestion"), notLoadedInBranch("loc")],
  });

  test("an error test case in the location's suite", () => {
    const doc = parse(renderJunit(set));
    expectCountsAgree(doc);
    expect(outcomes(doc)).toEqual([
      "ingestion (code location loads in the branch): error",
      "loc (code location loads in the branch): error",
      "loc a: passed",
    ]);
    const error = doc.getElementsByTagName("error")[0];
    expect(error?.getAttribute("type")).toBe("LOCATION_NOT_LOADED");
    expect(error?.getAttribute("message")).toBe(
      "code location ingestion did not load in the branch: its assets were not compared",
    );
    expect(error?.textContent).toBe("failed to load in the branch: boom");
  });

  test("skipped with allowFailedLocations", () => {
    const doc = parse(renderJunit(set, { allowFailedLocations: true }));
    expect(doc.documentElement.getAttribute("errors")).toBe("0");
    expect(doc.documentElement.getAttribute("skipped")).toBe("2");
    expect(doc.getElementsByTagName("skipped")[0]?.getAttribute("message")).toMatch(
      /\(allowed by --allow-failed-locations\)$/,
    );
  });
});

describe("context and links", () => {
  test("the context as each suite's properties and timestamp", () => {
    const doc = parse(
      renderJunit(changeSetOf([change("a", ["TAGS"])]), {
        context: {
          commit: "abc123",
          commitUrl: "https://x/c/abc123",
          generatedAt: "2026-12-01T00:00:00Z",
        },
      }),
    );
    const suite = doc.getElementsByTagName("testsuite")[0];
    expect(suite?.getAttribute("timestamp")).toBe("2026-12-01T00:00:00Z");
    expect(
      [...doc.getElementsByTagName("property")].map((p) => [
        p.getAttribute("name"),
        p.getAttribute("value"),
      ]),
    ).toEqual([
      ["asset-diff.commit", "abc123"],
      ["asset-diff.commitUrl", "https://x/c/abc123"],
      ["asset-diff.generatedAt", "2026-12-01T00:00:00Z"],
    ]);
  });

  test("the asset's Dagster page and what it impacts, in its text", () => {
    const set = reviewedSetOf(
      [rated("raw/orders", [verdict("REMOVED", "breaking", "REMOVED_WITH_DEPENDENTS")])],
      { impacted: [impactedAsset("marts/revenue", ["raw/orders"], "breaking-downstream")] },
    );
    const text = parse(
      renderJunit(set, { failOn: ["impacted-breaking"], links: { base: "https://d/prod" } }),
    ).getElementsByTagName("failure")[0]?.textContent;
    expect(text).toContain("Dagster: https://d/prod/assets/raw/orders");
    expect(text).toContain(
      "impacts 1 downstream asset (1 breaking-downstream): marts/revenue (breaking-downstream, 1 hop)",
    );
  });
});

describe("escaping", () => {
  const HOSTILE = [
    ...AWKWARD_KEYS,
    "]]>",
    "a]]>b<![CDATA[c",
    "&amp;&#0;&#x1;",
    "emoji 🚀\u{1f600}",
    "quote \" and ' apostrophe",
    "tab\there cr\rhere",
  ];
  const ILLEGAL = [
    "nul\u0000",
    "bell\u0007",
    "esc\u001b[31m",
    "lone\ud800",
    "low\udc00",
    "fffe\ufffe",
    "ffff\uffff",
    "del\u007f csi\u009b",
  ];

  const labelled = HOSTILE.map((key) => [key.length > 60 ? `${key.slice(0, 60)}…` : key, key]);

  test.each(labelled)("key %j round-trips through the parser", (_label, key) => {
    const set = changeSetOf([change(key, ["TAGS"], { codeLocation: key })], {});
    const doc = parse(renderJunit(set, { failOn: ["TAGS"] }));
    const testcase = doc.getElementsByTagName("testcase")[0];
    // Tab, LF and CR are shown as escapes, as every report shows them; the rest is exact.
    const shown = key.replace(/\t/g, "\\t").replace(/\n/g, "\\n").replace(/\r/g, "\\r");
    expect(testcase?.getAttribute("name")).toBe(shown);
    expect(testcase?.getAttribute("classname")).toBe(shown);
    // The text's first line names the asset (cut at 1,000 characters).
    expect(
      doc.getElementsByTagName("failure")[0]?.textContent?.startsWith(shown.slice(0, 999)),
    ).toBe(true);
  });

  test.each(ILLEGAL)("a character XML cannot carry, in %j, is a visible escape", (key) => {
    const set = reviewedSetOf(
      [
        rated(
          key,
          [
            verdict("TAGS", "risky", "CONFIGURED", {
              message: key,
              approved: { by: key, reason: key },
            }),
            verdict("CODE_VERSION", "breaking", "CONFIGURED", { message: key }),
          ],
          { codeLocation: key },
          {
            codeVersion: { old: key, new: `${key}!` },
            tags: {
              addedKeys: [key],
              changedKeys: [],
              removedKeys: [],
              values: [{ key, old: null, new: key }],
            },
          },
        ),
      ],
      { locations: [{ ...notLoadedInBranch(key), message: key }] },
    );
    const xml = renderJunit(withUniqueIds(set), { failOn: ["breaking"] });
    for (const ch of xml) {
      const code = ch.codePointAt(0) as number;
      const legal =
        code === 0x9 ||
        code === 0xa ||
        code === 0xd ||
        (code >= 0x20 && code <= 0xd7ff) ||
        (code >= 0xe000 && code <= 0xfffd) ||
        code >= 0x10000;
      expect(legal, `U+${code.toString(16)}`).toBe(true);
    }
    const doc = parse(xml);
    expectCountsAgree(doc);
    const name = doc.getElementsByTagName("testcase")[1]?.getAttribute("name") ?? "";
    expect(name).toMatch(/\\u[0-9a-f]{4}/);
  });

  test("a very long value is cut, the report stays parseable", () => {
    const long = "x".repeat(200_000);
    const set = reviewedSetOf([
      rated(
        "a",
        [
          verdict("CODE_VERSION", "risky", "CODE_VERSION_CHANGED", {
            approved: { by: "ana", reason: long },
          }),
          verdict("TAGS", "safe", "DESCRIPTIVE_CHANGE"),
        ],
        {},
        {
          tags: {
            addedKeys: ["t"],
            changedKeys: [],
            removedKeys: [],
            values: [{ key: "t", old: null, new: long }],
          },
        },
      ),
    ]);
    const xml = renderJunit(withUniqueIds(set));
    parse(xml);
    expect(xml.length).toBeLessThan(5000);
  });
});
