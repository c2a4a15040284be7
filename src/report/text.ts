import { createColors } from "picocolors";
import {
  ASSET_CHANGE_KINDS,
  type AssetChange,
  type AssetChangeKind,
  assetChangeKind,
  branchLocationsNotLoaded,
  type ChangeSet,
} from "../diff/change-set";
import { SEVERITIES, type Severity } from "../diff/verdicts";
import { locationLabel } from "../model/key";
import { plural } from "../text";
import { describeDetails } from "./details";
import {
  columnLines,
  graphIssueLines,
  impactByChange,
  impactLines,
  impactSummaryText,
  isDriftOnly,
  limitationLine,
  movedDependencyLines,
  moveLine,
  ORIGIN_TITLES,
  originLine,
  originSummaryText,
  partitionKeyLines,
  probableMoveLines,
} from "./findings";
import { escapeControls } from "./values";
import {
  bySeverity,
  describeStaleApproval,
  describeVerdict,
  hasSeverity,
  severityCounts,
  shownVerdicts,
  suppressedText,
} from "./verdicts";

export { escapeControls };

/** Options of {@link renderText}. */
export interface TextReportOptions {
  /** Longest line of detail before values are shortened (default 100). */
  width?: number;
  /**
   * ANSI colours (default off: the renderer is pure; the CLI turns them on for a terminal,
   * honouring `NO_COLOR` and `FORCE_COLOR`).
   */
  color?: boolean;
}

/**
 * Renders a change set as plain text for a terminal or a CI log: a summary line (with the impact
 * counts, and a line of origins in a three-way comparison), the code locations not compared
 * (failed to load, still loading, not in the branch), then new, removed, moved and modified
 * assets with their details and findings (column changes, partition keys, moves, and the first
 * five assets each change impacts downstream, with how many more), then probable moves,
 * graph issues and the fields that could not be compared. In a three-way comparison conflicts
 * come first and production's own changes since the merge base last, one line each.
 *
 * What comes from the inputs (keys, values, names, messages) is shown with
 * {@link escapeControls}: the report carries no terminal control sequence or invisible bidi
 * override of an input's making.
 *
 * @example
 * process.stdout.write(renderText(diffAssetGraphs(base, branch)));
 */
export function renderText(changeSet: ChangeSet, options: TextReportOptions = {}): string {
  const width = options.width ?? 100;
  const style = {
    value: (text: string) => text,
    maxValueLength: Math.max(20, Math.floor(width * 0.6)),
  };
  const c = createColors(options.color ?? false);
  const out: string[] = [];
  out.push(
    c.dim(
      escapeControls(
        `asset-diff: ${describeInput(changeSet.base)} → ${describeInput(changeSet.branch)}`,
      ),
    ),
  );
  out.push(c.bold(summaryLine(changeSet)));
  const origins = originSummaryText(changeSet);
  if (origins !== undefined) out.push(origins);
  // First, before any change: what the report does not cover.
  const skipped = changeSet.locations.filter(
    (l) => l.status !== "compared" && l.status !== "new" && l.status !== "removed",
  );
  if (skipped.length > 0) {
    out.push("", c.bold(c.magenta("Code locations not compared")));
    for (const l of skipped) {
      const text = `${l.codeLocation ?? "(unknown)"}: ${l.message ?? l.status}`;
      out.push(`  ${c.magenta("!")} ${escapeControls(text)}`);
    }
  }

  const showLocation = changeSet.assets.some((a) => a.codeLocation !== null);
  const severities = hasSeverity(changeSet);
  const severityColors: Record<Severity, (text: string) => string> = {
    breaking: c.red,
    risky: c.yellow,
    safe: c.dim,
  };
  // Once policies ran, every asset line has a badge column (blank for an asset without one).
  const badge = (severity: Severity | undefined) => {
    if (!severities) return "";
    if (severity === undefined) return " ".repeat(BADGE_WIDTH + 1);
    return `${severityColors[severity](`[${severity}]`)}${" ".repeat(BADGE_WIDTH - severity.length - 2)} `;
  };
  const impact = impactByChange(changeSet);
  const kinds: Record<AssetChangeKind, [string, string, (text: string) => string]> = {
    new: ["New", "+", c.green],
    removed: ["Removed", "-", c.red],
    moved: ["Moved", ">", c.blue],
    modified: ["Modified", "~", c.yellow],
    unchanged: ["Unchanged", "=", c.dim],
  };
  /** An asset's line, then (unless folded) its verdicts, details and findings. */
  const assetLines = (asset: AssetChange, keyWidth: number, folded: boolean) => {
    const [, mark, paint] = kinds[assetChangeKind(asset)];
    const types = [
      ...asset.changeTypes.filter((t) => t !== "NEW" && t !== "REMOVED"),
      ...(asset.extraChangeTypes ?? []).map((t) => `(${t})`),
    ];
    const name = label(asset, showLocation);
    // Pad before colouring: escape codes have no width.
    const padded = types.length > 0 ? name.padEnd(keyWidth) : name;
    const badges = types.length > 0 ? `  ${c.cyan(escapeControls(types.join(" ")))}` : "";
    out.push(`  ${paint(mark)} ${badge(asset.severity)}${padded}${badges}`.trimEnd());
    if (folded) return;
    const origin = originLine(asset, style);
    if (origin !== undefined) out.push(`      ${c.magenta(escapeControls(origin))}`);
    for (const verdict of shownVerdicts(asset)) {
      const paintVerdict = verdict.approved ? c.green : severityColors[verdict.severity];
      out.push(`      ${paintVerdict(escapeControls(describeVerdict(verdict)))}`);
    }
    for (const line of describeDetails(asset.details, style))
      out.push(`      ${c.dim(escapeControls(line))}`);
    const columns = asset.columns ?? [];
    const columnText = columnLines(columns, style);
    for (let i = 0; i < columnText.length; i++) {
      const severity = columns[i]?.severity ?? "safe";
      out.push(`      ${severityColors[severity](escapeControls(columnText[i] as string))}`);
    }
    const findings = [
      ...(asset.partitionKeys === undefined ? [] : partitionKeyLines(asset.partitionKeys, style)),
      ...[moveLine(asset, style)].filter((l) => l !== undefined),
      ...movedDependencyLines(asset, style),
      ...impactLines(impact.get(asset.key) ?? [], style, MAX_IMPACTED_PER_CHANGE),
    ];
    for (const line of findings) out.push(`      ${c.dim(escapeControls(line))}`);
  };
  const keyWidthOf = (assets: readonly AssetChange[]) => {
    // A loop, not Math.max(...lengths): 150,000 arguments overflow the stack.
    let keyWidth = 0;
    for (const a of assets)
      keyWidth = Math.min(60, Math.max(keyWidth, label(a, showLocation).length));
    return keyWidth;
  };
  // In a three-way comparison: conflicts first, then the branch's own changes, and production's
  // drift since the merge base last, folded (it is not the branch's doing).
  const conflicts = bySeverity(changeSet.assets.filter((a) => a.origin === "conflict"));
  const drift = bySeverity(changeSet.assets.filter(isDriftOnly));
  const own =
    conflicts.length + drift.length === 0
      ? changeSet.assets
      : changeSet.assets.filter((a) => a.origin !== "conflict" && !isDriftOnly(a));
  /** A heading with the count, then each asset's lines, keys padded to one width; none if empty. */
  const section = (
    title: string,
    paint: (text: string) => string,
    assets: readonly AssetChange[],
    folded: boolean,
  ) => {
    if (assets.length === 0) return;
    out.push("", c.bold(paint(`${title} (${assets.length})`)));
    const keyWidth = keyWidthOf(assets);
    for (const asset of assets) assetLines(asset, keyWidth, folded);
  };
  section(ORIGIN_TITLES.conflict, c.magenta, conflicts, false);
  for (const kind of ASSET_CHANGE_KINDS) {
    const [title, , paint] = kinds[kind];
    section(title, paint, bySeverity(own.filter((a) => assetChangeKind(a) === kind)), false);
  }
  section(ORIGIN_TITLES.drift, c.dim, drift, true);
  const moves = changeSet.probableMoves ?? [];
  if (moves.length > 0) {
    out.push("", c.bold(`Probable moves (${moves.length})`));
    for (const move of moves.slice(0, MAX_SECTION_LINES))
      for (const line of probableMoveLines(move, style))
        out.push(`  ${c.blue("?")} ${escapeControls(line)}`);
    if (moves.length > MAX_SECTION_LINES)
      out.push(`  … and ${plural(moves.length - MAX_SECTION_LINES, "more probable move")}`);
  }
  const issues = changeSet.graphIssues ?? [];
  if (issues.length > 0) {
    out.push("", c.bold(c.yellow(`Graph issues (${issues.length})`)));
    for (const line of graphIssueLines(issues, style, MAX_SECTION_LINES))
      out.push(`  ${c.yellow("!")} ${escapeControls(line)}`);
  }
  if (changeSet.summary.suppressed > 0) {
    out.push(
      "",
      c.dim(`${suppressedText(changeSet.summary.suppressed)} (run with --format json to see them)`),
    );
  }
  const stale = changeSet.staleApprovals ?? [];
  if (stale.length > 0) {
    out.push("", c.bold(c.yellow(`Stale approvals (${stale.length})`)));
    for (const s of stale)
      out.push(`  ${c.yellow("!")} ${escapeControls(describeStaleApproval(s))}`);
  }

  if (changeSet.limitations.length > 0) {
    out.push("", c.bold("Could not compare (the inputs do not carry these fields)"));
    for (const l of changeSet.limitations)
      out.push(`  ${c.yellow("?")} ${escapeControls(limitationLine(l))}`);
  }
  return `${out.join("\n")}\n`;
}

/**
 * One line of counts, e.g. `2 new, 1 removed, 7 modified, 25 unchanged`, with the moved assets
 * and the impact downstream once the policies found them, and how many code locations of the
 * branch did not load (their assets are unknown, not unchanged).
 *
 * @example
 * summaryLine(changeSet); // "2 new, 1 removed, 7 modified, 25 unchanged"
 */
export function summaryLine(changeSet: ChangeSet): string {
  const { assets, severity } = changeSet.summary;
  // A branch location that did not load is unknown, not unchanged: the line says so first.
  const unloaded = branchLocationsNotLoaded(changeSet).length;
  const caveat =
    unloaded === 0
      ? ""
      : `; ${plural(unloaded, "code location")} of the branch did not load, ${unloaded === 1 ? "its" : "their"} assets not compared`;
  if (assets.new + assets.removed + assets.modified + (assets.moved ?? 0) === 0) {
    return unloaded === 0
      ? `No changes (${assets.unchanged} unchanged).`
      : `No changes in what was compared (${assets.unchanged} unchanged)${caveat}.`;
  }
  const moved = assets.moved ? `, ${assets.moved} moved` : "";
  const counts = `${assets.new} new, ${assets.removed} removed${moved}, ${assets.modified} modified, ${assets.unchanged} unchanged`;
  // In a three-way comparison what base drift changed is not the branch's: it is not counted.
  const counted =
    severity === undefined || changeSet.mergeBase === undefined
      ? severity
      : severityCounts(changeSet.assets.filter((a) => !isDriftOnly(a)));
  const verdicts =
    counted === undefined ? "" : `; ${counted.breaking} breaking, ${counted.risky} risky`;
  const impact = impactSummaryText(changeSet);
  return `${counts}${verdicts}${impact === undefined ? "" : `; ${impact}`}${caveat}`;
}

// --- internal ---

/** Most impacted assets named under one change. */
const MAX_IMPACTED_PER_CHANGE = 5;

/** Most probable moves and graph issues listed, each in its section. */
const MAX_SECTION_LINES = 20;

/** The width of the widest severity badge, `[breaking]`, so keys line up. */
const BADGE_WIDTH = Math.max(...SEVERITIES.map((s) => s.length)) + 2;

function label(asset: AssetChange, showLocation: boolean): string {
  const location = showLocation ? locationLabel(asset) : null;
  return escapeControls(location === null ? asset.key : `${asset.key}  [${location}]`);
}

function describeInput(input: ChangeSet["base"]): string {
  const name = input.source?.name ?? input.source?.format ?? "graph";
  return `${name} (${plural(input.assets, "asset")})`;
}
