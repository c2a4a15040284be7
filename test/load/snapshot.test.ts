import { readFileSync } from "node:fs";
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

describe("committed JSON Schemas", () => {
  test.each(Object.entries(jsonSchemas()))(
    "%s is generated from the zod schema (run npm run schemas)",
    (path, schema) => {
      expect(JSON.parse(readFileSync(path, "utf8"))).toEqual(JSON.parse(JSON.stringify(schema)));
    },
  );
});
