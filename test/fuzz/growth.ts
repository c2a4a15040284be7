import { performance } from "node:perf_hooks";
import type { ChangeSet } from "../../src/diff/change-set";
import { diffAssetGraphs } from "../../src/diff/diff";
import { parseSnapshot, serializeSnapshot } from "../../src/load/snapshot/snapshot";
import type { Asset, AssetGraph } from "../../src/model/asset";
import { normalize } from "../../src/normalize/normalize";
import type { AssetDiffConfig } from "../../src/policies/config";
import { withLineage } from "../../src/policies/lineage";
import { createPolicyContext } from "../../src/policies/policy";
import { reviewChanges } from "../../src/policies/review";
import { renderExplanation } from "../../src/report/explain";
import { githubOutputs, renderGithubAnnotations } from "../../src/report/github";
import { renderJson } from "../../src/report/json";
import { renderMarkdown } from "../../src/report/markdown";
import { renderLineageMermaid } from "../../src/report/mermaid";
import { renderText } from "../../src/report/text";
import { formatAssetGraph } from "../../src/testing/format";
import { asset } from "../helpers/builders";

/**
 * Growth runs: one list (assets, tags, metadata entries, dependencies, dependents, owners, kinds,
 * columns, JSON keys, partition keys, code references, code locations) or one string grows four
 * times over, and every step of the pipeline is timed at both sizes. Linear work takes about four
 * times as long; a step that takes far longer is a super-linear path, which random cases within a
 * time budget find only by luck.
 */

const CONFIG: AssetDiffConfig = {
  substitutions: [{ from: "pr_42", to: "prod" }],
  ignore: [
    { tags: ["ci/*"], reason: "set by CI" },
    { metadata: ["dagster/*"], reason: "set by Dagster" },
  ],
  severity: [{ select: { keys: ["**"] }, changeTypes: ["TAGS"], severity: "risky" }],
};

type Side = "base" | "branch";

const graphOf = (assets: Asset[]): AssetGraph => ({ assets });
const numbered = <T>(n: number, make: (i: number) => T): T[] =>
  Array.from({ length: n }, (_, i) => make(i));

/** Each shape: a graph on each side where one list (or string) has `n` entries that differ. */
export const GROWTH_SHAPES: Readonly<Record<string, (n: number, side: Side) => AssetGraph>> = {
  assets: (n, side) =>
    graphOf(
      numbered(n, (i) =>
        asset(`k${i}`, {
          codeVersion: side,
          dependencies: i > 0 ? [{ key: [`k${i - 1}`] }] : [],
          tags: [{ key: "ci/run", value: `${side}${i}` }],
        }),
      ),
    ),
  tags: (n, side) =>
    graphOf([
      asset("a", {
        tags: numbered(n, (i) => ({
          key: `t${i}`,
          value: `${side === "base" ? "pr_42" : "prod"}-${i}`,
        })),
      }),
    ]),
  metadata: (n, side) =>
    graphOf([
      asset("a", {
        metadata: numbered(n, (i) => ({
          key: `m${i}`,
          value: { type: "text" as const, text: `${side === "base" ? "pr_42" : "prod"}-${i}` },
        })),
      }),
    ]),
  dependencies: (n, side) =>
    graphOf([
      asset("a", {
        dependencies: numbered(n, (i) => ({
          key: [`d${side === "base" ? i : i + 1}`],
          partitionMapping: null,
        })),
      }),
      ...numbered(n + 1, (i) => asset(`d${i}`)),
    ]),
  dependents: (n, side) =>
    graphOf([
      asset("hub", { codeVersion: side }),
      ...numbered(n, (i) => asset(`x${i}`, { dependencies: [{ key: ["hub"] }] })),
    ]),
  owners: (n, side) =>
    graphOf([
      asset("a", { owners: numbered(n, (i) => ({ type: "team" as const, team: `${side}${i}` })) }),
    ]),
  kinds: (n, side) => graphOf([asset("a", { kinds: numbered(n, (i) => `${side}${i}`) })]),
  columns: (n, side) =>
    graphOf([
      asset("a", {
        metadata: [
          {
            key: "dagster/column_schema",
            value: {
              type: "tableSchema" as const,
              schema: {
                columns: numbered(n, (i) => ({
                  name: `c${side === "base" ? i : i + 1}`,
                  type: side,
                  description: null,
                  constraints: { nullable: true, unique: false, other: [] },
                  tags: [],
                })),
                constraints: null,
              },
            },
          },
        ],
      }),
    ]),
  jsonKeys: (n, side) =>
    graphOf([
      asset("a", {
        metadata: [
          {
            key: "j",
            value: {
              type: "json" as const,
              value: Object.fromEntries(numbered(n, (i) => [`k${i}`, side])),
            },
          },
        ],
      }),
    ]),
  partitionKeys: (n, side) =>
    graphOf([
      asset("a", {
        partitionsDefinition: {
          type: "STATIC",
          description: side,
          keys: numbered(n, (i) => `p${i}${side}`),
        },
      }),
    ]),
  codeReferences: (n, side) =>
    graphOf([
      asset("a", {
        codeVersion: side,
        metadata: [
          {
            key: "dagster/code_references",
            value: {
              type: "codeReferences" as const,
              codeReferences: numbered(n, (i) => ({
                type: "url" as const,
                url: `https://github.com/o/r/blob/main/f${i}.py#L${side === "base" ? 1 : 2}`,
                label: null,
              })),
            },
          },
        ],
      }),
    ]),
  codeLocations: (n, side) =>
    graphOf(
      numbered(n, (i) => ({ ...asset(`k${i}`, { codeVersion: side }), codeLocation: `loc${i}` })),
    ),
  // One string of 100·n characters (a description, a tag value, a metadata text).
  string: (n, side) => {
    const long = "\u0436".repeat(100 * n);
    return graphOf([
      asset("a", {
        description: `${long}${side}`,
        tags: [{ key: "k", value: `${long}${side}` }],
        metadata: [{ key: "m", value: { type: "text" as const, text: `${long}${side}` } }],
      }),
    ]);
  },
};

/** Times every step of the pipeline over the two graphs of a shape at size `n`. */
function timeSteps(shape: (n: number, side: Side) => AssetGraph, n: number): Map<string, number> {
  const times = new Map<string, number>();
  const step = <T>(name: string, run: () => T): T => {
    const start = performance.now();
    const result = run();
    times.set(name, performance.now() - start);
    return result;
  };
  const base = step("normalize", () => normalize(shape(n, "base")));
  const branch = normalize(shape(n, "branch"));
  step("snapshot", () => parseSnapshot(JSON.parse(serializeSnapshot(base))));
  const raw: ChangeSet = step("diffAssetGraphs", () =>
    diffAssetGraphs(base, branch, { includeUnchanged: true }),
  );
  const context = createPolicyContext({ base, branch });
  const reviewed = step("reviewChanges", () => reviewChanges(raw, context, { config: CONFIG }));
  const lined = step("withLineage", () => withLineage(reviewed, { base, branch }));
  step("renderText", () => renderText(reviewed));
  step("renderJson", () => renderJson(reviewed));
  step("renderMarkdown", () => renderMarkdown(lined));
  step("renderLineageMermaid", () => renderLineageMermaid(lined));
  step("renderGithubAnnotations", () =>
    renderGithubAnnotations(reviewed, { graphs: { base, branch } }),
  );
  step("githubOutputs", () => githubOutputs(reviewed));
  step("renderExplanation", () => {
    const change = raw.assets[0];
    if (change === undefined) return "";
    return renderExplanation({
      base: context.sideOf("base", change),
      branch: context.sideOf("branch", change),
      raw: change,
      reviewed: reviewed.assets[0],
      suppressed: reviewed.suppressed.filter((s) => s.key === change.key),
      staleApprovals: [],
    });
  });
  step("formatAssetGraph", () => formatAssetGraph(base));
  return times;
}

/** One step of one shape: its time at `n` and at `4n`. */
export interface GrowthResult {
  shape: string;
  step: string;
  n: number;
  ms: number;
  ms4: number;
}

/**
 * Times every shape's steps at `n` and `4n`. A step is super-linear when it takes more than
 * `threshold` times as long at `4n` (and over `minMs`, below which timer noise dominates).
 */
export function growth(
  n: number,
  options: { shapes?: readonly string[]; threshold?: number; minMs?: number } = {},
): { results: GrowthResult[]; superLinear: GrowthResult[] } {
  const results: GrowthResult[] = [];
  for (const [shape, make] of Object.entries(GROWTH_SHAPES)) {
    if (options.shapes !== undefined && !options.shapes.includes(shape)) continue;
    // A first, small run warms the code up, so that the smaller size is not timed cold.
    timeSteps(make, Math.max(1, Math.floor(n / 16)));
    const small = timeSteps(make, n);
    const large = timeSteps(make, 4 * n);
    for (const [step, ms] of small)
      results.push({ shape, step, n, ms, ms4: large.get(step) ?? Number.NaN });
  }
  const threshold = options.threshold ?? 10;
  const minMs = options.minMs ?? 500;
  const superLinear = results.filter((r) => r.ms4 > minMs && r.ms4 > threshold * Math.max(r.ms, 1));
  return { results, superLinear };
}
