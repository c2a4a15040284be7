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
  AssetLineage,
  AutomationSettings,
  ChangeSet,
  ChangeSetInput,
  ChangeSetOptions,
  ChangeSummary,
  ChangeVerdict,
  ColumnChanges,
  DependenciesDetails,
  ExecutionFlags,
  FreshnessSettings,
  KeysChange,
  Limitation,
  ListChange,
  LocationComparison,
  MetadataDetails,
  MetadataValueChange,
  PartitionMappingChange,
  PartitionsDefinitionDetails,
  PathChange,
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
  LOCATION_STATUSES,
  type LocationStatus,
  MISSING_LOCATIONS_MODES,
  type MissingLocationsMode,
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
  DEFAULT_RULES,
  type DefaultRuleId,
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
export { type ParseDgListDefsOptions, parseDgListDefs } from "./load/dg/parse";
export {
  type FormatParseOptions,
  type InputFormat,
  type LoadAssetGraphOptions,
  loadAssetGraph,
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
export {
  type AssetDiffConfig,
  CONFIG_FILE_NAME,
  type IgnoreRule,
  parseConfig,
  type SeverityRule,
  type Substitution,
} from "./policies/config";
export { environmentRules } from "./policies/environment";
export { assetsFailing, type FailOnRule } from "./policies/fail-on";
export { changeId } from "./policies/fingerprint";
export { ignoreRules } from "./policies/ignore";
export { type LineageGraphs, withLineage } from "./policies/lineage";
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

// --- report ---
export { type CodeQualityOptions, renderCodeQuality } from "./report/codequality";
export {
  formatGithubOutputs,
  type GithubAnnotationOptions,
  githubOutputs,
  renderGithubAnnotations,
} from "./report/github";
export { renderJson } from "./report/json";
export { type MarkdownReportOptions, renderMarkdown } from "./report/markdown";
export { markdownMarker } from "./report/marker";
export { type LineageOptions, renderLineageMermaid } from "./report/mermaid";
export { renderText, summaryLine, type TextReportOptions } from "./report/text";
