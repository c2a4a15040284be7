import type { AssetGraph } from "../model/asset";

/**
 * The warnings a graph's own load states call for, whatever it was read from (a server, a
 * GraphQL response in a file, a snapshot): one per code location that failed to load or was
 * still loading, whose assets are therefore unknown.
 *
 * @example
 * locationWarnings({ assets: [], codeLocations: [{ name: "etl", status: "loading" }] });
 * // ["code location etl is still loading; its assets are unknown"]
 */
export function locationWarnings(graph: AssetGraph): string[] {
  return (graph.codeLocations ?? [])
    .filter((l) => l.status !== "loaded")
    .map((l) =>
      l.status === "loading"
        ? `code location ${l.name} is still loading; its assets are unknown`
        : `code location ${l.name} failed to load${l.error ? `: ${l.error.message.split("\n", 1)[0]}` : ""}; its assets are unknown`,
    );
}
