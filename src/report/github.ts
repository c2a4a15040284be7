import {
  type AssetChange,
  allChangeTypes,
  assetChangeKind,
  type ChangeSet,
  type ImpactedAsset,
} from "../diff/change-set";
import { SEVERITIES, type Severity } from "../diff/verdicts";
import { UsageError } from "../errors";
import type { AssetGraph } from "../model/asset";
import { locationLabel } from "../model/key";
import { formatCount, plural } from "../text";
import { definitionsOf, sourcePosition } from "./code-references";
import type { DetailStyle } from "./details";
import {
  columnLines,
  impactByChange,
  impactLines,
  isDriftOnly,
  movedDependencyLines,
  moveLine,
  originLine,
  partitionKeyLines,
} from "./findings";
import { summaryLine } from "./text";
import {
  bySeverity,
  describeVerdict,
  hasSeverity,
  severityCounts,
  shownVerdicts,
} from "./verdicts";

/** Options of {@link renderGithubAnnotations}. */
export interface GithubAnnotationOptions {
  /**
   * The graphs the change set came from: code references are read from them. A graph that is
   * not valid (built in code) is a `ValidationError`, as in `normalize`.
   */
  graphs?: { base: AssetGraph; branch: AssetGraph };
  /**
   * The checkout's root (`GITHUB_WORKSPACE`): absolute code-reference paths under it are made
   * relative, as annotations need.
   */
  workspace?: string;
  /** Most annotations written (GitHub shows 10 per step and type; default 50). */
  limit?: number;
}

/**
 * GitHub Actions workflow commands (`::warning file=…,line=…::…`) annotating each changed asset,
 * at its definition when the asset has code-reference metadata (`dagster/code_references`):
 * a local file (relative, or under the workspace) or a GitHub blob URL. Once the severity policy
 * ran, the level follows the severity (breaking: error, risky: warning, safe: notice), worst
 * first, within GitHub's 10 annotations per step and level; otherwise REMOVED and
 * PARTITIONS_DEFINITION changes are warnings, the rest notices. A message adds what the policies
 * found: origins (a conflict), column changes, partition keys added and removed, moves and what
 * the change impacts downstream, each capped. In a three-way comparison, assets only production
 * changed since the merge base (base drift) get no annotation: one notice names them.
 *
 * @example
 * process.stdout.write(renderGithubAnnotations(changeSet, { graphs: { base, branch } }).join(""));
 */
export function renderGithubAnnotations(
  changeSet: ChangeSet,
  options: GithubAnnotationOptions = {},
): string[] {
  const limit = options.limit ?? 50;
  const definitionOf = definitionsOf(options.graphs);
  const severities = hasSeverity(changeSet);
  const listed = changeSet.assets.filter((a) => assetChangeKind(a) !== "unchanged");
  // Production's own changes since the merge base are not the branch's: one notice names them.
  const drift = listed.filter(isDriftOnly);
  const changed = bySeverity(drift.length === 0 ? listed : listed.filter((a) => !isDriftOnly(a)));
  const { shown, left } = severities
    ? withinStepLimits(changed, limit, drift.length > 0 ? 1 : 0)
    : { shown: changed.slice(0, limit), left: changed.slice(limit) };
  const impact = impactByChange(changeSet);
  const lines: string[] = [];
  for (const change of shown) {
    const asset = definitionOf(change);
    const where = asset
      ? sourcePosition(asset, { workspace: options.workspace, hosts: ["github"] })
      : undefined;
    const properties: string[] = [];
    if (where) {
      properties.push(`file=${escapeProperty(where.file)}`);
      if (where.line !== null) properties.push(`line=${where.line}`);
    }
    properties.push(`title=${escapeProperty(`asset-diff: ${change.key}`)}`);
    lines.push(
      `::${levelOf(change)} ${properties.join(",")}::${escapeData(describe(change, impact.get(change.key) ?? []))}\n`,
    );
  }
  if (drift.length > 0) {
    const names = drift.slice(0, MAX_NAMED).map((a) => a.key);
    const more =
      drift.length > MAX_NAMED ? ` and ${formatCount(drift.length - MAX_NAMED)} more` : "";
    const message = `${plural(drift.length, "asset")} changed in production since the merge base, not by this branch (base drift): ${names.join(", ")}${more}`;
    lines.push(
      `::notice title=${escapeProperty("asset-diff: base drift")}::${escapeData(message)}\n`,
    );
  }
  if (left.length > 0) {
    const counts = severityCountsText(left);
    const message = severities
      ? `${plural(left.length, "more changed asset")} not annotated${counts === "" ? "" : `: ${counts}`}`
      : `${left.length} more changed assets are not annotated`;
    lines.push(`::notice title=asset-diff::${escapeData(message)}\n`);
  }
  return lines;
}

/** The step outputs {@link githubOutputs} sets; the single source for their names. */
export const GITHUB_OUTPUT_NAMES = [
  "has-changes",
  "new",
  "removed",
  "modified",
  "unchanged",
  "change-types",
  "summary",
  "breaking",
  "risky",
  "worst-severity",
] as const;

/**
 * Step outputs for GitHub Actions: `has-changes`, the counts, the change types present, a
 * one-line summary and the verdict: the breaking and risky counts and the worst severity of the
 * changed assets (empty when the severity policy did not run; see {@link GITHUB_OUTPUT_NAMES}).
 *
 * @example
 * githubOutputs(changeSet)["has-changes"]; // "true"
 * githubOutputs(reviewed)["worst-severity"]; // "breaking"
 */
export function githubOutputs(
  changeSet: ChangeSet,
): Record<(typeof GITHUB_OUTPUT_NAMES)[number], string> {
  const { assets, changeTypes, extraChangeTypes, severity } = changeSet.summary;
  const changed = assets.new + assets.removed + assets.modified > 0;
  const present = [...Object.entries(changeTypes), ...Object.entries(extraChangeTypes ?? {})]
    .filter(([, count]) => count > 0)
    .map(([type]) => type);
  return {
    "has-changes": String(changed),
    new: String(assets.new),
    removed: String(assets.removed),
    modified: String(assets.modified),
    unchanged: String(assets.unchanged),
    "change-types": present.join(","),
    summary: summaryLine(changeSet),
    breaking: severity === undefined ? "" : String(severity.breaking),
    risky: severity === undefined ? "" : String(severity.risky),
    "worst-severity": worstSeverity(severity, changed),
  };
}

/**
 * Formats outputs for the file named by `GITHUB_OUTPUT` (`name=value` lines; a value with line
 * breaks goes between `name<<DELIMITER` and a line holding only the delimiter, made longer when
 * a line of the value is the delimiter, so no value can end early or add outputs). A name the
 * runner could not read back (empty, with `=`, `<<` or a line break, or ending with `<`) and a delimiter that is
 * not one non-empty line are a `UsageError`.
 *
 * @example
 * appendFileSync(process.env.GITHUB_OUTPUT, formatGithubOutputs({ new: "3" }));
 */
export function formatGithubOutputs(
  outputs: Record<string, string>,
  delimiter = "ASSET_DIFF_EOF",
): string {
  if (delimiter === "" || /[\r\n]/.test(delimiter))
    throw new UsageError(
      `a GITHUB_OUTPUT delimiter must be one non-empty line; got ${JSON.stringify(delimiter)}`,
    );
  return Object.entries(outputs)
    .map(([name, value]) => {
      // A name ending with "<" would run into the "<<" of a multi-line value.
      if (name === "" || /[=\r\n]|<<|<$/.test(name)) {
        throw new UsageError(
          `the output name ${JSON.stringify(name)} cannot be written to GITHUB_OUTPUT: a name is one non-empty line without "=" or "<<", not ending with "<"`,
        );
      }
      if (!/[\r\n]/.test(value)) return `${name}=${value}\n`;
      // The runner reads lines split at CR, LF or CRLF and joins them with LF: the value is written
      // as it will read (a CR ending the value would otherwise join the LF after it).
      const lines = value.split(/\r\n|\r|\n/);
      const taken = new Set(lines);
      let end = delimiter;
      for (let n = 1; taken.has(end); n++) end = `${delimiter}_${n}`;
      return `${name}<<${end}\n${lines.join("\n")}\n${end}\n`;
    })
    .join("");
}

// --- internal ---

/** The worst severity the summary counts, `safe` when only safe changes are; empty without any. */
function worstSeverity(counts: Record<Severity, number> | undefined, changed: boolean): string {
  if (counts === undefined || !changed) return "";
  return SEVERITIES.find((s) => counts[s] > 0) ?? "safe";
}

/** GitHub shows at most this many annotations of each level per step. */
const PER_STEP = 10;

type Level = "error" | "warning" | "notice";

const SEVERITY_LEVELS: Record<Severity, Level> = {
  breaking: "error",
  risky: "warning",
  safe: "notice",
};

function levelOf(change: AssetChange): Level {
  if (change.severity !== undefined) return SEVERITY_LEVELS[change.severity];
  const removed = change.changeTypes.includes("REMOVED");
  return removed || change.changeTypes.includes("PARTITIONS_DEFINITION") ? "warning" : "notice";
}

/**
 * The assets annotated (in order, at most `limit` and {@link PER_STEP} per level) and those left
 * for the closing notice, which is a notice too: it takes the last notice's place when needed.
 */
function withinStepLimits(
  changes: AssetChange[],
  limit: number,
  reservedNotices: number,
): { shown: AssetChange[]; left: AssetChange[] } {
  const written: Record<Level, number> = { error: 0, warning: 0, notice: 0 };
  const room: Record<Level, number> = {
    error: PER_STEP,
    warning: PER_STEP,
    notice: PER_STEP - reservedNotices,
  };
  const shown: AssetChange[] = [];
  const left: AssetChange[] = [];
  for (const change of changes) {
    const level = levelOf(change);
    if (shown.length >= limit || written[level] >= room[level]) left.push(change);
    else {
      shown.push(change);
      written[level]++;
    }
  }
  if (left.length > 0 && written.notice >= room.notice) {
    const last = shown.findLastIndex((c) => levelOf(c) === "notice");
    left.unshift(...shown.splice(last, 1));
  }
  return { shown, left };
}

/** How many of `changes` have each severity, worst first, e.g. `2 breaking, 11 risky`. */
function severityCountsText(changes: AssetChange[]): string {
  const counts = severityCounts(changes);
  return SEVERITIES.filter((s) => counts[s] > 0)
    .map((s) => `${formatCount(counts[s])} ${s}`)
    .join(", ");
}

/** Values in an annotation are plain text, shortened as in a terminal of 100 columns. */
const ANNOTATION_STYLE: DetailStyle = { value: (text) => text, maxValueLength: 60 };

/** Most lines of findings (columns, partition keys, moves) in one annotation, and names listed. */
const MAX_FINDING_LINES = 8;
const MAX_NAMED = 5;

/** Most impacted assets an annotation names. */
const MAX_IMPACTED = 3;

function describe(change: AssetChange, impacted: readonly ImpactedAsset[]): string {
  const types = allChangeTypes(change).join(", ");
  const location = locationLabel(change);
  const where = location ? ` (${location})` : "";
  const origin = originLine(change, ANNOTATION_STYLE);
  const verdicts = shownVerdicts(change).map((v) => describeVerdict(v));
  const findings = [
    ...columnLines(change.columns ?? [], ANNOTATION_STYLE),
    ...(change.partitionKeys === undefined
      ? []
      : partitionKeyLines(change.partitionKeys, ANNOTATION_STYLE)),
    ...[moveLine(change, ANNOTATION_STYLE)].filter((l) => l !== undefined),
    ...movedDependencyLines(change, ANNOTATION_STYLE),
  ];
  if (findings.length > MAX_FINDING_LINES) {
    const more = findings.length - MAX_FINDING_LINES + 1;
    findings.splice(MAX_FINDING_LINES - 1, more, `… and ${formatCount(more)} more`);
  }
  const impact = impactLines(impacted, ANNOTATION_STYLE, MAX_IMPACTED).slice(0, 1);
  const lines = [
    ...(origin === undefined ? [] : [origin]),
    ...verdicts,
    ...findings.map((l) => l.trimStart()),
    ...impact,
  ];
  return `${change.key}${where}: ${types}${lines.map((l) => `\n${l}`).join("")}`;
}

/** Workflow-command escaping of the message part. */
function escapeData(text: string): string {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

/** Workflow-command escaping of a property value. */
function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, "%3A").replace(/,/g, "%2C");
}
