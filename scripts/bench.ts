/**
 * Benchmark: end-to-end diff of two generated Dagster GraphQL responses against the floor of
 * just reading and JSON.parse-ing the same two files. Each measurement runs in a fresh process
 * (so peak RSS is its own); the median of several runs is reported.
 *
 *   npm run bench -- --assets 10000 --runs 5
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    assets: { type: "string", default: "10000" },
    runs: { type: "string", default: "5" },
    "change-rate": { type: "string", default: "0.05" },
  },
});
const count = Number(values.assets);
const runs = Number(values.runs);
const changeRate = Number(values["change-rate"]);

// --- a deterministic generator of realistic asset nodes ---
// Every draw depends only on (asset, draw number), so base and branch agree except where a
// change is drawn.
let seed = 0;
const random = () => {
  seed = (Math.imul(seed ^ (seed >>> 15), 2246822507) + 3266489909) | 0;
  seed = Math.imul(seed ^ (seed >>> 13), 3266489909);
  return ((seed ^ (seed >>> 16)) >>> 0) / 4294967296;
};
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

function node(i: number, variant: "base" | "branch") {
  seed = i + 1;
  const draw = random();
  const changed = variant === "branch" && draw < changeRate;
  const layer = ["raw", "staging", "intermediate", "marts"][i % 4] as string;
  const deps =
    i < 4
      ? []
      : Array.from({ length: 1 + (i % 3) }, (_, k) => ({
          path: [
            ["raw", "staging", "intermediate", "marts"][(i - 1 - k) % 4] as string,
            `asset_${i - 1 - k}`,
          ],
        }));
  const columns = Array.from({ length: 8 }, (_, c) => ({
    name: `col_${c}`,
    type: pick(["int", "string", "timestamp", "decimal(18,2)"]),
    description: c % 2 ? `Column ${c} of asset ${i}` : null,
    constraints: { nullable: c !== 0, unique: c === 0, other: [] },
    tags: c === 1 ? [{ key: "pii", value: "" }] : [],
  }));
  if (changed && random() < 0.3)
    columns.push({
      name: "added_col",
      type: "string",
      description: null,
      constraints: { nullable: true, unique: false, other: [] },
      tags: [],
    });
  return {
    assetKey: { path: [layer, `asset_${i}`] },
    opVersion: changed && random() < 0.5 ? `v${i}-next` : `v${i}`,
    dependencyKeys: deps,
    dependencies: deps.map((d) => ({ asset: { assetKey: d }, partitionMapping: null })),
    partitionDefinition:
      i % 5 === 0
        ? {
            type: "TIME_WINDOW",
            description: "Daily, starting 2024-01-01 UTC.",
            name: null,
            fmt: "%Y-%m-%d",
            dimensionTypes: [],
          }
        : null,
    tags: [
      { key: "dagster/kind/dbt", value: "" },
      { key: "domain", value: pick(["finance", "growth", "product"]) },
      { key: "tier", value: changed && random() < 0.3 ? "gold" : "silver" },
    ],
    metadataEntries: [
      {
        __typename: "TextMetadataEntry",
        label: "dagster/table_name",
        text: `analytics.${layer}.asset_${i}`,
      },
      {
        __typename: "IntMetadataEntry",
        label: "dagster/row_count",
        intValue: i * 10,
        intRepr: String(i * 10),
      },
      {
        __typename: "TableSchemaMetadataEntry",
        label: "dagster/column_schema",
        schema: { columns, constraints: null },
      },
      {
        __typename: "JsonMetadataEntry",
        label: "config",
        jsonString: JSON.stringify({ materialized: pick(["table", "view"]), retries: i % 4 }),
      },
      {
        __typename: "CodeReferencesMetadataEntry",
        label: "dagster/code_references",
        codeReferences: [
          {
            __typename: "LocalFileCodeReference",
            filePath: `models/${layer}/asset_${i}.sql`,
            lineNumber: 1,
            label: null,
          },
        ],
      },
    ],
    groupName: layer,
    description: `Asset ${i} in the ${layer} layer.`,
    owners: [{ __typename: "TeamAssetOwner", team: pick(["data", "analytics"]) }],
    kinds: ["dbt"],
    automationCondition: null,
    backfillPolicy: null,
    isExecutable: true,
    isMaterializable: true,
    isObservable: false,
  };
}

function response(variant: "base" | "branch") {
  const nodes = Array.from({ length: count }, (_, i) => node(i, variant));
  return {
    data: {
      workspaceOrError: {
        __typename: "Workspace",
        locationEntries: [
          {
            name: "analytics",
            loadStatus: "LOADED",
            locationOrLoadError: {
              __typename: "RepositoryLocation",
              name: "analytics",
              repositories: [{ name: "__repository__", assetNodes: nodes }],
            },
          },
        ],
      },
    },
  };
}

const dir = join(tmpdir(), `asset-diff-bench-${count}`);
mkdirSync(dir, { recursive: true });
const basePath = join(dir, "base.json");
const branchPath = join(dir, "branch.json");
writeFileSync(basePath, JSON.stringify(response("base")));
writeFileSync(branchPath, JSON.stringify(response("branch")));

// --- measurements, each in a fresh process ---
const floorScript = `
const { readFileSync } = require("node:fs");
const t = performance.now();
const a = JSON.parse(readFileSync(process.argv[1], "utf8"));
const b = JSON.parse(readFileSync(process.argv[2], "utf8"));
const ms = performance.now() - t;
console.log(JSON.stringify({ ms, rss: process.resourceUsage().maxRSS, n: (a && b) ? 1 : 0 }));
`;
const diffScript = `
const { loadAssetGraph, diffAssetGraphs, renderJson } = require(process.argv[3]);
(async () => {
  const t = performance.now();
  const [a, b] = await Promise.all([loadAssetGraph(process.argv[1]), loadAssetGraph(process.argv[2])]);
  const changeSet = diffAssetGraphs(a, b);
  const out = renderJson(changeSet);
  const ms = performance.now() - t;
  console.log(JSON.stringify({ ms, rss: process.resourceUsage().maxRSS, changed: changeSet.assets.length, bytes: out.length }));
})();
`;
// The same, then the default policy steps (what the CLI runs): severity, columns, partition
// keys, moves, impact over the whole graph.
const reviewScript = `
const { loadAssetGraph, diffAssetGraphs, reviewChanges, renderJson } = require(process.argv[3]);
(async () => {
  const t = performance.now();
  const [a, b] = await Promise.all([loadAssetGraph(process.argv[1]), loadAssetGraph(process.argv[2])]);
  const changeSet = reviewChanges(diffAssetGraphs(a, b), { base: a, branch: b }, { asOf: new Date("2026-12-01T00:00:00Z") });
  const out = renderJson(changeSet);
  const ms = performance.now() - t;
  console.log(JSON.stringify({ ms, rss: process.resourceUsage().maxRSS, changed: changeSet.assets.length, impacted: changeSet.impacted.length, bytes: out.length }));
})();
`;
const dist = join(process.cwd(), "dist", "index.cjs");
const measure = (script: string) => {
  const samples = Array.from({ length: runs }, () =>
    JSON.parse(
      execFileSync("node", ["-e", script, basePath, branchPath, dist], { encoding: "utf8" }),
    ),
  );
  samples.sort((x, y) => x.ms - y.ms);
  return samples[Math.floor(samples.length / 2)];
};
const floor = measure(floorScript);
const full = measure(diffScript);
const reviewed = measure(reviewScript);
const mb = (kb: number) => (kb / 1024).toFixed(0);
const size = (statSync(basePath).size + statSync(branchPath).size) / 1024 / 1024;

console.log(
  `assets per graph: ${count}; input: ${size.toFixed(1)} MiB in two files; change rate ${changeRate}`,
);
console.log(
  `floor (read + JSON.parse):   ${floor.ms.toFixed(0)} ms, peak RSS ${mb(floor.rss)} MiB`,
);
console.log(
  `asset-diff (load+diff+json): ${full.ms.toFixed(0)} ms, peak RSS ${mb(full.rss)} MiB, ${full.changed} changed assets`,
);
console.log(
  `asset-diff reviewed (+ policies): ${reviewed.ms.toFixed(0)} ms, peak RSS ${mb(reviewed.rss)} MiB, ${reviewed.changed} changed, ${reviewed.impacted} impacted`,
);
console.log(
  `ratio: ${(full.ms / floor.ms).toFixed(2)}x time, ${(full.rss / floor.rss).toFixed(2)}x peak memory (median of ${runs})`,
);
