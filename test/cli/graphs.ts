import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { isAbsolute, join } from "node:path";
import { gqlNode, gqlWorkspace } from "../helpers/builders";

/**
 * Small Dagster GraphQL inputs for the CLI's policy tests: two dbt-like assets in one code
 * location whose table names and code references say where they were built, so that a branch
 * deployment differs from production the way real ones do.
 */

/** The GraphQL fields of one asset node, with the environment it was built in. */
export interface NodeSpec {
  /** The schema in `dagster/table_name` (`prod.<schema>.<table>`). */
  schema?: string;
  /** The line of the code reference. */
  line?: number;
  codeVersion?: string;
  deps?: string[];
  tags?: Record<string, string>;
  description?: string | null;
  partitions?: string | null;
  /** Other metadata entries, by label: text values. */
  text?: Record<string, string>;
}

/** One asset node: a table name, a code reference and the given sections. */
export function node(key: string, spec: NodeSpec = {}): Record<string, unknown> {
  const table = key.split("/").at(-1) ?? key;
  return gqlNode(key, {
    opVersion: spec.codeVersion ?? "1",
    dependencyKeys: (spec.deps ?? []).map((d) => ({ path: d.split("/") })),
    tags: Object.entries(spec.tags ?? {}).map(([k, value]) => ({ key: k, value })),
    description: spec.description ?? null,
    partitionDefinition:
      spec.partitions === undefined || spec.partitions === null
        ? null
        : {
            type: "STATIC",
            description: spec.partitions,
            name: null,
            fmt: null,
            dimensionTypes: [],
          },
    metadataEntries: [
      {
        __typename: "TextMetadataEntry",
        label: "dagster/table_name",
        description: null,
        text: `prod.${spec.schema ?? "analytics"}.${table}`,
      },
      {
        __typename: "CodeReferencesMetadataEntry",
        label: "dagster/code_references",
        codeReferences: [
          {
            __typename: "LocalFileCodeReference",
            filePath: `models/${table}.sql`,
            lineNumber: spec.line ?? 1,
            label: null,
          },
        ],
      },
      ...Object.entries(spec.text ?? {}).map(([label, text]) => ({
        __typename: "TextMetadataEntry",
        label,
        description: null,
        text,
      })),
    ],
  });
}

/** A workspace of one code location, `analytics`, unless others are given. */
export function workspace(
  nodes: Record<string, unknown>[],
  others: Record<string, Record<string, unknown>[]> = {},
): unknown {
  return gqlWorkspace({ analytics: nodes, ...others });
}

/** Production: `raw/orders` and `marts/orders`, which depends on it. */
export function production(
  overrides: { raw?: NodeSpec; marts?: NodeSpec } = {},
): Record<string, unknown>[] {
  return [
    node("raw/orders", { line: 12, ...overrides.raw }),
    node("marts/orders", {
      line: 40,
      deps: ["raw/orders"],
      tags: { team: "data" },
      ...overrides.marts,
    }),
  ];
}

/** The same assets as a branch deployment builds them: another schema, code moved down. */
export function branchDeployment(
  overrides: { raw?: NodeSpec; marts?: NodeSpec } = {},
): Record<string, unknown>[] {
  return production({
    raw: { schema: "analytics_pr_42", line: 15, ...overrides.raw },
    marts: { schema: "analytics_pr_42", line: 47, ...overrides.marts },
  });
}

/** A temporary directory with helpers to write JSON (or text) files into it. */
export function tempDir(prefix: string) {
  const dir = mkdtempSync(join(tmpdir(), `asset-diff-${prefix}-`));
  return {
    dir,
    /** Writes a file (JSON unless a string), relative to the directory, and returns its path. */
    write(name: string, content: unknown): string {
      const path = isAbsolute(name) ? name : join(dir, name);
      mkdirSync(join(path, ".."), { recursive: true });
      writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content));
      return path;
    },
    /** A new empty subdirectory, e.g. a working directory. */
    sub(name: string): string {
      const path = isAbsolute(name) ? name : join(dir, name);
      mkdirSync(path, { recursive: true });
      return path;
    },
  };
}
