import type {
  AssetChange,
  AssetIdentity,
  ChangeSet,
  ColumnChange,
  GraphIssue,
  ImpactedAsset,
  Limitation,
  PartitionKeyRange,
  PartitionKeysChange,
  ProbableMove,
} from "../diff/change-set";
import { MOVE_EVIDENCE } from "../diff/change-set";
import type { ChangeType } from "../diff/change-types";
import { SECTIONS } from "../diff/sections";
import { type ChangeOrigin, IMPACT_SEVERITIES, type ImpactSeverity } from "../diff/verdicts";
import { compareNullableStrings, compareStrings, locationLabel } from "../model/key";
import { formatCount, plural } from "../text";
import { type DetailStyle, describeDetails } from "./details";
import { contrast, escapeControls, formatJson, truncate } from "./values";

/**
 * What the impact, columns, partition-keys, moves and three-way steps found, in the words every
 * renderer shares. Each describer returns plain lines whose input-derived parts went through
 * `style.value` (as `describeDetails` does), so the text report shows them as they are and the
 * Markdown report makes code spans of them; a line that starts with two spaces belongs to the line
 * before it. No line carries a control character of an input's making.
 */

/**
 * Section titles for the origins of a three-way comparison (production at the merge base,
 * production now, the branch).
 *
 * @example
 * ORIGIN_TITLES.drift; // "Base drift (not from this branch)"
 */
export const ORIGIN_TITLES: Record<ChangeOrigin, string> = {
  conflict: "Conflicts (changed by the branch and in production since the merge base)",
  branch: "Branch changes",
  drift: "Base drift (not from this branch)",
};

/**
 * True for an asset whose every change comes from production since the merge base, not from
 * the branch: reports fold such assets and raise no finding for them.
 *
 * @example
 * isDriftOnly({ origin: "drift" }); // true
 */
export function isDriftOnly(asset: Pick<AssetChange, "origin">): boolean {
  return asset.origin === "drift";
}

/**
 * One line per column change, with the column's name, what changed and the change's severity.
 *
 * @example
 * columnLines([{ column: "amount", change: "retyped", old: "number(38,2)", new: "float", severity: "breaking", reason: "COLUMN_TYPE_CHANGED" }], style);
 * // ["column amount retyped: number(38,2) → float (breaking)"]
 */
export function columnLines(columns: readonly ColumnChange[], style: DetailStyle): string[] {
  return columns.map((c) => `${columnText(c, style)} (${c.severity})`);
}

/**
 * The partition keys a partitions-definition change adds and removes, in a line (per dimension
 * for a multi-partitions definition), with why they cannot be listed when they cannot and the
 * reference time of time-window keys.
 *
 * @example
 * partitionKeyLines(asset.partitionKeys, style);
 * // ["+30 partitions (2022-01-01 … 2022-01-30), none removed; as of 2026-12-01"]
 */
export function partitionKeyLines(keys: PartitionKeysChange, style: DetailStyle): string[] {
  const asOf =
    keys.asOf === null ? "" : `; as of ${style.value(clean(asOfText(keys.asOf), style))}`;
  const lines: string[] = [];
  if (keys.dimensions !== undefined && keys.dimensions.length > 0) {
    if (!keys.enumerable) lines.push(notListed(keys.note, style));
    else if (keys.note !== undefined)
      lines.push(`note: ${style.value(clean(keys.note, style, NOTE_LENGTH))}`);
    for (const d of keys.dimensions) {
      const what = d.enumerable ? rangesText(d.added, d.removed, style) : notListed(d.note, style);
      const note =
        d.enumerable && d.note !== undefined
          ? ` (${style.value(clean(d.note, style, NOTE_LENGTH))})`
          : "";
      lines.push(`dimension ${style.value(clean(d.name, style))}: ${what}${note}`);
    }
    if (asOf !== "") lines.push(`partition keys ${asOf.slice(2)}`);
    return lines;
  }
  if (!keys.enumerable) return [notListed(keys.note, style)];
  const note =
    keys.note === undefined ? "" : ` (${style.value(clean(keys.note, style, NOTE_LENGTH))})`;
  return [`${rangesText(keys.added, keys.removed, style)}${asOf}${note}`];
}

/**
 * Where a MOVED asset was before, or `undefined` for an asset that did not move.
 *
 * @example
 * moveLine(asset, style); // "moved from raw/orders [ingestion]"
 */
export function moveLine(
  asset: Pick<AssetChange, "movedFrom">,
  style: DetailStyle,
): string | undefined {
  return asset.movedFrom === undefined
    ? undefined
    : `moved from ${identityText(asset.movedFrom, style)}`;
}

/**
 * One line per upstream dependency that only follows an upstream asset's move.
 *
 * @example
 * movedDependencyLines(asset, style); // ["dependency moved: raw/orders → raw/shop/orders (declared move)"]
 */
export function movedDependencyLines(
  asset: Pick<AssetChange, "movedDependencies">,
  style: DetailStyle,
): string[] {
  return (asset.movedDependencies ?? []).map(
    (d) =>
      `dependency moved: ${style.value(clean(d.from, style))} → ${style.value(clean(d.to, style))} (${d.declared ? "declared" : "probable"} move)`,
  );
}

/**
 * A REMOVED and a NEW asset that are probably one asset moved or renamed, with how alike they
 * are and why.
 *
 * @example
 * probableMoveLines(move, style);
 * // ["probably renamed: raw/orders → raw/shop/orders (92% alike: the same code version, the same group)"]
 */
export function probableMoveLines(move: ProbableMove, style: DetailStyle): string[] {
  const renamed = move.from.key !== move.to.key;
  const moved = locationLabel(move.from) !== locationLabel(move.to);
  const what = renamed ? (moved ? "moved and renamed" : "renamed") : "moved";
  const evidence = move.evidence.map((e) => MOVE_EVIDENCE[e] ?? e).join(", ");
  const alike = `${percent(move.similarity)} alike${evidence === "" ? "" : `: ${evidence}`}`;
  const [from, to] = moved
    ? [identityText(move.from, style), identityText(move.to, style)]
    : [style.value(clean(move.from.key, style)), style.value(clean(move.to.key, style))];
  return [`probably ${what}: ${from} → ${to} (${alike})`];
}

/**
 * Impacted assets worst severity first, then nearest, then by key and location: the order every
 * report lists them in.
 *
 * @example
 * byImpact(changeSet.impacted ?? []).map((i) => i.severity); // ["breaking-downstream", "safe-downstream"]
 */
export function byImpact(impacted: readonly ImpactedAsset[]): ImpactedAsset[] {
  return [...impacted].sort(
    (a, b) =>
      impactRank(a.severity) - impactRank(b.severity) ||
      a.distance - b.distance ||
      compareStrings(a.key, b.key) ||
      compareNullableStrings(a.codeLocation, b.codeLocation) ||
      compareNullableStrings(a.repository, b.repository),
  );
}

/**
 * The impacted assets grouped by each changed asset (`/`-joined key) they list in `via`, each
 * group worst severity first, then nearest, then by key. One sort of `impacted`, then linear in
 * the sum of the `via` lengths.
 *
 * @example
 * impactByChange(changeSet).get("raw/orders")?.map((i) => i.key); // ["marts/revenue", "marts/daily"]
 */
export function impactByChange(
  changeSet: Pick<ChangeSet, "impacted">,
): Map<string, ImpactedAsset[]> {
  const groups = new Map<string, ImpactedAsset[]>();
  for (const entry of byImpact(changeSet.impacted ?? [])) {
    for (const via of entry.via) {
      const group = groups.get(via);
      if (group === undefined) groups.set(via, [entry]);
      // An entry that names the same ancestor twice is listed once.
      else if (group[group.length - 1] !== entry) group.push(entry);
    }
  }
  return groups;
}

/**
 * The impacted assets of one change in a line, capped at `max` names with how many more, then
 * (indented) the columns of the shown ones that read a removed or retyped upstream column; none
 * when nothing is impacted.
 *
 * @example
 * impactLines(impactByChange(changeSet).get("raw/orders") ?? [], style, 3);
 * // ["impacts 14 downstream assets (3 breaking-downstream, 11 risky-downstream): marts/a (breaking-downstream, 1 hop), … and 11 more"]
 */
export function impactLines(
  impacted: readonly ImpactedAsset[],
  style: DetailStyle,
  max: number,
): string[] {
  if (impacted.length === 0) return [];
  const shown = impacted.slice(0, Math.max(0, Math.trunc(max) || 0));
  const counts = impactCounts(impacted);
  const names = shown.map(
    (i) => `${style.value(clean(i.key, style))} (${i.severity}, ${plural(i.distance, "hop")})`,
  );
  const more = impacted.length - shown.length;
  if (more > 0) names.push(`… and ${formatCount(more)} more`);
  const head = `impacts ${plural(impacted.length, "downstream asset")}${counts === "" ? "" : ` (${counts})`}`;
  const lines = [shown.length === 0 ? head : `${head}: ${names.join(", ")}`];
  for (const i of shown) {
    for (const c of i.columns ?? []) {
      lines.push(
        `  ${style.value(clean(i.key, style))} column ${style.value(clean(c.column, style))} reads ${style.value(clean(`${c.upstream.key}.${c.upstream.column}`, style))}, which was ${c.upstream.change}`,
      );
    }
  }
  return lines;
}

/**
 * The change set's impact in a few words, e.g. for a summary line; `undefined` before the impact
 * policy ran.
 *
 * @example
 * impactSummaryText(changeSet); // "14 impacted downstream (3 breaking-downstream, 11 risky-downstream)"
 */
export function impactSummaryText(
  changeSet: Pick<ChangeSet, "summary" | "impacted">,
): string | undefined {
  const total = changeSet.summary.impacted ?? changeSet.impacted?.length;
  if (total === undefined) return undefined;
  const counts =
    changeSet.summary.impactSeverity !== undefined
      ? countsText(changeSet.summary.impactSeverity)
      : impactCounts(changeSet.impacted ?? []);
  return `${formatCount(total)} impacted downstream${counts === "" ? "" : ` (${counts})`}`;
}

/**
 * The change set's listed assets by origin in a three-way comparison, e.g. for a summary line;
 * `undefined` for a two-way one.
 *
 * @example
 * originSummaryText(changeSet); // "origins: 1 conflict, 4 from the branch, 2 base drift"
 */
export function originSummaryText(changeSet: Pick<ChangeSet, "summary">): string | undefined {
  const origins = changeSet.summary.origins;
  if (origins === undefined) return undefined;
  return `origins: ${plural(origins.conflict, "conflict")}, ${formatCount(origins.branch)} from the branch, ${formatCount(origins.drift)} base drift`;
}

/**
 * Where an asset's change types come from, when not all from the branch; `undefined` for a
 * two-way comparison or a branch-only asset.
 *
 * @example
 * originLine(asset, style); // "conflict: CODE_VERSION; branch: TAGS; drift: OWNERS"
 */
export function originLine(
  asset: Pick<AssetChange, "origin" | "origins">,
  style: DetailStyle,
): string | undefined {
  const origins = asset.origins ?? [];
  if (origins.every((o) => o.origin === "branch")) {
    // Without per-type origins, the asset's own says where all of it comes from.
    return origins.length > 0 || asset.origin === undefined || asset.origin === "branch"
      ? undefined
      : `origin: ${asset.origin}`;
  }
  const parts: string[] = [];
  for (const origin of REPORTED_ORIGINS) {
    const types = origins.filter((o) => o.origin === origin).map((o) => style.value(o.changeType));
    if (types.length > 0) parts.push(`${origin}: ${types.join(", ")}`);
  }
  return parts.join("; ");
}

/**
 * The graph oddities the impact traversal met, a line each, capped at `max` lines with how many
 * more.
 *
 * @example
 * graphIssueLines([{ kind: "cycle", side: "branch", keys: ["a", "b"] }], style, 10);
 * // ["cycle in the branch: a, b"]
 */
export function graphIssueLines(
  issues: readonly GraphIssue[],
  style: DetailStyle,
  max: number,
): string[] {
  const limit = Math.max(0, Math.trunc(max) || 0);
  const lines = issues.slice(0, limit).map((issue) => {
    const where = `in the ${issue.side}`;
    const keys = issue.keys.map((k) => style.value(clean(k, style)));
    if (issue.kind === "cycle") return `cycle ${where}: ${capped(keys)}`;
    if (issue.kind === "self-dependency")
      return `self-dependency ${where}: ${keys[0] ?? "(unknown)"} depends on itself`;
    const [missing, ...dependents] = keys;
    return `dangling dependency ${where}: ${missing ?? "(unknown)"} is not defined${dependents.length === 0 ? "" : `, yet ${capped(dependents)} ${dependents.length === 1 ? "depends" : "depend"} on it`}`;
  });
  if (issues.length > limit)
    lines.push(`… and ${plural(issues.length - limit, "more graph issue")}`);
  return lines;
}

/**
 * A field an input does not carry, so its changes could not be compared.
 *
 * @example
 * limitationLine({ changeType: "CODE_VERSION", field: "codeVersion", side: "both", assets: 8 });
 * // "CODE_VERSION: codeVersion is not in either input (8 assets)"
 */
export function limitationLine(limitation: Limitation): string {
  const where = limitation.side === "both" ? "either input" : `the ${limitation.side} input`;
  const count = plural(limitation.assets, "asset");
  return `${limitation.changeType}: ${limitation.field} is not in ${where} (${count})`;
}

/**
 * What the policy steps found on one change type of an asset, as lines: its column changes
 * (METADATA: they come from `dagster/column_schema` and `dagster/column_lineage`), where it moved
 * from (MOVED) and the dependencies that only follow a move (DEPENDENCIES); none for the others.
 * The partition keys are left out: the verdict says which go and come.
 */
export function changeTypeFindings(
  change: AssetChange,
  type: ChangeType,
  style: DetailStyle,
): string[] {
  switch (type) {
    case "METADATA":
      return columnLines(change.columns ?? [], style);
    case "MOVED": {
      const line = moveLine(change, style);
      return line === undefined ? [] : [line];
    }
    case "DEPENDENCIES":
      return movedDependencyLines(change, style);
    default:
      return [];
  }
}

/**
 * One change type of an asset as lines: its value-level details (`describeDetails` of its
 * section), then {@link changeTypeFindings}. A NEW or REMOVED asset has none: it is whole.
 */
export function changeTypeLines(
  change: AssetChange,
  type: ChangeType,
  style: DetailStyle,
): string[] {
  if (type === "NEW" || type === "REMOVED") return [];
  const slot = type === "MOVED" ? undefined : SECTIONS[type].details;
  const value = slot === undefined ? undefined : change.details[slot];
  const lines = value === undefined ? [] : describeDetails({ [slot as string]: value }, style);
  for (const line of changeTypeFindings(change, type, style)) lines.push(line);
  return lines;
}

// --- internal ---

const MINUS = "\u2212";

/** Origins in the order reports show them: what needs a decision first, the branch's own, then drift. */
const REPORTED_ORIGINS: readonly ChangeOrigin[] = ["conflict", "branch", "drift"];

/** A note explains (why keys cannot be listed, what was assumed): it may run to three values. */
const NOTE_LENGTH = 3;

/** Most keys named in one list of a line before `… and N more`. */
const MAX_LISTED_KEYS = 5;

/**
 * Input text with its control characters shown as escapes and shortened to `lengths` times the
 * style's longest value.
 */
/**
 * A reference time as a reader takes it in: its date (UTC). Keys added or removed by a change
 * seldom depend on the hour, and a report that showed the time would read differently on every
 * run, so a pull-request comment or merge-request note would be rewritten for nothing; the JSON
 * change set keeps the exact time. Anything unreadable is shown as it is.
 */
function asOfText(iso: string): string {
  const time = Date.parse(iso);
  return Number.isFinite(time) ? new Date(time).toISOString().slice(0, 10) : iso;
}

function clean(text: string, style: DetailStyle, lengths = 1): string {
  return truncate(escapeControls(text), style.maxValueLength * lengths);
}

function columnText(c: ColumnChange, style: DetailStyle): string {
  const name = c.column === null ? "table" : `column ${style.value(clean(c.column, style))}`;
  switch (c.change) {
    case "added":
      return `${name} added`;
    case "removed":
      return `${name} removed`;
    case "retyped":
      return `${name} retyped: ${arrow(c.old, c.new, style)}`;
    case "nullability":
      if (c.new === true) return `${name} made nullable`;
      if (c.new === false) return `${name} made not nullable`;
      return `${name} nullability: ${arrow(c.old, c.new, style)}`;
    case "uniqueness":
      if (c.new === true) return `${name} made unique`;
      if (c.new === false) return `${name} no longer unique`;
      return `${name} uniqueness: ${arrow(c.old, c.new, style)}`;
    case "constraints":
      return `${name} constraints: ${arrow(c.old, c.new, style)}`;
    case "description":
      return `${name} description: ${arrow(c.old, c.new, style)}`;
    case "tags":
      return `${name} tags: ${arrow(c.old, c.new, style)}`;
    case "lineage":
      return `${name} lineage: ${arrow(c.old, c.new, style)}`;
    default:
      return `${name} ${style.value(clean(String(c.change), style))}: ${arrow(c.old, c.new, style)}`;
  }
}

/** A column value as people read it: a string as it is, a list joined, anything else as JSON. */
function valueText(value: ColumnChange["old"]): string {
  if (value === null) return "(none)";
  if (typeof value === "string") return value;
  if (Array.isArray(value) && value.every((v) => typeof v === "string"))
    return value.length === 0 ? "(none)" : value.join(", ");
  return formatJson(value, Number.POSITIVE_INFINITY);
}

function arrow(old: ColumnChange["old"], next: ColumnChange["new"], style: DetailStyle): string {
  const [a, b] = contrast(
    escapeControls(valueText(old)),
    escapeControls(valueText(next)),
    style.maxValueLength,
  );
  return `${style.value(a)} → ${style.value(b)}`;
}

function notListed(note: string | undefined, style: DetailStyle): string {
  return `partition keys cannot be listed${note === undefined ? "" : `: ${style.value(clean(note, style, NOTE_LENGTH))}`}`;
}

/** Added then removed partition keys, e.g. `+1 partition ("mx"); −12 partitions ("latam", …)`. */
function rangesText(
  added: PartitionKeyRange,
  removed: PartitionKeyRange,
  style: DetailStyle,
): string {
  if (added.count === 0 && removed.count === 0) return "no partitions added or removed";
  if (removed.count === 0) return `+${rangeText(added, style)}, none removed`;
  if (added.count === 0) return `${MINUS}${rangeText(removed, style)}, none added`;
  return `+${rangeText(added, style)}; ${MINUS}${rangeText(removed, style)}`;
}

function rangeText(range: PartitionKeyRange, style: DetailStyle): string {
  const count = plural(range.count, "partition");
  const key = (k: string) => style.value(clean(k, style));
  if (range.keys !== undefined && range.keys.length > 0) {
    const shown = range.keys.slice(0, MAX_LISTED_KEYS).map((k) => key(JSON.stringify(k)));
    const more = range.count - shown.length;
    return `${count} (${shown.join(", ")}${more > 0 ? `, … ${formatCount(more)} more` : ""})`;
  }
  if (range.first === null) return count;
  if (range.last === null || range.last === range.first || range.count === 1)
    return `${count} (${key(range.first)})`;
  return `${count} (${key(range.first)} … ${key(range.last)})`;
}

function identityText(identity: AssetIdentity, style: DetailStyle): string {
  const location = locationLabel(identity);
  const key = style.value(clean(identity.key, style));
  return location === null ? key : `${key} [${style.value(clean(location, style))}]`;
}

function percent(similarity: number): string {
  if (!Number.isFinite(similarity)) return "?%";
  return `${Math.round(Math.min(1, Math.max(0, similarity)) * 100)}%`;
}

function capped(keys: readonly string[]): string {
  if (keys.length <= MAX_LISTED_KEYS) return keys.join(", ");
  return `${keys.slice(0, MAX_LISTED_KEYS).join(", ")} and ${formatCount(keys.length - MAX_LISTED_KEYS)} more`;
}

function impactRank(severity: ImpactSeverity): number {
  const at = IMPACT_SEVERITIES.indexOf(severity);
  return at < 0 ? IMPACT_SEVERITIES.length : at;
}

function impactCounts(impacted: readonly ImpactedAsset[]): string {
  const counts = Object.fromEntries(IMPACT_SEVERITIES.map((s) => [s, 0])) as Record<
    ImpactSeverity,
    number
  >;
  for (const i of impacted) if (i.severity in counts) counts[i.severity]++;
  return countsText(counts);
}

function countsText(counts: Record<ImpactSeverity, number>): string {
  return IMPACT_SEVERITIES.filter((s) => (counts[s] ?? 0) > 0)
    .map((s) => `${formatCount(counts[s])} ${s}`)
    .join(", ");
}
