import { z } from "zod";
import { validate } from "../errors";
import { LIFECYCLE_ACTION_TYPES, type LifecycleActionType, type SchemaClone } from "./actions";
import { LIFECYCLE_EVENT_TYPES, type LifecycleEventType } from "./event";
import { SNAPSHOT_BASE_CONDITIONS, type SnapshotBaseCondition, SQL_DIALECTS } from "./vocabulary";

/** The state format version this release writes. */
export const BRANCH_DEPLOYMENT_STATE_VERSION = 1 as const;

/** A pull request's status, as Dagster+ records it; the single source for {@link PullRequestStatus}. */
export const PULL_REQUEST_STATUSES = ["OPEN", "CLOSED", "MERGED"] as const;

/** One of {@link PULL_REQUEST_STATUSES}. */
export type PullRequestStatus = (typeof PULL_REQUEST_STATUSES)[number];

/**
 * Whether the deployment exists: `none` (never created: the branch was closed before anything
 * was deployed), `active` (created, not torn down), `deleted` (teardown planned). The single
 * source for {@link DeploymentPhase}.
 */
export const DEPLOYMENT_PHASES = ["none", "active", "deleted"] as const;

/** One of {@link DEPLOYMENT_PHASES}. */
export type DeploymentPhase = (typeof DEPLOYMENT_PHASES)[number];

/**
 * One event the state remembers: every applied event, and every event ignored because of what
 * the state was (so that its redelivery is recognised as a duplicate).
 */
export interface HistoryEntry {
  /** The event's own time (its ordering key), or `null` when it had none. */
  at: string | null;
  /** The time the transition ran with. */
  recordedAt: string;
  event: LifecycleEventType;
  action: string;
  headSha: string;
  /** The head before it (a push's `before`), which it supersedes. */
  beforeSha: string | null;
  baseBranch: string | null;
  /** Why it was ignored, or `null` when it was applied. */
  ignored: IgnoreReason | null;
  /** The types of the actions it planned. */
  actions: LifecycleActionType[];
}

/**
 * Everything the lifecycle knows about one branch deployment: plain JSON (absent values are
 * `null`), so it can be stored anywhere and read back with {@link parseBranchDeploymentState}.
 * Identity is (`repo`, `branch`), as in Dagster+.
 */
export interface BranchDeploymentState {
  formatVersion: typeof BRANCH_DEPLOYMENT_STATE_VERSION;
  /** The deployment name ({@link deploymentName} of the branch unless given). */
  name: string;
  repo: string;
  branch: string;
  pullRequest: number | null;
  pullRequestUrl: string | null;
  status: PullRequestStatus;
  phase: DeploymentPhase;
  /** The head commit deployed last. */
  headSha: string | null;
  /** Every head deployed, oldest first. */
  deployedShas: string[];
  baseBranch: string | null;
  baseDeployment: string;
  snapshotBase: SnapshotBaseCondition;
  /** The base snapshot the branch is compared with (`null` when comparing with the live base). */
  baseSnapshot: string | null;
  branchSnapshot: string | null;
  schemas: SchemaClone[];
  reportPosted: boolean;
  createdAt: string | null;
  /** The time of the last applied transition. */
  updatedAt: string;
  closedAt: string | null;
  /** When a sweep may tear it down (closed, with a retention). */
  deleteAfter: string | null;
  deletedAt: string | null;
  /** The newest time of an event applied or confirming the state: older events are stale. */
  lastEventAt: string | null;
  /** The events remembered, oldest first, at most `historyLimit` of them. */
  history: HistoryEntry[];
}

/**
 * Why an event planned nothing; the single source for {@link IgnoreReason}:
 * - `duplicate`: this very event (type, head, base, time) was applied already;
 * - `stale`: older than the last applied event, or for a head deployed before the current one;
 * - `already_deployed`: its head is the head deployed, and nothing else changed;
 * - `already_open`, `already_closed`: the pull request already has that status;
 * - `closed`: a push or update to a closed pull request (reopen it to deploy again);
 * - `not_deployed`: nothing is deployed for the branch (a close before any deploy);
 * - `draft`: a draft pull request, with `deployDrafts: false`;
 * - `irrelevant`: an event that never deploys anything (labels, approvals, title edits).
 */
export const IGNORE_REASONS = [
  "duplicate",
  "stale",
  "already_deployed",
  "already_open",
  "already_closed",
  "closed",
  "not_deployed",
  "draft",
  "irrelevant",
] as const;

/** One of {@link IGNORE_REASONS}. */
export type IgnoreReason = (typeof IGNORE_REASONS)[number];

/** Why an event was ignored: a reason code and a sentence with the particulars. */
export interface IgnoredEvent {
  reason: IgnoreReason;
  message: string;
}

/**
 * Reads a stored state back, checking its shape; throws a `ValidationError` with the JSON path
 * of each problem.
 *
 * @example
 * const state = parseBranchDeploymentState(JSON.parse(await readFile("state.json", "utf8")));
 */
export function parseBranchDeploymentState(
  json: unknown,
  options: { source?: string } = {},
): BranchDeploymentState {
  return validate(branchDeploymentStateSchema, json, options.source ?? "branch deployment state");
}

// --- internal ---

const text = z.string();
const nullableText = z.string().nullable();

/**
 * The zod schema of {@link BranchDeploymentState}.
 *
 * @internal Exported for the type test that pins it to the type.
 */
export const branchDeploymentStateSchema = z.object({
  formatVersion: z.literal(BRANCH_DEPLOYMENT_STATE_VERSION),
  name: text,
  repo: text,
  branch: text,
  pullRequest: z.number().int().nullable(),
  pullRequestUrl: nullableText,
  status: z.enum(PULL_REQUEST_STATUSES),
  phase: z.enum(DEPLOYMENT_PHASES),
  headSha: nullableText,
  deployedShas: z.array(text),
  baseBranch: nullableText,
  baseDeployment: text,
  snapshotBase: z.enum(SNAPSHOT_BASE_CONDITIONS),
  baseSnapshot: nullableText,
  branchSnapshot: nullableText,
  schemas: z.array(
    z.object({ dialect: z.enum(SQL_DIALECTS), catalog: nullableText, source: text, target: text }),
  ),
  reportPosted: z.boolean(),
  createdAt: nullableText,
  updatedAt: text,
  closedAt: nullableText,
  deleteAfter: nullableText,
  deletedAt: nullableText,
  lastEventAt: nullableText,
  history: z.array(
    z.object({
      at: nullableText,
      recordedAt: text,
      event: z.enum(LIFECYCLE_EVENT_TYPES),
      action: text,
      headSha: text,
      beforeSha: nullableText,
      baseBranch: nullableText,
      ignored: z.enum(IGNORE_REASONS).nullable(),
      actions: z.array(z.enum(LIFECYCLE_ACTION_TYPES)),
    }),
  ),
});
