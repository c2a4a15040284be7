import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { AssetChange } from "../../src/diff/change-set";
import { diffAssetGraphs } from "../../src/diff/diff";
import { loadAssetGraph } from "../../src/load/index";
import { withLineage } from "../../src/policies/lineage";
import { renderMarkdown } from "../../src/report/markdown";
import { lineageGraph, renderLineageMermaid } from "../../src/report/mermaid";
import { SETUP_TIMEOUT_MS } from "../helpers/timeouts";
import {
  AWKWARD_KEYS,
  change,
  changeSetOf,
  findingsChangeSet,
  generatedChangeSet,
  impactedAsset,
  movedChange,
} from "./change-set-builders";
import { loadMermaidParser, type MermaidParser } from "./mermaid-parser";

const base = await loadAssetGraph("fixtures/example/base.json");
const branch = await loadAssetGraph("fixtures/example/branch.json");
const example = withLineage(diffAssetGraphs(base, branch), { base, branch });

let mermaid: MermaidParser;
beforeAll(async () => {
  mermaid = await loadMermaidParser();
}, SETUP_TIMEOUT_MS);
afterAll(() => mermaid.cleanup(), SETUP_TIMEOUT_MS);

/** A chain of modified assets with awkward keys, each the upstream of the next. */
function awkwardChangeSet() {
  const keys = [...AWKWARD_KEYS].sort();
  const assets = keys.map((key, i) =>
    change(key, i % 3 === 0 ? ["NEW"] : i % 3 === 1 ? ["REMOVED"] : ["TAGS"], {
      lineage: {
        upstream: i > 0 ? [keys[i - 1] as string, `up of ${key}`] : [],
        downstream: i < keys.length - 1 ? [keys[i + 1] as string, `down of ${key}`] : [],
      },
    }),
  );
  return changeSetOf(assets);
}

function labels(text: string): string[] {
  return [...text.matchAll(/^ {2}\w+\["(.*)"\]$/gm)].map((m) => m[1] as string);
}

describe("mermaid itself checks the diagrams", () => {
  test("rejects a broken diagram, so these checks can fail", async () => {
    await expect(mermaid.parse('flowchart LR\n  n0["a "b"]')).rejects.toThrow();
    await expect(mermaid.parse("flowchart LR\n  n0[[unclosed")).rejects.toThrow();
  });

  test("rejects awkward keys written naively", async () => {
    for (const key of ['a "b', "%%{init: {'theme': 'dark'}}%%", "```fence"]) {
      expect(AWKWARD_KEYS).toContain(key);
      await expect(mermaid.parse(`flowchart LR\n  n0["${key}"]`), key).rejects.toThrow();
    }
  });

  test("accepts the example's lineage", async () => {
    await expect(mermaid.parse(renderLineageMermaid(example))).resolves.toBeTruthy();
  });

  test("accepts awkward keys: quotes, HTML, brackets, pipes, %%, backticks, unicode, emoji, __proto__", async () => {
    const text = renderLineageMermaid(awkwardChangeSet(), { maxNodes: 200 });
    await expect(mermaid.parse(text)).resolves.toBeTruthy();
    // Each awkward key is drawn once, as a changed asset.
    expect(labels(text).length).toBeGreaterThanOrEqual(AWKWARD_KEYS.length);
  });

  test("accepts each awkward key alone, as a changed asset and as a neighbour", async () => {
    for (const key of AWKWARD_KEYS) {
      const changeSet = changeSetOf([
        change(key, ["TAGS"], { lineage: { upstream: [`${key}/up`], downstream: [key + key] } }),
      ]);
      await expect(mermaid.parse(renderLineageMermaid(changeSet)), key).resolves.toBeTruthy();
    }
  });

  test("accepts a capped large graph", async () => {
    const text = renderLineageMermaid(generatedChangeSet(5_000));
    await expect(mermaid.parse(text)).resolves.toBeTruthy();
  });

  test("accepts a dense graph capped in links", async () => {
    const keys = Array.from({ length: 40 }, (_, i) => `k${String(i).padStart(2, "0")}`);
    const assets = keys.map((key) =>
      change(key, ["TAGS"], {
        lineage: { upstream: keys.filter((k) => k < key), downstream: keys.filter((k) => k > key) },
      }),
    );
    const text = renderLineageMermaid(changeSetOf(assets));
    expect(text.match(/ --> /g)?.length).toBe(120);
    await expect(mermaid.parse(text)).resolves.toBeTruthy();
  });

  test("accepts a change set with no changes", async () => {
    await expect(mermaid.parse(renderLineageMermaid(changeSetOf([])))).resolves.toBeTruthy();
  });

  test("accepts moved and impacted nodes, with hostile keys and old keys", async () => {
    const keys = [...AWKWARD_KEYS].sort();
    const assets = keys.map((key, i) =>
      movedChange(key, keys[(i + 1) % keys.length] as string, [], {
        lineage: { upstream: [], downstream: [`${key} down`] },
      }),
    );
    const impacted = keys.map((key) => impactedAsset(`${key} down`, [key], "breaking-downstream"));
    const text = renderLineageMermaid(changeSetOf(assets, { impacted }), { maxNodes: 200 });
    expect(text).toContain("class n");
    expect(text).toMatch(/ impacted$/m);
    await expect(mermaid.parse(text)).resolves.toBeTruthy();
    await expect(mermaid.parse(renderLineageMermaid(findingsChangeSet()))).resolves.toBeTruthy();
  });

  test("accepts every diagram the Markdown report embeds, with hostile keys", async () => {
    const markdown = renderMarkdown(awkwardChangeSet());
    const blocks = [...markdown.matchAll(/^```mermaid\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
    expect(blocks).toHaveLength(1);
    for (const block of blocks) await expect(mermaid.parse(block as string)).resolves.toBeTruthy();
  });
});

describe("renderLineageMermaid", () => {
  test("draws changed assets and their direct neighbours, coloured by kind", () => {
    const changeSet = changeSetOf([
      change("a", ["NEW"], { lineage: { upstream: ["up"], downstream: ["c"] } }),
      change("b", ["REMOVED"], { lineage: { upstream: ["up"], downstream: [] } }),
      change(
        "c",
        ["DEPENDENCIES"],
        { lineage: { upstream: ["a"], downstream: ["down"] } },
        {
          dependencies: {
            addedKeys: ["a"],
            changedKeys: [],
            removedKeys: ["gone"],
            partitionMappings: [],
          },
        },
      ),
    ]);
    expect(renderLineageMermaid(changeSet)).toMatchInlineSnapshot(`
      "flowchart LR
        accTitle: Lineage of the changed assets
        n0["+ a"]
        n1["− b"]
        n2["~ c"]
        n3["down"]
        n4["gone"]
        n5["up"]
        n0 ==> n2
        n2 --> n3
        n4 -.-> n2
        n5 ==> n0
        n5 -.-> n1
        classDef new fill:#dafbe1,stroke:#1a7f37,stroke-width:2px,color:#1f2328
        classDef removed fill:#ffebe9,stroke:#cf222e,stroke-width:2px,stroke-dasharray:5 3,color:#1f2328
        classDef modified fill:#fff8c5,stroke:#9a6700,stroke-width:2px,color:#1f2328
        classDef neighbour fill:#f6f8fa,stroke:#8c959f,color:#59636e
        classDef note fill:#ffffff,stroke:#d1d9e0,stroke-dasharray:2 2,color:#59636e
        class n0 new
        class n1 removed
        class n2 modified
        class n3,n4,n5 neighbour
      "
    `);
  });

  test("uses generated ids and escapes every label", () => {
    const text = renderLineageMermaid(awkwardChangeSet(), { maxNodes: 200 });
    for (const line of text.split("\n").slice(2)) {
      if (line === "" || line.includes("classDef")) continue;
      expect(line).toMatch(
        /^ {2}(n\d+\["[^"<>`|[\]{}%;:\\\n#]*(#\w+;[^"<>`|[\]{}%;:\\\n#]*)*"\]|omitted\[".*"\]|n\d+ (-->|==>|-\.->) n\d+|class [\w,]+ \w+)$/u,
      );
    }
    expect(labels(text).some((l) => l.endsWith(" __proto__"))).toBe(true);
  });

  test.each([
    ['say "hi" <b>', "say #quot;hi#quot; #lt;b#gt;"],
    [
      "a#b&c`d|e[f]g{h}i;j%k:l\\m",
      "a#35;b#38;c#96;d#124;e#91;f#93;g#123;h#125;i#59;j#37;k#58;l#92;m",
    ],
    ["line\nbreak\ttab", "line break tab"],
    ["ünïcödé 日本語 🚀", "ünïcödé 日本語 🚀"],
  ])("writes the key %j as the label %j", (key, label) => {
    const text = renderLineageMermaid(changeSetOf([change(key, ["TAGS"], { path: [key] })]));
    expect(labels(text)).toEqual([`~ ${label}`]);
  });

  test("shortens long labels, keeping the end of the key", () => {
    const text = renderLineageMermaid(
      changeSetOf([change(`long/${"x".repeat(500)}/tail`, ["TAGS"])]),
      { maxLabelLength: 30 },
    );
    const [label] = labels(text);
    expect(label).toBe(`~ …${"x".repeat(24)}/tail`);
  });

  test("caps the picture: changed assets first, then the best-connected neighbours, and says what was left out", () => {
    const changeSet = generatedChangeSet(1_000);
    const graph = lineageGraph(changeSet, { maxNodes: 50 });
    expect(graph.nodes).toHaveLength(50);
    expect(graph.nodes.every((n) => n.kind !== "neighbour")).toBe(true);
    // Removed first, then new, then modified.
    expect(graph.nodes.filter((n) => n.kind === "removed")).toHaveLength(50);
    expect(graph.omittedChanged).toBe(950);
    const text = renderLineageMermaid(changeSet, { maxNodes: 50 });
    expect(text).toContain('omitted["… 950 more changed assets');
    expect(text).toContain("class omitted note");

    const small = changeSetOf([
      change("a", ["TAGS"], { lineage: { upstream: ["shared", "only-a"], downstream: [] } }),
      change("b", ["TAGS"], { lineage: { upstream: ["shared", "only-b"], downstream: [] } }),
    ]);
    const capped = lineageGraph(small, { maxNodes: 3 });
    expect(capped.nodes.map((n) => n.key)).toEqual(["a", "b", "shared"]);
    expect(capped.omittedNeighbours).toBe(2);
    expect(capped.omittedEdges).toBe(2);
  });

  test("leaves neighbours out on request", () => {
    const graph = lineageGraph(example, { neighbours: false });
    expect(graph.nodes.every((n) => n.kind !== "neighbour")).toBe(true);
    // int_payments, regional_targets, campaign_attribution, feed_status, stg_contacts,
    // stg_customers, stg_deals, stg_partner_files and stg_refunds (dim_dates is removed now).
    expect(graph.omittedNeighbours).toBe(9);
  });

  test("draws a key changed in two code locations once", () => {
    const changeSet = changeSetOf([
      change("moved", ["NEW"], { codeLocation: "one" }),
      change("moved", ["REMOVED"], { codeLocation: "two" }),
    ]);
    expect(lineageGraph(changeSet).nodes).toEqual([{ id: "n0", key: "moved", kind: "modified" }]);
  });

  test("is deterministic: the order of lineage lists does not matter", () => {
    const reversed = {
      ...example,
      assets: example.assets.map(
        (a): AssetChange => ({
          ...a,
          ...(a.lineage && {
            lineage: {
              upstream: [...a.lineage.upstream].reverse(),
              downstream: [...a.lineage.downstream].reverse(),
            },
          }),
        }),
      ),
    };
    expect(renderLineageMermaid(reversed)).toBe(renderLineageMermaid(example));
  });

  test("is linear enough for 100,000 changed assets", () => {
    const graph = lineageGraph(generatedChangeSet(100_000));
    expect(graph.nodes).toHaveLength(50);
    expect(graph.omittedChanged).toBe(99_950);
  });
});

describe("renderLineageMermaid of the findings", () => {
  test("draws a moved asset in blue with where it was, defining its class only then", () => {
    const changeSet = changeSetOf([
      movedChange("raw/shop/orders", "raw/orders", [], {
        lineage: { upstream: [], downstream: ["staging/stg_orders"] },
      }),
    ]);
    const text = renderLineageMermaid(changeSet);
    expect(labels(text)).toEqual([
      "→ raw/shop/orders #40;moved from raw/orders #91;loc#93;#41;",
      "staging/stg_orders",
    ]);
    expect(text).toContain("  classDef moved fill:#ddf4ff,stroke:#0969da");
    expect(text).toContain("  class n0 moved\n");
    expect(lineageGraph(changeSet).nodes[0]).toEqual({
      id: "n0",
      key: "raw/shop/orders",
      kind: "moved",
      movedFrom: "moved from raw/orders [loc]",
    });
    // Without a moved or impacted node, neither class is defined: older pictures stay as they were.
    const plain = renderLineageMermaid(changeSetOf([change("a", ["TAGS"])]));
    expect(plain).not.toContain("classDef moved");
    expect(plain).not.toContain("classDef impacted");
  });

  test("draws moved assets after new ones and before modified ones when capping", () => {
    const changeSet = changeSetOf([
      change("a_modified", ["TAGS"]),
      movedChange("b_moved", "old/b"),
      change("c_new", ["NEW"]),
    ]);
    expect(lineageGraph(changeSet, { maxNodes: 2 }).nodes.map((n) => n.kind)).toEqual([
      "moved",
      "new",
    ]);
  });

  test("marks a neighbour impacted breaking- or risky-downstream, and draws those first", () => {
    const changeSet = changeSetOf(
      [
        change("a", ["TAGS"], { lineage: { upstream: [], downstream: ["x", "y", "z"] } }),
        change("b", ["TAGS"], { lineage: { upstream: [], downstream: ["x"] } }),
      ],
      {
        impacted: [
          impactedAsset("y", ["a"], "breaking-downstream"),
          impactedAsset("z", ["a"], "safe-downstream"),
          impactedAsset("far", ["a"], "risky-downstream", { distance: 2 }),
        ],
      },
    );
    const graph = lineageGraph(changeSet);
    expect(graph.nodes.map((n) => [n.key, n.kind])).toEqual([
      ["a", "modified"],
      ["b", "modified"],
      ["x", "neighbour"],
      ["y", "impacted"],
      ["z", "neighbour"],
    ]);
    const text = renderLineageMermaid(changeSet);
    expect(labels(text)).toContain("! y");
    expect(text).toContain("  classDef impacted ");
    expect(text).toContain("  class n3 impacted\n");
    // Within the cap, the impacted neighbour comes before the better-linked one.
    expect(lineageGraph(changeSet, { maxNodes: 3 }).nodes.map((n) => n.key)).toEqual([
      "a",
      "b",
      "y",
    ]);
  });

  test("links a probable rename's removed half to its new half, when both are drawn", () => {
    const move = {
      from: { key: "old", path: ["old"], codeLocation: "loc", repository: null },
      to: { key: "young", path: ["young"], codeLocation: "loc", repository: null },
      evidence: ["SAME_CODE_VERSION" as const],
      similarity: 0.9,
    };
    const changeSet = changeSetOf([change("old", ["REMOVED"]), change("young", ["NEW"])], {
      probableMoves: [move],
    });
    expect(renderLineageMermaid(changeSet)).toContain("  n0 -.->|probably renamed| n1\n");
    const capped = lineageGraph(changeSet, { maxNodes: 1 });
    expect(capped.edges).toEqual([]);
    expect(capped.omittedEdges).toBe(1);
  });

  test("golden: the picture of a change set with every finding", async () => {
    await expect(renderLineageMermaid(findingsChangeSet())).toMatchFileSnapshot(
      "../golden/findings.mmd",
    );
  });
});
