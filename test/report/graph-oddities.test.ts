import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { ChangeSet } from "../../src/diff/change-set";
import { type DiffOptions, diffAssetGraphs } from "../../src/diff/diff";
import { ValidationError } from "../../src/errors";
import { loadAssetGraph, parseAssetGraph } from "../../src/load/index";
import { serializeSnapshot } from "../../src/load/snapshot/snapshot";
import type { AssetGraph } from "../../src/model/asset";
import { withLineage } from "../../src/policies/lineage";
import { renderGithubAnnotations } from "../../src/report/github";
import { renderJson } from "../../src/report/json";
import { renderMarkdown } from "../../src/report/markdown";
import { renderLineageMermaid } from "../../src/report/mermaid";
import { renderText } from "../../src/report/text";
import { asset, dep, graph } from "../helpers/builders";
import { cli } from "../helpers/cli";
import { SETUP_TIMEOUT_MS } from "../helpers/timeouts";
import { loadMermaidParser, type MermaidParser } from "./mermaid-parser";

// Graphs that are odd but possible, each with the result docs/reliability.md ("Graph oddities")
// documents, in every report format, through the library and through the CLI.

let mermaid: MermaidParser;
beforeAll(async () => {
  mermaid = await loadMermaidParser();
}, SETUP_TIMEOUT_MS);
afterAll(() => mermaid.cleanup(), SETUP_TIMEOUT_MS);

const dir = mkdtempSync(join(tmpdir(), "asset-diff-oddities-"));
let files = 0;
const write = (text: string) => {
  const path = join(dir, `${files++}.json`);
  writeFileSync(path, text);
  return path;
};

/** Every report of the raw change set of two graphs (Markdown and Mermaid with lineage). */
function reports(base: AssetGraph, branch: AssetGraph, options: DiffOptions = {}) {
  const changeSet = diffAssetGraphs(base, branch, options);
  const lineage = withLineage(changeSet, { base, branch });
  return {
    changeSet,
    lineage,
    text: renderText(changeSet),
    json: JSON.parse(renderJson(changeSet)) as ChangeSet,
    markdown: renderMarkdown(lineage),
    mermaid: renderLineageMermaid(lineage),
    github: renderGithubAnnotations(changeSet, { graphs: { base, branch } }),
  };
}

/** `asset-diff diff` of two graphs (as snapshot files) in every format, under GitHub Actions. */
async function viaCli(base: AssetGraph, branch: AssetGraph, extra: string[] = []) {
  const files = [write(serializeSnapshot(base)), write(serializeSnapshot(branch))];
  const env = { GITHUB_ACTIONS: "true" };
  const run = async (format: string) => {
    const result = await cli(["diff", ...files, "--format", format, ...extra], { env });
    expect(result.code, result.stderr).toBe(0);
    return result;
  };
  const text = await run("text");
  const json = await run("json");
  const markdown = await run("markdown");
  // Workflow commands go to stdout, after the report (to stderr when stdout holds JSON).
  const split = (out: string): [string, string] => {
    const at = out.indexOf("\n::");
    return at === -1 ? [out, ""] : [out.slice(0, at + 1), out.slice(at + 1)];
  };
  const [textReport, annotations] = split(text.stdout);
  expect(json.stderr).toBe(annotations);
  return {
    text: textReport,
    json: JSON.parse(json.stdout) as ChangeSet,
    markdown: split(markdown.stdout)[0],
    github: annotations.split(/(?<=\n)/).filter((line) => line !== ""),
  };
}

const lines = (text: string) => text.split("\n").map((line) => line.trim());
const edges = (mermaidText: string) => lines(mermaidText).filter((l) => /^n\d+ \S+ n\d+$/.test(l));
const counts = (changeSet: ChangeSet) => changeSet.summary.assets;

describe("duplicate identities in one graph", () => {
  const duplicated = {
    formatVersion: 1,
    assets: [
      { key: ["a"], codeLocation: "loc", repository: null },
      { key: ["b"], codeLocation: "loc", repository: null },
      { key: ["a"], codeLocation: "loc", repository: null, codeVersion: "2" },
    ],
  };
  const message = 'asset "a" in loc is defined twice (also at $.assets[0])';

  test("a snapshot: a ValidationError naming both entries' JSON paths", async () => {
    const error = (() => {
      try {
        parseAssetGraph(duplicated, { source: "dup.json" });
        return undefined;
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues).toEqual([{ path: ["assets", 2], message }]);
    expect((error as Error).message).toBe(`dup.json: $.assets[2]: ${message}`);
    const path = write(JSON.stringify(duplicated));
    await expect(loadAssetGraph(path)).rejects.toThrow(`${path}: $.assets[2]: ${message}`);
  });

  test("through the CLI: exit 2 and that one line", async () => {
    const path = write(JSON.stringify(duplicated));
    const ok = write(serializeSnapshot(graph(asset("a"))));
    for (const args of [
      [path, ok],
      [ok, path],
    ]) {
      const result = await cli(["diff", ...args]);
      expect(result).toEqual({
        code: 2,
        stdout: "",
        stderr: `asset-diff: ${path}: $.assets[2]: ${message}\n`,
      });
    }
  });

  test("a graph built in code: the same error from the differ", () => {
    expect(() => diffAssetGraphs(graph(asset("a"), asset("a")), graph())).toThrow(
      '$.assets[1]: asset "a" in loc is defined twice (also at $.assets[0])',
    );
  });

  test("one key in two code locations is two assets, compared per location", () => {
    const base = graph(asset("a", { codeLocation: "one" }), asset("a", { codeLocation: "two" }));
    const branch = graph(
      asset("a", { codeLocation: "one" }),
      asset("a", { codeLocation: "two", codeVersion: "2" }),
    );
    const { changeSet } = reports(base, branch);
    expect(changeSet.assets.map((a) => [a.key, a.codeLocation, a.changeTypes])).toEqual([
      ["a", "two", ["CODE_VERSION"]],
    ]);
  });
});

describe("a dependency cycle (a → b → a)", () => {
  const cycle = (codeVersion: string | null) =>
    graph(
      asset("a", { dependencies: [dep("b")], codeVersion }),
      asset("b", { dependencies: [dep("a")] }),
    );

  test("is compared like any graph; lineage lists each side once; Mermaid draws both links", async () => {
    const r = reports(cycle(null), cycle("2"));
    expect(r.changeSet.assets.map((a) => [a.key, a.changeTypes])).toEqual([
      ["a", ["CODE_VERSION"]],
    ]);
    expect(r.lineage.assets[0]?.lineage).toEqual({ upstream: ["b"], downstream: ["b"] });
    expect(lines(r.text)).toContain("~ a  [loc]  CODE_VERSION");
    expect(r.json.assets.map((a) => a.key)).toEqual(["a"]);
    expect(edges(r.mermaid)).toEqual(["n0 --> n1", "n1 --> n0"]);
    await expect(mermaid.parse(r.mermaid)).resolves.toBeTruthy();
    expect(r.markdown).toContain("n0 --> n1\n  n1 --> n0");
    expect(r.github).toEqual(["::notice title=asset-diff%3A a::a (loc): CODE_VERSION\n"]);

    const c = await viaCli(cycle(null), cycle("2"));
    expect(c.json.assets.map((a) => [a.key, a.changeTypes])).toEqual([["a", ["CODE_VERSION"]]]);
    expect(lines(c.text)).toContain("~ [risky]    a  [loc]  CODE_VERSION");
    expect(c.markdown).toContain("n0 --> n1\n  n1 --> n0");
    expect(c.github).toHaveLength(1);
  });

  test("a new cycle: both assets NEW, both links added", async () => {
    const r = reports(graph(), cycle(null));
    expect(counts(r.changeSet)).toMatchObject({ new: 2 });
    expect(edges(r.mermaid)).toEqual(["n0 ==> n1", "n1 ==> n0"]);
    await expect(mermaid.parse(r.mermaid)).resolves.toBeTruthy();
    expect(r.github).toHaveLength(2);
  });
});

describe("a self-dependency (a → a)", () => {
  const base = graph(asset("a"));
  const branch = graph(asset("a", { dependencies: [dep("a")] }));

  test("is a dependency like any other: added, its own neighbour, drawn as a loop", async () => {
    const r = reports(base, branch);
    expect(r.changeSet.assets[0]?.details.dependencies?.addedKeys).toEqual(["a"]);
    expect(r.lineage.assets[0]?.lineage).toEqual({ upstream: ["a"], downstream: ["a"] });
    expect(lines(r.text)).toContain("dependency added: a");
    expect(r.markdown).toContain("- dependency added: `a`");
    expect(edges(r.mermaid)).toEqual(["n0 ==> n0"]);
    await expect(mermaid.parse(r.mermaid)).resolves.toBeTruthy();
    expect(r.github).toEqual(["::notice title=asset-diff%3A a::a (loc): DEPENDENCIES\n"]);

    const c = await viaCli(base, branch);
    expect(c.json.assets[0]?.details.dependencies?.addedKeys).toEqual(["a"]);
    expect(lines(c.text)).toContain("dependency added: a");
    expect(c.markdown).toContain("n0 ==> n0");
    expect(c.github).toHaveLength(1);
  });

  test("a graph that has one keeps it unchanged", () => {
    expect(reports(branch, branch).changeSet.assets).toEqual([]);
  });
});

describe("a dangling dependency (on a key the graph does not hold)", () => {
  const base = graph(asset("a", { dependencies: [dep("ghost")] }));
  const branch = graph(asset("a", { dependencies: [dep("ghost2")] }));

  test("is kept and reported by key; Mermaid draws the key as an unchanged neighbour", async () => {
    expect(parseAssetGraph(JSON.parse(serializeSnapshot(base))).assets[0]?.dependencies).toEqual([
      { key: ["ghost"] },
    ]);
    const r = reports(base, branch);
    expect(r.changeSet.assets[0]?.details.dependencies).toMatchObject({
      addedKeys: ["ghost2"],
      removedKeys: ["ghost"],
    });
    expect(r.lineage.assets[0]?.lineage).toEqual({ upstream: ["ghost2"], downstream: [] });
    expect(lines(r.text)).toEqual(
      expect.arrayContaining(["dependency added: ghost2", "dependency removed: ghost"]),
    );
    expect(lines(r.mermaid)).toEqual(
      expect.arrayContaining([
        'n0["~ a"]',
        'n1["ghost"]',
        'n2["ghost2"]',
        "n1 -.-> n0",
        "n2 ==> n0",
        "class n1,n2 neighbour",
      ]),
    );
    await expect(mermaid.parse(r.mermaid)).resolves.toBeTruthy();
    expect(r.github).toEqual(["::notice title=asset-diff%3A a::a (loc): DEPENDENCIES\n"]);

    const c = await viaCli(base, branch);
    expect(c.json.assets[0]?.details.dependencies?.addedKeys).toEqual(["ghost2"]);
    expect(c.markdown).toContain("n2 ==> n0");
    expect(c.github).toHaveLength(1);
  });
});

describe("empty graphs", () => {
  test("both empty: no changes, an empty picture, no annotations", async () => {
    const r = reports(graph(), graph());
    expect(r.changeSet.assets).toEqual([]);
    expect(r.changeSet.locations).toEqual([]);
    expect(counts(r.changeSet)).toEqual({ new: 0, removed: 0, modified: 0, unchanged: 0 });
    expect(lines(r.text)).toContain("No changes (0 unchanged).");
    expect(r.markdown).toContain("No asset changes (no assets compared).");
    expect(r.markdown).not.toContain("```mermaid");
    expect(lines(r.mermaid)).toContain('empty["No changed assets"]');
    await expect(mermaid.parse(r.mermaid)).resolves.toBeTruthy();
    expect(r.github).toEqual([]);

    const c = await viaCli(graph(), graph());
    expect(c.json.assets).toEqual([]);
    expect(lines(c.text)).toContain("No changes (0 unchanged).");
    expect(c.markdown).toContain("No asset changes (no assets compared).");
    expect(c.github).toEqual([]);
  });

  test("an empty base: every branch asset is NEW, its code location new", async () => {
    const branch = graph(asset("a"), asset("b", { dependencies: [dep("a")] }));
    const r = reports(graph(), branch);
    expect(r.changeSet.assets.map((a) => a.changeTypes)).toEqual([["NEW"], ["NEW"]]);
    expect(r.changeSet.locations).toEqual([
      { codeLocation: "loc", status: "new", baseAssets: 0, branchAssets: 2 },
    ]);
    expect(edges(r.mermaid)).toEqual(["n0 ==> n1"]);
    expect(r.github).toHaveLength(2);
    const c = await viaCli(graph(), branch);
    expect(counts(c.json)).toMatchObject({ new: 2 });
    expect(c.github).toHaveLength(2);
  });

  test("an empty branch: its base locations are not compared (as Dagster), unless asked", async () => {
    const base = graph(asset("a"), asset("b"));
    const r = reports(base, graph());
    expect(r.changeSet.assets).toEqual([]);
    expect(r.changeSet.locations).toEqual([
      expect.objectContaining({ codeLocation: "loc", status: "notInBranch", baseAssets: 2 }),
    ]);
    expect(lines(r.text)).toEqual(
      expect.arrayContaining([
        "No changes (0 unchanged).",
        "Code locations not compared",
        "! loc: not in the branch; not compared, as Dagster compares the branch's code locations only",
      ]),
    );
    expect(r.markdown).toContain("### Code locations not compared (1)");
    expect(lines(r.mermaid)).toContain('empty["No changed assets"]');
    expect(r.github).toEqual([]);
    const c = await viaCli(base, graph());
    expect(c.json.locations[0]?.status).toBe("notInBranch");
    expect(c.github).toEqual([]);

    const removed = reports(base, graph(), { missingLocations: "removed" });
    expect(removed.changeSet.assets.map((a) => a.changeTypes)).toEqual([["REMOVED"], ["REMOVED"]]);
    expect(removed.github.map((l) => l.split(" ")[0])).toEqual(["::warning", "::warning"]);
    const d = await viaCli(base, graph(), ["--missing-locations", "removed"]);
    expect(counts(d.json)).toMatchObject({ removed: 2 });
  });

  test("an empty branch of an input without code locations (dg, dbt): every asset REMOVED", async () => {
    const base = graph(
      asset("a", { codeLocation: null, repository: null }),
      asset("b", { codeLocation: null, repository: null }),
    );
    const r = reports(base, graph());
    expect(r.changeSet.assets.map((a) => [a.key, a.changeTypes])).toEqual([
      ["a", ["REMOVED"]],
      ["b", ["REMOVED"]],
    ]);
    // Two removals that do not depend on one another: no picture of two boxes, a line instead.
    expect(lines(r.mermaid)).toContain(
      'note["The 2 changed assets do not depend on one another."]',
    );
    const c = await viaCli(base, graph());
    expect(counts(c.json)).toMatchObject({ removed: 2 });
  });
});

describe("graphs with no code location in common", () => {
  const base = graph(asset("a", { codeLocation: "one" }));
  const branch = graph(asset("b", { codeLocation: "two" }));

  test("the branch's location is new (its assets NEW); the base's is not compared", async () => {
    const r = reports(base, branch);
    expect(r.changeSet.assets.map((a) => [a.key, a.codeLocation, a.changeTypes])).toEqual([
      ["b", "two", ["NEW"]],
    ]);
    expect(r.changeSet.locations.map((l) => [l.codeLocation, l.status])).toEqual([
      ["one", "notInBranch"],
      ["two", "new"],
    ]);
    expect(lines(r.text)).toEqual(
      expect.arrayContaining([
        "+ b  [two]",
        "! one: not in the branch; not compared, as Dagster compares the branch's code locations only",
      ]),
    );
    expect(r.markdown).toContain(
      "**1 new** asset in code location `two`. 1 code location was not compared.",
    );
    expect(edges(r.mermaid)).toEqual([]);
    await expect(mermaid.parse(r.mermaid)).resolves.toBeTruthy();
    expect(r.github).toEqual(["::notice title=asset-diff%3A b::b (two): NEW\n"]);
    const c = await viaCli(base, branch);
    expect(c.json.locations.map((l) => l.status)).toEqual(["notInBranch", "new"]);
    expect(c.github).toHaveLength(1);
  });

  test("with missingLocations removed, the base's assets are REMOVED", async () => {
    const r = reports(base, branch, { missingLocations: "removed" });
    expect(r.changeSet.assets.map((a) => [a.key, a.changeTypes])).toEqual([
      ["a", ["REMOVED"]],
      ["b", ["NEW"]],
    ]);
    const c = await viaCli(base, branch, ["--missing-locations", "removed"]);
    expect(counts(c.json)).toMatchObject({ new: 1, removed: 1 });
  });
});

describe("a 100,000-asset dependency chain (each asset depends on the previous one)", () => {
  const N = 100_000;
  /** A Dagster GraphQL response of the chain; `ring` closes it (a0 depends on the last asset). */
  const chain = (options: { codeVersion?: string; ring?: boolean } = {}) =>
    JSON.stringify({
      data: {
        assetNodes: Array.from({ length: N }, (_, i) => ({
          assetKey: { path: [`a${i}`] },
          opVersion: i === 0 ? (options.codeVersion ?? "1") : "1",
          dependencyKeys:
            i > 0 ? [{ path: [`a${i - 1}`] }] : options.ring ? [{ path: [`a${N - 1}`] }] : [],
        })),
      },
    });
  let basePath: string;
  let branchPath: string;
  beforeAll(() => {
    basePath = write(chain());
    branchPath = write(chain({ codeVersion: "2" }));
  });

  test("loads, diffs with a change at one end, and renders in every format", async () => {
    const base = await loadAssetGraph(basePath);
    const branch = await loadAssetGraph(branchPath);
    expect(branch.assets).toHaveLength(N);
    const r = reports(base, branch);
    expect(r.changeSet.assets.map((a) => [a.key, a.changeTypes])).toEqual([
      ["a0", ["CODE_VERSION"]],
    ]);
    expect(counts(r.changeSet)).toEqual({ new: 0, removed: 0, modified: 1, unchanged: N - 1 });
    expect(r.lineage.assets[0]?.lineage).toEqual({ upstream: [], downstream: ["a1"] });
    expect(lines(r.text)).toContain("~ a0  CODE_VERSION");
    expect(r.json.summary.assets.unchanged).toBe(N - 1);
    expect(r.markdown).toContain("**1 modified** asset");
    expect(edges(r.mermaid)).toEqual(["n0 --> n1"]);
    expect(r.github).toHaveLength(1);
  }, 120_000);

  test("every asset listed (includeUnchanged) and every asset NEW, each in every format", async () => {
    const base = await loadAssetGraph(basePath);
    const branch = await loadAssetGraph(branchPath);
    for (const r of [
      reports(base, branch, { includeUnchanged: true }),
      reports({ assets: [] }, branch),
    ]) {
      expect(r.changeSet.assets).toHaveLength(N);
      expect(r.text.split("\n").length).toBeGreaterThan(N);
      expect(r.json.assets).toHaveLength(N);
      expect(r.markdown.length).toBeLessThanOrEqual(65_536);
      await expect(mermaid.parse(r.mermaid)).resolves.toBeTruthy();
      expect(r.github.length).toBeLessThanOrEqual(51);
    }
  }, 120_000);

  test("closed into a ring of 100,000: every asset in a cycle, no traversal loops", async () => {
    const ring = parseAssetGraph(JSON.parse(chain({ ring: true })));
    const r = reports(await loadAssetGraph(basePath), ring);
    expect(r.changeSet.assets.map((a) => [a.key, a.changeTypes])).toEqual([
      ["a0", ["DEPENDENCIES"]],
    ]);
    expect(r.lineage.assets[0]?.lineage).toEqual({ upstream: [`a${N - 1}`], downstream: ["a1"] });
    expect(edges(r.mermaid)).toEqual(["n0 --> n1", "n2 ==> n0"]);
  }, 120_000);

  test("through the CLI in every format", async () => {
    const env = { GITHUB_ACTIONS: "true" };
    for (const format of ["text", "json", "markdown"]) {
      const result = await cli(["diff", basePath, branchPath, "--format", format], { env });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain("a0");
    }
  }, 120_000);
});
