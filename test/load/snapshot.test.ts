import { readFileSync } from "node:fs";
import Ajv2020 from "ajv/dist/2020";
import { describe, expect, test } from "vitest";
import { ValidationError } from "../../src/errors";
import { jsonSchemas } from "../../src/json-schemas";
import { parseAssetGraph } from "../../src/load/index";
import { parseSnapshot, serializeSnapshot } from "../../src/load/snapshot/snapshot";
import { asset, graph } from "../helpers/builders";

describe("snapshot format", () => {
  const g = {
    ...graph(
      asset(["marts", "fct_revenue"], {
        codeVersion: "v2",
        tags: [
          { key: "tier", value: "gold" },
          { key: "dagster/kind/dbt", value: "" },
        ],
        metadata: [
          { key: "dagster/row_count", value: { type: "int", value: "98765432109876543210" } },
          { key: "ratio", value: { type: "float", value: "NaN" } },
        ],
        partitionsDefinition: {
          type: "TIME_WINDOW",
          description: "Daily, starting 2024-01-01 UTC.",
          fmt: "%Y-%m-%d",
          start: "2024-01-01",
          timezone: "UTC",
        },
      }),
      { key: ["raw", "events"], codeLocation: "ingest", repository: "__repository__" },
    ),
    codeLocations: [{ name: "ingest", status: "loaded" as const }],
    source: { format: "dagster-graphql", name: "prod.json", capturedAt: "2026-11-29T00:00:00Z" },
  };

  test("writing then reading is lossless, including unknown sections, big ints and NaN", () => {
    const text = serializeSnapshot(g);
    const back = parseSnapshot(JSON.parse(text));
    expect(back).toEqual(parseSnapshot(JSON.parse(serializeSnapshot(back))));
    expect(back.assets.find((a) => a.key[0] === "raw")).toEqual({
      key: ["raw", "events"],
      codeLocation: "ingest",
      repository: "__repository__",
    });
    expect(back.assets.find((a) => a.key[0] === "marts")?.metadata).toEqual([
      { key: "dagster/row_count", value: { type: "int", value: "98765432109876543210" } },
      { key: "ratio", value: { type: "float", value: "NaN" } },
    ]);
  });

  test("snapshots of equal graphs are byte-identical whatever the input order", () => {
    const reversed = {
      ...g,
      assets: [...g.assets]
        .reverse()
        .map((a) => (a.tags ? { ...a, tags: [...a.tags].reverse() } : a)),
    };
    expect(serializeSnapshot(reversed)).toBe(serializeSnapshot(g));
  });

  test("is detected automatically", () => {
    expect(parseAssetGraph(JSON.parse(serializeSnapshot(g))).assets).toHaveLength(2);
  });

  test("a wrong shape names the JSON path and what was expected", () => {
    const bad = {
      formatVersion: 1,
      assets: [{ key: ["a"], codeLocation: null, repository: null, codeVersion: 3 }],
    };
    expect(() => parseSnapshot(bad, { source: "s.json" })).toThrow(ValidationError);
    expect(() => parseSnapshot(bad, { source: "s.json" })).toThrow(
      "s.json: $.assets[0].codeVersion: expected string, received number",
    );
  });

  test("an unknown metadata type in our own format is an error (opaque values are written as unknown)", () => {
    const bad = {
      formatVersion: 1,
      assets: [
        {
          key: ["a"],
          codeLocation: null,
          repository: null,
          metadata: [{ key: "m", value: { type: "sparkle" } }],
        },
      ],
    };
    expect(() => parseSnapshot(bad, { source: "s.json" })).toThrow(
      /\$\.assets\[0\]\.metadata\[0\]\.value\.type: /,
    );
  });
});

describe("format versions", () => {
  const checked = graph(
    asset(["marts", "fct_revenue"], {
      description: "Revenue.",
      automationCondition: null,
      checks: [
        {
          name: "rows_positive",
          automationCondition: { label: "on_cron", expandedLabel: [] },
          additionalAssetKeys: [["raw", "orders"]],
          blocking: true,
          description: null,
        },
        { name: "fresh" },
      ],
      metadata: [
        {
          key: "config",
          value: { type: "json", value: { checks: [{ zeta: 1, blocking: true, alpha: 2 }] } },
        },
      ],
    }),
  );

  test("writes version 2, with each asset's checks sorted and their fields in the model's order", () => {
    const text = serializeSnapshot(checked, { indent: 0 });
    expect(JSON.parse(text).formatVersion).toBe(2);
    expect(text).toContain(
      '"checks":[{"name":"fresh"},{"name":"rows_positive","description":null,"blocking":true,"additionalAssetKeys":[["raw","orders"]],"automationCondition":{"label":"on_cron","expandedLabel":[]}}]',
    );
    // A JSON value's own "checks" is no asset check: its keys are ordered like any value's.
    expect(text).toContain('"value":{"checks":[{"alpha":2,"blocking":true,"zeta":1}]}');
    expect(parseSnapshot(JSON.parse(text))).toEqual(
      parseSnapshot(JSON.parse(serializeSnapshot(checked))),
    );
    expect(parseSnapshot(JSON.parse(text)).assets[0]?.checks).toEqual([
      { name: "fresh" },
      {
        name: "rows_positive",
        description: null,
        blocking: true,
        additionalAssetKeys: [["raw", "orders"]],
        automationCondition: { label: "on_cron", expandedLabel: [] },
      },
    ]);
  });

  test("a version 1 snapshot still reads; its assets' checks are unknown", () => {
    const path = "fixtures/snapshot/v1.snapshot.json";
    const read = parseAssetGraph(JSON.parse(readFileSync(path, "utf8")), { source: path });
    expect(read.assets.map((a) => a.key.join("/"))).toEqual([
      "marts/fct_orders",
      "staging/stg_orders",
    ]);
    expect(read.assets.every((a) => !("checks" in a))).toBe(true);
    // Written back, it is a version 2 snapshot of the same graph.
    const again = JSON.parse(serializeSnapshot(read));
    expect(again.formatVersion).toBe(2);
    expect(parseSnapshot(again)).toEqual(read);
  });

  test("a version 1 snapshot with checks is refused, naming the first asset that has them", () => {
    const bad = {
      formatVersion: 1,
      assets: [
        { key: ["a"], codeLocation: null, repository: null },
        { key: ["b"], codeLocation: null, repository: null, checks: [] },
        { key: ["c"], codeLocation: null, repository: null, checks: [{ name: "x" }] },
      ],
    };
    expect(() => parseSnapshot(bad, { source: "s.json" })).toThrow(ValidationError);
    expect(() => parseSnapshot(bad, { source: "s.json" })).toThrow(
      "s.json: $.assets[1].checks: asset checks need formatVersion 2; a formatVersion 1 snapshot carries none (2 assets have checks)",
    );
  });

  test("the committed JSON Schema says the same of versions and checks", () => {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    const valid = ajv.compile(JSON.parse(readFileSync("docs/snapshot.schema.json", "utf8")));
    const v1 = JSON.parse(readFileSync("fixtures/snapshot/v1.snapshot.json", "utf8"));
    expect(valid(v1)).toBe(true);
    expect(valid(JSON.parse(serializeSnapshot(checked)))).toBe(true);
    const withChecks = structuredClone(v1);
    withChecks.assets[1].checks = [];
    expect(valid(withChecks)).toBe(false);
    expect(valid({ ...withChecks, formatVersion: 2 })).toBe(true);
  });

  test("a newer version asks for an upgrade", () => {
    expect(() => parseSnapshot({ formatVersion: 3, assets: [] }, { source: "s.json" })).toThrow(
      "s.json: snapshot formatVersion 3 is newer than this asset-diff reads (2); upgrade asset-diff",
    );
  });
});

describe("committed JSON Schemas", () => {
  test.each(Object.entries(jsonSchemas()))(
    "%s is generated from the zod schema (run npm run schemas)",
    (path, schema) => {
      expect(JSON.parse(readFileSync(path, "utf8"))).toEqual(JSON.parse(JSON.stringify(schema)));
    },
  );
});
