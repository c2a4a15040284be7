/**
 * asset-diff: load asset-graph snapshots from production and a branch, normalize them, and compute
 * typed change sets with Dagster's change-tracking semantics, then render them for people.
 *
 * Pipeline: load → normalize → diff → policies → report.
 */

// --- diff ---
export type {
  ApprovalMark,
  AssetChange,
  AssetChangeDetails,
  AssetIdentity,
  AssetLineage,
  AutomationSettings,
  ChangeSet,
  ChangeSetInput,
  ChangeSetOptions,
  ChangeSummary,
  ChangeTypeOrigin,
  ChangeVerdict,
  CheckChange,
  CheckField,
  ChecksDetails,
  ColumnChange,
  ColumnChanges,
  DependenciesDetails,
  DimensionPartitionKeysChange,
  ExecutionFlags,
  FreshnessSettings,
  GraphIssue,
  ImpactedAsset,
  ImpactedColumn,
  KeysChange,
  Limitation,
  ListChange,
  LocationComparison,
  MetadataDetails,
  MetadataValueChange,
  MovedDependency,
  PartitionKeyRange,
  PartitionKeysChange,
  PartitionMappingChange,
  PartitionsDefinitionDetails,
  PathChange,
  ProbableMove,
  StaleApproval,
  SuppressedChange,
  TagsDetails,
  TagValueChange,
  ValueChange,
} from "./diff/change-set";
export {
  ASSET_CHANGE_KINDS,
  type AssetChangeKind,
  allChangeTypes,
  assetChangeKind,
  CHANGE_SET_FORMAT_VERSION,
  CHECK_FIELDS,
  COLUMN_CHANGE_KINDS,
  type ColumnChangeKind,
  GRAPH_ISSUE_KINDS,
  LOCATION_STATUSES,
  type LocationStatus,
  MISSING_LOCATIONS_MODES,
  type MissingLocationsMode,
  MOVE_EVIDENCE,
  type MoveEvidence,
} from "./diff/change-set";
export {
  CHANGE_TYPE_MODES,
  CHANGE_TYPES,
  type ChangeType,
  type ChangeTypeMode,
  DAGSTER_CHANGE_TYPES,
  type DagsterChangeType,
  EXTRA_CHANGE_TYPES,
  type ExtraChangeType,
  isDagsterChangeType,
  isExtraChangeType,
} from "./diff/change-types";
export { createDiffer, type Differ, type DiffOptions, diffAssetGraphs } from "./diff/diff";
export { summarizeChangeSet } from "./diff/summary";
export {
  CHANGE_ORIGINS,
  type ChangeOrigin,
  DEFAULT_RULES,
  type DefaultRuleId,
  IMPACT_REASONS,
  IMPACT_SEVERITIES,
  type ImpactReason,
  type ImpactSeverity,
  isSeverity,
  SEVERITIES,
  SEVERITY_REASONS,
  type Severity,
  type SeverityReason,
} from "./diff/verdicts";
// --- errors ---
export {
  AssetDiffError,
  ERROR_CODES,
  type ErrorCode,
  formatInputIssues,
  GraphQLResponseError,
  InputError,
  type InputIssue,
  InputReadError,
  InternalError,
  isAssetDiffError,
  isInputError,
  isSourceError,
  isUsageError,
  type JsonPath,
  JsonSyntaxError,
  OutputWriteError,
  SourceError,
  UnknownFormatError,
  UsageError,
  ValidationError,
} from "./errors";
export {
  type FetchDagsterAssetGraphOptions,
  type FetchedAssetGraph,
  fetchDagsterAssetGraph,
} from "./load/dagster-graphql/client";
export { type ParseDagsterGraphqlOptions, parseDagsterGraphql } from "./load/dagster-graphql/parse";
// --- load ---
export {
  ASSET_NODE_FIELDS_FRAGMENT,
  WORKSPACE_ASSET_NODES_QUERY,
} from "./load/dagster-graphql/query";
export { type ParseDbtManifestOptions, parseDbtManifest } from "./load/dbt/parse";
export {
  DBT_CODE_VERSION_RULES,
  DBT_SOURCE_MODES,
  type DbtCodeVersionRule,
  type DbtSettings,
  type DbtSourceMode,
} from "./load/dbt/settings";
export { type ParseDgListDefsOptions, parseDgListDefs } from "./load/dg/parse";
export {
  type FormatParseOptions,
  type InputFormat,
  LOAD_STEPS,
  type LoadAssetGraphOptions,
  type LoadAssetGraphsOptions,
  type LoadProgress,
  loadAssetGraph,
  loadAssetGraphs,
  type ParseAssetGraphOptions,
  parseAssetGraph,
} from "./load/index";
export { LIMITS } from "./load/limits";
export type { ReadInputOptions } from "./load/read";
export { SNAPSHOT_FORMAT_VERSION } from "./load/snapshot/schema";
export {
  type ParseSnapshotOptions,
  parseSnapshot,
  type SerializeSnapshotOptions,
  serializeSnapshot,
} from "./load/snapshot/snapshot";
// --- model ---
export type {
  Asset,
  AssetCheck,
  AssetDependency,
  AssetGraph,
  AssetOwner,
  AutoMaterializePolicy,
  AutomationCondition,
  BackfillPolicy,
  CodeLocation,
  FreshnessPolicy,
  GraphSource,
  LegacyFreshnessPolicy,
  PartitionMapping,
  PartitionsDefinition,
  PartitionsDefinitionType,
  PartitionsDimension,
} from "./model/asset";
export { CODE_LOCATION_STATUSES, PARTITIONS_DEFINITION_CLASS_NAMES } from "./model/asset";
export type { JsonObject, JsonValue } from "./model/json";
export { compareKeys, DEFAULT_REPOSITORY, keyToString } from "./model/key";
export type {
  CodeReference,
  FloatValue,
  KnownMetadataType,
  MetadataEntry,
  MetadataType,
  MetadataTypename,
  MetadataValue,
  TableColumn,
  TableColumnConstraints,
  TableColumnLineageEntry,
  TableSchema,
  Tag,
} from "./model/metadata";
export { METADATA_TYPES } from "./model/metadata";
// --- normalize ---
export { type NormalizeOptions, normalize } from "./normalize/normalize";
// --- policies ---
export {
  type ApprovalsFile,
  approvalRules,
  approveChanges,
  parseApprovals,
  serializeApprovals,
} from "./policies/approvals";
export { columnImpactRules, columnRules } from "./policies/columns";
export {
  type AssetDiffConfig,
  CONFIG_FILE_NAME,
  type DeclaredMove,
  type IgnoreRule,
  parseConfig,
  type SeverityRule,
  type Substitution,
} from "./policies/config";
export { driftRules } from "./policies/drift";
export { environmentRules } from "./policies/environment";
export {
  assetsFailing,
  FAIL_ON_CONDITIONS,
  type FailOnCondition,
  type FailOnRule,
  isFailOnCondition,
} from "./policies/fail-on";
export { changeId } from "./policies/fingerprint";
export { ignoreRules } from "./policies/ignore";
export { impactRules } from "./policies/impact";
export { type LineageGraphs, withLineage } from "./policies/lineage";
export { movedDependencyRules, moveRules } from "./policies/moves";
export { type PartitionKeyOptions, partitionKeyRules } from "./policies/partition-keys";
export {
  applyPolicies,
  createPolicyContext,
  type Policy,
  type PolicyContext,
  type PolicyGraphs,
} from "./policies/policy";
export { createPolicies, type ReviewOptions, reviewChanges } from "./policies/review";
export { type AssetMatcher, type AssetSelection, selectAssets } from "./policies/select";
export { severityRules } from "./policies/severity";
export { substitutionRules } from "./policies/substitutions";
export { type Suppression, suppress } from "./policies/suppress";
export { type RefinedVerdict, refineVerdict } from "./policies/verdict";

// --- report ---
export { type CodeQualityOptions, renderCodeQuality } from "./report/codequality";
export type { ReportContext } from "./report/context";
export {
  formatGithubOutputs,
  type GithubAnnotationOptions,
  githubOutputs,
  renderGithubAnnotations,
} from "./report/github";
export { type HtmlReportOptions, renderHtml } from "./report/html";
export { renderJson } from "./report/json";
export { type JunitOptions, renderJunit } from "./report/junit";
export { assetPageUrl, type DagsterLinks, uiRootOfGraphqlUrl } from "./report/links";
export { type MarkdownReportOptions, renderMarkdown } from "./report/markdown";
export { markdownMarker } from "./report/marker";
export {
  type LineageDirection,
  type LineageOptions,
  renderLineageMermaid,
  unrelatedLine,
} from "./report/mermaid";
export { renderSarif, type SarifOptions } from "./report/sarif";
export { renderText, summaryLine, type TextReportOptions } from "./report/text";
