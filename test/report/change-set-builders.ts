import type { AssetChange, AssetChangeDetails, ChangeSet } from "../../src/diff/change-set";
import { type ChangeType, isDagsterChangeType } from "../../src/diff/change-types";
import { countChanges } from "../../src/diff/summary";

/** A changed asset in location `loc` with the given change types (Dagster's and extra). */
export function change(
  key: string,
  types: ChangeType[] = [],
  overrides: Partial<AssetChange> = {},
  details: AssetChangeDetails = {},
): AssetChange {
  return {
    key,
    path: key.split("/"),
    codeLocation: "loc",
    repository: "__repository__",
    changeTypes: types.filter(isDagsterChangeType).sort(),
    extraChangeTypes: types.filter((t) => !isDagsterChangeType(t)).sort() as never,
    details,
    ...overrides,
  };
}

/** A change set in `all` mode listing the given assets, with its summary counted from them. */
export function changeSetOf(assets: AssetChange[], overrides: Partial<ChangeSet> = {}): ChangeSet {
  return {
    formatVersion: 2,
    options: {
      changeTypes: "all",
      codeLocation: null,
      includeUnchanged: false,
      missingLocations: "skip",
    },
    base: { source: { format: "snapshot", name: "base.json" }, assets: assets.length },
    branch: { source: { format: "snapshot", name: "branch.json" }, assets: assets.length },
    summary: countChanges(assets, assets.length, "all"),
    locations: [{ codeLocation: "loc", status: "compared", baseAssets: 1, branchAssets: 1 }],
    limitations: [],
    assets,
    suppressed: [],
    ...overrides,
  };
}

/**
 * A change set of `n` assets in a chain (each depends on the previous one), with lineage: every
 * tenth asset new, every tenth + 1 removed, the rest modified with a code version and a tag.
 * Built in memory, so tests need no huge fixture.
 */
export function generatedChangeSet(n: number): ChangeSet {
  const key = (i: number) =>
    `group_${String(Math.floor(i / 1000)).padStart(3, "0")}/asset_${String(i).padStart(6, "0")}`;
  const assets: AssetChange[] = [];
  for (let i = 0; i < n; i++) {
    const lineage = {
      upstream: i > 0 ? [key(i - 1)] : [],
      downstream: i < n - 1 ? [key(i + 1)] : [],
    };
    const kind = i % 10;
    if (kind === 0) assets.push(change(key(i), ["NEW"], { lineage }));
    else if (kind === 1) assets.push(change(key(i), ["REMOVED"], { lineage }));
    else {
      assets.push(
        change(
          key(i),
          ["CODE_VERSION", "TAGS"],
          { lineage },
          {
            codeVersion: { old: `v${i}`, new: `v${i + 1}` },
            tags: {
              addedKeys: [],
              changedKeys: ["tier"],
              removedKeys: [],
              values: [{ key: "tier", old: "silver", new: "gold" }],
            },
          },
        ),
      );
    }
  }
  return changeSetOf(assets);
}

/** Keys that break naive Markdown, HTML or Mermaid rendering. */
export const AWKWARD_KEYS = [
  "key with spaces",
  "it's",
  'say "hi"',
  'a "b',
  "a/b/c",
  "back\\slash",
  "<script>alert(1)</script>",
  "<img src=x onerror=alert(1)>",
  "pipe|key",
  "[bracket]",
  "]reverse[",
  "{brace}",
  "(paren)",
  "#hash",
  "semi;colon",
  "%%{init: {'theme': 'dark'}}%%",
  "%% not a comment",
  "`tick`",
  "```fence",
  "ünïcödé/日本語",
  "emoji 🚀/🎉",
  "__proto__",
  "constructor",
  "end",
  "graph",
  "a-->b",
  "line\nbreak",
  "&amp; &lt;",
  "#quot;",
  "ﬂ°°35¶ß",
  "style:#f00;",
  "classDef x fill:#f00;",
  "click n0 call alert()",
  "**bold** _it_ ~strike~ $x$",
  "</details>",
  "<!-- comment -->",
  "@someone",
  `long/${"x".repeat(5000)}`,
];
