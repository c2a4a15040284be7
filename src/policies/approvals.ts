import { z } from "zod";
import type { AssetChange, ChangeSet, ChangeVerdict, StaleApproval } from "../diff/change-set";
import { CHANGE_TYPES, compareChangeTypes } from "../diff/change-types";
import { summarizeChangeSet } from "../diff/summary";
import { UsageError, validate } from "../errors";
import { compareNullableStrings, compareStrings } from "../model/key";
import type { Policy } from "./policy";

/**
 * Approvals: changes someone accepted, by their stable `id` (see `changeId`). An approved change
 * stays in the change set, marked, and no longer trips `--fail-on`; an approval whose change now
 * has other values no longer matches and is listed as stale, so nobody approves a change they
 * never saw.
 */

/** zod schema of {@link ApprovalsFile}, strict: an unknown member is a typo, reported with its path. */
export const approvalsSchema = z
  .strictObject({
    formatVersion: z.literal(1),
    approvals: z.array(
      z.strictObject({
        id: z
          .string()
          .regex(/^[0-9a-f]{16}$/, { message: "expected a change id (16 lowercase hex digits)" }),
        key: z.string().min(1),
        codeLocation: z.string().nullable(),
        repository: z.string().nullable(),
        changeType: z.enum(CHANGE_TYPES),
        by: z.string().nullable(),
        reason: z.string().nullable(),
        approvedAt: z.iso.datetime({ offset: true }).exactOptional(),
      }),
    ),
  })
  .meta({
    title: "asset-diff approvals",
    description: "Changes someone accepted, by their stable id. See docs/configuration.md.",
  });

/** An approvals file (`asset-diff approve` writes one): the ids of accepted changes, with who and why. */
export type ApprovalsFile = z.output<typeof approvalsSchema>;

/**
 * Validates an approvals file (parsed JSON). An invalid one is a `ValidationError` naming each
 * bad JSON path and the value found there.
 *
 * @example
 * const approvals = parseApprovals(JSON.parse(text), { source: "asset-diff.approvals.json" });
 */
export function parseApprovals(json: unknown, options: { source?: string } = {}): ApprovalsFile {
  return validate(approvalsSchema, json, options.source ?? "approvals", { showValues: true });
}

/**
 * The text of an approvals file: 2-space JSON with a trailing newline, approvals sorted by key,
 * code location, repository, change type and id, members in a fixed order, so that rewriting a
 * file changes only the lines of what changed (small, reviewable diffs).
 *
 * @example
 * await writeFile("asset-diff.approvals.json", serializeApprovals(approvals));
 */
export function serializeApprovals(file: ApprovalsFile): string {
  const approvals = sortApprovals(file.approvals).map(orderedMembers);
  return `${JSON.stringify({ formatVersion: file.formatVersion, approvals }, null, 2)}\n`;
}

/**
 * The approvals policy; runs after severity, whose verdicts it marks. Every verdict whose `id` an
 * approval names gets `approved: { by, reason }`. An approval whose asset and change type
 * (key, code location, repository, change type) still change, with another id, goes to
 * `staleApprovals`, unless another approval matches the change as it is now (an approval that was
 * renewed is superseded, not stale). Approvals of changes that no longer exist are not applied and
 * not stale. `staleApprovals` is always set (possibly empty), which tells the summary to count
 * `approved`. Throws a `UsageError` when severity has not run.
 *
 * @example
 * const reviewed = applyPolicies(changeSet, [severityRules(config.severity ?? []), approvalRules(approvals)], context);
 * reviewed.staleApprovals; // []
 */
export function approvalRules(approvals: ApprovalsFile): Policy {
  const byId = new Map<string, Approval>();
  // With an id listed twice, the first entry (in file order) is the one shown.
  for (const approval of approvals.approvals)
    if (!byId.has(approval.id)) byId.set(approval.id, approval);
  return (changeSet) => {
    requireSeverity(
      changeSet,
      "approvals need the severity policy first: run severityRules before approvalRules",
    );
    const assets = changeSet.assets.map((asset) => markApproved(asset, byId));
    const next: ChangeSet = {
      ...changeSet,
      assets,
      staleApprovals: staleApprovals(assets, approvals.approvals),
    };
    return { ...next, summary: summarizeChangeSet(next) };
  };
}

/**
 * What `asset-diff approve` writes: every entry of `existing` kept as it was (nothing a person
 * wrote is lost), plus one entry per verdict of the selected changes (all when `select` is
 * absent) whose id `existing` does not list yet, with `by`, `reason` and `approvedAt` (`now`,
 * else the current time). The change set must have been through the severity policy.
 *
 * @example
 * const next = approveChanges(reviewed, { by: "ana@example.com", reason: "backfill planned" }, current);
 * await writeFile(path, serializeApprovals(next));
 */
export function approveChanges(
  changeSet: ChangeSet,
  options: {
    by?: string | null;
    reason?: string | null;
    select?: (change: AssetChange) => boolean;
    now?: Date;
  } = {},
  existing?: ApprovalsFile,
): ApprovalsFile {
  requireSeverity(
    changeSet,
    "approving changes needs the severity policy first: pass a change set severityRules ran over",
  );
  const kept = existing?.approvals ?? [];
  const known = new Set(kept.map((a) => a.id));
  const approvedAt = (options.now ?? new Date()).toISOString();
  const added: Approval[] = [];
  for (const asset of changeSet.assets) {
    if (options.select !== undefined && !options.select(asset)) continue;
    for (const verdict of asset.reasons ?? []) {
      if (known.has(verdict.id)) continue;
      known.add(verdict.id);
      added.push({
        id: verdict.id,
        key: asset.key,
        codeLocation: asset.codeLocation,
        repository: asset.repository,
        changeType: verdict.changeType,
        by: options.by ?? null,
        reason: options.reason ?? null,
        approvedAt,
      });
    }
  }
  return { formatVersion: 1, approvals: sortApprovals([...kept, ...added]) };
}

// --- internal ---

type Approval = ApprovalsFile["approvals"][number];

/** Approvals work on verdicts: without the severity policy there is nothing to mark or approve. */
function requireSeverity(changeSet: ChangeSet, message: string): void {
  const ran = changeSet.summary.severity !== undefined || changeSet.assets.some((a) => a.reasons);
  if (!ran) throw new UsageError(message);
}

function markApproved(asset: AssetChange, byId: ReadonlyMap<string, Approval>): AssetChange {
  if (asset.reasons === undefined) return asset;
  const reasons = asset.reasons.map((verdict): ChangeVerdict => {
    // A mark from an earlier run is dropped: only the approvals given now count.
    const { approved: _approved, ...rest } = verdict;
    const approval = byId.get(verdict.id);
    return approval === undefined
      ? rest
      : { ...rest, approved: { by: approval.by, reason: approval.reason } };
  });
  return { ...asset, reasons };
}

/** The approval's asset and change type, as text for a map key. */
function target(
  change: Pick<Approval, "key" | "codeLocation" | "repository" | "changeType">,
): string {
  return JSON.stringify([change.key, change.codeLocation, change.repository, change.changeType]);
}

function staleApprovals(
  assets: readonly AssetChange[],
  approvals: readonly Approval[],
): StaleApproval[] {
  const current = new Map<string, ChangeVerdict[]>();
  const currentIds = new Set<string>();
  for (const asset of assets) {
    for (const verdict of asset.reasons ?? []) {
      currentIds.add(verdict.id);
      const at = target({ ...asset, changeType: verdict.changeType });
      const list = current.get(at);
      if (list) list.push(verdict);
      else current.set(at, [verdict]);
    }
  }
  const stale: StaleApproval[] = [];
  for (const approval of approvals) {
    if (currentIds.has(approval.id)) continue;
    for (const verdict of current.get(target(approval)) ?? []) {
      if (verdict.approved !== undefined) continue;
      stale.push({
        id: approval.id,
        currentId: verdict.id,
        key: approval.key,
        codeLocation: approval.codeLocation,
        repository: approval.repository,
        changeType: approval.changeType,
        by: approval.by,
        reason: approval.reason,
      });
    }
  }
  return stale.sort((a, b) => compareApprovals(a, b) || compareStrings(a.currentId, b.currentId));
}

function compareApprovals(
  a: Pick<Approval, "key" | "codeLocation" | "repository" | "changeType" | "id">,
  b: Pick<Approval, "key" | "codeLocation" | "repository" | "changeType" | "id">,
): number {
  return (
    compareStrings(a.key, b.key) ||
    compareNullableStrings(a.codeLocation, b.codeLocation) ||
    compareNullableStrings(a.repository, b.repository) ||
    compareChangeTypes(a.changeType, b.changeType) ||
    compareStrings(a.id, b.id)
  );
}

function sortApprovals(approvals: readonly Approval[]): Approval[] {
  return [...approvals].sort(compareApprovals);
}

/** An approval with its members in the documented order (JSON keeps insertion order). */
function orderedMembers(approval: Approval): Approval {
  const ordered: Approval = {
    id: approval.id,
    key: approval.key,
    codeLocation: approval.codeLocation,
    repository: approval.repository,
    changeType: approval.changeType,
    by: approval.by,
    reason: approval.reason,
  };
  if (approval.approvedAt !== undefined) ordered.approvedAt = approval.approvedAt;
  return ordered;
}
