import type { JsonValue } from "./json";
import type { MetadataEntry, Tag } from "./metadata";

/**
 * Dagster's partitions-definition types, each with the Python class name Dagster's differ reports
 * for it. The single source for {@link PartitionsDefinitionType}.
 */
export const PARTITIONS_DEFINITION_CLASS_NAMES = {
  TIME_WINDOW: "TimeWindowPartitionsDefinition",
  STATIC: "StaticPartitionsDefinition",
  DYNAMIC: "DynamicPartitionsDefinition",
  MULTIPARTITIONED: "MultiPartitionsDefinition",
} as const;

/** A known partitions-definition type (GraphQL `PartitionDefinitionType`). */
export type PartitionsDefinitionType = keyof typeof PARTITIONS_DEFINITION_CLASS_NAMES;

/** One dimension of a multi-partitions definition; dimension order is kept. */
export interface PartitionsDimension {
  name: string;
  /** The dimension's type, or a type this version does not know, verbatim. */
  type: string;
  description: string;
  isPrimary?: boolean;
  dynamicPartitionsDefinitionName?: string | null;
}

/**
 * A partitions definition. `description` is Dagster's own rendering (Python `str()`), which is
 * all a GraphQL server exposes; the optional structured fields are filled by sources that know
 * them. A type this version does not know is kept as `UNKNOWN` with the server's type verbatim.
 */
export type PartitionsDefinition =
  | {
      type: "TIME_WINDOW";
      description: string;
      fmt: string | null;
      start?: string;
      end?: string | null;
      cronSchedule?: string;
      timezone?: string;
    }
  | { type: "STATIC"; description: string; keys?: string[] }
  | { type: "DYNAMIC"; description: string; name: string | null }
  | { type: "MULTIPARTITIONED"; description: string; dimensions: PartitionsDimension[] }
  | { type: "UNKNOWN"; unknownType: string; description: string; raw: JsonValue };

/** A partition mapping as Dagster exposes it: the Python class and its description. */
export interface PartitionMapping {
  className: string;
  description: string;
}

/**
 * One upstream dependency. `partitionMapping` is `null` when none is declared and absent when
 * the source did not say.
 */
export interface AssetDependency {
  key: string[];
  partitionMapping?: PartitionMapping | null;
}

/** An asset owner: a user (email) or a team. */
export type AssetOwner =
  | { type: "user"; email: string }
  | { type: "team"; team: string }
  | { type: "unknown"; typename: string; raw: JsonValue };

/** A declarative automation condition. */
export interface AutomationCondition {
  label: string | null;
  expandedLabel: string[];
}

/**
 * One asset check of an asset, identified by its name on that asset. Each field after the name is
 * optional: absent when the source did not carry it (an older Dagster server, a `dg` listing),
 * which is different from a known empty value.
 */
export interface AssetCheck {
  /** The check's name, unique among the asset's checks. */
  name: string;
  description?: string | null;
  /** Whether a failing check blocks materializing the assets downstream of its asset. */
  blocking?: boolean;
  /** The other assets the check reads besides its own asset, as key paths. */
  additionalAssetKeys?: string[][];
  /** The check's own declarative automation condition. */
  automationCondition?: AutomationCondition | null;
}

/** A legacy auto-materialize policy. */
export interface AutoMaterializePolicy {
  policyType: string;
  maxMaterializationsPerMinute: number | null;
  rules: { className: string; description: string; decisionType: string }[];
}

/** A freshness policy (Dagster's newer `internalFreshnessPolicy`). */
export type FreshnessPolicy =
  | { type: "timeWindow"; failWindowSeconds: number; warnWindowSeconds: number | null }
  | { type: "cron"; deadlineCron: string; lowerBoundDeltaSeconds: number; timezone: string }
  | { type: "unknown"; typename: string; raw: JsonValue };

/** A legacy freshness policy (`freshnessPolicy`). */
export interface LegacyFreshnessPolicy {
  maximumLagMinutes: number;
  cronSchedule: string | null;
  cronScheduleTimezone: string | null;
}

/** A backfill policy; `policyType` is `SINGLE_RUN`, `MULTI_RUN` or a newer value verbatim. */
export interface BackfillPolicy {
  policyType: string;
  maxPartitionsPerRun: number | null;
  description: string;
}

/**
 * One asset definition. Identity is (`codeLocation`, `repository`, `key`). Every section after
 * the identity is optional: an absent section is *unknown* (the source did not carry it), which
 * is different from a known empty value (`null`, `[]`).
 */
export interface Asset {
  /** The key path, e.g. `["marts", "fct_revenue"]`; shown joined by `/`. */
  key: string[];
  /** The code location, or `null` when the source does not say. */
  codeLocation: string | null;
  /** The repository (`__repository__` for a `Definitions` location), or `null` when unknown. */
  repository: string | null;
  codeVersion?: string | null;
  dependencies?: AssetDependency[];
  partitionsDefinition?: PartitionsDefinition | null;
  tags?: Tag[];
  metadata?: MetadataEntry[];
  group?: string | null;
  owners?: AssetOwner[];
  kinds?: string[];
  description?: string | null;
  automationCondition?: AutomationCondition | null;
  autoMaterializePolicy?: AutoMaterializePolicy | null;
  freshnessPolicy?: FreshnessPolicy | null;
  legacyFreshnessPolicy?: LegacyFreshnessPolicy | null;
  backfillPolicy?: BackfillPolicy | null;
  isExecutable?: boolean;
  isMaterializable?: boolean;
  isObservable?: boolean;
  isAutoCreatedStub?: boolean;
  /** The asset checks that target this asset; `[]` when it has none. */
  checks?: AssetCheck[];
}

/** The load states of a code location; the single source for `CodeLocation["status"]`. */
export const CODE_LOCATION_STATUSES = ["loaded", "loading", "failed"] as const;

/** Load state of a code location; assets of a location that is not `loaded` are unknown. */
export interface CodeLocation {
  name: string;
  status: (typeof CODE_LOCATION_STATUSES)[number];
  /** The load error of a failed location. */
  error?: { message: string; className: string | null };
}

/** Where a graph came from, for reports; never holds credentials. */
export interface GraphSource {
  /** The format it was read from, e.g. `dagster-graphql`. */
  format: string;
  /** A file name or a URL without credentials. */
  name?: string;
  /** When it was captured (ISO 8601). */
  capturedAt?: string;
}

/** An asset graph: the assets of one deployment, with the load state of its code locations. */
export interface AssetGraph {
  assets: Asset[];
  codeLocations?: CodeLocation[];
  source?: GraphSource;
}
