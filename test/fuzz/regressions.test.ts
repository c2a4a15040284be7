import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { diffAssetGraphs } from "../../src/diff/diff";
import { UsageError, ValidationError } from "../../src/errors";
import { parseDagsterGraphql } from "../../src/load/dagster-graphql/parse";
import { parseAssetGraph } from "../../src/load/index";
import { parseSnapshot } from "../../src/load/snapshot/snapshot";
import type { AssetGraph } from "../../src/model/asset";
import { parseConfig } from "../../src/policies/config";
import { withLineage } from "../../src/policies/lineage";
import { createPolicyContext } from "../../src/policies/policy";
import { reviewChanges } from "../../src/policies/review";
import { selectAssets } from "../../src/policies/select";
import { renderCodeQuality } from "../../src/report/codequality";
import { renderExplanation } from "../../src/report/explain";
import { formatGithubOutputs, renderGithubAnnotations } from "../../src/report/github";
import { renderMarkdown } from "../../src/report/markdown";
import { markdownMarker } from "../../src/report/marker";
import { renderLineageMermaid } from "../../src/report/mermaid";
import { renderText } from "../../src/report/text";
import { formatAssetGraph } from "../../src/testing/format";
import { asset, dep, graph } from "../helpers/builders";
import { cli } from "../helpers/cli";
import { change, changeSetOf } from "../report/change-set-builders";
import { codeQualityReportSchema } from "../report/codequality-schema";
import { checkGithubOutputs, checkMarkdown, checkMermaid } from "./checks";

/**
 * Every defect the fuzz suite found, as the smallest input that showed it (a fixture in
 * `fixtures/fuzz/` or an inline value) and what the library does with it now. Each test failed
 * before its fix.
 */

const FIXTURES = join(process.cwd(), "fixtures");
const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(join(FIXTURES, "fuzz", name), "utf8"));
const EXAMPLE = {
  base: join(FIXTURES, "example", "base.json"),
  branch: join(FIXTURES, "example", "branch.json"),
};
const example = (side: "base" | "branch"): AssetGraph =>
  parseAssetGraph(JSON.parse(readFileSync(EXAMPLE[side], "utf8")), { source: side });

describe("fuzz regressions: Markdown report marker", () => {
  test("a report id with a lone surrogate is encoded as U+FFFD, not a URIError (renderMarkdown seed 1)", () => {
    expect(markdownMarker("a\uD800b")).toBe("<!-- asset-diff:report:a%EF%BF%BDb -->");
    expect(markdownMarker("\uDC00")).toBe("<!-- asset-diff:report:%EF%BF%BD -->");
    const base = example("base");
    const branch = example("branch");
    const markdown = renderMarkdown(withLineage(diffAssetGraphs(base, branch), { base, branch }), {
      id: "pr-\uD83D\uDCA5-\uD800",
    });
    expect(markdown.split("\n")[0]).toBe("<!-- asset-diff:report:pr-%F0%9F%92%A5-%EF%BF%BD -->");
  });

  test("a long id is cut without leaving half a percent escape", () => {
    const marker = markdownMarker("é".repeat(100));
    expect(marker).toMatch(/^<!-- asset-diff:report:(%C3%A9)+ -->$/);
    expect(marker.length).toBeLessThanOrEqual("<!-- asset-diff:report: -->".length + 200);
  });

  test("the CLI: --report-id with a lone surrogate exits 0 (was 70, internal error: URI malformed)", async () => {
    const result = await cli([
      "diff",
      EXAMPLE.base,
      EXAMPLE.branch,
      "--format",
      "markdown",
      "--report-id=\uD800",
    ]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout.split("\n")[0]).toBe("<!-- asset-diff:report:%EF%BF%BD -->");
  });
});

describe("fuzz regressions: the Markdown lineage picture", () => {
  test("an unbounded (or not-a-number) maxNodes still shrinks the picture to fit: no endless loop (renderMarkdown seed 20261201, case 5003)", () => {
    // The picture was redrawn with half of maxNodes until it fitted: half of Infinity is Infinity.
    // A chain, so that there is a picture to shrink (unrelated changes get a line instead).
    const branch = graph(
      ...Array.from({ length: 3000 }, (_, i) =>
        asset(`a${i}`, { dependencies: i === 0 ? [] : [dep(`a${i - 1}`)] }),
      ),
    );
    const base = graph();
    const changeSet = withLineage(diffAssetGraphs(base, branch), { base, branch });
    for (const maxNodes of [Number.POSITIVE_INFINITY, Number.NaN]) {
      const markdown = renderMarkdown(changeSet, { lineage: { maxNodes }, maxLength: 6000 });
      expect(markdown.length).toBeLessThanOrEqual(6000);
      checkMarkdown(markdown, { maxLength: 6000 });
    }
    const drawn = renderMarkdown(changeSet, {
      lineage: { maxNodes: Number.POSITIVE_INFINITY },
      maxLength: 60_000,
    });
    expect(drawn).toContain("```mermaid");
  });
});

describe("fuzz regressions: Mermaid labels", () => {
  // Keys with C1 controls (NEL, CSI), a lone surrogate, bidi override and isolates, NUL, DEL and
  // U+2028 (parseSnapshot seed 2, parseDgListDefs seed 2, renderLineageMermaid seed 7).
  // Each of them reads one unchanged asset, so that they are drawn (unrelated changes are not).
  const hub = asset("hub");
  const read = parseSnapshot(fixture("control-characters-in-keys.json"));
  const branch: AssetGraph = {
    assets: [hub, ...read.assets.map((a) => ({ ...a, dependencies: [dep("hub")] }))],
  };
  const base: AssetGraph = { assets: [hub] };
  const changeSet = withLineage(diffAssetGraphs(base, branch), { base, branch });

  test("carry no raw control, bidi or lone surrogate: they read as spaces and U+FFFD", () => {
    const mermaid = renderLineageMermaid(changeSet);
    // The labels (the last key part) and the tooltips (the whole key).
    const labels = mermaid
      .split("\n")
      .flatMap((line) => /^ +n\d+\["(.*)"\]$|^ +click n\d+ \w+ "(.*)"$/.exec(line)?.slice(1) ?? [])
      .filter((text) => text !== undefined);
    expect(labels).toEqual(
      expect.arrayContaining([
        "+ iso late ",
        "+ lone\uFFFD",
        "+ nul del  end",
        "+ nel csi 31m",
        "bidi gnp.exe/iso late ",
        "raw/nel csi 31m",
      ]),
    );
    checkMermaid(mermaid);
  });

  test("nor does the lineage picture of the Markdown report", () => {
    const markdown = renderMarkdown(changeSet);
    expect(markdown).toContain('["+ lone\uFFFD"]');
    checkMarkdown(markdown, {});
  });
});

describe("fuzz regressions: GitHub step outputs", () => {
  test("a value with a line equal to the delimiter cannot end it early or add outputs (githubOutputs seed 1)", () => {
    const outputs = { new: "\nASSET_DIFF_EOF\nfailed=false", failed: "true" };
    const text = formatGithubOutputs(outputs);
    expect(text).toBe(
      "new<<ASSET_DIFF_EOF_1\n\nASSET_DIFF_EOF\nfailed=false\nASSET_DIFF_EOF_1\nfailed=true\n",
    );
    checkGithubOutputs(outputs, text);
    const both = { x: "ASSET_DIFF_EOF\r\nASSET_DIFF_EOF_1\rend" };
    checkGithubOutputs(both, formatGithubOutputs(both));
  });

  test("a value ending with a carriage return keeps that line break (githubOutputs seed 20261206)", () => {
    expect(formatGithubOutputs({ new: "\r" })).toBe("new<<ASSET_DIFF_EOF\n\n\nASSET_DIFF_EOF\n");
    checkGithubOutputs({ new: "\r" }, formatGithubOutputs({ new: "\r" }));
    checkGithubOutputs({ a: "x\r\r\ny\r" }, formatGithubOutputs({ a: "x\r\r\ny\r" }));
  });

  test("a name the runner cannot read back, or a delimiter that is not one line, is a UsageError (githubOutputs seed 2)", () => {
    for (const name of ["", "a=b", "a<<b", "a\nb", "a\rb"]) {
      expect(() => formatGithubOutputs({ [name]: "v" })).toThrow(UsageError);
    }
    expect(() => formatGithubOutputs({ "": "" })).toThrow(
      'the output name "" cannot be written to GITHUB_OUTPUT: a name is one non-empty line without "=" or "<<", not ending with "<"',
    );
    expect(() => formatGithubOutputs({ a: "x\ny" }, "")).toThrow(UsageError);
    expect(() => formatGithubOutputs({ a: "x\ny" }, "E\nOF")).toThrow(UsageError);
  });

  test('a name ending with "<" is a UsageError: its multi-line value would read as another name and delimiter (githubOutputs seed 20261201)', () => {
    // `<` then `<<ASSET_DIFF_EOF` reads as the name "" (and `a<` as `a` with delimiter `<ASSET_DIFF_EOF`).
    for (const name of ["<", "a<"]) {
      expect(() => formatGithubOutputs({ [name]: '"];\nclick n0 call alert()\n["' })).toThrow(
        UsageError,
      );
    }
    const text = formatGithubOutputs({ "a<b": "x\ny", "<a": "z" });
    checkGithubOutputs({ "a<b": "x\ny", "<a": "z" }, text);
  });
});

describe("fuzz regressions: asset selection globs", () => {
  test("an empty tag key glob (`=*`) selects tags with an empty key, not a TypeError (reviewChanges seed 2)", () => {
    const config = parseConfig(fixture("config-empty-tag-key-glob.json"));
    const base = example("base");
    const branch = example("branch");
    const reviewed = reviewChanges(diffAssetGraphs(base, branch), { base, branch }, { config });
    expect(reviewed.assets.length).toBeGreaterThan(0);

    const tagged = graph(asset("a", { tags: [{ key: "", value: "v" }] }), asset("b"));
    const context = createPolicyContext({ base: tagged, branch: tagged });
    const changes = diffAssetGraphs({ assets: [] }, tagged).assets;
    const selected = selectAssets({ tags: ["=*"] });
    expect(changes.filter((c) => selected(c, context)).map((c) => c.key)).toEqual(["a"]);
    const empty = selectAssets({ keys: [""] });
    expect(changes.filter((c) => empty(c, context))).toEqual([]);
  });

  test("a glob over picomatch's 65,536 characters is a UsageError naming it, not a SyntaxError", () => {
    const config = parseConfig({
      severity: [{ select: { keys: ["a".repeat(70_000)] }, severity: "breaking" }],
    });
    const base = example("base");
    expect(() =>
      reviewChanges(diffAssetGraphs(base, base), { base, branch: base }, { config }),
    ).toThrow(UsageError);
    expect(() => selectAssets({ tags: [`k=${"*".repeat(70_000)}`] })).toThrow(
      /^the glob "\*{59}…" cannot be used: Input length: 70000, exceeds maximum allowed length: 65536$/,
    );
  });

  test("a glob whose regular expression V8 finds too large on first use is a UsageError when compiled (reviewChanges seed 20261201)", () => {
    // 32,768 characters: under picomatch's limit, but V8 compiles the expression lazily and
    // refused it only when the first key was matched, as a SyntaxError.
    const glob = `ci/*${"a".repeat(32_768)}`;
    expect(() => selectAssets({ keys: [glob] })).toThrow(
      /^the glob "ci\/\*a{55}…" cannot be used: Regular expression too large$/,
    );
    const config = parseConfig({ ignore: [{ select: { keys: [glob] }, reason: "too large" }] });
    const base = example("base");
    expect(() =>
      reviewChanges(diffAssetGraphs(base, base), { base, branch: base }, { config }),
    ).toThrow(UsageError);
  });
});

describe("fuzz regressions: the Code Quality report", () => {
  const withReference = (reference: Record<string, unknown>) =>
    graph(
      asset("a", {
        codeVersion: "2",
        metadata: [
          {
            key: "dagster/code_references",
            value: { type: "codeReferences", codeReferences: [reference] },
          },
        ],
      } as never),
    );

  test("a fallback path that is empty, absolute or ./-prefixed gives a path GitLab reads (renderCodeQuality seed 20261201)", () => {
    const base = graph(asset("a", { codeVersion: "1" }));
    const branch = graph(asset("a", { codeVersion: "2" }));
    const changeSet = diffAssetGraphs(base, branch);
    const paths = ["", "/etc/ci.yml", "./ci/x.yml", "././"].map(
      (fallbackPath) =>
        codeQualityReportSchema.parse(JSON.parse(renderCodeQuality(changeSet, { fallbackPath })))[0]
          ?.location,
    );
    expect(paths).toEqual([
      { path: ".gitlab-ci.yml", lines: { begin: 1 } },
      { path: ".gitlab-ci.yml", lines: { begin: 1 } },
      { path: "ci/x.yml", lines: { begin: 1 } },
      { path: ".gitlab-ci.yml", lines: { begin: 1 } },
    ]);
  });

  test("a line number past the exact integers (#L99999999999999999999) points at line 1, in annotations too (renderCodeQuality seed 20261201)", () => {
    const base = graph(asset("a", { codeVersion: "1" }));
    const branch = withReference({
      type: "url",
      url: "https://github.com/o/r/blob/main/a.py#L99999999999999999999",
      label: null,
    });
    const changeSet = diffAssetGraphs(base, branch);
    const [issue] = codeQualityReportSchema.parse(
      JSON.parse(renderCodeQuality(changeSet, { graphs: { base, branch } })),
    );
    expect(issue?.location).toEqual({ path: "a.py", lines: { begin: 1 } });
    const [annotation] = renderGithubAnnotations(changeSet, { graphs: { base, branch } });
    expect(annotation).toMatch(/^::notice file=a\.py,title=/);
  });
});

describe("fuzz regressions: GitHub annotations", () => {
  test("graphs built in code with a malformed code reference are a ValidationError, not a TypeError (renderGithubAnnotations seed 12)", () => {
    const base = graph(asset("a", { codeVersion: "1" }));
    const branch = graph(asset("a", { codeVersion: "2" }));
    const changeSet = diffAssetGraphs(base, branch);
    const malformed = {
      assets: [
        {
          ...asset("a", { codeVersion: "2" }),
          metadata: [
            {
              key: "dagster/code_references",
              value: { type: "codeReferences", codeReferences: [{ type: "localFile" }] },
            },
          ],
        },
      ],
    } as unknown as AssetGraph;
    expect(() =>
      renderGithubAnnotations(changeSet, { graphs: { base, branch: malformed }, workspace: "/w" }),
    ).toThrow(ValidationError);
    expect(() =>
      renderGithubAnnotations(changeSet, { graphs: { base, branch: malformed } }),
    ).toThrow("$.assets[0].metadata[0].value.codeReferences[0].filePath: expected string");
  });

  test("a GitHub URL with a malformed percent escape keeps its path as written, not a URIError (renderGithubAnnotations seed 11)", () => {
    const url = "https://github.com/o/r/blob/main/%zz/a%E0%A4%A.py#L3";
    const base = graph(asset("a", { codeVersion: "1" }));
    const branch = graph(
      asset("a", {
        codeVersion: "2",
        metadata: [
          {
            key: "dagster/code_references",
            value: { type: "codeReferences", codeReferences: [{ type: "url", url, label: null }] },
          },
        ],
      }),
    );
    const lines = renderGithubAnnotations(diffAssetGraphs(base, branch), {
      graphs: { base, branch },
    });
    expect(lines).toEqual([
      "::notice file=%25zz/a%25E0%25A4%25A.py,line=3,title=asset-diff%3A a::a (loc): CODE_VERSION, METADATA\n",
    ]);
  });
});

// Found by growing one list or one string of an input four times over (`npm run fuzz --
// --growth`): linear work grows four times, these grew 16 times or failed outright. Here each
// asserts the result at a size the old code could not reach; their speed is the growth
// benchmark's to measure (`npm run fuzz -- --growth 25000`), not a timed test's.
describe("fuzz regressions: huge strings and many entries", () => {
  test("values of 4,000,000 characters render without a per-character array (renderText 3.5 s and renderMarkdown 5.2 s before)", () => {
    const long = "\u0436".repeat(4_000_000);
    const base = graph(asset("a", { description: long, tags: [{ key: "k", value: long }] }));
    const branch = graph(
      asset("a", { description: `${long}!`, tags: [{ key: "k", value: `${long}?` }] }),
    );
    const changeSet = diffAssetGraphs(base, branch);
    const text = renderText(changeSet);
    const markdown = renderMarkdown(changeSet);
    expect(text).toContain(`description: …${"\u0436".repeat(10)}" → …${"\u0436".repeat(10)}!"`);
    expect(markdown.length).toBeLessThan(60_000);
  });

  test("substitutions that make 40,000 tags equal group them as one suppressed entry (quadratic before: 15 s)", () => {
    const tags = (value: (i: number) => string) =>
      Array.from({ length: 40_000 }, (_, i) => ({ key: `t${i}`, value: value(i) }));
    const base = graph(asset("a", { tags: tags((i) => `analytics_pr_42.${i}`) }));
    const branch = graph(asset("a", { tags: tags((i) => `analytics.${i}`) }));
    const config = parseConfig({ substitutions: [{ from: "analytics_pr_{pr}", to: "analytics" }] });
    const reviewed = reviewChanges(
      diffAssetGraphs(base, branch),
      { base, branch },
      { config, variables: { pr: "42" } },
    );
    expect(reviewed.assets).toEqual([]);
    expect(reviewed.suppressed).toHaveLength(1);
    expect(reviewed.suppressed[0]?.keys).toHaveLength(40_000);
  });

  test("the explanation of an asset with 40,000 changed metadata entries lists each (quadratic before: 8.4 s)", () => {
    const metadata = (text: string) =>
      Array.from({ length: 40_000 }, (_, i) => ({
        key: `m${i}`,
        value: { type: "text" as const, text: `${text}${i}` },
      }));
    const base = graph(asset("a", { metadata: metadata("old") }));
    const branch = graph(asset("a", { metadata: metadata("new") }));
    const raw = diffAssetGraphs(base, branch);
    const context = createPolicyContext({ base, branch });
    const change = raw.assets[0] as (typeof raw.assets)[number];
    const text = renderExplanation({
      base: context.sideOf("base", change),
      branch: context.sideOf("branch", change),
      raw: change,
      suppressed: [],
      staleApprovals: [],
    });
    expect(text).toContain('    m39999: text "old39999" → text "new39999"');
  });

  test("renderText lists 300,000 changed kinds and 200,000 new assets (RangeError: Maximum call stack size exceeded before)", () => {
    const kinds = Array.from({ length: 300_000 }, (_, i) => `k${i}`);
    const changed = change(
      "a",
      ["KINDS"],
      {},
      {
        kinds: { old: [], new: kinds, added: kinds, removed: [] },
      },
    );
    const fresh = Array.from({ length: 200_000 }, (_, i) => change(`n${i}`, ["NEW"]));
    const text = renderText(changeSetOf([changed, ...fresh]));
    expect(text).toContain("      kind added: k299999\n");
    expect(text).toContain("  + n199999  [loc]\n");
  });

  test("formatAssetGraph prints an asset with 300,000 tags (RangeError before)", () => {
    const tags = Array.from({ length: 300_000 }, (_, i) => ({
      key: `t${String(i).padStart(6, "0")}`,
      value: "",
    }));
    const text = formatAssetGraph(graph(asset("a", { tags })));
    expect(text).toContain("t299999");
  });

  test('parseDagsterGraphql reads a repository of 200,000 asset nodes (RangeError before; "nests too deeply" through parseAssetGraph)', () => {
    const nodes = Array.from({ length: 200_000 }, (_, i) => ({ assetKey: { path: [`k${i}`] } }));
    const response = {
      data: {
        workspaceOrError: {
          __typename: "Workspace",
          locationEntries: [
            {
              name: "loc",
              loadStatus: "LOADED",
              locationOrLoadError: {
                __typename: "RepositoryLocation",
                name: "loc",
                repositories: [{ name: "__repository__", assetNodes: nodes }],
              },
            },
          ],
        },
      },
    };
    expect(parseDagsterGraphql(response).assets).toHaveLength(200_000);
    expect(parseAssetGraph(response).assets).toHaveLength(200_000);
  });
});
