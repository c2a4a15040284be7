import {
  type AssetChange,
  allChangeTypes,
  assetChangeKind,
  type ImpactedAsset,
  type KeysChange,
  type ProbableMove,
  type StaleApproval,
  type SuppressedChange,
} from "../diff/change-set";
import {
  type ChangeType,
  type ChangeTypeMode,
  compareChangeTypes,
  isDagsterChangeType,
} from "../diff/change-types";
import { SECTION_CHANGE_TYPES, SECTIONS, type SectionChangeType } from "../diff/sections";
import type { Asset, AssetCheck, AssetDependency } from "../model/asset";
import { sameData } from "../model/json";
import { compareStrings, keyToString, locationLabel } from "../model/key";
import type { MetadataValue } from "../model/metadata";
import { plural } from "../text";
import type { DetailStyle } from "./details";
import {
  byImpact,
  columnLines,
  impactLines,
  movedDependencyLines,
  moveLine,
  originLine,
  partitionKeyLines,
  probableMoveLines,
} from "./findings";
import {
  contrast,
  formatAutomationCondition,
  formatCheck,
  formatJson,
  formatMapping,
  formatMetadataValue,
  formatOwner,
  formatPartitions,
  formatText,
  truncate,
} from "./values";

/**
 * The explanation of one asset (`asset-diff explain`): every section compared, with its value on
 * both sides, then what the differ reported, what the rules suppressed, the severity of what is
 * left and the approvals. Plain text, pure: the CLI gathers the input.
 */

/** What {@link renderExplanation} explains: one asset, as the differ and the policies saw it. */
export interface ExplanationInput {
  /** The asset as the base defines it; absent for a new asset. */
  base?: Asset | undefined;
  /** The asset as the branch defines it; absent for a removed asset. */
  branch?: Asset | undefined;
  /** The asset's change as the differ reported it (no change types when it is unchanged). */
  raw: AssetChange;
  /** The same asset after the policy steps; absent when they left nothing of it. */
  reviewed?: AssetChange | undefined;
  /** The change set's `suppressed` entries of this asset. */
  suppressed: readonly SuppressedChange[];
  /** The change set's `staleApprovals` of this asset. */
  staleApprovals: readonly StaleApproval[];
  /** Whether approvals were applied (an approvals file was read); default `false`. */
  approvals?: boolean;
  /** Which change types were compared; default: `all` when `raw` lists extra change types. */
  changeTypes?: ChangeTypeMode;
  /**
   * The change set's `impacted` entries (all of them, or those of this asset): what the asset's
   * change impacts downstream and, for an unchanged asset, what impacts it.
   */
  impacted?: readonly ImpactedAsset[] | undefined;
  /** The change set's `probableMoves` (all of them, or those of this asset). */
  probableMoves?: readonly ProbableMove[] | undefined;
}

/**
 * Renders the explanation of one asset as text: a header (key, location, what happened to it),
 * `Compared`, with each section's value on both sides (`same: value` or `base → branch`, values
 * shortened), then `The differ reported`, `Suppressed by rules`, `After the rules` (severity and
 * reason of each remaining change, with its id), `Findings` when the policies found any (origins
 * in a three-way comparison, column changes, partition keys, moves, what it impacts downstream
 * and what impacts it) and `Approvals` (who approved what; stale approvals). A new or removed
 * asset shows its one definition instead of a comparison.
 *
 * @example
 * renderExplanation({ base, branch, raw, reviewed, suppressed: [], staleApprovals: [] });
 * // "marts/orders  [analytics]: modified\n\nCompared (base → branch):\n  code version: \"1\" → \"2\"\n…"
 */
export function renderExplanation(input: ExplanationInput): string {
  const { raw } = input;
  const mode = input.changeTypes ?? (raw.extraChangeTypes === undefined ? "dagster" : "all");
  const location = locationLabel(raw);
  const kind = assetChangeKind(raw);
  const out = [
    `${raw.key}${location === null ? "" : `  [${location}]`}: ${KIND_TEXT[kind]}`,
    "",
    ...definition(input, mode),
    "",
    ...reported(raw),
    "",
    ...suppressedLines(input.suppressed, mode),
    "",
    ...verdictLines(input),
    "",
    ...findingLines(input),
    ...approvalLines(input),
  ];
  return `${out.join("\n")}\n`;
}

// --- internal ---

/** Values are rendered whole, then shortened (together, where they differ) for the line. */
const WHOLE = Number.POSITIVE_INFINITY;

const KIND_TEXT = {
  new: "new in the branch",
  removed: "removed from the branch",
  moved: "moved from another key or code location",
  modified: "modified",
  unchanged: "unchanged",
} as const;

/** How each section is named and shown. */
const LABELS: Record<SectionChangeType, string> = {
  CODE_VERSION: "code version",
  DEPENDENCIES: "dependencies",
  PARTITIONS_DEFINITION: "partitions definition",
  TAGS: "tags",
  METADATA: "metadata",
  GROUP: "group",
  OWNERS: "owners",
  DESCRIPTION: "description",
  KINDS: "kinds",
  AUTOMATION_CONDITION: "automation condition",
  FRESHNESS_POLICY: "freshness policy",
  BACKFILL_POLICY: "backfill policy",
  EXECUTION_TYPE: "execution type",
  CHECKS: "asset checks",
};

/** A compared value on one side, in one line. */
type Format = (asset: Asset) => string;

/**
 * The rows of a section that compares single values: a label, the model fields it reads, how to
 * show them. Sections with several fields (automation, freshness) have a row per field.
 */
const ROWS: Partial<
  Record<SectionChangeType, readonly [string, readonly (keyof Asset)[], Format][]>
> = {
  CODE_VERSION: [
    ["code version", ["codeVersion"], (a) => formatText(a.codeVersion ?? null, WHOLE)],
  ],
  PARTITIONS_DEFINITION: [
    [
      "partitions definition",
      ["partitionsDefinition"],
      (a) => formatPartitions(a.partitionsDefinition ?? null, WHOLE),
    ],
  ],
  GROUP: [["group", ["group"], (a) => formatText(a.group ?? null, WHOLE)]],
  OWNERS: [["owners", ["owners"], (a) => list((a.owners ?? []).map((o) => formatOwner(o, WHOLE)))]],
  DESCRIPTION: [["description", ["description"], (a) => formatText(a.description ?? null, WHOLE)]],
  KINDS: [["kinds", ["kinds"], (a) => list(a.kinds ?? [])]],
  AUTOMATION_CONDITION: [
    [
      "automation condition",
      ["automationCondition"],
      (a) => formatAutomationCondition(a.automationCondition ?? null, WHOLE),
    ],
    [
      "auto-materialize policy",
      ["autoMaterializePolicy"],
      (a) => {
        const p = a.autoMaterializePolicy ?? null;
        return p === null
          ? "(none)"
          : `${p.policyType} (${p.rules.map((r) => r.className).join(", ")})`;
      },
    ],
  ],
  FRESHNESS_POLICY: [
    [
      "freshness policy",
      ["freshnessPolicy"],
      (a) => {
        const p = a.freshnessPolicy ?? null;
        if (p === null) return "(none)";
        if (p.type === "timeWindow") {
          const warn =
            p.warnWindowSeconds === null ? "" : `, warn after ${duration(p.warnWindowSeconds)}`;
          return `fail after ${duration(p.failWindowSeconds)}${warn}`;
        }
        if (p.type === "cron")
          return `deadline ${p.deadlineCron} ${p.timezone}, window ${duration(p.lowerBoundDeltaSeconds)}`;
        return `${p.typename} ${formatJson(p.raw, WHOLE)}`;
      },
    ],
    [
      "legacy freshness policy",
      ["legacyFreshnessPolicy"],
      (a) => {
        const p = a.legacyFreshnessPolicy ?? null;
        if (p === null) return "(none)";
        const cron = p.cronSchedule
          ? ` on ${p.cronSchedule}${p.cronScheduleTimezone ? ` ${p.cronScheduleTimezone}` : ""}`
          : "";
        return `max lag ${p.maximumLagMinutes} min${cron}`;
      },
    ],
  ],
  BACKFILL_POLICY: [
    [
      "backfill policy",
      ["backfillPolicy"],
      (a) => {
        const p = a.backfillPolicy ?? null;
        if (p === null) return "(none)";
        return p.maxPartitionsPerRun === null
          ? p.policyType
          : `${p.policyType} (at most ${p.maxPartitionsPerRun} partitions per run)`;
      },
    ],
  ],
  EXECUTION_TYPE: [
    [
      "execution type",
      ["isExecutable", "isMaterializable", "isObservable"],
      (a) => {
        const kinds = [
          a.isMaterializable ? "materializable" : undefined,
          a.isObservable ? "observable" : undefined,
          a.isExecutable === false ? "not executable" : undefined,
        ].filter((k) => k !== undefined);
        return kinds.length > 0 ? kinds.join(", ") : "external (not executable)";
      },
    ],
  ],
};

/** One keyed entry of a section (a dependency, tag or metadata key) on one side, or absent. */
type Keyed = ReadonlyMap<string, unknown>;

/** The keyed sections: each side's entries by key, and how an entry is shown. */
const KEYED: Record<
  KeyedChangeType,
  { field: keyof Asset; entries: (a: Asset) => Keyed; show: (value: unknown) => string }
> = {
  DEPENDENCIES: {
    field: "dependencies",
    entries: (a) =>
      new Map((a.dependencies ?? []).map((d) => [keyToString(d.key), d.partitionMapping])),
    show: (mapping) => mappingText(mapping as AssetDependency["partitionMapping"]),
  },
  TAGS: {
    field: "tags",
    entries: (a) => new Map((a.tags ?? []).map((t) => [t.key, t.value])),
    show: (value) => formatText(value as string, WHOLE),
  },
  METADATA: {
    field: "metadata",
    entries: (a) => new Map((a.metadata ?? []).map((m) => [m.key, m.value])),
    show: (value) => formatMetadataValue(value as MetadataValue, WHOLE),
  },
  CHECKS: {
    field: "checks",
    entries: (a) => new Map((a.checks ?? []).map((c) => [c.name, c])),
    show: (check) => formatCheck(check as AssetCheck, WHOLE),
  },
};

/** The sections compared entry by entry. */
type KeyedChangeType = "DEPENDENCIES" | "TAGS" | "METADATA" | "CHECKS";

function isKeyed(type: SectionChangeType): type is KeyedChangeType {
  return type in KEYED;
}

function definition(input: ExplanationInput, mode: ChangeTypeMode): string[] {
  const { base, branch } = input;
  if (base === undefined || branch === undefined) {
    const side = base ?? branch;
    const title =
      base === undefined
        ? "New: nothing to compare it with. Its definition in the branch:"
        : "Removed: nothing to compare it with. Its definition in the base:";
    if (side === undefined) return [title, "  (not found in either input)"];
    return [title, ...SECTION_CHANGE_TYPES.flatMap((type) => oneSide(type, side, mode))];
  }
  return [
    "Compared (base → branch):",
    ...SECTION_CHANGE_TYPES.flatMap((type) => compared(type, base, branch, input.raw, mode)),
  ];
}

function compared(
  type: SectionChangeType,
  base: Asset,
  branch: Asset,
  raw: AssetChange,
  mode: ChangeTypeMode,
): string[] {
  const label = LABELS[type];
  if (mode === "dagster" && !isDagsterChangeType(type))
    return [`  ${label}: not compared (Dagster's change types only)`];
  const fields = SECTIONS[type].fields;
  const known = fields.filter((f) => base[f] !== undefined && branch[f] !== undefined);
  if (known.length === 0) return [`  ${label}: not compared (${missing(fields, base, branch)})`];
  if (isKeyed(type)) return keyedComparison(type, base, branch, raw);
  const rows = (ROWS[type] ?? []).filter(([, rowFields]) =>
    rowFields.every((f) => known.includes(f)),
  );
  return rows.map(([rowLabel, rowFields, format]) => {
    const same = rowFields.every((f) => sameData(base[f], branch[f]));
    return `  ${rowLabel}: ${same ? `same: ${truncate(format(branch))}` : arrow(format(base), format(branch))}`;
  });
}

function keyedComparison(
  type: keyof typeof KEYED,
  base: Asset,
  branch: Asset,
  raw: AssetChange,
): string[] {
  const { entries, show } = KEYED[type];
  const before = entries(base);
  const after = entries(branch);
  const keys = [...new Set([...before.keys(), ...after.keys()])].sort(compareStrings);
  if (keys.length === 0) return [`  ${LABELS[type]}: same: (none)`];
  const lines = [`  ${LABELS[type]}:`];
  const columnChanges = new Map(
    type === "METADATA" ? (raw.details.metadata?.values ?? []).map((v) => [v.key, v.columns]) : [],
  );
  for (const key of keys) {
    const old = before.get(key);
    const next = after.get(key);
    if (type === "DEPENDENCIES") {
      lines.push(`    ${key}: ${dependencyRow(before.has(key), after.has(key), old, next)}`);
      continue;
    }
    const a = before.has(key) ? show(old) : "(none)";
    const b = after.has(key) ? show(next) : "(none)";
    const same = before.has(key) && after.has(key) && sameData(old, next);
    lines.push(`    ${key}: ${same ? `same: ${truncate(b)}` : arrow(a, b)}`);
    const columns = columnChanges.get(key);
    if (columns) {
      const parts = [
        ...columns.addedColumns.map((c) => `+${c}`),
        ...columns.removedColumns.map((c) => `-${c}`),
        ...columns.changedColumns.map((c) => `~${c}`),
      ];
      if (parts.length > 0) lines.push(`      columns: ${parts.join(" ")}`);
    }
  }
  return lines;
}

function dependencyRow(inBase: boolean, inBranch: boolean, old: unknown, next: unknown): string {
  const before = old as AssetDependency["partitionMapping"];
  const after = next as AssetDependency["partitionMapping"];
  if (!inBase) return `added${after ? ` (${truncate(mappingText(after))})` : ""}`;
  if (!inBranch) return "removed";
  if (before === undefined || after === undefined) return "same (partition mapping not known)";
  if (sameData(before, after))
    return after === null ? "same" : `same: ${truncate(mappingText(after))}`;
  return `partition mapping ${arrow(mappingText(before), mappingText(after))}`;
}

function oneSide(type: SectionChangeType, asset: Asset, mode: ChangeTypeMode): string[] {
  const label = LABELS[type];
  if (mode === "dagster" && !isDagsterChangeType(type)) return [];
  const known = SECTIONS[type].fields.filter((f) => asset[f] !== undefined);
  if (known.length === 0) return [`  ${label}: (not in the input)`];
  if (isKeyed(type)) {
    const { entries, show } = KEYED[type];
    const values = entries(asset);
    if (values.size === 0) return [`  ${label}: (none)`];
    const keys = [...values.keys()].sort(compareStrings);
    return [`  ${label}:`, ...keys.map((key) => `    ${key}: ${truncate(show(values.get(key)))}`)];
  }
  return (ROWS[type] ?? [])
    .filter(([, fields]) => fields.every((f) => known.includes(f)))
    .map(([rowLabel, , format]) => `  ${rowLabel}: ${truncate(format(asset))}`);
}

function reported(raw: AssetChange): string[] {
  const types = allChangeTypes(raw).sort(compareChangeTypes);
  if (types.length === 0) return ["The differ reported no change."];
  return ["The differ reported:", ...types.map((type) => `  ${type}${keysOf(raw, type)}`)];
}

/** `: key, key` for a change type whose details name keys (dependencies, tags, metadata). */
function keysOf(change: AssetChange, type: ChangeType): string {
  if (type === "NEW" || type === "REMOVED" || type === "MOVED") return "";
  const details = change.details[SECTIONS[type].details] as Partial<KeysChange> | undefined;
  if (details?.addedKeys === undefined) return "";
  const keys = [
    ...(details.addedKeys ?? []),
    ...(details.changedKeys ?? []),
    ...(details.removedKeys ?? []),
  ].sort(compareStrings);
  return keys.length === 0 ? "" : `: ${[...new Set(keys)].join(", ")}`;
}

function suppressedLines(suppressed: readonly SuppressedChange[], mode: ChangeTypeMode): string[] {
  if (suppressed.length === 0) {
    return [
      mode === "dagster"
        ? "Suppressed by rules: nothing (no rule suppresses with Dagster's change types only)."
        : "Suppressed by rules: nothing.",
    ];
  }
  // Stable: within a change type, the change set's order.
  const ordered = [...suppressed].sort((a, b) => compareChangeTypes(a.changeType, b.changeType));
  return [
    `Suppressed by rules (${suppressed.length}):`,
    ...ordered.map(
      (s) =>
        `  ${s.changeType}${s.keys.length > 0 ? ` ${s.keys.join(", ")}` : ""}: rule ${s.rule}: ${s.reason}`,
    ),
  ];
}

function verdictLines(input: ExplanationInput): string[] {
  const reviewed = input.reviewed;
  const verdicts = reviewed?.reasons ?? [];
  if (verdicts.length === 0) {
    const left = reviewed === undefined ? [] : allChangeTypes(reviewed);
    if (left.length > 0)
      return [`After the rules: ${left.sort(compareChangeTypes).join(", ")} (not rated)`];
    return [
      allChangeTypes(input.raw).length === 0
        ? "After the rules: no change."
        : "After the rules: no change is left.",
    ];
  }
  return [
    `After the rules: ${reviewed?.severity ?? "not rated"}`,
    ...verdicts.map((v) => `  ${v.changeType}: ${v.severity}: ${v.message} (id ${v.id})`),
  ];
}

/** Values in an explanation are plain text, shortened as the compared values are. */
const EXPLAIN_STYLE: DetailStyle = { value: (text) => text, maxValueLength: 80 };

/** Most impacted assets named in an explanation. */
const MAX_IMPACTED = 10;

/** `Findings:` and a blank line, when the policies found anything about the asset; else nothing. */
function findingLines(input: ExplanationInput): string[] {
  const asset = input.reviewed ?? input.raw;
  const impacted = input.impacted ?? [];
  const same = (other: Pick<AssetChange, "key" | "codeLocation" | "repository">) =>
    other.key === asset.key &&
    other.codeLocation === asset.codeLocation &&
    other.repository === asset.repository;
  const causes = impacted.filter((i) => i.via.includes(asset.key));
  const origin = originLine(asset, EXPLAIN_STYLE);
  const lines = [
    ...(origin === undefined
      ? []
      : [origin.startsWith("origin: ") ? origin : `origins: ${origin}`]),
    ...columnLines(asset.columns ?? [], EXPLAIN_STYLE),
    ...(asset.partitionKeys === undefined
      ? []
      : partitionKeyLines(asset.partitionKeys, EXPLAIN_STYLE)),
    ...[moveLine(asset, EXPLAIN_STYLE)].filter((l) => l !== undefined),
    ...movedDependencyLines(asset, EXPLAIN_STYLE),
    ...(input.probableMoves ?? [])
      .filter((m) => same(m.from) || same(m.to))
      .flatMap((m) => probableMoveLines(m, EXPLAIN_STYLE)),
    ...impactLines(byImpact(causes), EXPLAIN_STYLE, MAX_IMPACTED),
    ...impacted.filter(same).flatMap(impactedByLines),
  ];
  if (lines.length === 0) return [];
  return ["Findings:", ...lines.map((l) => `  ${l}`), ""];
}

/** What impacts an unchanged asset: the reason, the route from the changed ancestor, its columns. */
function impactedByLines(entry: ImpactedAsset): string[] {
  return [
    `impacted by ${entry.via.join(", ")} (${entry.severity}, ${plural(entry.distance, "hop")}): ${entry.message}`,
    ...(entry.route.length > 1 ? [`  route: ${entry.route.join(" → ")}`] : []),
    ...(entry.columns ?? []).map(
      (c) =>
        `  column ${c.column} reads ${c.upstream.key} column ${c.upstream.column}, which was ${c.upstream.change}`,
    ),
  ].map((l) => truncate(l, 2 * EXPLAIN_STYLE.maxValueLength));
}

function approvalLines(input: ExplanationInput): string[] {
  const verdicts = input.reviewed?.reasons ?? [];
  const stale = input.staleApprovals;
  if (!input.approvals) return ["Approvals: none were read."];
  if (verdicts.length === 0 && stale.length === 0) return ["Approvals: nothing to approve."];
  const approved = verdicts.filter((v) => v.approved !== undefined).length;
  const lines = [`Approvals: ${approved} of ${plural(verdicts.length, "change")} approved`];
  for (const verdict of verdicts) {
    lines.push(
      `  ${verdict.changeType}: ${verdict.approved ? `approved ${approver(verdict.approved)}` : "not approved"}`,
    );
  }
  for (const s of stale) {
    lines.push(
      `  ${s.changeType}: stale approval ${approver(s)}, of other values (approved id ${s.id}, now ${s.currentId})`,
    );
  }
  return lines;
}

function approver(mark: { by: string | null; reason: string | null }): string {
  return `by ${mark.by ?? "(unknown)"}${mark.reason === null ? "" : `: ${mark.reason}`}`;
}

function missing(fields: readonly (keyof Asset)[], base: Asset, branch: Asset): string {
  const inBase = fields.some((f) => base[f] !== undefined);
  const inBranch = fields.some((f) => branch[f] !== undefined);
  if (!inBase && !inBranch) return "neither input carries it";
  return `the ${inBase ? "branch" : "base"} input does not carry it`;
}

function arrow(old: string, next: string): string {
  const [a, b] = contrast(old, next);
  return `${a} → ${b}`;
}

function list(items: readonly string[]): string {
  return items.length === 0 ? "(none)" : items.join(", ");
}

function mappingText(mapping: AssetDependency["partitionMapping"]): string {
  return mapping === undefined ? "(not known)" : formatMapping(mapping, WHOLE);
}

function duration(seconds: number): string {
  if (seconds % 86400 === 0) return `${seconds / 86400}d`;
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}
