import {
  type AssetChange,
  type AssetIdentity,
  type ChangeSet,
  MOVE_EVIDENCE,
  type MovedDependency,
  type MoveEvidence,
  type ProbableMove,
} from "../diff/change-set";
import { compareDefinitions } from "../diff/compare-assets";
import { summarizeChangeSet } from "../diff/summary";
import { SEVERITY_REASONS } from "../diff/verdicts";
import type { Asset } from "../model/asset";
import { canonicalJson, type JsonValue, sameData } from "../model/json";
import { compareAssets, keyToString } from "../model/key";
import { nameSome } from "../text";
import type { DeclaredMove } from "./config";
import type { Policy, PolicyContext } from "./policy";
import { refineVerdict } from "./verdict";

/**
 * Renames and moves. A key or code location that changes makes the differ report the asset twice,
 * REMOVED at the old identity and NEW at the new one, as Dagster does. Declared moves (the
 * configuration's `moves`, like Terraform's moved blocks) turn such a pair into one MOVED asset
 * with its real definition changes; probable moves (a REMOVED and a NEW asset defined alike) are
 * only reported beside the pair, never in place of it. Both explain the DEPENDENCIES change of the
 * assets downstream, which switch from the old key to the new.
 */

/**
 * The moves policy; it runs before the severity policy, best first of all (before the environment,
 * substitution and ignore rules) so that they also see a moved asset's definition changes. In
 * `dagster` mode (Dagster parity, which has no MOVED) it returns the change set as it is.
 *
 * **Declared moves** `{ from, to, fromCodeLocation?, toCodeLocation?, reason? }`, `/`-joined keys,
 * a location omitted matching any: when `from` names exactly one REMOVED asset and `to` exactly
 * one NEW asset of the change set, the two entries become one at the new identity, with MOVED in
 * `extraChangeTypes`, the old identity in `movedFrom`, and the change types and details between
 * the old and the new definition, compared as the differ compares two versions of an asset.
 * Moves apply in order and each asset moves once, so when two moves claim the same `to` (or the
 * same `from`) the first wins. A move that matches nothing (already applied in production, or a
 * typo), that matches several assets (name the location), or whose definitions are not in the
 * graphs is ignored: the change-set format has no place to list it.
 *
 * **Probable moves**: the REMOVED and NEW assets left are paired when their definitions match
 * apart from the key. Candidates come from hashed signatures, never from all pairs: the same code
 * version, the same partitions and dependencies, the same dependents, the same whole definition,
 * or the same last key component; a signature shared by more than 64 possible pairs is too
 * ambiguous to say anything and adds none. Each candidate is scored over the features of
 * `MOVE_EVIDENCE` with weights code version 3, dependents 3, dependencies 2, and 1 for each of
 * partitions, metadata, tags, kinds, group, description and key; a feature counts when at least
 * one side has a value and both sides carry the field. `similarity = matching weight / counted
 * weight`, rounded to two decimals, and a pair needs `similarity >= 0.8` plus one defining match
 * (code version, dependencies, dependents, metadata or description). Two code versions that are
 * both set and differ, or two partitions definitions that differ, rule a pair out. Dependencies
 * and dependents compare after renames: declared moves, and a REMOVED and a NEW key with the same
 * last component (assets renamed together). Metadata compares without the entries a key or a code
 * location derives: `dagster/table_name`, `dagster/relation_identifier`, `dagster/uri`,
 * `dagster/code_references` and `dagster_dbt/unique_id`. Pairs are taken best first (then by
 * identity), each asset once, and listed in `probableMoves` by old identity (always present once
 * this policy ran, maybe empty), with the matching features as `evidence`. Both REMOVED and NEW
 * entries stay, with whatever severity they get: a guess never lowers one.
 *
 * **Downstream**: an asset whose DEPENDENCIES change removed a moved asset's old key and added its
 * new key, with the same partition mapping, gets `movedDependencies` (`declared: true` for a
 * declared move). A probable move is only listed there when moves explain every dependency
 * change of the asset. The DEPENDENCIES change itself stays: Dagster sees it
 * (see {@link movedDependencyRules}).
 *
 * Linear in the number of assets, apart from sorting.
 *
 * @example
 * const policies = [moveRules([{ from: "raw/orders", to: "raw/shop/orders" }]), severityRules([]), movedDependencyRules()];
 * const reviewed = applyPolicies(diffAssetGraphs(base, branch), policies, createPolicyContext({ base, branch }));
 * reviewed.assets.find((a) => a.key === "raw/shop/orders")?.movedFrom?.key; // "raw/orders"
 */
export function moveRules(moves: readonly DeclaredMove[] = []): Policy {
  const declared = moves.filter(isWellFormed);
  return (changeSet, context) => {
    if (changeSet.options.changeTypes !== "all") return changeSet;
    const removed = changeSet.assets.filter((a) => a.changeTypes.includes("REMOVED"));
    const added = changeSet.assets.filter((a) => a.changeTypes.includes("NEW"));
    const applied = applyDeclaredMoves(declared, removed, added, context);

    const gone = new Set<AssetChange>(applied.map((m) => m.removed));
    const replaced = new Map<AssetChange, AssetChange>(applied.map((m) => [m.added, m.entry]));
    const assets: AssetChange[] = [];
    for (const asset of changeSet.assets) {
      if (!gone.has(asset)) assets.push(replaced.get(asset) ?? asset);
    }

    const renames: Renames = new Map();
    for (const move of applied) {
      addRename(renames, keyToString(move.removed.path), keyToString(move.added.path), true);
    }
    const probableMoves = detectMoves(
      removed.filter((a) => !gone.has(a)),
      added.filter((a) => !replaced.has(a)),
      renames,
      context,
    );
    for (const move of probableMoves) {
      addRename(renames, keyToString(move.from.path), keyToString(move.to.path), false);
    }

    const next: ChangeSet = {
      ...changeSet,
      assets: assets.map((asset) => withMovedDependencies(asset, renames, context)),
      probableMoves,
    };
    return { ...next, summary: summarizeChangeSet(next) };
  };
}

/**
 * The policy that reads `movedDependencies` after the severity policy: a DEPENDENCIES change
 * fully explained by declared moves (every added and removed key is a move's new and old key, no
 * partition mapping changed) becomes `safe`, reason DEPENDENCY_MOVED, the message naming the
 * moves. Any other DEPENDENCIES change with moved dependencies keeps its severity and reason; its
 * message says which dependencies follow a declared move, or probably a rename. A verdict the
 * configuration set is left as it is. A MOVED asset's own MOVED verdict comes from the severity
 * policy; when the declared move that made it gives a `reason`, the verdict's message ends with it.
 *
 * @example
 * const reviewed = applyPolicies(changeSet, [moveRules(moves), severityRules([]), movedDependencyRules()], context);
 * reviewed.assets.find((a) => a.key === "staging/stg_orders")?.reasons?.[0]?.message;
 * // "an upstream dependency only follows an upstream asset's declared move: raw/orders → raw/shop/orders"
 */
export function movedDependencyRules(moves: readonly DeclaredMove[] = []): Policy {
  return (changeSet) => {
    const assets = changeSet.assets.map((asset) =>
      withMoveReason(refineDependencies(asset), moves),
    );
    const next: ChangeSet = { ...changeSet, assets };
    return { ...next, summary: summarizeChangeSet(next) };
  };
}

// --- internal ---

/** The most candidate pairs one signature may offer; more say nothing about which is which. */
const MAX_BUCKET_PAIRS = 64;

/** The least similarity of a probable move. */
const SIMILARITY_THRESHOLD = 0.8;

/** How much each matching feature weighs in the similarity. */
const EVIDENCE_WEIGHTS = {
  SAME_CODE_VERSION: 3,
  SAME_DEPENDENCIES: 2,
  SAME_DEPENDENTS: 3,
  SAME_PARTITIONS: 1,
  SAME_METADATA: 1,
  SAME_TAGS: 1,
  SAME_KINDS: 1,
  SAME_GROUP: 1,
  SAME_DESCRIPTION: 1,
  SIMILAR_KEY: 1,
} as const satisfies Record<MoveEvidence, number>;

/** The features in `MOVE_EVIDENCE` order, the order of `evidence`. */
const FEATURES = Object.keys(MOVE_EVIDENCE) as MoveEvidence[];

/** Features of which a pair needs one: those that say something about the definition itself. */
const DEFINING: ReadonlySet<MoveEvidence> = new Set<MoveEvidence>([
  "SAME_CODE_VERSION",
  "SAME_DEPENDENCIES",
  "SAME_DEPENDENTS",
  "SAME_METADATA",
  "SAME_DESCRIPTION",
]);

/** Metadata that a key or code location derives, so that a move changes it. */
const KEY_DERIVED_METADATA: ReadonlySet<string> = new Set([
  "dagster/table_name",
  "dagster/relation_identifier",
  "dagster/uri",
  "dagster/code_references",
  "dagster_dbt/unique_id",
]);

/** The signatures candidate pairs are found by. */
const SIGNATURES = ["codeVersion", "shape", "dependents", "definition", "name"] as const;

interface AppliedMove {
  removed: AssetChange;
  added: AssetChange;
  entry: AssetChange;
}

function isWellFormed(move: DeclaredMove): boolean {
  const optional = (v: unknown) => v === undefined || typeof v === "string";
  return (
    typeof move === "object" &&
    move !== null &&
    typeof move.from === "string" &&
    typeof move.to === "string" &&
    optional(move.fromCodeLocation) &&
    optional(move.toCodeLocation)
  );
}

function applyDeclaredMoves(
  moves: readonly DeclaredMove[],
  removed: readonly AssetChange[],
  added: readonly AssetChange[],
  context: PolicyContext,
): AppliedMove[] {
  const removedByKey = groupByKey(removed);
  const addedByKey = groupByKey(added);
  const used = new Set<AssetChange>();
  const applied: AppliedMove[] = [];
  for (const move of moves) {
    const from = onlyUnused(removedByKey.get(move.from), move.fromCodeLocation, used);
    const to = onlyUnused(addedByKey.get(move.to), move.toCodeLocation, used);
    if (from === undefined || to === undefined) continue;
    const before = context.sideOf("base", from);
    const after = context.sideOf("branch", to);
    if (before === undefined || after === undefined) continue;
    used.add(from);
    used.add(to);
    applied.push({ removed: from, added: to, entry: movedEntry(from, to, before, after) });
  }
  return applied;
}

function groupByKey(changes: readonly AssetChange[]): Map<string, AssetChange[]> {
  const groups = new Map<string, AssetChange[]>();
  for (const change of changes) {
    const key = keyToString(change.path);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [change]);
    else group.push(change);
  }
  return groups;
}

/** The one change left that a move names, or `undefined` when none or several are. */
function onlyUnused(
  candidates: readonly AssetChange[] | undefined,
  codeLocation: string | undefined,
  used: ReadonlySet<AssetChange>,
): AssetChange | undefined {
  const left = (candidates ?? []).filter(
    (c) => !used.has(c) && (codeLocation === undefined || c.codeLocation === codeLocation),
  );
  return left.length === 1 ? left[0] : undefined;
}

function movedEntry(from: AssetChange, to: AssetChange, before: Asset, after: Asset): AssetChange {
  const changes = compareDefinitions(before, after, "all");
  return {
    key: to.key,
    path: [...to.path],
    codeLocation: to.codeLocation,
    repository: to.repository,
    changeTypes: changes.changeTypes,
    extraChangeTypes: [...changes.extraChangeTypes, "MOVED" as const].sort(),
    details: changes.details,
    movedFrom: identityOf(from),
  };
}

function identityOf(change: AssetChange): AssetIdentity {
  return {
    key: change.key,
    path: [...change.path],
    codeLocation: change.codeLocation,
    repository: change.repository,
  };
}

function compareIdentities(a: AssetIdentity, b: AssetIdentity): number {
  return compareAssets(
    { key: a.path, codeLocation: a.codeLocation, repository: a.repository },
    { key: b.path, codeLocation: b.codeLocation, repository: b.repository },
  );
}

/** A rename: the new key (`/`-joined) and whether a declared move says so. */
interface Rename {
  to: string;
  declared: boolean;
}

/** Old keys (`/`-joined) and where each moved; `null` for a key moved two ways, which moves neither. */
type Renames = Map<string, Rename | null>;

function addRename(renames: Renames, from: string, to: string, declared: boolean): void {
  // A move across code locations keeps the key: its dependents see no change.
  if (from === to) return;
  const known = renames.get(from);
  if (known === undefined) renames.set(from, { to, declared });
  else if (known !== null && known.to !== to) renames.set(from, null);
}

/**
 * One side of a candidate pair: its features (`undefined` where the input does not carry the
 * field, `null` where it is empty) and its signatures.
 */
interface Profile {
  change: AssetChange;
  features: Record<MoveEvidence, string | null | undefined>;
  signatures: (string | undefined)[];
}

/** A candidate pair that passed: indexes of its old and new profile. */
interface Scored {
  from: number;
  to: number;
  evidence: MoveEvidence[];
  similarity: number;
}

function detectMoves(
  removed: readonly AssetChange[],
  added: readonly AssetChange[],
  renames: Renames,
  context: PolicyContext,
): ProbableMove[] {
  if (removed.length === 0 || added.length === 0) return [];
  const removedKeys = new Set(removed.map((a) => keyToString(a.path)));
  const addedKeys = new Set(added.map((a) => keyToString(a.path)));
  // Assets renamed together keep their last key component: such keys compare as that component.
  const oldToken = (key: string) => {
    const moved = renames.get(key);
    if (moved) return `=${moved.to}`;
    return removedKeys.has(key) ? `~${lastComponent(key)}` : `=${key}`;
  };
  const newToken = (key: string) => (addedKeys.has(key) ? `~${lastComponent(key)}` : `=${key}`);
  const olds = profiles(removed, "base", oldToken, context);
  const news = profiles(added, "branch", newToken, context);

  const scored: Scored[] = [];
  for (const [i, j] of candidatePairs(olds, news)) {
    const from = olds[i] as Profile;
    const to = news[j] as Profile;
    const result = score(from, to);
    if (result !== undefined) scored.push({ from: i, to: j, ...result });
  }
  // Profiles are in identity order, so their indexes order pairs by identity.
  scored.sort((x, y) => y.similarity - x.similarity || x.from - y.from || x.to - y.to);
  const pairedOld = new Set<number>();
  const pairedNew = new Set<number>();
  const taken: Scored[] = [];
  for (const pair of scored) {
    if (pairedOld.has(pair.from) || pairedNew.has(pair.to)) continue;
    pairedOld.add(pair.from);
    pairedNew.add(pair.to);
    taken.push(pair);
  }
  return taken
    .sort((x, y) => x.from - y.from)
    .map((pair) => ({
      from: identityOf((olds[pair.from] as Profile).change),
      to: identityOf((news[pair.to] as Profile).change),
      evidence: pair.evidence,
      similarity: pair.similarity,
    }));
}

function profiles(
  changes: readonly AssetChange[],
  side: "base" | "branch",
  token: (key: string) => string,
  context: PolicyContext,
): Profile[] {
  const out: Profile[] = [];
  for (const change of changes) {
    const asset = context.sideOf(side, change);
    if (asset !== undefined)
      out.push(profile(change, asset, context.dependentsOf(side, change.path), token));
  }
  // A change set's assets are already in this order; a hand-built one may not be.
  return out.sort((a, b) => compareIdentities(a.change, b.change));
}

function profile(
  change: AssetChange,
  asset: Asset,
  dependents: readonly string[],
  token: (key: string) => string,
): Profile {
  const tokens = (keys: readonly string[]) =>
    keys.length === 0 ? null : JSON.stringify(keys.map(token).sort());
  const json = (value: unknown) =>
    value === undefined ? undefined : value === null ? null : canonicalJson(value as JsonValue);
  const list = (value: readonly unknown[] | undefined) =>
    value === undefined ? undefined : value.length === 0 ? null : json(value);
  const features: Profile["features"] = {
    SAME_CODE_VERSION: asset.codeVersion,
    SAME_DEPENDENCIES:
      asset.dependencies === undefined
        ? undefined
        : tokens(asset.dependencies.map((d) => keyToString(d.key))),
    SAME_DEPENDENTS: tokens(dependents),
    SAME_PARTITIONS: json(asset.partitionsDefinition),
    SAME_METADATA: list(asset.metadata?.filter((e) => !KEY_DERIVED_METADATA.has(e.key))),
    SAME_TAGS: list(asset.tags),
    SAME_KINDS: list(asset.kinds),
    SAME_GROUP: asset.group,
    SAME_DESCRIPTION: asset.description,
    SIMILAR_KEY: lastComponent(keyToString(change.path)),
  };
  const f = features;
  const signatures: Record<(typeof SIGNATURES)[number], string | undefined> = {
    codeVersion: f.SAME_CODE_VERSION ?? undefined,
    shape:
      typeof f.SAME_DEPENDENCIES === "string"
        ? JSON.stringify([f.SAME_PARTITIONS ?? null, f.SAME_DEPENDENCIES])
        : undefined,
    dependents: f.SAME_DEPENDENTS ?? undefined,
    definition: JSON.stringify(
      FEATURES.filter((e) => e !== "SIMILAR_KEY" && e !== "SAME_DEPENDENTS").map(
        (e) => f[e] ?? null,
      ),
    ),
    name: f.SIMILAR_KEY ?? undefined,
  };
  return { change, features, signatures: SIGNATURES.map((s) => signatures[s]) };
}

/** Index pairs `[old, new]` that share a signature, each once, from buckets small enough. */
function candidatePairs(olds: readonly Profile[], news: readonly Profile[]): [number, number][] {
  const buckets = new Map<string, { olds: number[]; news: number[] }>();
  olds.forEach((p, index) => {
    p.signatures.forEach((signature, kind) => {
      if (signature === undefined) return;
      const id = `${kind}:${signature}`;
      const bucket = buckets.get(id);
      if (bucket === undefined) buckets.set(id, { olds: [index], news: [] });
      else bucket.olds.push(index);
    });
  });
  news.forEach((p, index) => {
    p.signatures.forEach((signature, kind) => {
      if (signature !== undefined) buckets.get(`${kind}:${signature}`)?.news.push(index);
    });
  });
  const seen = new Set<number>();
  const pairs: [number, number][] = [];
  for (const bucket of buckets.values()) {
    const offered = bucket.olds.length * bucket.news.length;
    if (offered === 0 || offered > MAX_BUCKET_PAIRS) continue;
    for (const i of bucket.olds) {
      for (const j of bucket.news) {
        const id = i * news.length + j;
        if (seen.has(id)) continue;
        seen.add(id);
        pairs.push([i, j]);
      }
    }
  }
  return pairs;
}

function score(
  from: Profile,
  to: Profile,
): { evidence: MoveEvidence[]; similarity: number } | undefined {
  let counted = 0;
  let matched = 0;
  const evidence: MoveEvidence[] = [];
  for (const feature of FEATURES) {
    const a = from.features[feature];
    const b = to.features[feature];
    if (a === undefined || b === undefined || (a === null && b === null)) continue;
    const same = a === b;
    if (!same && feature === "SAME_PARTITIONS") return undefined;
    if (!same && feature === "SAME_CODE_VERSION" && a !== null && b !== null) return undefined;
    counted += EVIDENCE_WEIGHTS[feature];
    if (same) {
      matched += EVIDENCE_WEIGHTS[feature];
      evidence.push(feature);
    }
  }
  if (counted === 0 || !evidence.some((e) => DEFINING.has(e))) return undefined;
  const similarity = Math.round((matched / counted) * 100) / 100;
  return similarity >= SIMILARITY_THRESHOLD ? { evidence, similarity } : undefined;
}

function lastComponent(key: string): string {
  return key.slice(key.lastIndexOf("/") + 1);
}

/** The asset with the moved dependencies its DEPENDENCIES change shows, if any. */
function withMovedDependencies(
  asset: AssetChange,
  renames: Renames,
  context: PolicyContext,
): AssetChange {
  const details = asset.details.dependencies;
  if (details === undefined || renames.size === 0 || details.removedKeys.length === 0) return asset;
  const addedKeys = new Set(details.addedKeys);
  const found: MovedDependency[] = [];
  for (const from of details.removedKeys) {
    const move = renames.get(from);
    if (!move || !addedKeys.has(move.to)) continue;
    if (!sameMapping(asset, from, move.to, context)) continue;
    found.push({ from, to: move.to, declared: move.declared });
  }
  const explained =
    details.partitionMappings.length === 0 &&
    found.length === details.removedKeys.length &&
    new Set(found.map((m) => m.to)).size === details.addedKeys.length;
  // A guess is only worth naming when it explains the whole change.
  const kept = explained ? found : found.filter((m) => m.declared);
  if (kept.length === 0) return asset;
  return { ...asset, movedDependencies: kept };
}

/** True when the dependency on `from` (base) and on `to` (branch) have the same partition mapping. */
function sameMapping(
  asset: AssetChange,
  from: string,
  to: string,
  context: PolicyContext,
): boolean {
  const before = context.sideOf("base", asset.movedFrom ?? asset);
  const after = context.sideOf("branch", asset);
  const old = before?.dependencies?.find((d) => keyToString(d.key) === from);
  const next = after?.dependencies?.find((d) => keyToString(d.key) === to);
  if (old === undefined || next === undefined) return false;
  // As in the differ, a mapping an input does not carry is not compared.
  if (old.partitionMapping === undefined || next.partitionMapping === undefined) return true;
  return sameData(old.partitionMapping, next.partitionMapping);
}

/** A MOVED asset's verdict with the `reason` of the declared move that made it, if it gives one. */
function withMoveReason(asset: AssetChange, moves: readonly DeclaredMove[]): AssetChange {
  const from = asset.movedFrom;
  const current = asset.reasons?.find((r) => r.changeType === "MOVED");
  if (from === undefined || current === undefined || current.reason !== "MOVED") return asset;
  const made = moves.find(
    (m) =>
      typeof m === "object" &&
      m !== null &&
      m.from === from.key &&
      m.to === asset.key &&
      (m.fromCodeLocation === undefined || m.fromCodeLocation === from.codeLocation) &&
      (m.toCodeLocation === undefined || m.toCodeLocation === asset.codeLocation),
  );
  if (typeof made?.reason !== "string" || made.reason === "") return asset;
  return refineVerdict(asset, "MOVED", {
    severity: current.severity,
    reason: "MOVED",
    message: `${SEVERITY_REASONS.MOVED}: ${made.reason}`,
  });
}

function refineDependencies(asset: AssetChange): AssetChange {
  const moved = asset.movedDependencies ?? [];
  const details = asset.details.dependencies;
  const current = asset.reasons?.find((r) => r.changeType === "DEPENDENCIES");
  if (moved.length === 0 || details === undefined || current === undefined) return asset;
  if (current.reason === "DEPENDENCY_MOVED") return asset;
  const declared = moved.filter((m) => m.declared);
  const froms = new Set(declared.map((m) => m.from));
  const tos = new Set(declared.map((m) => m.to));
  const fullyDeclared =
    details.partitionMappings.length === 0 &&
    details.removedKeys.length > 0 &&
    details.removedKeys.every((k) => froms.has(k)) &&
    details.addedKeys.every((k) => tos.has(k));
  if (fullyDeclared) {
    const reason = "DEPENDENCY_MOVED";
    return refineVerdict(asset, "DEPENDENCIES", {
      severity: "safe",
      reason,
      message: `${SEVERITY_REASONS[reason]}: ${declared.map(arrow).join(", ")}`,
    });
  }
  const notes: string[] = [];
  if (declared.length > 0) notes.push(`${declared.map(arrow).join(", ")} follows a declared move`);
  const probable = moved.filter((m) => !m.declared);
  if (probable.length > 0) {
    const renamed = probable.map((m) => `${m.from} was renamed to ${m.to}`);
    notes.push(`probably because ${nameSome(renamed, renamed.length)}`);
  }
  const suffix = `; ${notes.join("; ")}`;
  if (current.message.endsWith(suffix)) return asset;
  return refineVerdict(asset, "DEPENDENCIES", {
    severity: current.severity,
    reason: current.reason,
    message: `${current.message}${suffix}`,
  });
}

function arrow(move: MovedDependency): string {
  return `${move.from} → ${move.to}`;
}
