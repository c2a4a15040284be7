import type { Asset, AssetGraph } from "../../src/model/asset";

/** An asset with every section known and empty, overridable. */
export function asset(key: string | string[], overrides: Partial<Asset> = {}): Asset {
  return {
    key: typeof key === "string" ? key.split("/") : key,
    codeLocation: "loc",
    repository: "__repository__",
    codeVersion: null,
    dependencies: [],
    partitionsDefinition: null,
    tags: [],
    metadata: [],
    group: "default",
    owners: [],
    kinds: [],
    description: null,
    automationCondition: null,
    autoMaterializePolicy: null,
    freshnessPolicy: null,
    legacyFreshnessPolicy: null,
    backfillPolicy: null,
    isExecutable: true,
    isMaterializable: true,
    isObservable: false,
    isAutoCreatedStub: false,
    checks: [],
    ...overrides,
  };
}

/** A graph of the given assets. */
export function graph(...assets: Asset[]): AssetGraph {
  return { assets };
}

/** A dependency on `key` (a `/`-joined string) with an optional partition mapping. */
export function dep(
  key: string,
  partitionMapping?: { className: string; description: string } | null,
) {
  return partitionMapping === undefined
    ? { key: key.split("/") }
    : { key: key.split("/"), partitionMapping };
}

/** A raw Dagster GraphQL asset node with the given fields. */
export function gqlNode(
  path: string | string[],
  fields: Record<string, unknown> = {},
): Record<string, unknown> {
  return { assetKey: { path: typeof path === "string" ? path.split("/") : path }, ...fields };
}

/** A `workspaceOrError` response with one repository `__repository__` per location. */
export function gqlWorkspace(
  locations: Record<string, Record<string, unknown>[] | { error: string }>,
): unknown {
  return {
    data: {
      workspaceOrError: {
        __typename: "Workspace",
        locationEntries: Object.entries(locations).map(([name, nodes]) => ({
          name,
          loadStatus: "LOADED",
          locationOrLoadError: Array.isArray(nodes)
            ? {
                __typename: "RepositoryLocation",
                name,
                repositories: [{ name: "__repository__", assetNodes: nodes }],
              }
            : {
                __typename: "PythonError",
                message: nodes.error,
                className: "DagsterUserCodeLoadError",
              },
        })),
      },
    },
  };
}
