import type {
  ApprovalMark,
  AssetChange,
  ChangeSet,
  ChangeVerdict,
  StaleApproval,
} from "../diff/change-set";
import { compareSeverities, SEVERITIES, type Severity } from "../diff/verdicts";
import { plural } from "../text";

/**
 * What the policy steps decided, in the words every renderer shares: which assets come first,
 * which verdicts are shown and how a verdict, a suppression count and a stale approval read. A
 * change set without policy fields (raw differ output) goes through these unchanged.
 */

/**
 * True when the severity policy ran on the change set, so reports show severities.
 *
 * @example
 * hasSeverity(diffAssetGraphs(base, branch)); // false: the raw differ decides no severity
 */
export function hasSeverity(changeSet: ChangeSet): boolean {
  return changeSet.summary.severity !== undefined || changeSet.assets.some((a) => a.severity);
}

/**
 * Assets worst severity first, keeping their order otherwise; assets without a severity go last.
 *
 * @example
 * bySeverity([safe, breaking, risky]); // [breaking, risky, safe]
 */
export function bySeverity<T extends Pick<AssetChange, "severity">>(assets: readonly T[]): T[] {
  // Array#sort is stable, so equal severities keep the change set's order.
  return [...assets].sort((a, b) => rank(a) - rank(b));
}

/**
 * How many of `assets` have each severity (assets without one are not counted), in one pass.
 *
 * @example
 * severityCounts([breaking, risky, risky]); // { breaking: 1, risky: 2, safe: 0 }
 */
export function severityCounts(
  assets: readonly Pick<AssetChange, "severity">[],
): Record<Severity, number> {
  const counts: Record<Severity, number> = { breaking: 0, risky: 0, safe: 0 };
  for (const asset of assets) if (asset.severity !== undefined) counts[asset.severity]++;
  return counts;
}

/**
 * The verdicts a report lists under an asset: those that are not `safe`, worst first.
 *
 * @example
 * shownVerdicts(asset).map(describeVerdict); // ["breaking: a column was removed from the table schema"]
 */
export function shownVerdicts(asset: Pick<AssetChange, "reasons">): ChangeVerdict[] {
  return (asset.reasons ?? [])
    .filter((v) => v.severity !== "safe")
    .sort((a, b) => compareSeverities(a.severity, b.severity));
}

/**
 * A verdict in one line: its severity, its message and, when approved, by whom and why; `value`
 * marks the approver, `text` the words around it (e.g. a Markdown renderer makes a code span of
 * the first, so no `@` mention fires, and escapes the second).
 *
 * @example
 * describeVerdict(verdict); // "risky: the code version changed (approved by alice: planned rewrite)"
 */
export function describeVerdict(
  verdict: ChangeVerdict,
  value: (text: string) => string = same,
  text: (text: string) => string = same,
): string {
  const line = text(`${verdict.severity}: ${verdict.message}`);
  return verdict.approved === undefined
    ? line
    : `${line} (${approvalText(verdict.approved, value, text)})`;
}

/**
 * How many changes rules suppressed, e.g. `3 changes suppressed by rules`.
 *
 * @example
 * suppressedText(1); // "1 change suppressed by rules"
 */
export function suppressedText(count: number): string {
  return `${plural(count, "change")} suppressed by rules`;
}

/**
 * A stale approval in one line, with who approved it and why when the approvals file says;
 * `value` marks the key, change type, ids and approver, `text` the approval's reason (as in
 * {@link describeVerdict}).
 *
 * @example
 * describeStaleApproval(stale); // "raw/orders CODE_VERSION: approved id 3f2a no longer matches (now 9c1d)"
 */
export function describeStaleApproval(
  stale: StaleApproval,
  value: (text: string) => string = same,
  text: (text: string) => string = same,
): string {
  const line = `${value(stale.key)} ${value(stale.changeType)}: approved id ${value(stale.id)} no longer matches (now ${value(stale.currentId)})`;
  return stale.by === null && stale.reason === null
    ? line
    : `${line} — ${approvalText(stale, value, text)}`;
}

// --- internal ---

function same(text: string): string {
  return text;
}

function approvalText(
  { by, reason }: ApprovalMark,
  value: (text: string) => string,
  text: (text: string) => string,
): string {
  return `approved${by === null ? "" : ` by ${value(by)}`}${reason === null ? "" : `: ${text(reason)}`}`;
}

function rank(asset: Pick<AssetChange, "severity">): number {
  return asset.severity === undefined ? SEVERITIES.length : SEVERITIES.indexOf(asset.severity);
}
