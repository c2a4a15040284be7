import type {
  AssetChangeDetails,
  AutomationSettings,
  CheckChange,
  CheckField,
  ExecutionFlags,
  FreshnessSettings,
  ListChange,
} from "../diff/change-set";
import type { AssetCheck, BackfillPolicy, PartitionMapping } from "../model/asset";
import { keyToString } from "../model/key";
import type { MetadataValue } from "../model/metadata";
import { plural } from "../text";
import {
  checkBlocking,
  contrast,
  formatAutomationCondition,
  formatJson,
  formatMapping,
  formatMetadataValue,
  formatOwner,
  formatPartitions,
  formatText,
  isMultiline,
  type LineChanges,
  lineChanges,
  mappingParameters,
  shortHashes,
  truncate,
} from "./values";

/** How a renderer marks inline values (plain text leaves them as they are; Markdown uses code spans). */
export interface DetailStyle {
  value: (text: string) => string;
  /** Longest value rendering. */
  maxValueLength: number;
  /**
   * Shows the line-by-line changes of a multi-line text (a description, a SQL query) as one
   * nested line, e.g. a token the renderer swaps for a folded code block. Without it, the
   * changed lines are listed as nested lines, capped.
   */
  block?: (changes: LineChanges) => string;
}

/** A plain-text style. */
const PLAIN_STYLE: DetailStyle = { value: (text) => text, maxValueLength: 80 };

type DetailRenderers = {
  [K in keyof AssetChangeDetails]-?: (
    details: NonNullable<AssetChangeDetails[K]>,
    style: DetailStyle,
  ) => string[];
};

/** Values are rendered whole, then shortened together so that where they differ stays visible. */
const WHOLE = Number.POSITIVE_INFINITY;

/**
 * One renderer per kind of detail: a mapped type, so a new change type cannot be left without a
 * rendering.
 */
const RENDERERS: DetailRenderers = {
  codeVersion: (d, s) => {
    const [old, next] = shortHashes(d.old, d.new);
    return [`code version: ${arrow(formatText(old, WHOLE), formatText(next, WHOLE), s)}`];
  },
  dependencies: (d, s) => {
    const lines: string[] = [];
    for (const key of d.addedKeys) lines.push(`dependency added: ${s.value(key)}`);
    for (const key of d.removedKeys) lines.push(`dependency removed: ${s.value(key)}`);
    for (const m of d.partitionMappings)
      lines.push(`partition mapping on ${s.value(m.key)}: ${mappingChange(m.old, m.new, s)}`);
    return lines;
  },
  partitionsDefinition: (d, s) => [
    `partitions: ${arrow(formatPartitions(d.oldDefinition, WHOLE), formatPartitions(d.newDefinition, WHOLE), s)}`,
  ],
  tags: (d, s) =>
    d.values.map((v) =>
      v.old === null
        ? `tag added: ${s.value(truncate(tagText(v.key, v.new ?? ""), s.maxValueLength))}`
        : v.new === null
          ? `tag removed: ${s.value(truncate(tagText(v.key, v.old), s.maxValueLength))}`
          : `tag ${s.value(v.key)}: ${arrow(formatText(v.old, WHOLE), formatText(v.new, WHOLE), s)}`,
    ),
  metadata: (d, s) =>
    d.values.flatMap((v) => {
      if (v.old === null) {
        return [
          `metadata added: ${s.value(v.key)} = ${s.value(formatMetadataValue(v.new, s.maxValueLength))}`,
        ];
      }
      if (v.new === null) return [`metadata removed: ${s.value(v.key)}`];
      const texts = [textOf(v.old), textOf(v.new)] as const;
      if (v.old.type === v.new.type && (isMultiline(texts[0]) || isMultiline(texts[1])))
        return textLines(`metadata ${s.value(v.key)} (${v.old.type})`, texts[0], texts[1], s);
      const byPath = v.changes !== undefined && (v.old.type === "json" || v.old.type === "unknown");
      const lines = [
        byPath
          ? `metadata ${s.value(v.key)} (${v.old.type === "unknown" ? v.old.typename : v.old.type}):`
          : `metadata ${s.value(v.key)}: ${arrow(formatMetadataValue(v.old, WHOLE), formatMetadataValue(v.new, WHOLE), s)}`,
      ];
      if (v.columns) {
        const parts = [
          ...v.columns.addedColumns.map((c) => `+${c}`),
          ...v.columns.removedColumns.map((c) => `-${c}`),
          ...v.columns.changedColumns.map((c) => `~${c}`),
        ];
        if (parts.length > 0) lines.push(`  columns: ${s.value(parts.join(" "))}`);
      } else if (v.changes && (v.old.type === "json" || v.old.type === "unknown")) {
        for (const c of v.changes.slice(0, MAX_PATH_CHANGES)) {
          const where = c.path.length === 0 ? "(value)" : c.path.join(".");
          lines.push(
            `  ${where}: ${arrow(formatJson(c.oldValue, WHOLE), formatJson(c.value, WHOLE), s)}`,
          );
        }
        if (v.changes.length > MAX_PATH_CHANGES)
          lines.push(`  … ${v.changes.length - MAX_PATH_CHANGES} more`);
      }
      return lines;
    }),
  group: (d, s) => [`group: ${arrow(formatText(d.old, WHOLE), formatText(d.new, WHOLE), s)}`],
  owners: (d, s) => listLines("owner", d, formatOwner, s),
  description: (d, s) =>
    isMultiline(d.old) || isMultiline(d.new)
      ? textLines("description", d.old, d.new, s)
      : [`description: ${arrow(formatText(d.old, WHOLE), formatText(d.new, WHOLE), s)}`],
  kinds: (d, s) => listLines("kind", d, (k) => k, s),
  automationCondition: (d, s) => settingLines(d.old, d.new, AUTOMATION, s),
  freshnessPolicy: (d, s) => settingLines(d.old, d.new, FRESHNESS, s),
  backfillPolicy: (d, s) => [
    `backfill policy: ${arrow(formatBackfill(d.old), formatBackfill(d.new), s)}`,
  ],
  executionType: (d, s) => [
    `execution: ${arrow(formatExecution(d.old), formatExecution(d.new), s)}`,
  ],
  checks: (d, s) => d.values.flatMap((v) => checkLines(v, s)),
};

/**
 * Describes an asset's change details as short lines of text, in a fixed order.
 *
 * @example
 * describeDetails({ codeVersion: { old: "1", new: "2" } }); // ['code version: "1" → "2"']
 */
export function describeDetails(
  details: AssetChangeDetails,
  style: DetailStyle = PLAIN_STYLE,
): string[] {
  const lines: string[] = [];
  for (const key of Object.keys(RENDERERS) as (keyof AssetChangeDetails)[]) {
    const value = details[key];
    if (value === undefined) continue;
    const render = RENDERERS[key] as (d: unknown, s: DetailStyle) => string[];
    // One at a time: spreading 150,000 lines into push's arguments overflows the stack.
    for (const line of render(value, style)) lines.push(line);
  }
  return lines;
}

// --- internal ---

/** Most path-level changes listed for one JSON value. */
const MAX_PATH_CHANGES = 5;

/** Most changed lines of a multi-line text listed when the style has no block. */
const MAX_LISTED_LINES = 8;

/**
 * A partition mapping change: by class, and when the class stays, only the parameters that
 * changed (`TimeWindowPartitionMapping (start_offset -1 → 0)`).
 */
function mappingChange(
  old: PartitionMapping | null,
  next: PartitionMapping | null,
  s: DetailStyle,
): string {
  if (old !== null && next !== null && old.className === next.className) {
    const a = mappingParameters(old);
    const b = mappingParameters(next);
    if (a !== undefined && b !== undefined && a.length === b.length) {
      const changed = a.flatMap(([name, value], i) => {
        const other = b[i];
        return other === undefined || other[0] !== name || other[1] === value
          ? []
          : [`${name} ${arrow(value, other[1], s)}`];
      });
      if (changed.length > 0) return `${s.value(old.className)} (${changed.join(", ")})`;
    }
  }
  return arrow(formatMapping(old, WHOLE), formatMapping(next, WHOLE), s);
}

/** The text of a text or Markdown metadata value; null for other kinds. */
function textOf(value: MetadataValue): string | null {
  return value.type === "text" ? value.text : value.type === "markdown" ? value.markdown : null;
}

/**
 * A multi-line text change: how many lines each side has and how many changed, then the
 * changed lines, as the style's block or listed (capped).
 */
function textLines(
  label: string,
  old: string | null,
  next: string | null,
  s: DetailStyle,
): string[] {
  const size = (text: string | null) =>
    text === null ? "(none)" : plural(text.split(/\r?\n/).length, "line");
  const changes = lineChanges(old, next);
  if (changes === undefined)
    return [`${label}: ${size(old)} → ${size(next)}, too different to compare line by line`];
  const head = `${label}: ${size(old)} → ${size(next)} (−${changes.removed} +${changes.added})`;
  if (s.block !== undefined) return [head, `  ${s.block(changes)}`];
  const shown = changes.lines.slice(0, MAX_LISTED_LINES);
  const lines = [head, ...shown.map((l) => `  ${l.op} ${s.value(l.text)}`)];
  if (changes.lines.length > shown.length)
    lines.push(`  … and ${plural(changes.lines.length - shown.length, "more line")}`);
  return lines;
}

function arrow(old: string, next: string, style: DetailStyle): string {
  const [a, b] = contrast(old, next, style.maxValueLength);
  return `${style.value(a)} → ${style.value(b)}`;
}

function tagText(key: string, value: string): string {
  return value === "" ? key : `${key}=${value}`;
}

function listLines<T>(
  what: string,
  d: ListChange<T>,
  text: (item: T) => string,
  s: DetailStyle,
): string[] {
  return [
    ...d.added.map((x) => `${what} added: ${s.value(text(x))}`),
    ...d.removed.map((x) => `${what} removed: ${s.value(text(x))}`),
  ];
}

type SettingFormatters<T> = {
  [K in keyof T]-?: [label: string, format: (value: NonNullable<T[K]> | null) => string];
};

const AUTOMATION: SettingFormatters<AutomationSettings> = {
  automationCondition: ["automation condition", (c) => formatAutomationCondition(c, WHOLE)],
  autoMaterializePolicy: [
    "auto-materialize policy",
    (p) =>
      p === null ? "(none)" : `${p.policyType} (${p.rules.map((r) => r.className).join(", ")})`,
  ],
};

const FRESHNESS: SettingFormatters<FreshnessSettings> = {
  freshnessPolicy: [
    "freshness policy",
    (p) => {
      if (p === null) return "(none)";
      if (p.type === "timeWindow") {
        return `fail after ${duration(p.failWindowSeconds)}${p.warnWindowSeconds === null ? "" : `, warn after ${duration(p.warnWindowSeconds)}`}`;
      }
      if (p.type === "cron")
        return `deadline ${p.deadlineCron} ${p.timezone}, window ${duration(p.lowerBoundDeltaSeconds)}`;
      return `${p.typename} ${formatJson(p.raw, WHOLE)}`;
    },
  ],
  legacyFreshnessPolicy: [
    "legacy freshness policy",
    (p) =>
      p === null
        ? "(none)"
        : `max lag ${p.maximumLagMinutes} min${p.cronSchedule ? ` on ${p.cronSchedule}${p.cronScheduleTimezone ? ` ${p.cronScheduleTimezone}` : ""}` : ""}`,
  ],
};

function settingLines<T extends object>(
  old: T,
  next: T,
  formatters: SettingFormatters<T>,
  s: DetailStyle,
): string[] {
  const lines: string[] = [];
  for (const field of Object.keys(formatters) as (keyof T)[]) {
    if (!(field in next)) continue;
    const [label, format] = formatters[field];
    const a = format((old[field] ?? null) as never);
    const b = format((next[field] ?? null) as never);
    if (a !== b || JSON.stringify(old[field]) !== JSON.stringify(next[field]))
      lines.push(`${label}: ${arrow(a, b, s)}`);
  }
  return lines;
}

/** An added or removed check in one line; a changed one as a line per changed field. */
function checkLines(change: CheckChange, s: DetailStyle): string[] {
  const name = s.value(truncate(change.name, s.maxValueLength));
  if (change.old === null || change.new === null) {
    const check = (change.new ?? change.old) as AssetCheck;
    const blocking = checkBlocking(check);
    const note = blocking === undefined ? "" : ` (${blocking})`;
    return [`check ${change.old === null ? "added" : "removed"}: ${name}${note}`];
  }
  const [old, next] = [change.old, change.new];
  return (change.fields ?? []).flatMap((field) => CHECK_FIELD_LINES[field](name, old, next, s));
}

/** How each compared field of a check shows when it changed: a mapped type, so none is left out. */
const CHECK_FIELD_LINES: Record<
  CheckField,
  (name: string, old: AssetCheck, next: AssetCheck, s: DetailStyle) => string[]
> = {
  blocking: (name, old, next, s) => [
    `check ${name}: ${arrow(checkBlocking(old) ?? "", checkBlocking(next) ?? "", s)}`,
  ],
  description: (name, old, next, s) => {
    const [a, b] = [old.description ?? null, next.description ?? null];
    return isMultiline(a) || isMultiline(b)
      ? textLines(`check ${name} description`, a, b, s)
      : [`check ${name} description: ${arrow(formatText(a, WHOLE), formatText(b, WHOLE), s)}`];
  },
  additionalAssetKeys: (name, old, next, s) => {
    const before = new Set((old.additionalAssetKeys ?? []).map(keyToString));
    const after = new Set((next.additionalAssetKeys ?? []).map(keyToString));
    return [
      ...[...after]
        .filter((k) => !before.has(k))
        .map((k) => `check ${name} also reads: ${s.value(k)}`),
      ...[...before]
        .filter((k) => !after.has(k))
        .map((k) => `check ${name} no longer reads: ${s.value(k)}`),
    ];
  },
  automationCondition: (name, old, next, s) => [
    `check ${name} automation condition: ${arrow(
      formatAutomationCondition(old.automationCondition ?? null, WHOLE),
      formatAutomationCondition(next.automationCondition ?? null, WHOLE),
      s,
    )}`,
  ],
};

function formatBackfill(policy: BackfillPolicy | null): string {
  if (policy === null) return "(none)";
  return policy.maxPartitionsPerRun === null
    ? policy.policyType
    : `${policy.policyType} (at most ${policy.maxPartitionsPerRun} partitions per run)`;
}

function formatExecution(flags: ExecutionFlags): string {
  const kinds = [
    flags.isMaterializable ? "materializable" : undefined,
    flags.isObservable ? "observable" : undefined,
    flags.isExecutable === false ? "not executable" : undefined,
  ].filter((k) => k !== undefined);
  return kinds.length > 0 ? kinds.join(", ") : "external (not executable)";
}

function duration(seconds: number): string {
  if (seconds % 86400 === 0) return `${seconds / 86400}d`;
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}
