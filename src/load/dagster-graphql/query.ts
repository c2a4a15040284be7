/**
 * GraphQL documents that select everything asset-diff compares. Send one of them to a Dagster
 * webserver (`/graphql`) and save the JSON response: every loader accepts it as it is.
 */

/**
 * The `AssetNode` selection asset-diff understands; sections left out are reported as unknown.
 *
 * @example
 * const query = `query Assets { assetNodes { ...AssetDiffAssetNode } } ${ASSET_NODE_FIELDS_FRAGMENT}`;
 */
export const ASSET_NODE_FIELDS_FRAGMENT = /* GraphQL */ `
fragment AssetDiffAssetNode on AssetNode {
  assetKey { path }
  opVersion
  dependencyKeys { path }
  dependencies {
    asset { assetKey { path } }
    partitionMapping { className description }
  }
  partitionDefinition {
    type
    description
    name
    fmt
    dimensionTypes { name description type isPrimaryDimension dynamicPartitionsDefinitionName }
  }
  tags { key value }
  metadataEntries {
    __typename
    label
    ... on TextMetadataEntry { text }
    ... on MarkdownMetadataEntry { mdStr }
    ... on UrlMetadataEntry { url }
    ... on PathMetadataEntry { path }
    ... on NotebookMetadataEntry { path }
    ... on PoolMetadataEntry { pool }
    ... on PipelineRunMetadataEntry { runId }
    ... on JsonMetadataEntry { jsonString }
    ... on BoolMetadataEntry { boolValue }
    ... on IntMetadataEntry { intValue intRepr }
    ... on FloatMetadataEntry { floatValue floatRepr }
    ... on TimestampMetadataEntry { timestamp }
    ... on PythonArtifactMetadataEntry { module name }
    ... on AssetMetadataEntry { assetKey { path } }
    ... on JobMetadataEntry { jobName repositoryName locationName }
    ... on TableMetadataEntry {
      table {
        records
        schema { ...AssetDiffTableSchema }
      }
    }
    ... on TableSchemaMetadataEntry { schema { ...AssetDiffTableSchema } }
    ... on TableColumnLineageMetadataEntry {
      lineage { columnName columnDeps { assetKey { path } columnName } }
    }
    ... on CodeReferencesMetadataEntry {
      codeReferences {
        __typename
        ... on LocalFileCodeReference { filePath lineNumber label }
        ... on UrlCodeReference { url label }
      }
    }
  }
  groupName
  description
  owners {
    __typename
    ... on UserAssetOwner { email }
    ... on TeamAssetOwner { team }
  }
  kinds
  automationCondition { label expandedLabel }
  autoMaterializePolicy {
    policyType
    maxMaterializationsPerMinute
    rules { className description decisionType }
  }
  freshnessPolicy { maximumLagMinutes cronSchedule cronScheduleTimezone }
  internalFreshnessPolicy {
    __typename
    ... on TimeWindowFreshnessPolicy { failWindowSeconds warnWindowSeconds }
    ... on CronFreshnessPolicy { deadlineCron lowerBoundDeltaSeconds timezone }
  }
  backfillPolicy { policyType maxPartitionsPerRun description }
  isExecutable
  isMaterializable
  isObservable
  isAutoCreatedStub
  assetChecksOrError {
    __typename
    ... on AssetChecks {
      checks {
        name
        description
        blocking
        additionalAssetKeys { path }
        automationCondition { label expandedLabel }
      }
    }
    ... on AssetCheckNeedsMigrationError { message }
    ... on AssetCheckNeedsUserCodeUpgrade { message }
    ... on AssetCheckNeedsAgentUpgradeError { message }
  }
}

fragment AssetDiffTableSchema on TableSchema {
  columns {
    name
    type
    description
    constraints { nullable unique other }
    tags { key value }
  }
  constraints { other }
}
`;

/**
 * Reads every code location of a workspace with its load status, so that a location that failed
 * to load is reported instead of having its assets counted as removed.
 *
 * @example
 * const body = JSON.stringify({ query: WORKSPACE_ASSET_NODES_QUERY });
 */
export const WORKSPACE_ASSET_NODES_QUERY = /* GraphQL */ `
query AssetDiffWorkspaceAssetNodes {
  workspaceOrError {
    __typename
    ... on Workspace {
      locationEntries {
        name
        loadStatus
        locationOrLoadError {
          __typename
          ... on RepositoryLocation {
            name
            repositories {
              name
              assetNodes { ...AssetDiffAssetNode }
            }
          }
          ... on PythonError { message className }
        }
      }
    }
    ... on PythonError { message className }
  }
}
${ASSET_NODE_FIELDS_FRAGMENT}`;
