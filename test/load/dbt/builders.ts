/**
 * Tiny builders of dbt manifest parts for the loader's tests: only the fields the loader reads,
 * with dbt's defaults, overridable. `config` is merged, everything else replaced.
 */

type Fields = Record<string, unknown>;

const PACKAGE = "shop";

/** A v12 manifest holding the given nodes and sources (and any other top-level members). */
export function manifest(
  parts: { nodes?: Fields[]; sources?: Fields[]; metadata?: Fields } & Fields = {},
): Record<string, unknown> {
  const { nodes = [], sources = [], metadata = {}, ...rest } = parts;
  return {
    metadata: {
      dbt_schema_version: "https://schemas.getdbt.com/dbt/manifest/v12.json",
      dbt_version: "1.8.7",
      generated_at: "2024-11-26T05:46:40.000000Z",
      project_id: "7c1d6f4e0b9a4a8f9e2d3c1b0a9f8e7d",
      adapter_type: "postgres",
      ...metadata,
    },
    nodes: byUniqueId(nodes),
    sources: byUniqueId(sources),
    ...rest,
  };
}

/** A table model `model.shop.<name>` whose SQL is `select 1 as <name>`. */
export function model(name: string, fields: Fields = {}): Fields {
  return node("model", name, { raw_code: `select 1 as ${name}`, ...fields }, "table");
}

/** An ephemeral model. */
export function ephemeral(name: string, fields: Fields = {}): Fields {
  return model(name, {
    ...fields,
    config: { materialized: "ephemeral", ...asFields(fields.config) },
  });
}

/** A seed, with no `depends_on.nodes` (as dbt writes seeds since v8) and a sha256 checksum. */
export function seed(name: string, fields: Fields = {}): Fields {
  return node(
    "seed",
    name,
    {
      raw_code: "",
      checksum: { name: "sha256", checksum: `sha256-of-${name}.csv` },
      depends_on: { macros: [] },
      ...fields,
    },
    "seed",
  );
}

/** A snapshot. */
export function snapshot(name: string, fields: Fields = {}): Fields {
  return node(
    "snapshot",
    name,
    { raw_code: `select * from ${name}_source`, ...fields },
    "snapshot",
  );
}

/** A test on the given parents. */
export function dbtTest(name: string, parents: string[]): Fields {
  return node("test", name, { depends_on: { macros: [], nodes: parents } }, "test");
}

/** A source table `source.shop.<sourceName>.<name>`. */
export function source(sourceName: string, name: string, fields: Fields = {}): Fields {
  return withoutUndefined({
    database: "analytics",
    schema: "raw",
    name,
    resource_type: "source",
    package_name: PACKAGE,
    unique_id: `source.${PACKAGE}.${sourceName}.${name}`,
    source_name: sourceName,
    identifier: name,
    description: "",
    columns: {},
    meta: {},
    tags: [],
    config: { enabled: true },
    ...fields,
  });
}

/** A column entry of a `columns` map, as dbt writes it. */
export function column(name: string, fields: Fields = {}): Fields {
  return {
    name,
    description: "",
    meta: {},
    data_type: null,
    constraints: [],
    quote: null,
    tags: [],
    ...fields,
  };
}

/** A `columns` map from column entries, in order. */
export function columns(...entries: Fields[]): Fields {
  return Object.fromEntries(entries.map((c) => [c.name, c]));
}

/** The unique_id of a node built here, e.g. `id("model", "orders")`. */
export function id(type: string, name: string): string {
  return `${type}.${PACKAGE}.${name}`;
}

// --- internal ---

function node(type: string, name: string, fields: Fields, materialized: string): Fields {
  const { config, ...rest } = fields;
  return withoutUndefined({
    database: "analytics",
    schema: "prod",
    name,
    resource_type: type,
    package_name: PACKAGE,
    unique_id: id(type, name),
    alias: name,
    checksum: { name: "sha256", checksum: `sha256-of-${name}` },
    config: {
      enabled: true,
      schema: null,
      meta: {},
      group: null,
      materialized,
      ...asFields(config),
    },
    tags: [],
    description: "",
    columns: {},
    meta: {},
    group: null,
    depends_on: { macros: [], nodes: [] },
    version: null,
    ...rest,
  });
}

function byUniqueId(entries: Fields[]): Fields {
  const map: Fields = {};
  for (const entry of entries) {
    // defineProperty keeps a unique_id named "__proto__" an ordinary key, as JSON.parse does.
    Object.defineProperty(map, String(entry.unique_id), {
      value: entry,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return map;
}

/** Drops fields set to `undefined`, as JSON would: a builder override of `undefined` removes a field. */
function withoutUndefined(fields: Fields): Fields {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}

function asFields(value: unknown): Fields {
  return typeof value === "object" && value !== null ? (value as Fields) : {};
}
