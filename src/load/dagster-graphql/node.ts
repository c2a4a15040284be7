/**
 * Node to asset: validates one raw Dagster GraphQL asset node against its zod schema
 * (`schema.ts`) and maps it to the model's `Asset`: key, code location and repository, code
 * version, dependencies with their partition mappings, partitions definition, tags, metadata (read
 * by `metadata.ts`), group, owners, kinds, automation and freshness policies and the executable
 * flags, and asset checks. Fields the query did not select stay absent (unknown); unknown union
 * members are kept opaque, except that checks the server could not list (an `AssetChecksOrError`
 * error member) are unknown and reported to the caller. It knows nothing of where the node sat in
 * the response: `envelope.ts` finds the nodes.
 */
import { type JsonPath, zodIssues } from "../../errors";
import type {
  Asset,
  AssetCheck,
  AssetDependency,
  AssetOwner,
  AutomationCondition,
  FreshnessPolicy,
  PartitionsDefinition,
} from "../../model/asset";
import type { JsonValue } from "../../model/json";
import { keyId } from "../../model/key";
import { type IssueReport, metadataValue } from "./metadata";
import { type GqlAssetNode, gqlAssetNode } from "./schema";

/**
 * One raw asset node as found in a response, with the code location and repository it was nested
 * under (`null` where the response did not nest it; the node's own `repository` is read then).
 */
export interface LocatedNode {
  node: unknown;
  path: JsonPath;
  codeLocation: string | null;
  repository: string | null;
}

/**
 * Told of a node whose checks the server could not list: the `AssetChecksOrError` member it
 * answered (e.g. `AssetCheckNeedsMigrationError`) and that member's message, if any.
 */
export type ChecksUnavailableReport = (typename: string, message: string | undefined) => void;

/**
 * Reads one located asset node into an asset. Issues go to `report` (JSON paths below the node's
 * `path`); a node that does not validate gives `undefined`. A node whose checks the server could
 * not list keeps them unknown and is told to `checksUnavailable`.
 */
export function assetFromNode(
  located: LocatedNode,
  report: IssueReport,
  checksUnavailable: ChecksUnavailableReport = () => {},
): Asset | undefined {
  const { node: raw, path, codeLocation, repository } = located;
  const parsed = gqlAssetNode.safeParse(raw);
  if (!parsed.success) {
    for (const issue of zodIssues(parsed.error, path)) report(issue.path, issue.message);
    return undefined;
  }
  const node = parsed.data;
  const asset: Asset = {
    key: node.assetKey.path,
    codeLocation: codeLocation ?? node.repository?.location?.name ?? null,
    repository: repository ?? node.repository?.name ?? null,
  };
  const codeVersion = node.opVersion !== undefined ? node.opVersion : node.codeVersion;
  if (codeVersion !== undefined) asset.codeVersion = codeVersion;
  const dependencies = dependenciesOf(node);
  if (dependencies) asset.dependencies = dependencies;
  if (node.partitionDefinition !== undefined) {
    asset.partitionsDefinition =
      node.partitionDefinition === null ? null : partitionsDefinition(node.partitionDefinition);
  }
  if (node.tags !== undefined) asset.tags = node.tags;
  if (node.metadataEntries !== undefined) {
    asset.metadata = node.metadataEntries.map((entry, i) => ({
      key: entry.label,
      value: metadataValue(entry, [...path, "metadataEntries", i], report),
    }));
  }
  if (node.groupName !== undefined) asset.group = node.groupName;
  if (node.owners !== undefined) asset.owners = node.owners.map(owner);
  const kinds = kindsOf(node);
  if (kinds) asset.kinds = kinds;
  if (node.description !== undefined) asset.description = node.description;
  if (node.automationCondition !== undefined) {
    asset.automationCondition = automationCondition(node.automationCondition);
  }
  if (node.autoMaterializePolicy !== undefined) {
    const p = node.autoMaterializePolicy;
    asset.autoMaterializePolicy =
      p === null
        ? null
        : {
            policyType: p.policyType,
            maxMaterializationsPerMinute: p.maxMaterializationsPerMinute ?? null,
            rules: (p.rules ?? []).map((r) => ({
              className: r.className,
              description: r.description ?? "",
              decisionType: r.decisionType ?? "",
            })),
          };
  }
  if (node.internalFreshnessPolicy !== undefined) {
    asset.freshnessPolicy =
      node.internalFreshnessPolicy === null ? null : freshnessPolicy(node.internalFreshnessPolicy);
  }
  if (node.freshnessPolicy !== undefined) {
    const p = node.freshnessPolicy;
    asset.legacyFreshnessPolicy =
      p === null
        ? null
        : {
            maximumLagMinutes: p.maximumLagMinutes,
            cronSchedule: p.cronSchedule ?? null,
            cronScheduleTimezone: p.cronScheduleTimezone ?? null,
          };
  }
  if (node.backfillPolicy !== undefined) {
    const p = node.backfillPolicy;
    asset.backfillPolicy =
      p === null
        ? null
        : {
            policyType: p.policyType,
            maxPartitionsPerRun: p.maxPartitionsPerRun ?? null,
            description: p.description ?? "",
          };
  }
  if (node.isExecutable !== undefined) asset.isExecutable = node.isExecutable;
  if (node.isMaterializable !== undefined) asset.isMaterializable = node.isMaterializable;
  if (node.isObservable !== undefined) asset.isObservable = node.isObservable;
  if (node.isAutoCreatedStub !== undefined) asset.isAutoCreatedStub = node.isAutoCreatedStub;
  const checks = checksOf(node, checksUnavailable);
  if (checks) asset.checks = checks;
  return asset;
}

// --- internal ---

type GqlAutomationCondition = NonNullable<GqlAssetNode["automationCondition"]>;

function automationCondition(raw: GqlAutomationCondition | null): AutomationCondition | null {
  return raw === null ? null : { label: raw.label ?? null, expandedLabel: raw.expandedLabel ?? [] };
}

/**
 * The node's checks: `AssetChecks` gives them (`[]` for none); an error member leaves them
 * unknown and is reported; an absent field (a response to a query without it) leaves them
 * unknown silently. Without `__typename`, the fields present tell the member.
 */
function checksOf(
  node: GqlAssetNode,
  checksUnavailable: ChecksUnavailableReport,
): AssetCheck[] | undefined {
  const union = node.assetChecksOrError;
  if (union === undefined) return undefined;
  const typename = union.__typename ?? (union.checks !== undefined ? "AssetChecks" : undefined);
  if (typename === "AssetChecks") return union.checks?.map(assetCheck);
  if (typename !== undefined || union.message !== undefined) {
    checksUnavailable(typename ?? "AssetChecksOrError", union.message);
  }
  return undefined;
}

function assetCheck(
  raw: NonNullable<NonNullable<GqlAssetNode["assetChecksOrError"]>["checks"]>[number],
): AssetCheck {
  const check: AssetCheck = { name: raw.name };
  // Fields an older server lacks (pruned from the query) stay absent: unknown, not "none".
  if (raw.description !== undefined) check.description = raw.description;
  if (raw.blocking !== undefined) check.blocking = raw.blocking;
  if (raw.additionalAssetKeys !== undefined) {
    check.additionalAssetKeys = raw.additionalAssetKeys.map((key) => key.path);
  }
  if (raw.automationCondition !== undefined) {
    check.automationCondition = automationCondition(raw.automationCondition);
  }
  return check;
}

function dependenciesOf(node: GqlAssetNode): AssetDependency[] | undefined {
  if (node.dependencies === undefined && node.dependencyKeys === undefined) return undefined;
  const out: AssetDependency[] = [];
  for (const dep of node.dependencies ?? []) {
    const d: AssetDependency = { key: dep.asset.assetKey.path };
    if (dep.partitionMapping !== undefined) d.partitionMapping = dep.partitionMapping;
    out.push(d);
  }
  // Keys only in dependencyKeys (when `dependencies` was not selected): mapping unknown. Both
  // usually list the same keys in the same order, which settles it without a set.
  const keys = node.dependencyKeys ?? [];
  if (keys.length === 0 || keys.every((key, i) => sameKey(key.path, out[i]?.key))) return out;
  const seen = new Set(out.map((d) => keyId(d.key)));
  for (const key of keys) {
    if (!seen.has(keyId(key.path))) out.push({ key: key.path });
  }
  return out;
}

function sameKey(a: readonly string[], b: readonly string[] | undefined): boolean {
  return b !== undefined && a.length === b.length && a.every((part, i) => part === b[i]);
}

function partitionsDefinition(
  def: NonNullable<GqlAssetNode["partitionDefinition"]>,
): PartitionsDefinition {
  const description = def.description ?? "";
  switch (def.type) {
    case "TIME_WINDOW":
      return { type: "TIME_WINDOW", description, fmt: def.fmt ?? null };
    case "STATIC":
      return { type: "STATIC", description };
    case "DYNAMIC":
      return { type: "DYNAMIC", description, name: def.name ?? null };
    case "MULTIPARTITIONED":
      return {
        type: "MULTIPARTITIONED",
        description,
        dimensions: (def.dimensionTypes ?? []).map((d) => {
          const dimension: {
            name: string;
            type: string;
            description: string;
            isPrimary?: boolean;
            dynamicPartitionsDefinitionName?: string | null;
          } = {
            name: d.name,
            type: d.type ?? "",
            description: d.description ?? "",
          };
          if (d.isPrimaryDimension !== undefined) dimension.isPrimary = d.isPrimaryDimension;
          if (d.dynamicPartitionsDefinitionName !== undefined)
            dimension.dynamicPartitionsDefinitionName = d.dynamicPartitionsDefinitionName;
          return dimension;
        }),
      };
    default: {
      const { type: _type, description: _description, ...raw } = def;
      return { type: "UNKNOWN", unknownType: def.type ?? "", description, raw: raw as JsonValue };
    }
  }
}

function owner(o: NonNullable<GqlAssetNode["owners"]>[number]): AssetOwner {
  const typename =
    o.__typename ??
    (o.email !== undefined ? "UserAssetOwner" : o.team !== undefined ? "TeamAssetOwner" : "");
  if (typename === "UserAssetOwner" && o.email !== undefined)
    return { type: "user", email: o.email };
  if (typename === "TeamAssetOwner" && o.team !== undefined) return { type: "team", team: o.team };
  const { __typename: _t, ...raw } = o;
  return { type: "unknown", typename, raw: raw as JsonValue };
}

function freshnessPolicy(p: NonNullable<GqlAssetNode["internalFreshnessPolicy"]>): FreshnessPolicy {
  const typename =
    p.__typename ??
    (p.failWindowSeconds !== undefined
      ? "TimeWindowFreshnessPolicy"
      : p.deadlineCron !== undefined
        ? "CronFreshnessPolicy"
        : "");
  if (typename === "TimeWindowFreshnessPolicy" && p.failWindowSeconds !== undefined) {
    return {
      type: "timeWindow",
      failWindowSeconds: p.failWindowSeconds,
      warnWindowSeconds: p.warnWindowSeconds ?? null,
    };
  }
  if (typename === "CronFreshnessPolicy" && p.deadlineCron !== undefined) {
    return {
      type: "cron",
      deadlineCron: p.deadlineCron,
      lowerBoundDeltaSeconds: p.lowerBoundDeltaSeconds ?? 0,
      timezone: p.timezone ?? "UTC",
    };
  }
  const { __typename: _t, ...raw } = p;
  return { type: "unknown", typename, raw: raw as JsonValue };
}

/** Dagster's kind tags carry kinds as `dagster/kind/<kind>` with an empty value. */
const KIND_TAG_PREFIX = "dagster/kind/";

function kindsOf(node: GqlAssetNode): string[] | undefined {
  if (node.kinds !== undefined) return node.kinds;
  if (node.tags === undefined) return undefined;
  const kinds = node.tags
    .filter((t) => t.key.startsWith(KIND_TAG_PREFIX))
    .map((t) => t.key.slice(KIND_TAG_PREFIX.length));
  if (node.computeKind) kinds.push(node.computeKind);
  return kinds;
}
