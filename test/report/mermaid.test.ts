import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { AssetChange } from "../../src/diff/change-set";
import { diffAssetGraphs } from "../../src/diff/diff";
import { loadAssetGraph } from "../../src/load/index";
import { withLineage } from "../../src/policies/lineage";
import { renderMarkdown } from "../../src/report/markdown";
import { lineageGraph, renderLineageMermaid, unrelatedLine } from "../../src/report/mermaid";
import { LINEAGE_SHAPES, shapedChangeSet } from "../helpers/render-markdown";
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
  return [...text.matchAll(/^ +n\d+\["(.*)"\]$/gm)].map((m) => m[1] as string);
}

/** `key` changed and linked to a second changed asset, so that the picture draws it. */
function linked(key: string, overrides: Partial<AssetChange> = {}) {
  return changeSetOf([
    change(key, ["TAGS"], {
      path: [key],
      lineage: { upstream: [], downstream: ["zz"] },
      ...overrides,
    }),
    change("zz", ["TAGS"], { lineage: { upstream: [key], downstream: [] } }),
  ]);
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
        change(`${key}/up`, ["NEW"], { lineage: { upstream: [], downstream: [key] } }),
        change(`${key}+`, ["TAGS"], { lineage: { upstream: [], downstream: [key + key] } }),
      ]);
      const text = renderLineageMermaid(changeSet, { links: { branch: "https://x.test" } });
      await expect(mermaid.parse(text), key).resolves.toBeTruthy();
      await expect(mermaid.parse(renderLineageMermaid(linked(key))), key).resolves.toBeTruthy();
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
    const text = renderLineageMermaid(changeSetOf(assets), { maxNodes: 40, maxWidth: 1e9 });
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
        lineage: {
          upstream: [],
          downstream: [`${key} down`, keys[(i + 1) % keys.length] as string],
        },
      }),
    );
    const impacted = keys.map((key) => impactedAsset(`${key} down`, [key], "breaking-downstream"));
    const text = renderLineageMermaid(changeSetOf(assets, { impacted }), {
      maxNodes: 200,
      maxWidth: 1e9,
    });
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
  test("draws linked changed assets and the unchanged assets between them, coloured by kind", () => {
    const changeSet = changeSetOf([
      change("raw/a", ["NEW"], { lineage: { upstream: ["raw/up"], downstream: ["marts/c"] } }),
      change("raw/b", ["REMOVED"], { lineage: { upstream: ["raw/up"], downstream: [] } }),
      change(
        "marts/c",
        ["DEPENDENCIES"],
        { lineage: { upstream: ["raw/a"], downstream: ["down"] } },
        {
          dependencies: {
            addedKeys: ["raw/a"],
            changedKeys: [],
            removedKeys: ["gone"],
            partitionMappings: [],
          },
        },
      ),
    ]);
    expect(renderLineageMermaid(changeSet)).toMatchInlineSnapshot(`
      "flowchart TB
        accTitle: Lineage of the changed assets
        n0["gone"]
        n1["~ c"]
        n2["+ a"]
        n3["− b"]
        n4["up"]
        n0 -.-> n1
        n2 ==> n1
        n4 ==> n2
        n4 -.-> n3
        click n0 focus "gone"
        click n1 focus "marts/c"
        click n2 focus "raw/a"
        click n3 focus "raw/b"
        click n4 focus "raw/up"
        classDef new fill:#dafbe1,stroke:#1a7f37,stroke-width:2px,color:#1f2328
        classDef removed fill:#ffebe9,stroke:#cf222e,stroke-width:2px,stroke-dasharray:5 3,color:#1f2328
        classDef modified fill:#fff8c5,stroke:#9a6700,stroke-width:2px,color:#1f2328
        classDef neighbour fill:#f6f8fa,stroke:#8c959f,color:#59636e
        class n2 new
        class n3 removed
        class n1 modified
        class n0,n4 neighbour
      "
    `);
  });

  test("uses generated ids and escapes every label and tooltip", () => {
    const text = renderLineageMermaid(awkwardChangeSet(), { maxNodes: 200, maxWidth: 1e9 });
    const label = /"[^"<>`|[\]{}%;:\\\n#]*(#\w+;[^"<>`|[\]{}%;:\\\n#]*)*"/u.source;
    const line = new RegExp(
      `^ +(n\\d+\\[${label}\\]|n\\d+ (-->|==>|-\\.->) n\\d+|click n\\d+ focus ${label}|class [\\w,]+ \\w+|classDef \\w+ .*|subgraph g\\d+\\[${label}\\]|end|accTitle: .*)$`,
      "u",
    );
    for (const text_ of text.split("\n").slice(1)) if (text_ !== "") expect(text_).toMatch(line);
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
  ])("writes the key %j as the label %j, and as its tooltip", (key, label) => {
    const text = renderLineageMermaid(linked(key));
    expect(labels(text)).toContain(`~ ${label}`);
    expect(text).toContain(`focus "${label}"`);
  });

  test("labels a node by its key's last part, or the shortest suffix no other drawn node has", () => {
    const changeSet = changeSetOf([
      change("raw/stripe/customers", ["TAGS"], {
        lineage: { upstream: [], downstream: ["staging/customers"] },
      }),
      change("staging/customers", ["TAGS"], {
        lineage: { upstream: ["raw/stripe/customers"], downstream: ["marts/fct_revenue"] },
      }),
      change("marts/fct_revenue", ["TAGS"], {
        lineage: { upstream: ["staging/customers"], downstream: [] },
      }),
    ]);
    expect(lineageGraph(changeSet).nodes.map((n) => n.label)).toEqual([
      "fct_revenue",
      "stripe/customers",
      "staging/customers",
    ]);
  });

  test("shortens long labels, keeping their end; the tooltip keeps the whole key up to 200 characters", () => {
    const key = `long/${"x".repeat(100)}tail`;
    const text = renderLineageMermaid(linked(key), { maxLabelLength: 30 });
    expect(labels(text)).toContain(`~ …${"x".repeat(25)}tail`);
    expect(text).toContain(`focus "${key}"`);
    const longer = renderLineageMermaid(linked(`long/${"x".repeat(500)}tail`));
    expect(longer).toContain(`focus "…${"x".repeat(195)}tail"`);
  });

  test("links each node to its Dagster page with the full key as tooltip, production for a removed one", () => {
    const changeSet = changeSetOf([
      change("raw/a", ["REMOVED"], { lineage: { upstream: [], downstream: ["b", "hub"] } }),
      change("c", ["TAGS"], { lineage: { upstream: ["hub"], downstream: [] } }),
    ]);
    const links = {
      base: "https://acme.dagster.cloud/prod",
      branch: "https://acme.dagster.cloud/pr-1",
    };
    const clicks = renderLineageMermaid(changeSet, { links })
      .split("\n")
      .filter((l) => l.startsWith("  click"));
    // `b` is drawn as the other end of a removed dependency, `hub` as what links the two.
    expect(clicks).toEqual([
      '  click n0 href "https://acme.dagster.cloud/pr-1/assets/b" "b"',
      '  click n1 href "https://acme.dagster.cloud/pr-1/assets/c" "c"',
      '  click n2 href "https://acme.dagster.cloud/pr-1/assets/hub" "hub"',
      '  click n3 href "https://acme.dagster.cloud/prod/assets/raw/a" "raw/a"',
    ]);
  });

  test("chooses by connectivity, not key order: the most linked and impactful changes and their links", () => {
    // Forty unrelated changes sort first; the linked ones come later in key order.
    const lone = Array.from({ length: 40 }, (_, i) =>
      change(`a/lone_${String(i).padStart(2, "0")}`, ["TAGS"], {
        lineage: { upstream: [`a/up_${i}`], downstream: [] },
      }),
    );
    const star = [
      "z/hub",
      ...Array.from({ length: 30 }, (_, i) => `z/leaf_${String(i).padStart(2, "0")}`),
    ];
    const leaves = star.slice(1);
    const assets = [
      ...lone,
      change("z/hub", ["TAGS"], { lineage: { upstream: [], downstream: leaves } }),
      ...leaves.map((key) =>
        change(key, ["TAGS"], { lineage: { upstream: ["z/hub"], downstream: [] } }),
      ),
    ];
    const impacted = [
      impactedAsset("z/far", ["z/leaf_29"], "breaking-downstream", { distance: 3 }),
    ];
    const graph = lineageGraph(changeSetOf(assets, { impacted }), { maxWidth: 1e9 });
    expect(graph.nodes).toHaveLength(20);
    expect(graph.nodes.every((n) => n.key.startsWith("z/"))).toBe(true);
    expect(graph.nodes.map((n) => n.key)).toContain("z/hub");
    // The leaf with impact comes before its siblings, which follow by key.
    expect(graph.nodes.map((n) => n.key)).toContain("z/leaf_29");
    expect(graph.nodes.map((n) => n.key)).toContain("z/leaf_00");
    expect(graph.nodes.map((n) => n.key)).not.toContain("z/leaf_28");
    expect(graph.edges).toHaveLength(19);
    expect(graph.omittedChanged).toBe(71 - 20);
  });

  test("draws an unchanged asset that links two changed ones, and drops one that links none", () => {
    const changeSet = changeSetOf([
      change("a", ["TAGS"], { lineage: { upstream: ["shared", "only-a"], downstream: [] } }),
      change("b", ["TAGS"], { lineage: { upstream: ["shared", "only-b"], downstream: [] } }),
    ]);
    const graph = lineageGraph(changeSet);
    expect(graph.nodes.map((n) => [n.key, n.kind])).toEqual([
      ["a", "modified"],
      ["b", "modified"],
      ["shared", "neighbour"],
    ]);
    expect(graph.omittedNeighbours).toBe(2);
    expect(lineageGraph(changeSet, { neighbours: false }).edges).toEqual([]);
  });

  test("draws nothing when no two changed assets are linked, and says so in one line", () => {
    const changeSet = changeSetOf([
      change("a", ["TAGS"], { lineage: { upstream: ["x"], downstream: [] } }),
      change("b", ["NEW"], { lineage: { upstream: [], downstream: ["y"] } }),
      change("c", ["TAGS"]),
    ]);
    const graph = lineageGraph(changeSet);
    expect(graph).toEqual({
      nodes: [],
      edges: [],
      changed: 3,
      omittedChanged: 3,
      omittedNeighbours: 0,
      omittedEdges: 0,
    });
    expect(unrelatedLine(graph)).toBe("The 3 changed assets do not depend on one another.");
    expect(unrelatedLine(lineageGraph(changeSetOf([change("a", ["TAGS"])])))).toBe(
      "The changed asset has no changed asset upstream or downstream.",
    );
    expect(unrelatedLine(lineageGraph(changeSetOf([])))).toBe("No changed assets.");
    expect(renderLineageMermaid(changeSetOf([]))).toContain('  empty["No changed assets"]\n');
    expect(unrelatedLine(lineageGraph(linked("a")))).toBeUndefined();
    expect(renderLineageMermaid(changeSet)).toContain(
      'note["The 3 changed assets do not depend on one another."]',
    );
  });

  test("caps the picture to a connected neighbourhood, and says in its title what was left out", () => {
    const changeSet = generatedChangeSet(1_000);
    const graph = lineageGraph(changeSet);
    expect(graph.nodes).toHaveLength(20);
    expect(graph.edges).toHaveLength(19);
    expect(graph.omittedChanged).toBe(980);
    const text = renderLineageMermaid(changeSet);
    expect(
      text.startsWith('---\ntitle: "… 980 more changed assets not drawn"\n---\nflowchart TB\n'),
    ).toBe(true);
    expect(lineageGraph(changeSet, { maxNodes: 5 }).nodes).toHaveLength(5);
  });

  test("leaves out the last chosen assets until the picture fits its width", () => {
    // Four layers of four assets with long names, each feeding the whole next layer: too wide
    // whichever way it flows.
    const key = (layer: number, i: number) => `layer_${layer}_${"x".repeat(30)}_${i}`;
    const layer = (l: number) => [0, 1, 2, 3].map((i) => key(l, i));
    const assets = [0, 1, 2, 3].flatMap((l) =>
      layer(l).map((k) =>
        change(k, ["TAGS"], {
          lineage: { upstream: l > 0 ? layer(l - 1) : [], downstream: l < 3 ? layer(l + 1) : [] },
        }),
      ),
    );
    expect(lineageGraph(changeSetOf(assets), { maxWidth: 1e9 }).nodes).toHaveLength(16);
    const fitted = lineageGraph(changeSetOf(assets));
    expect(fitted.nodes.length).toBeLessThan(16);
    expect(fitted.nodes.length).toBeGreaterThan(2);
    expect(fitted.omittedChanged).toBe(16 - fitted.nodes.length);
    expect(renderLineageMermaid(changeSetOf(assets), { direction: "LR" })).toContain(
      "flowchart LR\n",
    );
  });

  test("groups by code location when the drawn assets come from several, an unchanged one with the location of all it links", () => {
    const changeSet = changeSetOf([
      change("raw/orders", ["TAGS"], {
        codeLocation: "ingestion",
        lineage: { upstream: [], downstream: ["staging/stg_orders"] },
      }),
      change("marts/fct_orders", ["TAGS"], {
        codeLocation: "analytics",
        lineage: { upstream: ["staging/stg_orders"], downstream: [] },
      }),
      change("marts/fct_items", ["TAGS"], {
        codeLocation: "analytics",
        lineage: { upstream: ["staging/stg_orders"], downstream: [] },
      }),
    ]);
    const graph = lineageGraph(changeSet);
    expect(graph.nodes.map((n) => [n.label, n.group])).toEqual([
      ["fct_items", "analytics"],
      ["fct_orders", "analytics"],
      ["orders", "ingestion"],
      ["stg_orders", undefined],
    ]);
    const text = renderLineageMermaid(changeSet);
    expect(text).toContain(
      '  subgraph g0["analytics"]\n    n0["~ fct_items"]\n    n1["~ fct_orders"]\n  end\n',
    );
    expect(text).toContain("  class g0,g1 group\n");
    // One location: no subgraph.
    const one = changeSetOf(changeSet.assets.map((a) => ({ ...a, codeLocation: "loc" })));
    expect(renderLineageMermaid(one)).not.toContain("subgraph");
  });

  test("draws a lone changed asset with its direct neighbours, and a link to itself", () => {
    const changeSet = changeSetOf([
      change("a", ["TAGS"], { lineage: { upstream: ["up", "a"], downstream: ["down", "a"] } }),
    ]);
    const graph = lineageGraph(changeSet);
    expect(graph.nodes.map((n) => [n.key, n.kind])).toEqual([
      ["a", "modified"],
      ["down", "neighbour"],
      ["up", "neighbour"],
    ]);
    expect(graph.edges.map((e) => `${e.from} ${e.to}`)).toEqual(["n0 n0", "n0 n1", "n2 n0"]);
  });

  test("draws a key changed in two code locations once", () => {
    const changeSet = changeSetOf([
      change("moved", ["NEW"], {
        codeLocation: "one",
        lineage: { upstream: [], downstream: ["b"] },
      }),
      change("moved", ["REMOVED"], { codeLocation: "two" }),
      change("b", ["TAGS"], { lineage: { upstream: ["moved"], downstream: [] } }),
    ]);
    expect(lineageGraph(changeSet).nodes.map((n) => [n.key, n.kind])).toEqual([
      ["b", "modified"],
      ["moved", "modified"],
    ]);
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
    expect(graph.nodes).toHaveLength(20);
    expect(graph.omittedChanged).toBe(99_980);
  });
});

describe("renderLineageMermaid of the findings", () => {
  test("draws a moved asset in blue with where it was, defining its class only then", () => {
    const changeSet = changeSetOf([
      movedChange("raw/shop/orders", "raw/orders", [], {
        lineage: { upstream: [], downstream: ["staging/stg_orders"] },
      }),
      change("staging/stg_orders", ["TAGS"], {
        lineage: { upstream: ["raw/shop/orders"], downstream: [] },
      }),
    ]);
    const text = renderLineageMermaid(changeSet);
    expect(labels(text)).toEqual(["→ orders<br>moved from raw/orders #91;loc#93;", "~ stg_orders"]);
    expect(text).toContain(
      '  click n0 focus "raw/shop/orders #40;moved from raw/orders #91;loc#93;#41;"',
    );
    expect(text).toContain("  classDef moved fill:#ddf4ff,stroke:#0969da");
    expect(text).toContain("  class n0 moved\n");
    expect(lineageGraph(changeSet).nodes[0]).toEqual({
      id: "n0",
      key: "raw/shop/orders",
      kind: "moved",
      label: "orders",
      movedFrom: "moved from raw/orders [loc]",
    });
    // Without a moved or impacted node, neither class is defined: older pictures stay as they were.
    const plain = renderLineageMermaid(linked("a"));
    expect(plain).not.toContain("classDef moved");
    expect(plain).not.toContain("classDef impacted");
  });

  test("marks an unchanged neighbour impacted breaking- or risky-downstream, and draws it", () => {
    const changeSet = changeSetOf(
      [
        change("a", ["TAGS"], { lineage: { upstream: [], downstream: ["b", "x", "y", "z"] } }),
        change("b", ["TAGS"], { lineage: { upstream: ["a"], downstream: ["x"] } }),
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
    ]);
    const text = renderLineageMermaid(changeSet);
    expect(labels(text)).toContain("! y");
    expect(text).toContain("  classDef impacted ");
    expect(text).toContain("  class n3 impacted\n");
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
  });

  test("golden: the picture of a change set with every finding", async () => {
    await expect(renderLineageMermaid(findingsChangeSet())).toMatchFileSnapshot(
      "../golden/findings.mmd",
    );
  });

  test("golden: the pictures of large lineages (2,000 changed assets in a chain, a tree, a fan-in)", async () => {
    for (const shape of LINEAGE_SHAPES)
      await expect(renderLineageMermaid(shapedChangeSet(shape, 2_000))).toMatchFileSnapshot(
        `../golden/lineage-${shape}.mmd`,
      );
  });

  test("draws 20,000 changed assets as one capped, linked picture of each shape", () => {
    for (const shape of LINEAGE_SHAPES) {
      const graph = lineageGraph(shapedChangeSet(shape, 20_000));
      expect(graph.nodes.length, shape).toBeGreaterThan(2);
      expect(graph.nodes.length, shape).toBeLessThanOrEqual(20);
      expect(graph.edges.length, shape).toBeGreaterThanOrEqual(graph.nodes.length - 1);
    }
  });
});
