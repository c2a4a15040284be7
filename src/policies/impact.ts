import {
  type AssetChange,
  allChangeTypes,
  type ChangeSet,
  GRAPH_ISSUE_KINDS,
  type GraphIssue,
  type ImpactedAsset,
} from "../diff/change-set";
import { type ChangeType, compareChangeTypes } from "../diff/change-types";
import { summarizeChangeSet } from "../diff/summary";
import {
  compareSeverities,
  IMPACT_REASONS,
  type ImpactReason,
  type ImpactSeverity,
  type Severity,
} from "../diff/verdicts";
import type { Asset } from "../model/asset";
import { assetId, compareAssets, compareStrings, keyId, keyToString } from "../model/key";
import type { Policy, PolicyContext, PolicyGraphs } from "./policy";

/**
 * Downstream impact: which assets a branch affects without changing them, how badly, through
 * which changed ancestors, and the graph oddities (cycles, self-dependencies, references left
 * dangling) met on the way. It only adds `impacted` and `graphIssues`; it changes no asset.
 */

/**
 * The impact policy; runs after severity, after the policies that refine verdicts and after
 * approvals (it reads `reasons`, their `approved` marks and the three-way `origins`). It sets
 * `impacted` and `graphIssues` (always, possibly empty):
 *
 * - Every asset downstream (transitively) of a directly changed asset (a listed asset with at
 *   least one change type) is impacted, unless it is changed itself. The walk follows the branch
 *   graph, and the base graph from REMOVED assets (their base dependents). A dependency names a
 *   key only, so an asset depends on every asset with that key, in any code location.
 * - `via`: the nearest changed ancestors (`/`-joined keys, sorted), `distance` the hops to them.
 *   `route`: a chain of changed ancestors that reaches the asset, root cause first, a member of
 *   `via` last, capped to the 10 nearest. Where there is a choice, the chain follows the worst
 *   change (an unapproved one, not base drift, first), and the changed asset whose change decided
 *   the severity is first (before the 9 nearest when the cap cut it off), so that
 *   `--fail-on impacted-breaking` finds it.
 * - Severity, from every changed ancestor (also beyond changed intermediates) and its verdicts
 *   (every change `risky` when severity has not run): a `breaking` one makes it
 *   `breaking-downstream` (UPSTREAM_BREAKING), else a `risky` one `risky-downstream`
 *   (UPSTREAM_RISKY), else `safe-downstream` (UPSTREAM_SAFE_FOR_CONSUMERS). The message names the
 *   deciding ancestor and change, the nearest of equally bad ones: "an upstream asset has a
 *   breaking change: raw/orders (REMOVED)".
 * - `graphIssues`: each cycle (a strongly connected component of more than one asset) and each
 *   self-dependency met in the walk, on the side walked; and each key a REMOVED asset had that the
 *   branch no longer defines while branch assets still depend on it (`dangling-dependency`: the
 *   key, then its dependents). Keys neither graph defines are not reported: references to other
 *   code locations are normal.
 *
 * Linear in the size of the part of the graphs walked and of the `via` lists it writes (an
 * asset shares its parent's list along a chain), iterative (no recursion, so no depth limit);
 * no cycle makes it loop. `columnImpactRules` runs after it.
 *
 * @example
 * const reviewed = applyPolicies(diffAssetGraphs(base, branch), [severityRules([]), impactRules()], createPolicyContext({ base, branch }));
 * reviewed.impacted?.map((i) => `${i.key} ${i.severity} via ${i.via.join(", ")}`); // ["marts/revenue breaking-downstream via raw/orders"]
 */
export function impactRules(): Policy {
  return (changeSet, context) => {
    const changed = changedAssets(changeSet, context);
    const issues: GraphIssue[] = [];
    const branch = walk("branch", [...changed.branch.keys()], changed.branch, context, issues);
    const base = walk("base", changed.removed, changed.base, context, issues);
    issues.push(...danglingDependencies(changeSet, context));
    const next: ChangeSet = {
      ...changeSet,
      impacted: impactedEntries(branch, base, changed.branch, context),
      graphIssues: sortedIssues(issues),
    };
    return { ...next, summary: summarizeChangeSet(next) };
  };
}

// --- internal ---

/** How many changed ancestors a route names at most, so the JSON stays linear in size. */
const ROUTE_LENGTH = 10;

/** What an upstream severity makes of the assets downstream. */
const IMPACT_OF = {
  breaking: { severity: "breaking-downstream", reason: "UPSTREAM_BREAKING" },
  risky: { severity: "risky-downstream", reason: "UPSTREAM_RISKY" },
  safe: { severity: "safe-downstream", reason: "UPSTREAM_SAFE_FOR_CONSUMERS" },
} as const satisfies Record<Severity, { severity: ImpactSeverity; reason: ImpactReason }>;

/** The change that decides a severity: the worst change of a changed asset. */
interface Cause {
  severity: Severity;
  /** Unapproved and not base drift: a change `--fail-on` can fail. */
  failing: boolean;
  identity: Pick<Asset, "key" | "codeLocation" | "repository">;
  key: string;
  changeType: ChangeType;
  /**
   * Hops (between strongly connected components) from the changed asset to where the cause is
   * used: of equally bad changes, the nearest decides, so the message names a close one.
   */
  depth: number;
}

/** Worst first, then the failing one: what a route follows. */
function compareClasses(a: Cause, b: Cause): number {
  return compareSeverities(a.severity, b.severity) || Number(b.failing) - Number(a.failing);
}

/**
 * Worst first, then the failing one, then the nearest (`b` seen `hops` further away), then by
 * asset and change type, so every choice is stable.
 */
function compareCauses(a: Cause, b: Cause, hops = 0): number {
  return (
    compareClasses(a, b) ||
    a.depth - (b.depth + hops) ||
    compareAssets(a.identity, b.identity) ||
    compareChangeTypes(a.changeType, b.changeType)
  );
}

function worse(a: Cause | undefined, b: Cause | undefined): Cause | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return compareCauses(a, b) <= 0 ? a : b;
}

/** `cause` or, when worse (or as bad and nearer), `inherited` one hop further away. */
function worseInherited(cause: Cause | undefined, inherited: Cause | undefined): Cause | undefined {
  if (inherited === undefined) return cause;
  if (cause !== undefined && compareCauses(cause, inherited, 1) <= 0) return cause;
  return { ...inherited, depth: inherited.depth + 1 };
}

/** The changed assets as the graphs define them, each with its deciding change. */
interface ChangedAssets {
  /** Changed assets the branch defines (all but REMOVED ones). */
  branch: Map<Asset, Cause>;
  /** Changed assets the base defines (all but NEW ones). */
  base: Map<Asset, Cause>;
  /** The REMOVED assets, as the base defines them: where the base walk starts. */
  removed: Asset[];
}

function changedAssets(changeSet: ChangeSet, context: PolicyContext): ChangedAssets {
  const changed: ChangedAssets = { branch: new Map(), base: new Map(), removed: [] };
  for (const change of changeSet.assets) {
    const cause = ownCause(change);
    if (cause === undefined) continue;
    const removed = change.changeTypes.includes("REMOVED");
    if (!removed) {
      const defined = context.sideOf("branch", change);
      if (defined !== undefined) changed.branch.set(defined, cause);
    }
    if (!change.changeTypes.includes("NEW")) {
      const defined = context.sideOf("base", change);
      if (defined !== undefined) {
        changed.base.set(defined, cause);
        if (removed) changed.removed.push(defined);
      }
    }
  }
  return changed;
}

/** An asset's worst change; every change is taken as `risky` when severity has not run. */
function ownCause(change: AssetChange): Cause | undefined {
  const origins = new Map(change.origins?.map((o) => [o.changeType, o.origin]));
  const verdicts: readonly { changeType: ChangeType; severity: Severity; approved?: unknown }[] =
    change.reasons !== undefined && change.reasons.length > 0
      ? change.reasons
      : allChangeTypes(change).map((changeType) => ({ changeType, severity: "risky" }));
  const identity = {
    key: change.path,
    codeLocation: change.codeLocation,
    repository: change.repository,
  };
  let cause: Cause | undefined;
  for (const { changeType, severity, approved } of verdicts) {
    cause = worse(cause, {
      severity,
      failing: approved === undefined && origins.get(changeType) !== "drift",
      identity,
      key: change.key,
      changeType,
      depth: 0,
    });
  }
  return cause;
}

/** An unchanged asset the walk reached. */
interface Reached {
  asset: Asset;
  distance: number;
  via: readonly string[];
  /** Root cause first. */
  route: string[];
  cause: Cause;
}

/**
 * Walks one side downstream of `sources`: strongly connected components (iterative Tarjan, which
 * also yields a topological order of the components), the worst upstream change per component
 * in that order, then a breadth-first pass from every changed asset for the nearest ones. Each
 * asset and dependency of the part of the graph reached is visited a constant number of times.
 */
function walk(
  side: keyof PolicyGraphs,
  sources: readonly Asset[],
  changed: ReadonlyMap<Asset, Cause>,
  context: PolicyContext,
  issues: GraphIssue[],
): Reached[] {
  // Assets are numbered as the walk meets them, so every array below is as large as the part
  // of the graph reached, not the whole graph.
  const ids = new Map<Asset, number>();
  const nodes: Asset[] = [];
  const keys: string[] = [];
  const id = (asset: Asset): number => {
    let found = ids.get(asset);
    if (found === undefined) {
      found = nodes.length;
      ids.set(asset, found);
      nodes.push(asset);
      keys.push(keyToString(asset.key));
    }
    return found;
  };
  const children: number[][] = [];
  const childrenOf = (v: number): number[] => {
    const asset = nodes[v] as Asset;
    const out = context.dependentAssetsOf(side, asset.key).map(id);
    if (out.includes(v)) issues.push({ kind: "self-dependency", side, keys: [keys[v] as string] });
    return out;
  };

  const { component, components } = stronglyConnected(sources.map(id), children, childrenOf);
  for (const members of components) {
    if (members.length > 1) {
      const names = [...new Set(members.map((m) => keys[m] as string))].sort(compareStrings);
      issues.push({ kind: "cycle", side, keys: names });
    }
  }

  // Every asset the walk reached was visited, so its parents that have an id were too.
  const parents = nodes.map((asset) => {
    const found: number[] = [];
    for (const dependency of asset.dependencies ?? []) {
      for (const upstream of context.assetsWithKey(side, dependency.key)) {
        const p = ids.get(upstream);
        if (p !== undefined) found.push(p);
      }
    }
    return found;
  });

  // Components come out of Tarjan's algorithm after every component they reach, so the
  // reverse order is topological: each component's inputs are settled before it.
  const worst: (Cause | undefined)[] = [];
  for (let c = components.length - 1; c >= 0; c--) {
    let cause: Cause | undefined;
    for (const m of components[c] as number[]) {
      cause = worse(cause, changed.get(nodes[m] as Asset));
      for (const p of parents[m] as number[]) {
        if (component[p] !== c) cause = worseInherited(cause, worst[component[p] as number]);
      }
    }
    worst[c] = cause;
  }
  const causeOf = (v: number) => worst[component[v] as number];

  const isChanged = (v: number) => changed.has(nodes[v] as Asset);
  const distance: (number | undefined)[] = [];
  const order: number[] = [];
  for (let v = 0; v < nodes.length; v++) {
    if (!isChanged(v)) continue;
    for (const c of children[v] as number[]) {
      if (distance[c] === undefined) {
        distance[c] = 1;
        order.push(c);
      }
    }
  }
  for (let head = 0; head < order.length; head++) {
    const v = order[head] as number;
    if (isChanged(v)) continue;
    for (const c of children[v] as number[]) {
      if (distance[c] === undefined) {
        distance[c] = (distance[v] as number) + 1;
        order.push(c);
      }
    }
  }

  // In breadth-first order every parent one hop nearer is settled before its children.
  const via: (readonly string[] | undefined)[] = [];
  /** The changed asset a route steps to from here: the nearest, with the worst change. */
  const link: (number | undefined)[] = [];
  const better = (a: number | undefined, b: number): number => {
    if (a === undefined) return b;
    const byCause = compareClasses(causeOf(a) as Cause, causeOf(b) as Cause);
    if (byCause !== 0) return byCause < 0 ? a : b;
    return compareAssets(nodes[a] as Asset, nodes[b] as Asset) <= 0 ? a : b;
  };
  for (const v of order) {
    const hops = distance[v] as number;
    const named: string[] = [];
    const lists: (readonly string[])[] = [];
    let step: number | undefined;
    for (const p of parents[v] as number[]) {
      if (isChanged(p)) {
        named.push(keys[p] as string);
        step = better(step, p);
      } else if (distance[p] === hops - 1) {
        lists.push(via[p] as readonly string[]);
        const next = link[p];
        if (next !== undefined) step = better(step, next);
      }
    }
    link[v] = step;
    if (!isChanged(v)) via[v] = unionOf(named, lists);
  }

  const reached: Reached[] = [];
  for (const v of order) {
    const cause = causeOf(v);
    if (isChanged(v) || cause === undefined) continue;
    const route = routeOf(link[v], link);
    const chain = route.chain.map((r) => keys[r] as string);
    reached.push({
      asset: nodes[v] as Asset,
      distance: distance[v] as number,
      via: via[v] as readonly string[],
      // A chain cut short still names the deciding change, first: `--fail-on impacted-breaking`
      // finds what to fail through it, however far up it is.
      route:
        route.cut && !chain.includes(cause.key)
          ? [cause.key, ...chain.slice(1 - ROUTE_LENGTH)]
          : chain,
      cause,
    });
  }
  return reached;
}

/**
 * Iterative Tarjan over the assets reachable from `roots`: each asset's component and the
 * components, each after every component it reaches. Fills `children` as it visits.
 */
function stronglyConnected(
  roots: readonly number[],
  children: number[][],
  childrenOf: (v: number) => number[],
): { component: number[]; components: number[][] } {
  const index: number[] = [];
  const low: number[] = [];
  const next: number[] = [];
  const onStack: boolean[] = [];
  const component: number[] = [];
  const components: number[][] = [];
  const stack: number[] = [];
  const calls: number[] = [];
  let counter = 0;
  const open = (v: number) => {
    index[v] = counter;
    low[v] = counter;
    counter++;
    next[v] = 0;
    onStack[v] = true;
    stack.push(v);
    calls.push(v);
    children[v] = childrenOf(v);
  };
  for (const root of roots) {
    if (index[root] !== undefined) continue;
    open(root);
    while (calls.length > 0) {
      const v = calls[calls.length - 1] as number;
      const out = children[v] as number[];
      const e = next[v] as number;
      if (e < out.length) {
        next[v] = e + 1;
        const w = out[e] as number;
        if (index[w] === undefined) open(w);
        else if (onStack[w]) low[v] = Math.min(low[v] as number, index[w] as number);
        continue;
      }
      calls.pop();
      const caller = calls.at(-1);
      if (caller !== undefined) low[caller] = Math.min(low[caller] as number, low[v] as number);
      if (low[v] !== index[v]) continue;
      const members: number[] = [];
      let w: number;
      do {
        w = stack.pop() as number;
        onStack[w] = false;
        component[w] = components.length;
        members.push(w);
      } while (w !== v);
      components.push(members);
    }
  }
  return { component, components };
}

/** The nearest changed ancestors' keys, sorted: shared with the one parent list when it is all. */
function unionOf(
  named: readonly string[],
  lists: readonly (readonly string[])[],
): readonly string[] {
  // Along a chain each asset has the same nearest ancestors as its parent: one list, not a copy each.
  const first = lists[0];
  if (named.length === 0 && first !== undefined && lists.every((l) => l === first)) return first;
  const all = new Set(named);
  for (const list of new Set(lists)) for (const key of list) all.add(key);
  return [...all].sort(compareStrings);
}

/**
 * The chain of changed ancestors from `start` up, at most ROUTE_LENGTH long, root cause first,
 * and whether the cap cut it short.
 */
function routeOf(
  start: number | undefined,
  link: readonly (number | undefined)[],
): { chain: number[]; cut: boolean } {
  const chain: number[] = [];
  let at = start;
  while (at !== undefined && chain.length < ROUTE_LENGTH && !chain.includes(at)) {
    chain.push(at);
    at = link[at];
  }
  const cut = at !== undefined && chain.length === ROUTE_LENGTH && !chain.includes(at);
  return { chain: chain.reverse(), cut };
}

/**
 * The impacted entries of both walks, by identity: the nearer distance (its `via` and route; both
 * `via` lists at the same distance, and the route of the worse cause), the worse cause. An asset
 * the base walk reached that the branch defines and changed is direct, not impacted. Sorted by
 * key, code location and repository.
 */
function impactedEntries(
  branch: readonly Reached[],
  base: readonly Reached[],
  changedInBranch: ReadonlyMap<Asset, Cause>,
  context: PolicyContext,
): ImpactedAsset[] {
  const merged = new Map<Asset, Reached>();
  for (const reached of branch) merged.set(reached.asset, reached);
  const baseOnly: Reached[] = [];
  for (const reached of base) {
    const counterpart = branchCounterpart(reached.asset, context);
    if (counterpart === undefined) {
      baseOnly.push(reached);
      continue;
    }
    if (changedInBranch.has(counterpart)) continue;
    const other = merged.get(counterpart);
    merged.set(
      counterpart,
      other === undefined ? { ...reached, asset: counterpart } : combine(other, reached),
    );
  }
  return mergeSorted(inGraphOrder(merged, context.assetsOf("branch")), baseOnly.sort(byAsset)).map(
    entryOf,
  );
}

function byAsset(a: Reached, b: Reached): number {
  return compareAssets(a.asset, b.asset);
}

/**
 * The entries sorted like the graph's assets, which are in canonical order (see `normalize`):
 * by walking the graph when there are many, else by sorting them.
 */
function inGraphOrder(entries: ReadonlyMap<Asset, Reached>, assets: readonly Asset[]): Reached[] {
  if (entries.size * Math.log2(entries.size + 1) < assets.length) {
    return [...entries.values()].sort(byAsset);
  }
  const sorted: Reached[] = [];
  for (const asset of assets) {
    const entry = entries.get(asset);
    if (entry !== undefined) sorted.push(entry);
  }
  return sorted;
}

/** Two sorted lists as one. */
function mergeSorted(a: readonly Reached[], b: readonly Reached[]): Reached[] {
  if (b.length === 0) return [...a];
  const out: Reached[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const left = a[i];
    const right = b[j];
    if (right === undefined || (left !== undefined && byAsset(left, right) <= 0)) {
      out.push(left as Reached);
      i++;
    } else {
      out.push(right);
      j++;
    }
  }
  return out;
}

function entryOf({ asset, distance, via, route, cause }: Reached): ImpactedAsset {
  const { severity, reason } = IMPACT_OF[cause.severity];
  // Entries along a chain share one `via` list (treat change sets as values), so memory stays
  // linear even where many assets list the same many ancestors.
  return {
    key: keyToString(asset.key),
    path: [...asset.key],
    codeLocation: asset.codeLocation,
    repository: asset.repository,
    via: via as string[],
    distance,
    route,
    severity,
    reason,
    message: `${IMPACT_REASONS[reason]}: ${cause.key} (${cause.changeType})`,
  };
}

function combine(kept: Reached, other: Reached): Reached {
  const cause = worse(kept.cause, other.cause) as Cause;
  if (other.distance < kept.distance) return { ...other, asset: kept.asset, cause };
  if (other.distance > kept.distance) return { ...kept, cause };
  // At the same distance the route of the walk that met the worse change names it.
  const route = compareClasses(other.cause, kept.cause) < 0 ? other.route : kept.route;
  return { ...kept, via: unionOf([], [kept.via, other.via]), route, cause };
}

/**
 * The branch's definition of a base asset: the same identity, or the one asset with its key when
 * either side does not say which code location it is in (the differ then matches by key).
 */
function branchCounterpart(asset: Asset, context: PolicyContext): Asset | undefined {
  const found = context.sideOf("branch", {
    path: asset.key,
    codeLocation: asset.codeLocation,
    repository: asset.repository,
  });
  if (found === undefined) return undefined;
  const same = assetId(found) === assetId(asset);
  return same || found.codeLocation === null || asset.codeLocation === null ? found : undefined;
}

/**
 * Keys of REMOVED assets (suppressed removals too: the reference dangles all the same) that the
 * branch no longer defines while branch assets still depend on them.
 */
function danglingDependencies(changeSet: ChangeSet, context: PolicyContext): GraphIssue[] {
  const removed = new Map<string, string[]>();
  for (const change of changeSet.assets) {
    if (change.changeTypes.includes("REMOVED")) removed.set(keyId(change.path), change.path);
  }
  for (const change of changeSet.suppressed) {
    if (change.changeType === "REMOVED") removed.set(keyId(change.path), change.path);
  }
  const issues: GraphIssue[] = [];
  for (const path of removed.values()) {
    if (context.assetsWithKey("branch", path).length > 0) continue;
    const dependents = context.dependentsOf("branch", path);
    if (dependents.length === 0) continue;
    issues.push({
      kind: "dangling-dependency",
      side: "branch",
      keys: [keyToString(path), ...dependents],
    });
  }
  return issues;
}

/** Issues by kind, side and keys, each once. */
function sortedIssues(issues: readonly GraphIssue[]): GraphIssue[] {
  const unique = new Map<string, GraphIssue>();
  for (const issue of issues)
    unique.set(JSON.stringify([issue.kind, issue.side, issue.keys]), issue);
  return [...unique.values()].sort(
    (a, b) =>
      GRAPH_ISSUE_KINDS.indexOf(a.kind) - GRAPH_ISSUE_KINDS.indexOf(b.kind) ||
      compareStrings(a.side, b.side) ||
      compareKeyLists(a.keys, b.keys),
  );
}

function compareKeyLists(a: readonly string[], b: readonly string[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compareStrings(a[i] as string, b[i] as string);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}
