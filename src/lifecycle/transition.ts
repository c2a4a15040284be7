import { UsageError } from "../errors";
import { markdownMarker } from "../report/marker";
import { addMs, canonicalTime, compareTime } from "./_time";
import type {
  LifecycleAction,
  LifecycleActionMeta,
  LifecycleActionType,
  SchemaClone,
} from "./actions";
import type { LifecycleEvent } from "./event";
import { branchSchemaName, deploymentName } from "./naming";
import type { CloneCopyMode } from "./sql";
import {
  BRANCH_DEPLOYMENT_STATE_VERSION,
  type BranchDeploymentState,
  type HistoryEntry,
  type IgnoredEvent,
  type IgnoreReason,
} from "./state";
import type { SnapshotBaseCondition, SqlDialect } from "./vocabulary";

/** A production schema that every branch deployment gets a clone of. */
export interface SchemaSource {
  dialect: SqlDialect;
  schema: string;
  /** Snowflake database, BigQuery project or DuckDB catalog. */
  catalog?: string | null;
}

/** Options of {@link transition}; keep them the same for every event of a deployment. */
export interface TransitionOptions {
  /**
   * The current time (ISO-8601 with a zone, a `Date` or epoch ms). Defaults to the event's own
   * time; one of the two is required. The reducer never reads the clock.
   */
  now?: string | Date | number;
  /** The deployment name, e.g. the one Dagster+ returned; default {@link deploymentName}(branch). */
  deploymentName?: string;
  /** The deployment branches are compared with; default `prod` (as Dagster+'s GitHub action). */
  baseDeployment?: string;
  /** Base deployment per base branch (e.g. `{ "release-1": "release-1" }`), over `baseDeployment`. */
  baseDeployments?: Readonly<Record<string, string>>;
  /** What the branch is diffed against; default `LIVE` (Dagster+'s default). */
  snapshotBase?: SnapshotBaseCondition;
  /** Production schemas to clone for every branch; default none. */
  schemas?: readonly SchemaSource[];
  /** Clone rows and columns (default) or columns only. */
  copy?: CloneCopyMode;
  /**
   * What happens on close or merge: `null` (default, as Dagster+'s CI) only marks the deployment
   * closed; `0` also drops its schemas and deletes it at once; a positive number of milliseconds
   * records `deleteAfter` for {@link sweep}.
   */
  deleteAfterMs?: number | null;
  /** Deploy draft pull requests (default `true`); when `false`, drafts are ignored until ready. */
  deployDrafts?: boolean;
  /** Plan `post_report` for pull requests (default `true`). */
  report?: boolean;
  /** How many applied events the state remembers (default 100). */
  historyLimit?: number;
}

/** What {@link transition} returns. */
export interface TransitionResult {
  /** The new state: `undefined` only when there was none and the event changed nothing. */
  state: BranchDeploymentState | undefined;
  /** The work to do, in order. Empty when the event is ignored. */
  actions: LifecycleAction[];
  /** Why the event planned nothing, or `null` when it was applied. */
  ignored: IgnoredEvent | null;
}

/**
 * The branch-deployment reducer: given the state of one deployment (or `undefined`), an event
 * and options, returns the new state and the actions to carry out. Pure and deterministic (time
 * comes from `options.now` or the event); the state in and out is plain JSON.
 *
 * Order and idempotence rules, in this order:
 * 1. `other` events (labels, approvals, title edits) are ignored (`irrelevant`).
 * 2. An event already applied (same type, head, base and time) is a `duplicate`.
 * 3. An event whose time is older than the newest applied event is `stale`.
 * 4. A push of a head older than the deployed one (deployed before it, or the `before` of an
 *    applied push, which orders pushes within the same second) is `stale`, unless its time is
 *    newer than every applied event (a force-push back to an older commit): then it deploys.
 * 5. A push, edit or draft change after close is ignored (`closed`); `reopened` (or a new pull
 *    request for the branch) recreates the deployment; `opened` of the same pull request after
 *    its close is `stale`.
 * 6. Closing what was never deployed keeps a `not_deployed` tombstone, so that a late `opened`
 *    for it is recognised as stale.
 *
 * An ignored event plans nothing. One ignored for what it is (`irrelevant`, `draft`), or as a
 * `duplicate` or older than the last applied event, returns the state unchanged. One ignored
 * because of what the state is (`already_deployed`, `already_open`, `already_closed`, `closed`,
 * a same-time `stale` head) is remembered in `history`, so that its redelivery is a duplicate;
 * those that confirm the state as of their time (all but `closed` and `stale`) also advance
 * `lastEventAt`, so that events older than them are stale.
 *
 * @example
 * let state: BranchDeploymentState | undefined;
 * for (const event of events) {
 *   const result = transition(state, event, { schemas: [{ dialect: "postgres", schema: "analytics" }] });
 *   for (const action of result.actions) await run(action);
 *   state = result.state;
 * }
 */
export function transition(
  state: BranchDeploymentState | undefined,
  event: LifecycleEvent,
  options: TransitionOptions = {},
): TransitionResult {
  if (state && (state.repo !== event.repo || state.branch !== event.branch)) {
    throw new UsageError(
      `event for ${event.repo}@${event.branch} given the state of ${state.repo}@${state.branch}`,
    );
  }
  const ctx = resolveOptions(options, event);
  if (event.type === "other") {
    return ignore(state, "irrelevant", `${event.source} action "${event.action}" deploys nothing`);
  }
  if (state === undefined) return fromNothing(event, ctx);
  const stale = staleness(state, event);
  if (stale) return ignore(state, stale.reason, stale.message);
  return state.status === "OPEN" ? whileOpen(state, event, ctx) : whileClosed(state, event, ctx);
}

/** What {@link replayEvents} returns. */
export interface ReplayResult {
  state: BranchDeploymentState | undefined;
  /** Every action planned, in order. */
  actions: LifecycleAction[];
  /** One result per event, in order. */
  results: TransitionResult[];
}

/**
 * Runs {@link transition} over events in order, from `initial` (default none): the state after
 * them and every action they planned. Each event's own time is its `now` unless `options.now`
 * is given.
 *
 * @example
 * const { state, actions } = replayEvents(events.map((e) => parseLifecycleEvent(e)));
 */
export function replayEvents(
  events: readonly LifecycleEvent[],
  options: TransitionOptions = {},
  initial?: BranchDeploymentState,
): ReplayResult {
  let state = initial;
  const actions: LifecycleAction[] = [];
  const results: TransitionResult[] = [];
  for (const event of events) {
    const result = transition(state, event, options);
    results.push(result);
    actions.push(...result.actions);
    state = result.state;
  }
  return { state, actions, results };
}

/**
 * The key that identifies a branch deployment (repository and branch, as in Dagster+), for
 * storing states in a map or a table.
 *
 * @example
 * states.get(deploymentKey(event));
 */
export function deploymentKey(of: { repo: string; branch: string }): string {
  return JSON.stringify([of.repo, of.branch]);
}

/**
 * The hidden HTML comment that starts the report of the deployment called `name`, to find its
 * pull request comment again (e.g. to edit or delete it when no action is at hand). It is the
 * `marker` of that deployment's `post_report` action: `markdownMarker(reportId)`, the first line
 * `renderMarkdown(changeSet, { id: reportId })` writes, with `reportId` the action's
 * (`branch-deployment-<name>`).
 *
 * @example
 * reportMarker("feature-1"); // "<!-- asset-diff:report:branch-deployment-feature-1 -->"
 */
export function reportMarker(name: string): string {
  return markdownMarker(reportIdOf(name));
}

// --- internal ---

/** The report id of the deployment called `name`: prefixed, so it never equals a location's id. */
function reportIdOf(name: string): string {
  return `branch-deployment-${name}`;
}

interface Context {
  now: string;
  name: string | undefined;
  baseDeployment: string;
  baseDeployments: Readonly<Record<string, string>>;
  snapshotBase: SnapshotBaseCondition;
  schemas: readonly SchemaSource[];
  copy: CloneCopyMode;
  deleteAfterMs: number | null;
  deployDrafts: boolean;
  report: boolean;
  historyLimit: number;
}

const DEFAULT_HISTORY_LIMIT = 100;

function resolveOptions(options: TransitionOptions, event: LifecycleEvent): Context {
  const now = options.now === undefined ? event.at : canonicalTime(options.now);
  if (now === null) {
    throw new UsageError(
      options.now === undefined
        ? "transition needs the time: the event has none, so pass options.now"
        : `options.now is not a valid time: ${String(options.now)}`,
    );
  }
  const deleteAfterMs = options.deleteAfterMs ?? null;
  if (deleteAfterMs !== null && !(Number.isFinite(deleteAfterMs) && deleteAfterMs >= 0)) {
    throw new UsageError("deleteAfterMs must be null or a number of milliseconds ≥ 0");
  }
  const historyLimit = options.historyLimit ?? DEFAULT_HISTORY_LIMIT;
  if (!Number.isInteger(historyLimit) || historyLimit < 1) {
    throw new UsageError("historyLimit must be a positive integer");
  }
  if (options.baseDeployment === "" || options.deploymentName === "") {
    throw new UsageError("deployment names cannot be empty");
  }
  return {
    now,
    name: options.deploymentName,
    baseDeployment: options.baseDeployment ?? "prod",
    baseDeployments: options.baseDeployments ?? {},
    snapshotBase: options.snapshotBase ?? "LIVE",
    schemas: options.schemas ?? [],
    copy: options.copy ?? "data",
    deleteAfterMs,
    deployDrafts: options.deployDrafts ?? true,
    report: options.report ?? true,
    historyLimit,
  };
}

/** Ignores an event for what it is (or is a duplicate of): the state is returned unchanged. */
function ignore(
  state: BranchDeploymentState | undefined,
  reason: IgnoreReason,
  message: string,
): TransitionResult {
  return { state, actions: [], ignored: { reason, message } };
}

/**
 * Ignores an event because of what the state is, remembering it so that its redelivery is a
 * duplicate; when it `confirms` the state as of its time, events older than it become stale.
 */
function note(
  state: BranchDeploymentState,
  event: LifecycleEvent,
  ctx: Context,
  reason: IgnoreReason,
  message: string,
  confirms = true,
): TransitionResult {
  return {
    state: record(state, event, ctx, [], reason, confirms),
    actions: [],
    ignored: { reason, message },
  };
}

const isOpening = (event: LifecycleEvent) => event.type !== "closed" && event.type !== "merged";

function fromNothing(event: LifecycleEvent, ctx: Context): TransitionResult {
  if (!isOpening(event)) {
    const tombstone = emptyState(event, ctx);
    tombstone.status = event.type === "merged" ? "MERGED" : "CLOSED";
    tombstone.closedAt = ctx.now;
    const state = record(tombstone, event, ctx, [], "not_deployed", true);
    return {
      state,
      actions: [],
      ignored: {
        reason: "not_deployed",
        message: `nothing is deployed for ${event.branch}, so there is nothing to close`,
      },
    };
  }
  if (skipsDraft(event, ctx)) return ignoreDraft(undefined, event);
  return create(undefined, event, ctx);
}

function staleness(state: BranchDeploymentState, event: LifecycleEvent): IgnoredEvent | null {
  const duplicate = state.history.some(
    (entry) =>
      entry.event === event.type &&
      entry.at === event.at &&
      entry.headSha === event.headSha &&
      entry.baseBranch === event.baseBranch,
  );
  if (duplicate) {
    return {
      reason: "duplicate",
      message: `this ${event.type} event (${short(event.headSha)}${event.at ? ` at ${event.at}` : ""}) was applied already`,
    };
  }
  if (event.at && state.lastEventAt && compareTime(event.at, state.lastEventAt) < 0) {
    return {
      reason: "stale",
      message: `this ${event.type} event from ${event.at} is older than the last applied event (${state.lastEventAt})`,
    };
  }
  return null;
}

function whileOpen(
  state: BranchDeploymentState,
  event: LifecycleEvent,
  ctx: Context,
): TransitionResult {
  if (event.type === "closed" || event.type === "merged") return close(state, event, ctx);
  if (skipsDraft(event, ctx)) {
    return event.type === "converted_to_draft"
      ? ignore(
          state,
          "draft",
          "converted to draft: the deployment is kept, pushes wait until ready",
        )
      : ignoreDraft(state, event);
  }
  if (state.phase !== "active") return create(state, event, ctx);
  const newHead = event.headSha !== state.headSha;
  if (newHead && isSuperseded(state, event.headSha) && !isNewest(state, event)) {
    return note(
      state,
      event,
      ctx,
      "stale",
      `${short(event.headSha)} came before the current head ${short(state.headSha)}`,
      false,
    );
  }
  if (newHead) return update(state, event, ctx);
  if (event.baseBranch !== null && event.baseBranch !== state.baseBranch) {
    return rebase(state, event, ctx);
  }
  if (event.type === "reopened" || event.type === "opened") {
    return note(state, event, ctx, "already_open", `#${state.pullRequest ?? "?"} is open already`);
  }
  if (event.type === "retargeted") {
    return note(state, event, ctx, "irrelevant", `the base is ${state.baseBranch} already`);
  }
  return note(state, event, ctx, "already_deployed", `${short(event.headSha)} is deployed already`);
}

function whileClosed(
  state: BranchDeploymentState,
  event: LifecycleEvent,
  ctx: Context,
): TransitionResult {
  const status = state.status.toLowerCase();
  switch (event.type) {
    case "closed":
    case "merged":
      if (state.status === "MERGED" || event.type === "closed") {
        return note(state, event, ctx, "already_closed", `${state.name} is ${status} already`);
      }
      if (state.phase === "none") {
        // Marking would create a closed deployment out of nothing (create-or-update).
        return note(state, event, ctx, "not_deployed", `nothing is deployed for ${state.branch}`);
      }
      return close(state, event, ctx);
    case "opened":
      if (event.pullRequest !== null && event.pullRequest === state.pullRequest) {
        // Not a confirmation: the time of a misplaced `opened` must not outdate a real reopen.
        return note(
          state,
          event,
          ctx,
          "stale",
          `#${event.pullRequest} was opened before it was ${status}`,
          false,
        );
      }
      break;
    case "reopened":
      break;
    default:
      // Remembered but not a confirmation: a reopen older than this event may still arrive.
      return note(
        state,
        event,
        ctx,
        "closed",
        `${state.name} is ${status}: a ${event.type} event deploys nothing until it is reopened`,
        false,
      );
  }
  if (skipsDraft(event, ctx)) return ignoreDraft(state, event);
  return create(state, event, ctx);
}

function skipsDraft(event: LifecycleEvent, ctx: Context): boolean {
  return !ctx.deployDrafts && event.draft;
}

function ignoreDraft(
  state: BranchDeploymentState | undefined,
  event: LifecycleEvent,
): TransitionResult {
  return ignore(
    state,
    "draft",
    `#${event.pullRequest ?? "?"} is a draft; it deploys once it is ready for review`,
  );
}

/**
 * A head known to be older than the deployed one: deployed before it, or the `before` of an
 * applied push (the sha chain orders pushes that share a timestamp, GitHub's being in seconds).
 */
function isSuperseded(state: BranchDeploymentState, sha: string): boolean {
  return (
    state.deployedShas.includes(sha) ||
    state.history.some((entry) => entry.ignored === null && entry.beforeSha === sha)
  );
}

/** A head seen before counts as new only when the event is newer than everything applied. */
function isNewest(state: BranchDeploymentState, event: LifecycleEvent): boolean {
  return (
    event.at !== null && state.lastEventAt !== null && compareTime(event.at, state.lastEventAt) > 0
  );
}

function create(
  previous: BranchDeploymentState | undefined,
  event: LifecycleEvent,
  ctx: Context,
): TransitionResult {
  const base = emptyState(event, ctx, previous);
  const name = base.name;
  const baseDeployment = baseDeploymentFor(base.baseBranch, ctx);
  const schemas: SchemaClone[] = ctx.schemas.map((source) => ({
    dialect: source.dialect,
    catalog: source.catalog ?? null,
    source: source.schema,
    target: branchSchemaName(source.dialect, source.schema, event.branch),
  }));
  const baseSnapshot = ctx.snapshotBase === "LIVE" ? null : `${baseDeployment}@${ctx.now}`;
  const state: BranchDeploymentState = {
    ...base,
    pullRequest: event.pullRequest ?? base.pullRequest,
    pullRequestUrl: event.pullRequestUrl ?? base.pullRequestUrl,
    status: "OPEN",
    phase: "active",
    headSha: event.headSha,
    deployedShas: appendUnique(base.deployedShas, event.headSha),
    baseDeployment,
    snapshotBase: ctx.snapshotBase,
    baseSnapshot,
    branchSnapshot: `${name}@${event.headSha}`,
    schemas,
    createdAt: ctx.now,
    closedAt: null,
    deleteAfter: null,
    deletedAt: null,
  };
  const actions: LifecycleAction[] = [
    act("create_deployment", name, {
      repo: event.repo,
      branch: event.branch,
      pullRequest: state.pullRequest,
      pullRequestUrl: state.pullRequestUrl,
      baseDeployment,
      snapshotBase: ctx.snapshotBase,
      status: "OPEN",
      recreate: previous !== undefined && previous.phase !== "none",
    }),
  ];
  if (schemas.length > 0) {
    actions.push(act("clone_schemas", name, { schemas, copy: ctx.copy, replace: true }));
  }
  if (baseSnapshot !== null) actions.push(captureBase(name, baseDeployment, baseSnapshot));
  actions.push(...deployAndReport(state, event, ctx, previous?.headSha ?? null));
  return applied(state, event, ctx, actions);
}

function update(
  state: BranchDeploymentState,
  event: LifecycleEvent,
  ctx: Context,
): TransitionResult {
  const next: BranchDeploymentState = {
    ...withBase(state, event, ctx),
    headSha: event.headSha,
    deployedShas: appendUnique(state.deployedShas, event.headSha),
    branchSnapshot: `${state.name}@${event.headSha}`,
  };
  const actions: LifecycleAction[] = [];
  if (next.baseSnapshot !== state.baseSnapshot && next.baseSnapshot !== null) {
    actions.push(captureBase(state.name, next.baseDeployment, next.baseSnapshot));
  }
  actions.push(...deployAndReport(next, event, ctx, state.headSha ?? event.beforeSha));
  return applied(next, event, ctx, actions);
}

function rebase(
  state: BranchDeploymentState,
  event: LifecycleEvent,
  ctx: Context,
): TransitionResult {
  const next = withBase(state, event, ctx);
  if (next.baseDeployment === state.baseDeployment) return applied(next, event, ctx, []);
  const actions: LifecycleAction[] = [];
  if (next.baseSnapshot !== null) {
    actions.push(captureBase(state.name, next.baseDeployment, next.baseSnapshot));
  }
  actions.push(diff(next), ...report(next, ctx));
  return applied(next, event, ctx, actions);
}

function close(
  state: BranchDeploymentState,
  event: LifecycleEvent,
  ctx: Context,
): TransitionResult {
  const status = event.type === "merged" ? "MERGED" : "CLOSED";
  const immediate = ctx.deleteAfterMs === 0 && state.phase === "active";
  const deleteAfter =
    ctx.deleteAfterMs !== null && ctx.deleteAfterMs > 0 && state.phase === "active"
      ? addMs(ctx.now, ctx.deleteAfterMs)
      : null;
  const next: BranchDeploymentState = {
    ...state,
    status,
    closedAt: ctx.now,
    deleteAfter,
    phase: immediate ? "deleted" : state.phase,
    deletedAt: immediate ? ctx.now : state.deletedAt,
  };
  const actions: LifecycleAction[] = [act("mark_closed", state.name, { status, deleteAfter })];
  if (immediate) actions.push(...teardown(state, status === "MERGED" ? "merged" : "closed"));
  return applied(next, event, ctx, actions);
}

/** The actions that drop a deployment's schemas and delete it. */
function teardown(
  state: Pick<BranchDeploymentState, "name" | "schemas">,
  reason: LifecycleActionMeta["delete_deployment"]["reason"],
): LifecycleAction[] {
  const actions: LifecycleAction[] = [];
  if (state.schemas.length > 0) {
    actions.push(
      act("drop_schemas", state.name, {
        schemas: state.schemas.map((s) => ({
          dialect: s.dialect,
          catalog: s.catalog,
          schema: s.target,
        })),
      }),
    );
  }
  actions.push(act("delete_deployment", state.name, { reason }));
  return actions;
}

function deployAndReport(
  state: BranchDeploymentState,
  event: LifecycleEvent,
  ctx: Context,
  previousSha: string | null,
): LifecycleAction[] {
  const sha = event.headSha;
  return [
    act("deploy_commit", state.name, {
      sha,
      previousSha: previousSha === sha ? null : previousSha,
      message: event.commitMessage,
      author: event.author,
      committedAt: event.at,
    }),
    act("capture_snapshot", state.name, {
      role: "branch",
      of: state.name,
      ref: `${state.name}@${sha}`,
      sha,
    }),
    diff(state),
    ...report(state, ctx),
  ];
}

function diff(state: BranchDeploymentState): LifecycleAction {
  return act("diff_against_base", state.name, {
    baseDeployment: state.baseDeployment,
    baseSnapshot: state.baseSnapshot,
    snapshotBase: state.snapshotBase,
    branchSnapshot: state.branchSnapshot ?? `${state.name}@${state.headSha}`,
    headSha: state.headSha ?? "",
  });
}

function report(state: BranchDeploymentState, ctx: Context): LifecycleAction[] {
  if (!ctx.report || state.pullRequest === null || state.headSha === null) return [];
  const reportId = reportIdOf(state.name);
  return [
    act("post_report", state.name, {
      mode: state.reportPosted ? "update" : "create",
      pullRequest: state.pullRequest,
      reportId,
      marker: markdownMarker(reportId),
      headSha: state.headSha,
    }),
  ];
}

function captureBase(name: string, baseDeployment: string, ref: string): LifecycleAction {
  return act("capture_snapshot", name, { role: "base", of: baseDeployment, ref, sha: null });
}

/** The state with the event's base branch (and, when that changes the base, a new base snapshot). */
function withBase(
  state: BranchDeploymentState,
  event: LifecycleEvent,
  ctx: Context,
): BranchDeploymentState {
  const baseBranch = event.baseBranch ?? state.baseBranch;
  const baseDeployment =
    baseBranch === state.baseBranch ? state.baseDeployment : baseDeploymentFor(baseBranch, ctx);
  const refresh =
    state.snapshotBase === "ON_UPDATE" ||
    (state.snapshotBase === "ON_CREATE" && baseDeployment !== state.baseDeployment);
  return {
    ...state,
    baseBranch,
    baseDeployment,
    baseSnapshot: refresh ? `${baseDeployment}@${ctx.now}` : state.baseSnapshot,
  };
}

function baseDeploymentFor(baseBranch: string | null, ctx: Context): string {
  if (baseBranch !== null && Object.hasOwn(ctx.baseDeployments, baseBranch)) {
    return ctx.baseDeployments[baseBranch] ?? ctx.baseDeployment;
  }
  return ctx.baseDeployment;
}

function emptyState(
  event: LifecycleEvent,
  ctx: Context,
  previous?: BranchDeploymentState,
): BranchDeploymentState {
  return {
    formatVersion: BRANCH_DEPLOYMENT_STATE_VERSION,
    name: ctx.name ?? previous?.name ?? deploymentName(event.branch),
    repo: event.repo,
    branch: event.branch,
    pullRequest: event.pullRequest ?? previous?.pullRequest ?? null,
    pullRequestUrl: event.pullRequestUrl ?? previous?.pullRequestUrl ?? null,
    status: "OPEN",
    phase: previous?.phase ?? "none",
    headSha: previous?.headSha ?? null,
    deployedShas: previous?.deployedShas ?? [],
    baseBranch: event.baseBranch ?? previous?.baseBranch ?? null,
    baseDeployment: previous?.baseDeployment ?? baseDeploymentFor(event.baseBranch, ctx),
    snapshotBase: previous?.snapshotBase ?? ctx.snapshotBase,
    baseSnapshot: previous?.baseSnapshot ?? null,
    branchSnapshot: previous?.branchSnapshot ?? null,
    schemas: previous?.schemas ?? [],
    reportPosted: previous?.reportPosted ?? false,
    createdAt: previous?.createdAt ?? null,
    updatedAt: ctx.now,
    closedAt: previous?.closedAt ?? null,
    deleteAfter: previous?.deleteAfter ?? null,
    deletedAt: previous?.deletedAt ?? null,
    lastEventAt: previous?.lastEventAt ?? null,
    history: previous?.history ?? [],
  };
}

function applied(
  state: BranchDeploymentState,
  event: LifecycleEvent,
  ctx: Context,
  actions: LifecycleAction[],
): TransitionResult {
  const next = record(state, event, ctx, actions, null, true);
  if (actions.some((a) => a.type === "post_report")) next.reportPosted = true;
  return { state: next, actions, ignored: null };
}

function record(
  state: BranchDeploymentState,
  event: LifecycleEvent,
  ctx: Context,
  actions: readonly LifecycleAction[],
  ignored: IgnoreReason | null,
  confirms: boolean,
): BranchDeploymentState {
  const entry: HistoryEntry = {
    at: event.at,
    recordedAt: ctx.now,
    event: event.type,
    action: event.action,
    headSha: event.headSha,
    beforeSha: event.beforeSha,
    baseBranch: event.baseBranch,
    ignored,
    actions: actions.map((a) => a.type) as LifecycleActionType[],
  };
  const newest =
    confirms &&
    event.at !== null &&
    (state.lastEventAt === null || compareTime(event.at, state.lastEventAt) > 0);
  return {
    ...state,
    updatedAt: ignored === null ? ctx.now : state.updatedAt,
    lastEventAt: newest ? event.at : state.lastEventAt,
    history: [...state.history, entry].slice(-ctx.historyLimit),
  };
}

function act<T extends LifecycleActionType>(
  type: T,
  deployment: string,
  meta: LifecycleActionMeta[T],
): LifecycleAction {
  return { type, deployment, meta } as LifecycleAction;
}

function appendUnique(list: readonly string[], item: string): string[] {
  return list.includes(item) ? [...list] : [...list, item];
}

function short(sha: string | null): string {
  return sha === null ? "nothing" : sha.slice(0, 12);
}
