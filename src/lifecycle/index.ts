/**
 * asset-diff/lifecycle: what should happen to a pull request's branch deployment, as pure
 * functions over plain data, so that a CI job or a Node service can drive any platform with it.
 *
 * events (GitHub, GitLab, git facts) ──transition──▶ state + planned actions ──caller runs them
 * live deployments + pull requests ──sweep──▶ teardown actions
 * naming + SQL per dialect: the names and statements the actions need (callers run the SQL).
 */

// --- actions ---
export {
  describeLifecycleAction,
  LIFECYCLE_ACTION_TYPES,
  type LifecycleAction,
  type LifecycleActionMeta,
  type LifecycleActionOf,
  type LifecycleActionType,
  type SchemaClone,
  type SchemaRef,
  TEARDOWN_REASONS,
  type TeardownReason,
} from "./actions";
// --- SQL dialects and identifiers ---
export {
  IDENTIFIER_RULES,
  type IdentifierRules,
  isSqlDialect,
  qualifiedName,
  quoteIdentifier,
} from "./dialects";
// --- errors ---
export {
  IDENTIFIER_PROBLEMS,
  type IdentifierProblem,
  InvalidIdentifierError,
  isInvalidIdentifierError,
} from "./errors";
// --- events ---
export {
  EVENT_SOURCES,
  type EventAuthor,
  type EventSource,
  eventFromGit,
  type GitFacts,
  LIFECYCLE_EVENT_TYPES,
  type LifecycleEvent,
  type LifecycleEventType,
} from "./event";
export {
  looksLikeGitHubPullRequestEvent,
  type ParseEventOptions,
  parseGitHubPullRequestEvent,
} from "./github";
export { looksLikeGitLabMergeRequestEvent, parseGitLabMergeRequestEvent } from "./gitlab";
// --- naming ---
export {
  type BranchSchemaNameOptions,
  branchSchemaName,
  type DeploymentNameOptions,
  deploymentName,
  MAX_DEPLOYMENT_NAME_LENGTH,
} from "./naming";
export {
  parseLifecycleEvent,
  type SafeParseEventResult,
  safeParseLifecycleEvent,
} from "./parse-event";
// --- SQL ---
export {
  type CatalogOption,
  CLONE_COPY_MODES,
  type CloneCopyMode,
  type CloneSchemaSpec,
  cloneSchemaSql,
  type DropSchemaOptions,
  dropSchemaSql,
  listTablesSql,
  type SqlStatement,
} from "./sql";
// --- state ---
export {
  BRANCH_DEPLOYMENT_STATE_VERSION,
  type BranchDeploymentState,
  DEPLOYMENT_PHASES,
  type DeploymentPhase,
  type HistoryEntry,
  IGNORE_REASONS,
  type IgnoredEvent,
  type IgnoreReason,
  PULL_REQUEST_STATUSES,
  type PullRequestStatus,
  parseBranchDeploymentState,
} from "./state";
// --- sweep ---
export {
  type KnownPullRequest,
  type LiveDeployment,
  type LiveSchema,
  SWEEP_REASONS,
  type SweepDecision,
  type SweepInput,
  type SweepOptions,
  type SweepPlan,
  type SweepReason,
  sweep,
} from "./sweep";
// --- transition ---
export {
  deploymentKey,
  type ReplayResult,
  replayEvents,
  reportMarker,
  type SchemaSource,
  type TransitionOptions,
  type TransitionResult,
  transition,
} from "./transition";
// --- shared closed sets: SQL dialects, snapshot-base conditions ---
export {
  SNAPSHOT_BASE_CONDITIONS,
  type SnapshotBaseCondition,
  SQL_DIALECTS,
  type SqlDialect,
} from "./vocabulary";
