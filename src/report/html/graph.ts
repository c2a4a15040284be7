import { type AssetChange, assetChangeKind, type ChangeSet } from "../../diff/change-set";
import { compareStrings } from "../../model/key";
import type { EdgeKind, NodeKind } from "./payload";

/**
 * The whole neighbourhood graph the HTML report's lineage view draws: every changed asset and
 * every direct neighbour its `lineage` names (or, without lineage, the dependencies its changes
 * name), uncapped, unlike the Markdown picture, since the page can pan and zoom. Assets are
 * identified by key, as Dagster's lineage links them.
 */

/** One asset of the view. */
interface GraphNode {
  key: string;
  kind: NodeKind;
}

/** One link of the view, upstream to downstream (indices into the nodes). */
interface GraphLink {
  from: number;
  to: number;
  kind: EdgeKind;
}

/** The view's graph: nodes sorted by key, links by upstream then downstream. */
export interface NeighbourhoodGraph {
  nodes: GraphNode[];
  edges: GraphLink[];
}

/**
 * Builds the graph: linear in the change set (its assets, their neighbours and their
 * dependency changes), plus sorting the nodes and links.
 *
 * @internal
 * @example
 * neighbourhoodGraph(withLineage(diffAssetGraphs(base, branch), { base, branch })).nodes.length; // 28
 */
export function neighbourhoodGraph(changeSet: ChangeSet): NeighbourhoodGraph {
  const changed = new Map<string, { kind: NodeKind; changes: AssetChange[] }>();
  for (const asset of changeSet.assets) {
    const kind = assetChangeKind(asset);
    if (kind === "unchanged") continue;
    const entry = changed.get(asset.key);
    if (entry === undefined) changed.set(asset.key, { kind, changes: [asset] });
    else {
      entry.changes.push(asset);
      // A key new in one location and removed in another (a move) is drawn as modified.
      if (entry.kind !== kind) entry.kind = "modified";
    }
  }
  const impacted = new Set<string>();
  for (const entry of changeSet.impacted ?? [])
    if (MARKED_IMPACT.has(entry.severity)) impacted.add(entry.key);

  const kinds = new Map<string, NodeKind>();
  for (const [key, entry] of changed) kinds.set(key, entry.kind);
  const links: [from: string, to: string, kind: EdgeKind][] = [];
  // Per upstream key, the downstream keys already linked (renames apart from dependencies).
  const seenDependencies = new Map<string, Set<string>>();
  const seenRenames = new Map<string, Set<string>>();
  const link = (from: string, to: string, kind: EdgeKind) => {
    if (from === to) return;
    for (const key of [from, to])
      if (!kinds.has(key)) kinds.set(key, impacted.has(key) ? "impacted" : "neighbour");
    const seen = kind === "renamed" ? seenRenames : seenDependencies;
    let targets = seen.get(from);
    if (targets === undefined) {
      targets = new Set();
      seen.set(from, targets);
    }
    if (targets.has(to)) return;
    targets.add(to);
    links.push([from, to, kind]);
  };
  for (const [key, entry] of changed) {
    for (const change of entry.changes) {
      const deps = change.details.dependencies;
      const added = new Set(deps?.addedKeys ?? []);
      const removed = new Set(deps?.removedKeys ?? []);
      const upstream = new Set([...(change.lineage?.upstream ?? []), ...added, ...removed]);
      for (const up of upstream) {
        const kind: EdgeKind =
          added.has(up) || entry.kind === "new"
            ? "added"
            : removed.has(up) || entry.kind === "removed"
              ? "removed"
              : "kept";
        link(up, key, kind);
      }
      for (const down of change.lineage?.downstream ?? []) {
        // The downstream side decides a link both ends changed; this is its upstream's view.
        const other = changed.get(down);
        if (other !== undefined) continue;
        link(
          key,
          down,
          entry.kind === "new" ? "added" : entry.kind === "removed" ? "removed" : "kept",
        );
      }
    }
  }
  for (const move of changeSet.probableMoves ?? []) link(move.from.key, move.to.key, "renamed");

  const keys = [...kinds.keys()].sort(compareStrings);
  const index = new Map(keys.map((key, i) => [key, i]));
  const nodes = keys.map((key) => ({ key, kind: kinds.get(key) as NodeKind }));
  const edges = links
    .map(([from, to, kind]) => ({
      from: index.get(from) as number,
      to: index.get(to) as number,
      kind,
    }))
    .sort((a, b) => a.from - b.from || a.to - b.to);
  return { nodes, edges };
}

// --- internal ---

/** The impact severities that mark a neighbour as impacted (as the Markdown picture does). */
const MARKED_IMPACT: ReadonlySet<string> = new Set(["breaking-downstream", "risky-downstream"]);
