import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import {
  type AssetGraph,
  diffAssetGraphs,
  parseAssetGraph,
  parseDbtManifest,
} from "../../../src/index";
import type { DbtSettings } from "../../../src/load/dbt/settings";

/**
 * The line-up: what Dagster would serve for a dbt project loaded with `@dbt_assets` and the
 * default translator, built here from the manifest by the rules docs/sources.md states (written
 * independently of the loader), read back as a Dagster GraphQL response, and diffed against the
 * loader's reading of the same manifest. Keys, code versions, dependencies and tags must agree.
 */

type Json = Record<string, unknown>;

const FIXTURES = ["shop-v12-base.json", "sources-v12.json", "checks-v12.json", "ads-v7.json"];

const readFixture = (name: string): Json =>
  JSON.parse(readFileSync(join(process.cwd(), "fixtures", "dbt", name), "utf8")) as Json;

const ASSET_TYPES = new Set(["model", "seed", "snapshot"]);
const LOOKED_THROUGH = new Set(["metric", "semantic_model", "saved_query"]);
const TAG_KEY = /^(?:[A-Za-z0-9_.-]{1,63}\/)?[A-Za-z0-9_.-]{1,63}$/;

const obj = (value: unknown): Json =>
  typeof value === "object" && value !== null ? (value as Json) : {};
const enabled = (resource: Json) => obj(resource.config).enabled !== false;
const sha1 = (text: string) => createHash("sha1").update(text, "utf8").digest("hex");
const asPath = (prefix: string | readonly string[] | undefined) =>
  prefix === undefined ? [] : typeof prefix === "string" ? [prefix] : [...prefix];

/** The GraphQL response (`{data: {assetNodes}}`) Dagster gives for the manifest's definitions. */
function dagsterResponse(manifest: Json, settings: DbtSettings = {}): Json {
  const nodes = obj(manifest.nodes);
  const sources = obj(manifest.sources);
  const lookUp = (id: string): Json | undefined => {
    for (const map of [
      nodes,
      sources,
      obj(manifest.metrics),
      obj(manifest.semantic_models),
      obj(manifest.saved_queries),
    ]) {
      if (Object.hasOwn(map, id)) return obj(map[id]);
    }
    return undefined;
  };
  const parentsOf = (r: Json): string[] => (obj(r.depends_on).nodes as string[] | undefined) ?? [];
  const ephemeral = (r: Json) =>
    r.resource_type === "model" && obj(r.config).materialized === "ephemeral";
  const isAsset = (r: Json) =>
    ASSET_TYPES.has(String(r.resource_type)) && !ephemeral(r) && enabled(r);

  // 1. Key: meta.dagster.asset_key (config.meta first), else [source_name, name] for a source,
  //    [alias] for a versioned model, [config.schema, name], [name]; then the prefix.
  const keyOf = (r: Json): string[] => {
    const configMeta = obj(obj(r.config).meta);
    const meta = Object.keys(configMeta).length > 0 ? configMeta : obj(r.meta);
    const configured = obj(meta.dagster).asset_key;
    const isSource = r.resource_type === "source";
    const prefix = asPath(isSource ? settings.sourceKeyPrefix : settings.keyPrefix);
    let key: string[];
    if (typeof configured === "string" && configured !== "") key = [configured];
    else if (Array.isArray(configured) && configured.length > 0) key = configured as string[];
    else if (isSource) key = [String(r.source_name), String(r.name)];
    else if (r.version) key = [String(r.alias)];
    else if (typeof obj(r.config).schema === "string")
      key = [String(obj(r.config).schema), String(r.name)];
    else key = [String(r.name)];
    return [...prefix, ...key];
  };

  // 2. Dependencies: parents that are assets or enabled sources, looking through ephemeral models,
  //    metrics, semantic models and saved queries.
  const upstream = (r: Json): string[] => {
    const found = new Set<string>();
    const seen = new Set<string>();
    const queue = [...parentsOf(r)];
    while (queue.length > 0) {
      const id = queue.shift() as string;
      if (seen.has(id)) continue;
      seen.add(id);
      const parent = lookUp(id);
      if (parent === undefined || !enabled(parent)) continue;
      if (ephemeral(parent) || LOOKED_THROUGH.has(String(parent.resource_type)))
        queue.push(...parentsOf(parent));
      else if (isAsset(parent) || parent.resource_type === "source") found.add(id);
    }
    return [...found];
  };

  const adapter = obj(manifest.metadata).adapter_type;
  const kinds = ["dbt", ...(typeof adapter === "string" && adapter !== "dbt" ? [adapter] : [])];
  const assetNodes: Json[] = [];
  const referenced = new Set<string>();
  for (const [id, raw] of Object.entries(nodes)) {
    const r = obj(raw);
    if (!isAsset(r)) continue;
    const parents = upstream(r);
    for (const p of parents) if (Object.hasOwn(sources, p)) referenced.add(p);
    // 3. Code version: SHA-1 of the raw code, else the checksum.
    const code = (r.raw_sql as string | undefined) || (r.raw_code as string | undefined);
    assetNodes.push({
      assetKey: { path: keyOf(r) },
      opVersion: code ? sha1(code) : (obj(r.checksum).checksum ?? null),
      dependencyKeys: parents.map((p) => ({ path: keyOf(obj(lookUp(p))) })),
      // 4. Tags: each valid dbt tag with an empty value, then the kind tags.
      tags: [
        ...((r.tags as string[] | undefined) ?? [])
          .filter((t) => TAG_KEY.test(t))
          .map((key) => ({ key, value: "" })),
        ...kinds.map((k) => ({ key: `dagster/kind/${k}`, value: "" })),
      ],
      isAutoCreatedStub: false,
      _id: id,
    });
  }
  // 5. Sources: Dagster's stub for each one some asset depends on.
  for (const id of referenced) {
    assetNodes.push({
      assetKey: { path: keyOf(obj(sources[id])) },
      opVersion: null,
      dependencyKeys: [],
      tags: [],
      isAutoCreatedStub: true,
    });
  }
  return { data: { assetNodes: assetNodes.map(({ _id, ...node }) => node) } };
}

const LINED_UP = ["NEW", "REMOVED", "CODE_VERSION", "DEPENDENCIES", "TAGS"] as const;

const changedOn = (dagster: AssetGraph, dbt: AssetGraph) =>
  diffAssetGraphs(dagster, dbt).assets.filter((a) =>
    a.changeTypes.some((t) => (LINED_UP as readonly string[]).includes(t)),
  );

describe("a manifest read by the loader lines up with what Dagster serves for it", () => {
  test.each(FIXTURES)("%s, default settings", (name) => {
    const manifest = readFixture(name);
    const dagster = parseAssetGraph(dagsterResponse(manifest), { source: "dagster.json" });
    const dbt = parseAssetGraph(manifest, { source: name });
    expect(dagster.assets.length).toBeGreaterThan(0);
    expect(dbt.assets.map((a) => a.key)).toEqual(dagster.assets.map((a) => a.key));
    expect(changedOn(dagster, dbt)).toEqual([]);
  });

  test.each(FIXTURES)("%s, with key prefixes for models and sources", (name) => {
    const settings: DbtSettings = { keyPrefix: "dbt", sourceKeyPrefix: ["lake", "raw"] };
    const manifest = readFixture(name);
    const dagster = parseAssetGraph(dagsterResponse(manifest, settings), {
      source: "dagster.json",
    });
    const dbt = parseDbtManifest(manifest, { source: name, settings });
    expect(dbt.assets.map((a) => a.key)).toEqual(dagster.assets.map((a) => a.key));
    expect(changedOn(dagster, dbt)).toEqual([]);
  });

  test("the line-up notices a difference: a source made an asset is not a stub", () => {
    const manifest = readFixture("sources-v12.json");
    const dagster = parseAssetGraph(dagsterResponse(manifest), { source: "dagster.json" });
    const dbt = parseDbtManifest(manifest, { settings: { sources: "assets" } });
    expect(
      diffAssetGraphs(dagster, dbt)
        .assets.filter((a) => a.changeTypes.includes("NEW"))
        .map((a) => a.key),
    ).toEqual(["raw/customers"]);
  });
});
