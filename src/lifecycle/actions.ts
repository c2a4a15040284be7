import type { EventAuthor } from "./event";
import type { CloneCopyMode } from "./sql";
import type { SnapshotBaseCondition, SqlDialect } from "./vocabulary";

/**
 * The kinds of work a transition can plan, in the order they are planned; the single source for
 * {@link LifecycleActionType} (and, through {@link LifecycleActionMeta}, for
 * {@link LifecycleAction}):
 * - `create_deployment`: create (or re-open) the branch deployment, status OPEN (Dagster+'s
 *   idempotent `createOrUpdateBranchDeployment`);
 * - `clone_schemas`: clone each production schema into the branch's schema ({@link cloneSchemaSql});
 * - `deploy_commit`: build and deploy the head commit;
 * - `capture_snapshot`: save the asset graph of the branch (`role: "branch"`) or of the base
 *   deployment (`role: "base"`, for ON_CREATE / ON_UPDATE) under `ref`;
 * - `diff_against_base`: diff the branch snapshot against the base (a snapshot, or live);
 * - `post_report`: post the pull request comment (`create`) or edit it (`update`);
 * - `mark_closed`: record the pull request as CLOSED or MERGED (what Dagster+'s CI does);
 * - `drop_schemas`: drop the branch's schemas ({@link dropSchemaSql});
 * - `delete_deployment`: delete the branch deployment (never production).
 */
export const LIFECYCLE_ACTION_TYPES = [
  "create_deployment",
  "clone_schemas",
  "deploy_commit",
  "capture_snapshot",
  "diff_against_base",
  "post_report",
  "mark_closed",
  "drop_schemas",
  "delete_deployment",
] as const;

/** One of {@link LIFECYCLE_ACTION_TYPES}. */
export type LifecycleActionType = (typeof LIFECYCLE_ACTION_TYPES)[number];

/** Why a deployment is torn down; the single source for {@link TeardownReason}. */
export const TEARDOWN_REASONS = ["closed", "merged", "branch_deleted"] as const;

/** One of {@link TEARDOWN_REASONS}. */
export type TeardownReason = (typeof TEARDOWN_REASONS)[number];

/** A production schema and the branch schema that clones it. */
export interface SchemaClone {
  dialect: SqlDialect;
  /** Snowflake database, BigQuery project or DuckDB catalog; `null` for the connection's own. */
  catalog: string | null;
  source: string;
  target: string;
}

/** A schema to drop. */
export interface SchemaRef {
  dialect: SqlDialect;
  catalog: string | null;
  schema: string;
}

/** The payload of each action type, with explicit field names. */
export interface LifecycleActionMeta {
  create_deployment: {
    repo: string;
    branch: string;
    pullRequest: number | null;
    pullRequestUrl: string | null;
    baseDeployment: string;
    snapshotBase: SnapshotBaseCondition;
    status: "OPEN";
    /** True when the deployment existed before (a reopen): create-or-update. */
    recreate: boolean;
  };
  clone_schemas: {
    schemas: SchemaClone[];
    copy: CloneCopyMode;
    /** Replace a target left from before (always true: rerunning a clone rebuilds it). */
    replace: boolean;
  };
  deploy_commit: {
    sha: string;
    /** The head deployed before, or the event's `before` sha. */
    previousSha: string | null;
    message: string | null;
    author: EventAuthor | null;
    /** The event's time, for Dagster+'s commit `timestamp`. */
    committedAt: string | null;
  };
  capture_snapshot: {
    role: "base" | "branch";
    /** The deployment whose asset graph to capture. */
    of: string;
    /** Where to store it: `<deployment>@<sha>` for the branch, `<base>@<time>` for the base. */
    ref: string;
    sha: string | null;
  };
  diff_against_base: {
    baseDeployment: string;
    /** The base snapshot to compare with, or `null` to compare with the live base. */
    baseSnapshot: string | null;
    snapshotBase: SnapshotBaseCondition;
    branchSnapshot: string;
    headSha: string;
  };
  post_report: {
    mode: "create" | "update";
    pullRequest: number;
    /**
     * The id to render the report with: `renderMarkdown(changeSet, { id: reportId })`, or
     * `asset-diff diff … --format markdown --report-id <reportId>` (`branch-deployment-<name>`).
     */
    reportId: string;
    /**
     * The hidden HTML comment that starts the report rendered with `reportId`, exactly
     * `markdownMarker(reportId)`: the first line of the comment, to find it again for `update`.
     */
    marker: string;
    headSha: string;
  };
  mark_closed: {
    status: "CLOSED" | "MERGED";
    /** When a sweep may delete it, or `null` when nothing deletes it automatically. */
    deleteAfter: string | null;
  };
  drop_schemas: { schemas: SchemaRef[] };
  delete_deployment: { reason: TeardownReason };
}

/**
 * One planned piece of work: plain, serializable data, discriminated by `type`, naming the
 * branch deployment it is for and carrying its {@link LifecycleActionMeta}.
 */
export type LifecycleAction = {
  [T in LifecycleActionType]: { type: T; deployment: string; meta: LifecycleActionMeta[T] };
}[LifecycleActionType];

/** The action of one given type. */
export type LifecycleActionOf<T extends LifecycleActionType> = Extract<
  LifecycleAction,
  { type: T }
>;

/**
 * A one-line, human description of an action, derived from its type and meta (for logs and
 * dry runs).
 *
 * @example
 * describeLifecycleAction({ type: "delete_deployment", deployment: "feature-1", meta: { reason: "merged" } });
 * // "delete deployment feature-1 (merged)"
 */
export function describeLifecycleAction(action: LifecycleAction): string {
  const describe = DESCRIBERS[action.type] as (a: LifecycleAction) => string;
  return describe(action);
}

// --- internal ---

const schemaList = (schemas: readonly { dialect: string; target?: string; schema?: string }[]) =>
  schemas.map((s) => `${s.dialect}:${s.target ?? s.schema}`).join(", ");

const DESCRIBERS: { [T in LifecycleActionType]: (action: LifecycleActionOf<T>) => string } = {
  create_deployment: ({ deployment, meta }) =>
    `${meta.recreate ? "re-create" : "create"} deployment ${deployment} for ${meta.repo}@${meta.branch}` +
    `${meta.pullRequest === null ? "" : ` (#${meta.pullRequest})`}, base ${meta.baseDeployment}`,
  clone_schemas: ({ meta }) =>
    `clone ${meta.copy === "data" ? "schemas" : "schema structure"} into ${schemaList(meta.schemas)}`,
  deploy_commit: ({ deployment, meta }) => `deploy ${meta.sha.slice(0, 12)} to ${deployment}`,
  capture_snapshot: ({ meta }) => `capture the ${meta.role} snapshot of ${meta.of} as ${meta.ref}`,
  diff_against_base: ({ meta }) =>
    `diff ${meta.branchSnapshot} against ${meta.baseSnapshot ?? `live ${meta.baseDeployment}`}`,
  post_report: ({ meta }) => `${meta.mode} the report on #${meta.pullRequest}`,
  mark_closed: ({ deployment, meta }) =>
    `mark ${deployment} ${meta.status}` +
    `${meta.deleteAfter === null ? "" : `, deletable after ${meta.deleteAfter}`}`,
  drop_schemas: ({ meta }) => `drop ${schemaList(meta.schemas)}`,
  delete_deployment: ({ deployment, meta }) =>
    `delete deployment ${deployment} (${meta.reason.replace("_", " ")})`,
};
