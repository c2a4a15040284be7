import { UsageError } from "../errors";
import type { Asset, AssetGraph, CodeLocation } from "../model/asset";
import { compareNullableStrings } from "../model/key";
import type {
  LIMITATION_SIDES,
  LocationComparison,
  LocationStatus,
  MissingLocationsMode,
} from "./change-set";

/**
 * Location bookkeeping: which code locations of the two graphs are compared, which assets each
 * side brings into the comparison, and the `locations` rows of the change set that say why a
 * location was or was not compared (new, only in the base, failed or still loading).
 */

/** One side of a comparison. */
export type Side = Exclude<(typeof LIMITATION_SIDES)[number], "both">;

/** What the differ compares, decided from the code locations of both graphs. */
export interface LocationPlan {
  /** Both inputs say which code location their assets are in. */
  withLocations: boolean;
  /** Both inputs say which repository their assets are in. */
  withRepositories: boolean;
  /** The assets of each side in scope (one code location, when the options name one). */
  baseAssets: readonly Asset[];
  branchAssets: readonly Asset[];
  /** The rows of the change set's `locations`. */
  locations: LocationComparison[];
  /** Whether an asset of a side takes part in the comparison (its location is compared). */
  isCompared(asset: Asset, side: Side): boolean;
}

/**
 * Decides what is compared: scopes both graphs to `codeLocation` when given (a
 * {@link UsageError} when the branch lacks it), and gives each code location its status.
 */
export function planLocations(
  base: AssetGraph,
  branch: AssetGraph,
  options: { codeLocation?: string | undefined; missingLocations: MissingLocationsMode },
): LocationPlan {
  const { codeLocation } = options;
  // A side that has assets but never says where they live is matched by key alone.
  const withLocations = !lacks(base, "codeLocation") && !lacks(branch, "codeLocation");
  const withRepositories = !lacks(base, "repository") && !lacks(branch, "repository");
  const scope = (graph: AssetGraph) =>
    codeLocation === undefined || !hasAny(graph, "codeLocation")
      ? graph.assets
      : graph.assets.filter((a) => a.codeLocation === codeLocation);
  const baseAssets = scope(base);
  const branchAssets = scope(branch);
  if (codeLocation !== undefined) {
    // Neither side can be scoped: the option would be ignored, comparing whole deployments.
    const sides = unlocatedSides(base, branch);
    if (sides.length > 0) {
      const named = sides.map((side) => {
        const name = (side === "base" ? base : branch).source?.name;
        return name === undefined ? `the ${side}` : `the ${side} (${name})`;
      });
      throw new UsageError(
        `code location ${JSON.stringify(codeLocation)} cannot be chosen: neither input says which code location its assets are in (${named.join(", ")})`,
      );
    }
  }
  if (codeLocation !== undefined && hasAny(branch, "codeLocation")) {
    const known =
      branchAssets.length > 0 || branch.codeLocations?.some((l) => l.name === codeLocation);
    if (!known) {
      const names = [
        ...new Set(branch.assets.map((a) => a.codeLocation).filter((n) => n !== null)),
      ].sort();
      throw new UsageError(
        `code location ${JSON.stringify(codeLocation)} is not in the branch; it has ${names.length ? names.map((n) => JSON.stringify(n)).join(", ") : "no code locations"}`,
      );
    }
  }

  const locations = compareLocations(
    base,
    branch,
    baseAssets,
    branchAssets,
    withLocations,
    options.missingLocations,
  ).filter((l) => codeLocation === undefined || l.codeLocation === codeLocation || !withLocations);
  const statuses = new Map(locations.map((l) => [l.codeLocation, l.status]));
  const isCompared = (asset: Asset, side: Side) => {
    if (!withLocations) return true;
    const status = statuses.get(asset.codeLocation);
    return (
      status === "compared" ||
      (side === "branch" && status === "new") ||
      (side === "base" && status === "removed")
    );
  };
  return { withLocations, withRepositories, baseAssets, branchAssets, locations, isCompared };
}

/**
 * When neither graph says which code location its assets are in (dbt manifests, `dg list defs`
 * output, bare `assetNodes` responses, read without a default location), the sides that have
 * assets; otherwise none. Choosing one code location needs a side that names them: with one
 * such side, it is scoped and the other is compared whole.
 */
export function unlocatedSides(base: AssetGraph, branch: AssetGraph): Side[] {
  if (hasAny(base, "codeLocation") || hasAny(branch, "codeLocation")) return [];
  const sides: Side[] = [];
  if (lacks(base, "codeLocation")) sides.push("base");
  if (lacks(branch, "codeLocation")) sides.push("branch");
  return sides;
}

// --- internal ---

const LOADED: CodeLocation["status"] = "loaded";

function compareLocations(
  base: AssetGraph,
  branch: AssetGraph,
  baseAssets: readonly Asset[],
  branchAssets: readonly Asset[],
  withLocations: boolean,
  missing: MissingLocationsMode,
): LocationComparison[] {
  if (!withLocations) {
    const row: LocationComparison = {
      codeLocation: null,
      status: "compared",
      baseAssets: baseAssets.length,
      branchAssets: branchAssets.length,
    };
    const located = hasAny(base, "codeLocation")
      ? "base"
      : hasAny(branch, "codeLocation")
        ? "branch"
        : undefined;
    if (located !== undefined) {
      const other = located === "base" ? "branch" : "base";
      row.message = `matched by key alone: the ${other} input does not say which code location its assets are in`;
    }
    return [row];
  }
  const count = (assets: readonly Asset[]) => {
    const counts = new Map<string | null, number>();
    for (const a of assets) counts.set(a.codeLocation, (counts.get(a.codeLocation) ?? 0) + 1);
    return counts;
  };
  const baseCounts = count(baseAssets);
  const branchCounts = count(branchAssets);
  const baseStatus = new Map((base.codeLocations ?? []).map((l) => [l.name as string | null, l]));
  const branchStatus = new Map(
    (branch.codeLocations ?? []).map((l) => [l.name as string | null, l]),
  );
  const scoped = (name: string | null) => baseCounts.has(name) || branchCounts.has(name);
  const names = new Set<string | null>([...baseCounts.keys(), ...branchCounts.keys()]);
  for (const name of [...baseStatus.keys(), ...branchStatus.keys()]) {
    if (
      scoped(name) ||
      (baseStatus.get(name)?.status ?? LOADED) !== LOADED ||
      (branchStatus.get(name)?.status ?? LOADED) !== LOADED
    ) {
      names.add(name);
    }
  }
  const present = (
    side: Map<string | null, CodeLocation>,
    counts: Map<string | null, number>,
    name: string | null,
  ) => side.get(name) ?? (counts.has(name) ? { name: name ?? "", status: LOADED } : undefined);

  return [...names]
    .sort(compareNullableStrings)
    .map((name): LocationComparison => {
      const inBase = present(baseStatus, baseCounts, name);
      const inBranch = present(branchStatus, branchCounts, name);
      const row = (status: LocationStatus, message?: string): LocationComparison => {
        const out: LocationComparison = {
          codeLocation: name,
          status,
          baseAssets: baseCounts.get(name) ?? 0,
          branchAssets: branchCounts.get(name) ?? 0,
        };
        if (message !== undefined) out.message = message;
        return out;
      };
      if (inBranch === undefined) {
        return missing === "removed"
          ? row("removed")
          : row(
              "notInBranch",
              "not in the branch; not compared, as Dagster compares the branch's code locations only",
            );
      }
      if (inBranch.status !== LOADED)
        return row("notLoadedInBranch", loadMessage("branch", inBranch));
      if (inBase === undefined) return row("new");
      if (inBase.status !== LOADED) return row("notLoadedInBase", loadMessage("base", inBase));
      return row("compared");
    })
    .filter((l) => l.baseAssets + l.branchAssets > 0 || l.status !== "compared");
}

function loadMessage(side: Side, location: CodeLocation): string {
  if (location.status === "loading") return `still loading in the ${side}; its assets are unknown`;
  const { error } = location;
  if (error === undefined) return `failed to load in the ${side}`;
  const message = firstLine(error.message);
  // Dagster's messages usually start with the class name already.
  const prefix =
    error.className && !message.startsWith(error.className) ? `${error.className}: ` : "";
  return `failed to load in the ${side}: ${prefix}${message}`;
}

function firstLine(text: string): string {
  const line = text.split("\n", 1)[0] ?? "";
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}

/** True when a graph has assets but none says which code location (or repository) it is in. */
function lacks(graph: AssetGraph, field: "codeLocation" | "repository"): boolean {
  return graph.assets.length > 0 && !hasAny(graph, field);
}

function hasAny(graph: AssetGraph, field: "codeLocation" | "repository"): boolean {
  return (
    graph.assets.some((a) => a[field] !== null) ||
    (field === "codeLocation" && (graph.codeLocations?.length ?? 0) > 0)
  );
}
