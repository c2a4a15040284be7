import { createColors } from "picocolors";
import {
  type AssetChange,
  type AssetChangeKind,
  assetChangeKind,
  type ChangeSet,
  type Limitation,
} from "../diff/change-set";
import { SEVERITIES, type Severity } from "../diff/verdicts";
import { locationLabel } from "../model/key";
import { plural } from "../text";
import { describeDetails } from "./details";
import {
  bySeverity,
  describeStaleApproval,
  describeVerdict,
  hasSeverity,
  shownVerdicts,
  suppressedText,
} from "./verdicts";

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
 * Renders a change set as plain text for a terminal or a CI log: a summary line, then new,
 * removed and modified assets with their details, then what could not be compared.
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
    c.dim(`asset-diff: ${describeInput(changeSet.base)} → ${describeInput(changeSet.branch)}`),
  );
  out.push(c.bold(summaryLine(changeSet)));

  const byKind = (kind: AssetChangeKind) =>
    bySeverity(changeSet.assets.filter((a) => assetChangeKind(a) === kind));
  const groups: [string, string, AssetChange[], (text: string) => string][] = [
    ["New", "+", byKind("new"), c.green],
    ["Removed", "-", byKind("removed"), c.red],
    ["Modified", "~", byKind("modified"), c.yellow],
    ["Unchanged", "=", byKind("unchanged"), c.dim],
  ];
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
  for (const [title, mark, assets, paint] of groups) {
    if (assets.length === 0) continue;
    out.push("", c.bold(paint(`${title} (${assets.length})`)));
    const keyWidth = Math.min(60, Math.max(...assets.map((a) => label(a, showLocation).length)));
    for (const asset of assets) {
      const types = [
        ...asset.changeTypes.filter((t) => t !== "NEW" && t !== "REMOVED"),
        ...(asset.extraChangeTypes ?? []).map((t) => `(${t})`),
      ];
      const name = label(asset, showLocation);
      // Pad before colouring: escape codes have no width.
      const padded = types.length > 0 ? name.padEnd(keyWidth) : name;
      const badges = types.length > 0 ? `  ${c.cyan(types.join(" "))}` : "";
      out.push(`  ${paint(mark)} ${badge(asset.severity)}${padded}${badges}`.trimEnd());
      for (const verdict of shownVerdicts(asset)) {
        const paintVerdict = verdict.approved ? c.green : severityColors[verdict.severity];
        out.push(`      ${paintVerdict(describeVerdict(verdict))}`);
      }
      for (const line of describeDetails(asset.details, style)) out.push(`      ${c.dim(line)}`);
    }
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
    for (const s of stale) out.push(`  ${c.yellow("!")} ${describeStaleApproval(s)}`);
  }

  const skipped = changeSet.locations.filter(
    (l) => l.status !== "compared" && l.status !== "new" && l.status !== "removed",
  );
  if (skipped.length > 0) {
    out.push("", c.bold(c.magenta("Code locations not compared")));
    for (const l of skipped) {
      out.push(`  ${c.magenta("!")} ${l.codeLocation ?? "(unknown)"}: ${l.message ?? l.status}`);
    }
  }
  if (changeSet.limitations.length > 0) {
    out.push("", c.bold("Could not compare (the inputs do not carry these fields)"));
    for (const l of changeSet.limitations) out.push(`  ${c.yellow("?")} ${describeLimitation(l)}`);
  }
  return `${out.join("\n")}\n`;
}

/**
 * One line of counts, e.g. `2 new, 1 removed, 7 modified, 25 unchanged`.
 *
 * @example
 * summaryLine(changeSet); // "2 new, 1 removed, 7 modified, 25 unchanged"
 */
export function summaryLine(changeSet: ChangeSet): string {
  const { assets, severity } = changeSet.summary;
  if (assets.new + assets.removed + assets.modified === 0)
    return `No changes (${assets.unchanged} unchanged).`;
  const counts = `${assets.new} new, ${assets.removed} removed, ${assets.modified} modified, ${assets.unchanged} unchanged`;
  return severity === undefined
    ? counts
    : `${counts}; ${severity.breaking} breaking, ${severity.risky} risky`;
}

/**
 * Describes a limitation in words.
 *
 * @example
 * describeLimitation({ changeType: "CODE_VERSION", field: "codeVersion", side: "both", assets: 8 });
 * // "CODE_VERSION: codeVersion is not in either input (8 assets)"
 */
function describeLimitation(limitation: Limitation): string {
  const where = limitation.side === "both" ? "either input" : `the ${limitation.side} input`;
  const count = plural(limitation.assets, "asset");
  return `${limitation.changeType}: ${limitation.field} is not in ${where} (${count})`;
}

// --- internal ---

/** The width of the widest severity badge, `[breaking]`, so keys line up. */
const BADGE_WIDTH = Math.max(...SEVERITIES.map((s) => s.length)) + 2;

function label(asset: AssetChange, showLocation: boolean): string {
  const location = showLocation ? locationLabel(asset) : null;
  return location === null ? asset.key : `${asset.key}  [${location}]`;
}

function describeInput(input: ChangeSet["base"]): string {
  const name = input.source?.name ?? input.source?.format ?? "graph";
  return `${name} (${plural(input.assets, "asset")})`;
}
