import type {
  Asset,
  AssetDependency,
  AssetGraph,
  AutoMaterializePolicy,
  AutomationCondition,
  BackfillPolicy,
  CodeLocation,
  FreshnessPolicy,
  LegacyFreshnessPolicy,
  PartitionsDefinition,
} from "../model/asset";
import { canonicalJson, type JsonValue } from "../model/json";
import { ownerText } from "../model/key";
import type {
  CodeReference,
  MetadataValue,
  TableColumn,
  TableSchema,
  Tag,
} from "../model/metadata";
import { normalize } from "../normalize/normalize";
import { plural } from "../text";

/**
 * Options of {@link formatAssetGraph} and of the serializer and matchers built on it.
 *
 * @example
 * formatAssetGraph(graph, { maskLineNumbers: false, omitMetadata: ["dagster/row_count", /^dagster_dbt\//] });
 */
export interface FormatAssetGraphOptions {
  /**
   * Hide the line numbers of local-file code references (`dagster/code_references`), printing
   * `path:…`, so that editing a file above an asset does not churn its snapshot. Default `true`.
   */
  maskLineNumbers?: boolean;
  /**
   * Metadata keys to leave out of the text, as exact keys or patterns, e.g. volatile values such
   * as `"dagster/row_count"`. Default: none.
   */
  omitMetadata?: readonly (string | RegExp)[];
  /**
   * Print a section the input does not carry (an absent optional field, which the model reads as
   * *unknown*) as `(unknown)` instead of leaving it out. Default `false`.
   */
  showUnknown?: boolean;
}

/**
 * Prints an asset graph as stable, review-friendly text: normalized first (so the order of
 * assets, tags, metadata, dependencies and JSON keys does not matter), then one block per asset
 * with one indented line per known section. Values are printed whole and exactly; the graph's
 * `source` (file name, capture time) is left out. An invalid graph throws the `ValidationError`
 * of `normalize`.
 *
 * @example
 * formatAssetGraph({ assets: [{ key: ["raw", "orders"], codeLocation: "etl", repository: null, codeVersion: "v2" }] });
 * // asset graph: 1 asset
 * //
 * // asset raw/orders (location etl)
 * //   code version: "v2"
 */
export function formatAssetGraph(graph: AssetGraph, options: FormatAssetGraphOptions = {}): string {
  const settings = resolveOptions(options);
  const canonical = normalize(graph);
  const count = canonical.assets.length;
  const lines = [`asset graph: ${plural(count, "asset")}`];
  for (const location of canonical.codeLocations ?? []) lines.push(locationLine(location));
  for (const asset of canonical.assets) {
    lines.push("");
    // One at a time: spreading an asset's 150,000 lines into push's arguments overflows.
    for (const line of assetLines(asset, settings)) lines.push(line);
  }
  return `${lines.join("\n")}\n`;
}

// --- internal ---

interface Settings {
  maskLineNumbers: boolean;
  omitMetadata: (key: string) => boolean;
  showUnknown: boolean;
}

const INDENT = "  ";
const UNKNOWN = "(unknown)";
const NONE = "(none)";

function resolveOptions(options: FormatAssetGraphOptions): Settings {
  const exact = new Set<string>();
  // Copies without `g`/`y`, whose `test` would be stateful.
  const patterns: RegExp[] = [];
  for (const item of options.omitMetadata ?? []) {
    if (typeof item === "string") exact.add(item);
    else patterns.push(new RegExp(item.source, item.flags.replace(/[gy]/g, "")));
  }
  return {
    maskLineNumbers: options.maskLineNumbers ?? true,
    omitMetadata: (key) => exact.has(key) || patterns.some((p) => p.test(key)),
    showUnknown: options.showUnknown ?? false,
  };
}

function locationLine(location: CodeLocation): string {
  const head = `code location ${location.name}: ${location.status}`;
  if (location.error === undefined) return head;
  const message = location.error.message.split("\n", 1)[0] ?? "";
  const prefix =
    location.error.className && !message.startsWith(location.error.className)
      ? `${location.error.className}: `
      : "";
  return `${head} ${quote(`${prefix}${message}`)}`;
}

function assetLines(asset: Asset, settings: Settings): string[] {
  const where = [
    asset.codeLocation === null ? "location unknown" : `location ${asset.codeLocation}`,
    ...(asset.repository === null ? [] : [`repository ${asset.repository}`]),
  ];
  const lines = [`asset ${keyText(asset.key)} (${where.join(", ")})`];
  const section = (label: string, value: unknown, render: () => string[]) => {
    if (value === undefined) {
      if (settings.showUnknown) lines.push(`${INDENT}${label}: ${UNKNOWN}`);
      return;
    }
    const [first = "", ...rest] = render();
    lines.push(`${INDENT}${label}:${first === "" ? "" : ` ${first}`}`);
    for (const line of rest) lines.push(`${INDENT}${INDENT}${line}`);
  };
  const list = <T>(items: readonly T[], item: (value: T) => string[]) =>
    items.length === 0 ? [NONE] : ["", ...items.flatMap(item)];

  section("code version", asset.codeVersion, () => [nullable(asset.codeVersion)]);
  section("dependencies", asset.dependencies, () =>
    list(asset.dependencies ?? [], (d) => [dependencyText(d, settings)]),
  );
  section("partitions", asset.partitionsDefinition, () =>
    partitionsLines(asset.partitionsDefinition ?? null),
  );
  section("group", asset.group, () => [nullable(asset.group)]);
  section("owners", asset.owners, () => [
    asset.owners?.length ? asset.owners.map(ownerText).join(", ") : NONE,
  ]);
  section("kinds", asset.kinds, () => [asset.kinds?.length ? asset.kinds.join(", ") : NONE]);
  section("tags", asset.tags, () => list(asset.tags ?? [], (t) => [tagText(t)]));
  section("metadata", asset.metadata, () => {
    const entries = (asset.metadata ?? []).filter((e) => !settings.omitMetadata(e.key));
    return list(entries, (entry) => {
      const [head, ...body] = metadataLines(entry.value, settings);
      return [`${entry.key}: ${head}`, ...body.map((line) => `${INDENT}${line}`)];
    });
  });
  section("description", asset.description, () => [nullable(asset.description)]);
  section("automation condition", asset.automationCondition, () =>
    automationLines(asset.automationCondition ?? null),
  );
  section("auto-materialize policy", asset.autoMaterializePolicy, () =>
    autoMaterializeLines(asset.autoMaterializePolicy ?? null),
  );
  section("freshness policy", asset.freshnessPolicy, () => [
    freshnessText(asset.freshnessPolicy ?? null),
  ]);
  section("legacy freshness policy", asset.legacyFreshnessPolicy, () => [
    legacyFreshnessText(asset.legacyFreshnessPolicy ?? null),
  ]);
  section("backfill policy", asset.backfillPolicy, () => [
    backfillText(asset.backfillPolicy ?? null),
  ]);
  const flags = executionText(asset, settings);
  section("execution", flags, () => [flags ?? ""]);
  return lines;
}

/** A key as Dagster's `/`-joined string, or as JSON when a component itself holds a `/`. */
function keyText(path: readonly string[]): string {
  return path.some((part) => part.includes("/") || part === "")
    ? JSON.stringify(path)
    : path.join("/");
}

function quote(text: string): string {
  return JSON.stringify(text);
}

function nullable(value: string | null | undefined): string {
  return value === null || value === undefined ? NONE : quote(value);
}

function json(value: JsonValue): string {
  return canonicalJson(value);
}

function dependencyText(dependency: AssetDependency, settings: Settings): string {
  const key = keyText(dependency.key);
  const mapping = dependency.partitionMapping;
  if (mapping === undefined) return settings.showUnknown ? `${key} (mapping ${UNKNOWN})` : key;
  if (mapping === null) return key;
  return `${key} (mapping ${mapping.className}${mapping.description ? ` ${quote(mapping.description)}` : ""})`;
}

function partitionsLines(def: PartitionsDefinition | null): string[] {
  if (def === null) return [NONE];
  const type = def.type === "UNKNOWN" ? def.unknownType : def.type;
  const lines = [`${type} ${quote(def.description)}`];
  switch (def.type) {
    case "TIME_WINDOW":
      if (def.fmt !== null) lines.push(`format: ${def.fmt}`);
      if (def.start !== undefined) lines.push(`start: ${def.start}`);
      if (def.end !== undefined) lines.push(`end: ${def.end ?? NONE}`);
      if (def.cronSchedule !== undefined) lines.push(`cron schedule: ${def.cronSchedule}`);
      if (def.timezone !== undefined) lines.push(`timezone: ${def.timezone}`);
      break;
    case "STATIC":
      if (def.keys !== undefined) lines.push(`keys: ${JSON.stringify(def.keys)}`);
      break;
    case "DYNAMIC":
      lines.push(`name: ${nullable(def.name)}`);
      break;
    case "MULTIPARTITIONED":
      for (const d of def.dimensions) {
        const notes = [
          ...(d.isPrimary ? ["primary"] : []),
          ...(d.dynamicPartitionsDefinitionName
            ? [`dynamic ${quote(d.dynamicPartitionsDefinitionName)}`]
            : []),
        ];
        lines.push(
          `dimension ${d.name}${notes.length ? ` (${notes.join(", ")})` : ""}: ${d.type} ${quote(d.description)}`,
        );
      }
      break;
    case "UNKNOWN":
      lines.push(`raw: ${json(def.raw)}`);
      break;
  }
  return lines;
}

function tagText(tag: Tag): string {
  return tag.value === "" ? tag.key : `${tag.key} = ${quote(tag.value)}`;
}

/** The first line follows `key: `; the others are indented under it. */
function metadataLines(value: MetadataValue, settings: Settings): string[] {
  switch (value.type) {
    case "text":
      return [`text ${quote(value.text)}`];
    case "markdown":
      return [`markdown ${quote(value.markdown)}`];
    case "url":
      return [`url ${value.url}`];
    case "path":
    case "notebook":
      return [`${value.type} ${value.path}`];
    case "pool":
      return [`pool ${quote(value.pool)}`];
    case "run":
      return [`run ${value.runId}`];
    case "json":
      return [`json ${json(value.value)}`];
    case "bool":
    case "int":
    case "float":
      return [`${value.type} ${String(value.value)}`];
    case "timestamp":
      return [`timestamp ${value.timestamp}${isoTime(value.timestamp)}`];
    case "pythonArtifact":
      return [`python ${value.module}.${value.name}`];
    case "asset":
      return [`asset ${keyText(value.assetKey)}`];
    case "job": {
      const where = [
        `location ${value.locationName}`,
        ...(value.repositoryName === null ? [] : [`repository ${value.repositoryName}`]),
      ];
      return [`job ${value.jobName} (${where.join(", ")})`];
    }
    case "null":
      return ["null"];
    case "table":
      return [
        `table (${plural(value.schema.columns.length, "column")}, ${plural(value.records.length, "record")})`,
        ...schemaLines(value.schema),
        ...value.records.map((record) => `record ${json(record)}`),
      ];
    case "tableSchema":
      return [
        `table schema (${plural(value.schema.columns.length, "column")})`,
        ...schemaLines(value.schema),
      ];
    case "tableColumnLineage":
      return [
        `column lineage (${plural(value.lineage.length, "column")})`,
        ...value.lineage.map(
          (entry) =>
            `${entry.columnName} ← ${
              entry.columnDeps.length === 0
                ? NONE
                : entry.columnDeps
                    .map((dep) => `${keyText(dep.assetKey)}.${dep.columnName}`)
                    .join(", ")
            }`,
        ),
      ];
    case "codeReferences":
      return [
        `code references (${value.codeReferences.length})`,
        ...value.codeReferences.map((ref) => codeReferenceText(ref, settings)),
      ];
    case "unknown":
      return [`${value.typename} ${json(value.raw)}`];
  }
}

function isoTime(seconds: number): string {
  const date = new Date(seconds * 1000);
  return Number.isNaN(date.getTime()) ? "" : ` (${date.toISOString()})`;
}

function schemaLines(schema: TableSchema): string[] {
  return [
    ...schema.columns.map(columnText),
    ...(schema.constraints?.other ?? []).map((c) => `constraint ${quote(c)}`),
  ];
}

/** One column: `name: type; not null; unique; <other>; tags a, b = "x"; "description"`. */
function columnText(column: TableColumn): string {
  const parts = [column.type];
  if (!column.constraints.nullable) parts.push("not null");
  if (column.constraints.unique) parts.push("unique");
  for (const other of column.constraints.other) parts.push(quote(other));
  if (column.tags.length > 0) parts.push(`tags ${column.tags.map(tagText).join(", ")}`);
  if (column.description !== null) parts.push(quote(column.description));
  return `column ${column.name}: ${parts.join("; ")}`;
}

function codeReferenceText(ref: CodeReference, settings: Settings): string {
  const label = (text: string | null) => (text === null ? "" : ` ${quote(text)}`);
  if (ref.type === "localFile") {
    const line =
      ref.lineNumber === null ? "" : settings.maskLineNumbers ? ":…" : `:${ref.lineNumber}`;
    return `file ${ref.filePath}${line}${label(ref.label)}`;
  }
  if (ref.type === "url") return `url ${ref.url}${label(ref.label)}`;
  return `${ref.typename} ${json(ref.raw)}`;
}

function automationLines(condition: AutomationCondition | null): string[] {
  if (condition === null) return [NONE];
  const expanded = condition.expandedLabel.join(" ");
  if (condition.label === null) return [expanded === "" ? quote("") : expanded];
  return expanded === "" || expanded === condition.label
    ? [condition.label]
    : [condition.label, `expanded: ${expanded}`];
}

function autoMaterializeLines(policy: AutoMaterializePolicy | null): string[] {
  if (policy === null) return [NONE];
  const rate =
    policy.maxMaterializationsPerMinute === null
      ? ""
      : ` (at most ${policy.maxMaterializationsPerMinute} per minute)`;
  return [
    `${policy.policyType}${rate}`,
    ...policy.rules.map(
      (rule) => `rule ${rule.className} (${rule.decisionType}) ${quote(rule.description)}`,
    ),
  ];
}

function freshnessText(policy: FreshnessPolicy | null): string {
  if (policy === null) return NONE;
  if (policy.type === "timeWindow") {
    const warn =
      policy.warnWindowSeconds === null ? "" : `, warn after ${seconds(policy.warnWindowSeconds)}`;
    return `fail after ${seconds(policy.failWindowSeconds)}${warn}`;
  }
  if (policy.type === "cron") {
    return `deadline ${policy.deadlineCron} ${policy.timezone}, window ${seconds(policy.lowerBoundDeltaSeconds)}`;
  }
  return `${policy.typename} ${json(policy.raw)}`;
}

function legacyFreshnessText(policy: LegacyFreshnessPolicy | null): string {
  if (policy === null) return NONE;
  const cron =
    policy.cronSchedule === null
      ? ""
      : ` on ${policy.cronSchedule}${policy.cronScheduleTimezone ? ` ${policy.cronScheduleTimezone}` : ""}`;
  return `maximum lag ${policy.maximumLagMinutes} min${cron}`;
}

function backfillText(policy: BackfillPolicy | null): string {
  if (policy === null) return NONE;
  return policy.maxPartitionsPerRun === null
    ? policy.policyType
    : `${policy.policyType} (at most ${policy.maxPartitionsPerRun} partitions per run)`;
}

/** The known execution flags, or `undefined` when the input carries none of them. */
function executionText(asset: Asset, settings: Settings): string | undefined {
  const flags: [boolean | undefined, string, string][] = [
    [asset.isExecutable, "executable", "not executable"],
    [asset.isMaterializable, "materializable", ""],
    [asset.isObservable, "observable", ""],
    [asset.isAutoCreatedStub, "auto-created", ""],
  ];
  if (flags.every(([value]) => value === undefined)) return undefined;
  const words = flags.flatMap(([value, yes, no]) => {
    if (value === undefined) return settings.showUnknown ? [`${yes} ${UNKNOWN}`] : [];
    const word = value ? yes : no;
    return word === "" ? [] : [word];
  });
  return words.length > 0 ? words.join(", ") : NONE;
}

/** Seconds as exact, short text: `1d`, `6h`, `90m`, `45s`. */
function seconds(value: number): string {
  if (value !== 0 && value % 86400 === 0) return `${value / 86400}d`;
  if (value !== 0 && value % 3600 === 0) return `${value / 3600}h`;
  if (value !== 0 && value % 60 === 0) return `${value / 60}m`;
  return `${value}s`;
}
