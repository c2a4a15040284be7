import { createColors } from "picocolors";
import {
  type AssetChange,
  type AssetChangeKind,
  assetChangeKind,
  branchLocationsNotLoaded,
  type ChangeSet,
  type Limitation,
} from "../diff/change-set";
import { SEVERITIES, type Severity } from "../diff/verdicts";
import { locationLabel } from "../model/key";
import { isControl, plural } from "../text";
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
 * Renders a change set as plain text for a terminal or a CI log: a summary line, the code
 * locations not compared (failed to load, still loading, not in the branch), then new, removed
 * and modified assets with their details, then the fields that could not be compared.
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
    // A loop, not Math.max(...lengths): 150,000 arguments overflow the stack.
    let keyWidth = 0;
    for (const a of assets)
      keyWidth = Math.min(60, Math.max(keyWidth, label(a, showLocation).length));
    for (const asset of assets) {
      const types = [
        ...asset.changeTypes.filter((t) => t !== "NEW" && t !== "REMOVED"),
        ...(asset.extraChangeTypes ?? []).map((t) => `(${t})`),
      ];
      const name = label(asset, showLocation);
      // Pad before colouring: escape codes have no width.
      const padded = types.length > 0 ? name.padEnd(keyWidth) : name;
      const badges = types.length > 0 ? `  ${c.cyan(escapeControls(types.join(" ")))}` : "";
      out.push(`  ${paint(mark)} ${badge(asset.severity)}${padded}${badges}`.trimEnd());
      for (const verdict of shownVerdicts(asset)) {
        const paintVerdict = verdict.approved ? c.green : severityColors[verdict.severity];
        out.push(`      ${paintVerdict(escapeControls(describeVerdict(verdict)))}`);
      }
      for (const line of describeDetails(asset.details, style))
        out.push(`      ${c.dim(escapeControls(line))}`);
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
    for (const s of stale)
      out.push(`  ${c.yellow("!")} ${escapeControls(describeStaleApproval(s))}`);
  }

  if (changeSet.limitations.length > 0) {
    out.push("", c.bold("Could not compare (the inputs do not carry these fields)"));
    for (const l of changeSet.limitations)
      out.push(`  ${c.yellow("?")} ${escapeControls(describeLimitation(l))}`);
  }
  return `${out.join("\n")}\n`;
}

/**
 * Makes text from an input safe to print on a terminal: each character that would control the
 * terminal or hide what the text says is replaced by its JSON-style escape, which shows it.
 *
 * - C0 controls (U+0000–U+001F): `\b`, `\t`, `\n`, `\f`, `\r` (as in JSON), else `\u001b` and so on;
 * - DEL and the C1 controls (U+007F–U+009F), e.g. `\u009b` (CSI);
 * - the bidirectional formatting characters (U+061C, U+200E, U+200F, U+202A–U+202E,
 *   U+2066–U+2069), e.g. `\u202e` (RIGHT-TO-LEFT OVERRIDE), and the line and paragraph
 *   separators U+2028 and U+2029;
 * - lone surrogates (half of a UTF-16 pair), e.g. `\ud83d`.
 *
 * Everything else, other scripts and emoji included, is kept. A backslash is kept as it is, so
 * `\u001b` typed in an input reads the same as the escape character: the escapes are for
 * people to read, not to parse back. The CLI shows its one-line messages with it too.
 *
 * @example
 * escapeControls("red\u001b[31m"); // "red\\u001b[31m"
 */
export function escapeControls(text: string): string {
  let out = "";
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
    } else if (!isControl(code) && !(code >= 0xdc00 && code <= 0xdfff)) {
      continue;
    }
    out += text.slice(start, i) + escapeOf(code);
    start = i + 1;
  }
  return start === 0 ? text : out + text.slice(start);
}

/**
 * One line of counts, e.g. `2 new, 1 removed, 7 modified, 25 unchanged`, with how many code
 * locations of the branch did not load (their assets are unknown, not unchanged).
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
  if (assets.new + assets.removed + assets.modified === 0) {
    return unloaded === 0
      ? `No changes (${assets.unchanged} unchanged).`
      : `No changes in what was compared (${assets.unchanged} unchanged)${caveat}.`;
  }
  const counts = `${assets.new} new, ${assets.removed} removed, ${assets.modified} modified, ${assets.unchanged} unchanged`;
  return severity === undefined
    ? `${counts}${caveat}`
    : `${counts}; ${severity.breaking} breaking, ${severity.risky} risky${caveat}`;
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
  return escapeControls(location === null ? asset.key : `${asset.key}  [${location}]`);
}

/** JSON's short escapes of the C0 controls that have one. */
const SHORT_ESCAPES: Readonly<Record<number, string>> = {
  8: "\\b",
  9: "\\t",
  10: "\\n",
  12: "\\f",
  13: "\\r",
};

function escapeOf(code: number): string {
  return SHORT_ESCAPES[code] ?? `\\u${code.toString(16).padStart(4, "0")}`;
}

function describeInput(input: ChangeSet["base"]): string {
  const name = input.source?.name ?? input.source?.format ?? "graph";
  return `${name} (${plural(input.assets, "asset")})`;
}
