import {
  type AssetChange,
  type AssetChangeKind,
  assetChangeKind,
  branchLocationsNotLoaded,
  type ChangeSet,
  type ChangeSetInput,
  type ColumnChange,
  GRAPH_ISSUE_KINDS,
  type GraphIssue,
  type ImpactedAsset,
  type Limitation,
  type LocationComparison,
  type LocationStatus,
  type ProbableMove,
  type StaleApproval,
  type SuppressedChange,
} from "../diff/change-set";
import { type ChangeType, DAGSTER_CHANGE_TYPES, EXTRA_CHANGE_TYPES } from "../diff/change-types";
import {
  CHANGE_ORIGINS,
  type ChangeOrigin,
  compareSeverities,
  SEVERITIES,
  type Severity,
} from "../diff/verdicts";
import { shownRepository } from "../model/key";
import { formatCount, plural } from "../text";
import { type ReportContext, shortCommit } from "./context";
import { type DetailStyle, describeDetails } from "./details";
import {
  columnLines,
  graphIssueLines,
  impactByChange,
  impactLines,
  impactSummaryText,
  isDriftOnly,
  movedDependencyLines,
  moveLine,
  originLine,
  partitionKeyLines,
  probableMoveLines,
} from "./findings";
import { assetLink, type DagsterLinks, dagsterUiRoot } from "./links";
import { markdownMarker } from "./marker";
import {
  type LineageGraph,
  type LineageOptions,
  lineageGraph,
  mermaidOfGraph,
  unrelatedLine,
} from "./mermaid";
import { keepEnds, type LineChanges, truncate } from "./values";
import {
  bySeverity,
  describeStaleApproval,
  describeVerdict,
  hasSeverity,
  severityCounts,
  shownVerdicts,
  suppressedText,
} from "./verdicts";

/** Options of {@link renderMarkdown}. */
export interface MarkdownReportOptions {
  /**
   * Names this report in its hidden marker (`<!-- asset-diff:report:ID -->`), e.g. a code
   * location when CI keeps one comment per location. See {@link markdownMarker}.
   */
  id?: string;
  /** The heading (default `Asset changes`). */
  title?: string;
  /**
   * The Mermaid lineage picture: drawn when the change set carries `lineage` (default `true`);
   * `false` leaves it out, an object sets its caps.
   */
  lineage?: boolean | LineageOptions;
  /**
   * Longest body, in UTF-16 code units (default 60,000; GitHub refuses comments over 65,536).
   * Values below 6,000 are raised to 6,000, the room the summary always needs.
   */
  maxLength?: number;
  /** Sections (and the lineage picture) with more items than this fold into `<details>` (default 10). */
  foldAfter?: number;
  /** Most detail lines listed per asset (default 20). */
  maxDetailsPerAsset?: number;
  /** Longest value shown in a detail line; longer ones are shortened with `…` (default 80). */
  maxValueLength?: number;
  /**
   * The Dagster UI of each side: every asset key links to its page in the branch deployment,
   * REMOVED ones to production (see {@link DagsterLinks}).
   */
  links?: DagsterLinks;
  /** The commit, CI run and time the report reflects, shown under the verdict. */
  context?: ReportContext;
}

/**
 * Renders a change set as a pull-request comment in GitHub-flavoured Markdown: a hidden marker,
 * a one-line verdict (led by a warning when a code location of the branch did not load, with the
 * impact downstream and, in a three-way comparison, where the changes come from), a table of
 * counts per change type, the code locations not compared, the lineage picture (Mermaid), the
 * conflicts, the new, removed, moved and modified assets with their details and findings (impact,
 * column changes, partition keys, moves), the probable renames, the base drift, the graph issues
 * and the fields that could not be compared. Long sections fold into `<details>`; the body never
 * exceeds `maxLength` (assets that do not fit are counted in a note instead). User data (keys,
 * values, names) is escaped: it is shown, never interpreted.
 *
 * @example
 * const changeSet = withLineage(diffAssetGraphs(base, branch), { base, branch });
 * await octokit.rest.issues.createComment({ ...repo, issue_number, body: renderMarkdown(changeSet) });
 */
export function renderMarkdown(changeSet: ChangeSet, options: MarkdownReportOptions = {}): string {
  const o = resolveOptions(options, changeSet);
  const groups = groupAssets(changeSet.assets);
  const changed = ASSET_SLOTS.reduce(
    (n, slot) => (slot === "unchanged" ? n : n + groups[slot].length),
    0,
  );
  const severities = hasSeverity(changeSet);
  const stale = changeSet.staleApprovals ?? [];
  const moves = changeSet.probableMoves ?? [];
  const issues = changeSet.graphIssues ?? [];

  // The first screen: the verdict (by severity, with the breaking assets named under it, once
  // the policies ran), the counts in one line, what the report reflects, the table folded.
  const essentials = [
    markdownMarker(options.id),
    `## ${escapeText(truncate(o.title, MAX_NAME_LENGTH))}`,
  ];
  if (severities && changed > 0) {
    essentials.push(severityVerdict(changeSet, groups, o));
    essentials.push(countsLine(changeSet, groups, false));
  } else essentials.push(countsLine(changeSet, groups, true));
  essentials.push(compared(changeSet, o));
  const noticeAt = essentials.length;
  const counts = changed > 0 ? countsTable(changeSet) : undefined;
  if (counts !== undefined) essentials.push(counts);
  if (severities && changed > 0) essentials.push(SEVERITY_LEGEND);

  // Blocks are filled in priority order (what could not be compared, the stale approvals, the
  // probable moves and graph issues, the lineage picture, then conflicts, removed, new, moved,
  // modified, unchanged and base-drift assets, then the suppressed changes) but shown in reading
  // order.
  const slots: Partial<Record<Slot, string>> = {};
  const noticeReserve =
    NOTICE_RESERVE + (moves.length > 0 ? NOTICE_PART : 0) + (issues.length > 0 ? NOTICE_PART : 0);
  let remaining = o.maxLength - sizeOf(essentials) - noticeReserve - 1;
  // Each asset section holds back a small share for every later one, so that a flood of removed
  // assets cannot hide all modified ones; without room for that, only their frames are held back.
  let reserves = sectionReserves(groups, Math.floor(o.maxLength * SECTION_SHARE), o);
  // The stale approvals, probable moves, graph issues and suppressed changes are filled out of
  // order, but their frames (heading and "not shown" note) are always kept.
  const frames = {
    staleApprovals: stale.length > 0 ? SECTION_RESERVE : 0,
    probableMoves: moves.length > 0 ? SECTION_RESERVE : 0,
    graphIssues: issues.length > 0 ? SECTION_RESERVE : 0,
    suppressed: changeSet.suppressed.length > 0 ? SECTION_RESERVE : 0,
  };
  const held = () =>
    sum(reserves) +
    frames.staleApprovals +
    frames.probableMoves +
    frames.graphIssues +
    frames.suppressed;
  if (held() > remaining) reserves = sectionReserves(groups, 0, o);
  const left: string[] = [];
  const place = (slot: Slot, text: string | undefined, budget: number) => {
    if (text === undefined) return;
    if (text.length + 2 <= budget) {
      slots[slot] = text;
      remaining -= text.length + 2;
    } else left.push(SLOT_NAMES[slot]);
  };
  const fill = (slot: Slot, section: Section) => {
    slots[slot] = section.text;
    remaining -= section.text.length + 2;
    return section.omitted;
  };
  place("notCompared", notComparedSection(changeSet.locations), remaining - held());
  place("limitations", limitationsSection(changeSet.limitations), remaining - held());
  let omittedStale = 0;
  if (stale.length > 0) {
    const share = SECTION_RESERVE + Math.floor(o.maxLength * STALE_SHARE);
    frames.staleApprovals = 0;
    omittedStale = fill("staleApprovals", staleSection(stale, Math.min(remaining - held(), share)));
  }
  let omittedMoves = 0;
  if (moves.length > 0) {
    const share = SECTION_RESERVE + Math.floor(o.maxLength * MOVES_SHARE);
    frames.probableMoves = 0;
    omittedMoves = fill(
      "probableMoves",
      probableMovesSection(moves, Math.min(remaining - held(), share), o),
    );
  }
  let omittedIssues = 0;
  if (issues.length > 0) {
    const share = SECTION_RESERVE + Math.floor(o.maxLength * ISSUES_SHARE);
    frames.graphIssues = 0;
    omittedIssues = fill(
      "graphIssues",
      graphIssuesSection(issues, Math.min(remaining - held(), share), o),
    );
  }
  if (o.lineage !== false && changed > 0 && changeSet.assets.some((a) => a.lineage !== undefined)) {
    const budget = Math.min(remaining - held(), Math.floor(o.maxLength * LINEAGE_SHARE));
    place("lineage", lineageSection(changeSet, o.lineage, o.foldAfter, budget), budget);
  }
  let omittedAssets = 0;
  for (const slot of SECTION_PRIORITY) {
    reserves[slot] = 0;
    if (groups[slot].length === 0) continue;
    omittedAssets += fill(slot, assetSection(slot, groups[slot], remaining - held(), o));
  }
  let omittedSuppressed = 0;
  if (changeSet.suppressed.length > 0) {
    frames.suppressed = 0;
    omittedSuppressed = fill(
      "suppressed",
      suppressedSection(changeSet.suppressed, remaining - held()),
    );
  }

  const notice = truncationNotice(
    {
      assets: omittedAssets,
      suppressed: omittedSuppressed,
      staleApprovals: omittedStale,
      probableMoves: omittedMoves,
      graphIssues: omittedIssues,
    },
    left,
  );
  if (notice !== undefined) essentials.splice(noticeAt, 0, notice);
  const blocks = [...essentials, ...readingOrder(groups).flatMap((slot) => slots[slot] ?? [])];
  return `${blocks.join("\n\n")}\n`;
}

// --- internal ---

const DEFAULT_MAX_LENGTH = 60_000;
const MIN_MAX_LENGTH = 6_000;
/** Longest name (location, repository, source, title) shown. */
const MAX_NAME_LENGTH = 100;
/** Longest key shown; longer keys keep their beginning and end. */
const MAX_KEY_LENGTH = 200;
/** Longest text (a load error, a path inside a value) shown outside code spans. */
const MAX_TEXT_LENGTH = 200;
/** Most rows of the not-compared and limitations tables. */
const MAX_TABLE_ROWS = 20;
/** Most upstream keys listed for a new asset, downstream keys for a removed one. */
const MAX_NEIGHBOURS = 5;
/** Room kept for the truncation notice under the verdict. */
const NOTICE_RESERVE = 400;
/** Room kept for each later asset section: its heading and its "not shown" note... */
const SECTION_RESERVE = 400;
/** ...and up to this share of `maxLength` for its first assets. */
const SECTION_SHARE = 0.05;
/** Most of `maxLength` the lineage picture may take. */
const LINEAGE_SHARE = 0.25;
/** Most of `maxLength` the stale approvals may take beyond their frame. */
const STALE_SHARE = 0.05;
/** Most of `maxLength` the probable moves may take beyond their frame. */
const MOVES_SHARE = 0.05;
/** Most of `maxLength` the graph issues may take beyond their frame. */
const ISSUES_SHARE = 0.02;
/** Extra room for the truncation notice per kind of finding it may count. */
const NOTICE_PART = 60;
/** Most impacted assets named under one changed asset. */
const MAX_IMPACTED_NAMED = 5;
/** Most lines naming the broken columns of the impacted assets named under one changed asset. */
const MAX_IMPACTED_COLUMNS = 5;
/** Most graph issues listed. */
const MAX_GRAPH_ISSUES = 20;
/** Most breaking assets the verdict names (and code locations that failed). */
const MAX_NAMED_BREAKING = 5;
/** Longest reason shown in the verdict for a breaking asset. */
const MAX_NAMED_REASON_LENGTH = 100;
/** Most assets the lineage picture draws unless its options say otherwise (what reads at 780 px). */
const DEFAULT_LINEAGE_NODES = 20;
const FULL_REPORT_HINT = "run `asset-diff diff` with `--format json` for the full change set";

/**
 * The asset sections: one per kind of the branch's changes, plus, in a three-way comparison,
 * the conflicts and the base drift.
 */
type AssetSlot = AssetChangeKind | "conflicts" | "drift";

const ASSET_SLOTS: readonly AssetSlot[] = [
  "conflicts",
  "new",
  "removed",
  "moved",
  "modified",
  "unchanged",
  "drift",
];

type Slot =
  | "lineage"
  | AssetSlot
  | "probableMoves"
  | "graphIssues"
  | "staleApprovals"
  | "suppressed"
  | "notCompared"
  | "limitations";

const SLOT_ORDER: Slot[] = [
  // First: what the report does not cover (a branch location that did not load, say).
  "notCompared",
  "lineage",
  // Then what needs a decision before anything else: both sides changed it.
  "conflicts",
  "new",
  "removed",
  "moved",
  "probableMoves",
  "modified",
  "unchanged",
  "drift",
  "staleApprovals",
  "suppressed",
  "graphIssues",
  "limitations",
];
const SECTION_PRIORITY: AssetSlot[] = [
  "conflicts",
  "removed",
  "new",
  "moved",
  "modified",
  "unchanged",
  "drift",
];
const SLOT_NAMES: Record<Slot, string> = {
  lineage: "the lineage picture",
  conflicts: "conflicting assets",
  new: "new assets",
  removed: "removed assets",
  moved: "moved assets",
  modified: "modified assets",
  unchanged: "unchanged assets",
  drift: "base drift assets",
  probableMoves: "the probable renames",
  graphIssues: "the graph issues",
  staleApprovals: "the stale approvals",
  suppressed: "the suppressed changes",
  notCompared: "the code locations not compared",
  limitations: "the fields not compared",
};
const SECTION_TITLES: Record<AssetChangeKind, string> = {
  new: "New",
  removed: "Removed",
  moved: "Moved",
  modified: "Modified",
  unchanged: "Unchanged",
};

/** What each change type means, for the counts table: a mapped type, so none is left out. */
const CHANGE_TYPE_LABELS: Record<ChangeType, string> = {
  NEW: "new asset",
  REMOVED: "removed asset",
  MOVED: "moved to a new key or code location",
  CODE_VERSION: "code version",
  DEPENDENCIES: "upstream dependencies or partition mappings",
  PARTITIONS_DEFINITION: "partitions definition",
  TAGS: "tags",
  METADATA: "definition metadata",
  GROUP: "group",
  OWNERS: "owners",
  DESCRIPTION: "description",
  KINDS: "kinds",
  AUTOMATION_CONDITION: "automation condition",
  FRESHNESS_POLICY: "freshness policy",
  BACKFILL_POLICY: "backfill policy",
  EXECUTION_TYPE: "execution type (materializable, observable)",
  CHECKS: "asset checks (added, removed, blocking, settings)",
};

const STATUS_LABELS: Record<LocationStatus, string> = {
  compared: "compared",
  new: "new",
  removed: "removed",
  notInBranch: "not in the branch",
  notLoadedInBase: "not loaded in the base",
  notLoadedInBranch: "not loaded in the branch",
};

const LEGEND =
  "🟩 new (+) · 🟥 removed (−, dashed) · 🟨 modified (~) · ⬜ unchanged · thick link: dependency added · dotted link: dependency removed · hover a box for its full key";
/** Legend entries for node kinds only some pictures have, after the entry they follow. */
const LEGEND_MOVED = [
  "🟨 modified (~)",
  "🟨 modified (~) · 🟦 moved (→, with where it was)",
] as const;
const LEGEND_RENAMED = [
  "dotted link: dependency removed",
  "dotted link: dependency removed · dotted link “probably renamed”: a probable rename",
] as const;
const LEGEND_IMPACTED = [
  "⬜ unchanged",
  "⬜ unchanged · 🟧 impacted downstream (!, orange dashed border)",
] as const;
/** Appended to the legend when the boxes link to the Dagster UI. */
const LEGEND_LINKED = " · click a box for its page in Dagster";

/** Each severity's marker: a shape apart from the lineage legend's squares, always with its word. */
const SEVERITY_MARKERS: Record<Severity, string> = {
  breaking: "🔴",
  risky: "🟠",
  safe: "⚪",
};
const APPROVED_MARKER = "✅";
const SEVERITY_LEGEND = `<sub>${SEVERITY_MARKERS.breaking} breaking: consumers can fail or read wrong data · ${SEVERITY_MARKERS.risky} risky: behaviour may change · ${SEVERITY_MARKERS.safe} safe: descriptive only · ${APPROVED_MARKER} approved</sub>`;

interface Resolved {
  /** The impacted assets by the changed key they are impacted through, worst first. */
  impact: Map<string, ImpactedAsset[]>;
  title: string;
  lineage: false | LineageOptions;
  maxLength: number;
  foldAfter: number;
  maxDetailsPerAsset: number;
  maxValueLength: number;
  showLocation: boolean;
  links: DagsterLinks | undefined;
  context: ReportContext | undefined;
}

function resolveOptions(options: MarkdownReportOptions, changeSet: ChangeSet): Resolved {
  return {
    impact: impactByChange(changeSet),
    title: options.title ?? "Asset changes",
    lineage: lineageOptions(options),
    maxLength: Math.max(MIN_MAX_LENGTH, Math.floor(options.maxLength ?? DEFAULT_MAX_LENGTH)),
    foldAfter: Math.max(0, Math.floor(options.foldAfter ?? 10)),
    maxDetailsPerAsset: Math.max(1, Math.floor(options.maxDetailsPerAsset ?? 20)),
    maxValueLength: Math.max(12, Math.floor(options.maxValueLength ?? 80)),
    showLocation: changeSet.assets.some((a) => a.codeLocation !== null),
    links: options.links,
    context: options.context,
  };
}

/** The lineage picture's options: `false`, or the given ones with the report's links by default. */
function lineageOptions(options: MarkdownReportOptions): false | LineageOptions {
  if (options.lineage === false) return false;
  const given = options.lineage === true || options.lineage === undefined ? {} : options.lineage;
  return options.links === undefined || given.links !== undefined
    ? given
    : { ...given, links: options.links };
}

/**
 * The assets by section: conflicts and base drift (three-way comparisons only) apart, the
 * branch's own changes by kind; each section worst first.
 */
function groupAssets(assets: AssetChange[]): Record<AssetSlot, AssetChange[]> {
  const groups: Record<AssetSlot, AssetChange[]> = {
    conflicts: [],
    new: [],
    removed: [],
    moved: [],
    modified: [],
    unchanged: [],
    drift: [],
  };
  for (const asset of assets) {
    const kind = assetChangeKind(asset);
    if (kind !== "unchanged" && asset.origin === "conflict") groups.conflicts.push(asset);
    else if (kind !== "unchanged" && isDriftOnly(asset)) groups.drift.push(asset);
    else groups[kind].push(asset);
  }
  for (const slot of ASSET_SLOTS) groups[slot] = bySeverity(groups[slot]);
  return groups;
}

/**
 * The counts of the changes in one line (new, removed, moved, modified, where, unchanged), the
 * impact downstream and, in a three-way comparison, where the changes come from. Without
 * severities it is the verdict, led by the code locations of the branch that did not load.
 */
function countsLine(
  changeSet: ChangeSet,
  groups: Record<AssetSlot, AssetChange[]>,
  isVerdict: boolean,
): string {
  const { assets } = changeSet.summary;
  const notCompared = skippedLocations(changeSet.locations).length;
  // Said before anything else: "no changes" over a branch that did not load is not a pass.
  const failed = failedLocations(changeSet);
  const warning = isVerdict && failed !== undefined ? `${failed}. ` : "";
  const caveats = [
    notCompared > 0
      ? ` ${plural(notCompared, "code location")} ${notCompared === 1 ? "was" : "were"} not compared.`
      : "",
    changeSet.limitations.length > 0 ? " Some fields could not be compared (see below)." : "",
  ].join("");
  if (assets.new + assets.removed + assets.modified + (assets.moved ?? 0) === 0) {
    const scope =
      assets.unchanged === 0
        ? "no assets compared"
        : `${plural(assets.unchanged, "unchanged asset")} compared`;
    return `${warning}No asset changes (${scope}).${caveats}`;
  }
  const parts = [
    assets.new > 0 ? `${formatCount(assets.new)} new` : undefined,
    assets.removed > 0 ? `${formatCount(assets.removed)} removed` : undefined,
    (assets.moved ?? 0) > 0 ? `${formatCount(assets.moved ?? 0)} moved` : undefined,
    assets.modified > 0 ? `${formatCount(assets.modified)} modified` : undefined,
  ].filter((p) => p !== undefined);
  const total = assets.new + assets.removed + assets.modified + (assets.moved ?? 0);
  const locations = new Set<string>();
  for (const slot of ASSET_SLOTS) {
    if (slot === "unchanged") continue;
    for (const a of groups[slot]) if (a.codeLocation !== null) locations.add(a.codeLocation);
  }
  const first = locations.values().next().value;
  const where =
    locations.size > 1
      ? ` across ${formatCount(locations.size)} code locations`
      : first !== undefined
        ? ` in code location ${code(truncate(first, MAX_NAME_LENGTH))}`
        : "";
  const unchanged = assets.unchanged > 0 ? ` (${formatCount(assets.unchanged)} unchanged)` : "";
  const findings = [impactSentence(changeSet), originSentence(changeSet)]
    .filter((p) => p !== undefined)
    .map((p) => ` ${p}`)
    .join("");
  return `${warning}**${parts.join(isVerdict ? ", " : " · ")}** asset${total === 1 ? "" : "s"}${where}${unchanged}.${findings}${caveats}`;
}

/**
 * The code locations of the branch that did not load, e.g. `⚠️ **A code location of the branch
 * did not load** (`sales`): its assets are unknown, not unchanged`; undefined when all loaded.
 */
function failedLocations(changeSet: ChangeSet): string | undefined {
  const unloaded = branchLocationsNotLoaded(changeSet);
  if (unloaded.length === 0) return undefined;
  const names = unloaded
    .slice(0, MAX_NAMED_BREAKING)
    .map((l) => code(truncate(l.codeLocation ?? "", MAX_NAME_LENGTH)))
    .join(", ");
  const more = unloaded.length > MAX_NAMED_BREAKING ? ", …" : "";
  const one = unloaded.length === 1;
  const what = one ? "A code location" : `${formatCount(unloaded.length)} code locations`;
  return `⚠️ **${what} of the branch did not load** (${names}${more}): ${one ? "its" : "their"} assets are unknown, not unchanged`;
}

/**
 * The verdict of a reviewed change set: the count of each severity (breaking first, in bold),
 * the code locations that failed, then the breaking assets named one per line with their
 * reasons (a few; the rest counted).
 */
function severityVerdict(
  changeSet: ChangeSet,
  groups: Record<AssetSlot, AssetChange[]>,
  o: Resolved,
): string {
  // Base drift is not this branch's doing: it is neither named nor counted here.
  const drift = groups.drift.length > 0;
  const listed = changeSet.assets.filter(
    (a) => assetChangeKind(a) !== "unchanged" && !(drift && isDriftOnly(a)),
  );
  const counts = (drift ? undefined : changeSet.summary.severity) ?? severityCounts(listed);
  const line = SEVERITIES.map((s) =>
    s === "breaking"
      ? counts.breaking > 0
        ? `${SEVERITY_MARKERS.breaking} **${formatCount(counts.breaking)} breaking**`
        : "**No breaking changes**"
      : `${SEVERITY_MARKERS[s]} ${formatCount(counts[s])} ${s}`,
  ).join(" · ");
  const failed = failedLocations(changeSet);
  // Said before anything else: "no breaking changes" over a branch that did not load is not a pass.
  const head = `${failed === undefined ? "" : `${failed}. `}${line}`;
  if (counts.breaking === 0) return head;
  const breaking = listed.filter((a) => a.severity === "breaking");
  const named = breaking.slice(0, MAX_NAMED_BREAKING).map((a) => {
    const verdicts = (a.reasons ?? []).filter((v) => v.severity === "breaking");
    const reasons = [...new Set(verdicts.map((v) => v.message))].join("; ");
    const approved = verdicts.length > 0 && verdicts.every((v) => v.approved !== undefined);
    const why = [
      reasons === "" ? undefined : escapeText(truncate(reasons, MAX_NAMED_REASON_LENGTH)),
      approved ? `${APPROVED_MARKER} approved` : undefined,
    ].filter((p) => p !== undefined);
    const marker = approved ? APPROVED_MARKER : SEVERITY_MARKERS.breaking;
    return `- ${marker} ${keyLink(a, o)}${why.length > 0 ? `: ${why.join(", ")}` : ""}`;
  });
  const more = counts.breaking - named.length;
  if (more > 0) named.push(`- … and ${formatCount(more)} more breaking, listed below`);
  return `${head}\n\n${named.join("\n")}`;
}

/**
 * The order the sections are read in: what the report does not cover, the lineage picture and
 * the conflicts first, then the kinds of change by their worst severity (breaking first; on a
 * tie, new, removed, moved, modified), then the rest.
 */
function readingOrder(groups: Record<AssetSlot, AssetChange[]>): Slot[] {
  const kinds: AssetSlot[] = ["new", "removed", "moved", "modified"];
  const worst = (slot: AssetSlot) => {
    let rank: number = SEVERITIES.length;
    for (const a of groups[slot])
      if (a.severity !== undefined) rank = Math.min(rank, SEVERITIES.indexOf(a.severity));
    return rank;
  };
  const ranks = new Map(kinds.map((k) => [k, worst(k)]));
  const sorted = [...kinds].sort((a, b) => (ranks.get(a) ?? 0) - (ranks.get(b) ?? 0));
  return SLOT_ORDER.flatMap((slot): Slot[] => {
    if (slot === "new") return [...sorted, "probableMoves"];
    return kinds.includes(slot as AssetSlot) || slot === "probableMoves" ? [] : [slot];
  });
}

/** An asset's key as a code span, linked to its page in the Dagster UI when that is known. */
function keyLink(asset: AssetChange, o: Resolved): string {
  const name = code(shortenKey(asset.key));
  const url = assetLink(o.links, asset);
  return url === undefined ? name : `[${name}](<${url}>)`;
}

/**
 * How many unchanged assets downstream the changes impact, worst first, e.g.
 * `**14 impacted downstream** (3 breaking-downstream, 11 risky-downstream).`; `undefined` before
 * the impact policy ran.
 */
function impactSentence(changeSet: ChangeSet): string | undefined {
  const text = impactSummaryText(changeSet);
  if (text === undefined) return undefined;
  if ((changeSet.summary.impacted ?? changeSet.impacted?.length) === 0)
    return "Nothing downstream is impacted.";
  // The count in bold, as the verdict's other counts; the severities after it in plain text.
  const cut = text.indexOf(" (");
  const [count, rest] = cut === -1 ? [text, ""] : [text.slice(0, cut), text.slice(cut)];
  return `**${escapeText(count)}**${escapeText(rest)}.`;
}

/**
 * Where the listed changes come from in a three-way comparison, e.g.
 * `9 from this branch, **2 conflicts**, 5 base drift (folded below).`; `undefined` in a two-way one.
 */
function originSentence(changeSet: ChangeSet): string | undefined {
  if (changeSet.mergeBase === undefined && changeSet.summary.origins === undefined)
    return undefined;
  const counts = changeSet.summary.origins ?? countOrigins(changeSet.assets);
  const conflicts = plural(counts.conflict, "conflict");
  return [
    `${formatCount(counts.branch)} from this branch`,
    counts.conflict > 0 ? `**${conflicts}** (listed first)` : conflicts,
    `${formatCount(counts.drift)} base drift${counts.drift > 0 ? " (folded below)" : ""}`,
  ]
    .join(", ")
    .concat(".");
}

function countOrigins(assets: readonly AssetChange[]): Record<ChangeOrigin, number> {
  const counts = Object.fromEntries(CHANGE_ORIGINS.map((o) => [o, 0])) as Record<
    ChangeOrigin,
    number
  >;
  for (const asset of assets) if (asset.origin !== undefined) counts[asset.origin]++;
  return counts;
}

function compared(changeSet: ChangeSet, o: Resolved): string {
  const scope = [
    changeSet.options.codeLocation !== null
      ? ` · code location ${code(truncate(changeSet.options.codeLocation, MAX_NAME_LENGTH))} only`
      : "",
    changeSet.options.changeTypes === "dagster" ? " · Dagster's change types only" : "",
  ].join("");
  const mergeBase =
    changeSet.mergeBase === undefined ? "" : ` · merge base ${describeInput(changeSet.mergeBase)}`;
  const reflects = contextParts(o.context);
  return `<sub>${reflects.map((p) => `${p} · `).join("")}Base ${describeInput(changeSet.base)} → branch ${describeInput(changeSet.branch)}${mergeBase}${scope}</sub>`;
}

/**
 * What the report reflects: the head commit (a short SHA, linked), the CI run (linked) and when
 * it was made (to the minute, UTC). Links are shown only when they are `http(s)` URLs.
 */
function contextParts(context: ReportContext | undefined): string[] {
  if (context === undefined) return [];
  const parts: string[] = [];
  if (context.commit !== undefined && context.commit !== "") {
    const sha = code(truncate(shortCommit(context.commit), 40));
    const url = context.commitUrl === undefined ? undefined : dagsterUiRoot(context.commitUrl);
    parts.push(`commit ${url === undefined ? sha : `[${sha}](<${url}>)`}`);
  }
  const run = context.runUrl === undefined ? undefined : dagsterUiRoot(context.runUrl);
  if (run !== undefined) parts.push(`[CI run](<${run}>)`);
  if (context.generatedAt !== undefined) {
    const at = new Date(context.generatedAt);
    if (!Number.isNaN(at.getTime()))
      parts.push(`${at.toISOString().slice(0, 16).replace("T", " ")} UTC`);
  }
  if (parts.length > 0)
    parts[0] = `${(parts[0] as string).charAt(0).toUpperCase()}${(parts[0] as string).slice(1)}`;
  return parts;
}

function describeInput(input: ChangeSetInput): string {
  const name = input.source?.name ?? input.source?.format;
  const count = plural(input.assets, "asset");
  return name === undefined ? `(${count})` : `${code(truncate(name, MAX_NAME_LENGTH))} (${count})`;
}

function countsTable(changeSet: ChangeSet): string {
  const { changeTypes, extraChangeTypes } = changeSet.summary;
  const rows = ["| Change type | What changed | Assets |", "| --- | --- | ---: |"];
  for (const type of DAGSTER_CHANGE_TYPES) {
    if (changeTypes[type] > 0)
      rows.push(
        `| \`${type}\` | ${CHANGE_TYPE_LABELS[type]} | ${formatCount(changeTypes[type])} |`,
      );
  }
  let extras = 0;
  for (const type of EXTRA_CHANGE_TYPES) {
    const count = extraChangeTypes?.[type] ?? 0;
    if (count === 0) continue;
    extras++;
    rows.push(`| \`${type}\` (extra) | ${CHANGE_TYPE_LABELS[type]} | ${formatCount(count)} |`);
  }
  const note =
    extras > 0
      ? "\n\n_Extra_ change types are changes Dagster's own branch-deployment view does not track."
      : "";
  const types = rows.length - 2;
  return fold(`Changes by type (${plural(types, "change type")})`, `${rows.join("\n")}${note}`);
}

/** The lineage section, or `undefined` when there is nothing to draw; may exceed `budget`. */
function lineageSection(
  changeSet: ChangeSet,
  options: LineageOptions,
  foldAfter: number,
  budget: number,
): string | undefined {
  // When the picture does not fit its share, draw fewer assets rather than none.
  let maxNodes = options.maxNodes ?? DEFAULT_LINEAGE_NODES;
  for (;;) {
    const graph = lineageGraph(changeSet, { ...options, maxNodes });
    // Changes that do not depend on one another: a line says so instead of a picture of boxes.
    const unrelated = unrelatedLine(graph);
    if (unrelated !== undefined) return `### Lineage\n\n${escapeText(unrelated)}`;
    if (graph.nodes.length === 0) return undefined;
    const changedCount = graph.nodes.filter(
      (n) => n.kind !== "neighbour" && n.kind !== "impacted",
    ).length;
    const neighbours = graph.nodes.length - changedCount;
    const summary =
      neighbours === 0
        ? plural(changedCount, "changed asset")
        : `${plural(changedCount, "changed asset")} and ${plural(neighbours, "unchanged asset")}`;
    const body = `\`\`\`mermaid\n${mermaidOfGraph(graph, options)}\`\`\`\n\n${legendOf(graph)}`;
    const text =
      graph.nodes.length > foldAfter
        ? `### Lineage\n\n${fold(`Lineage picture: ${summary}`, body)}`
        : `### Lineage\n\n${body}`;
    // `!(>= 10)`: a cap that is not a number stops here too.
    if (text.length + 2 <= budget || !(maxNodes >= 10)) return text;
    // Half of what was drawn, not of the cap, which may be unbounded: the loop always ends.
    maxNodes = Math.floor(Math.min(maxNodes, graph.nodes.length) / 2);
  }
}

/** The lineage legend, with the kinds only some pictures draw when this one does. */
function legendOf(graph: LineageGraph): string {
  let legend = LEGEND;
  if (graph.nodes.some((n) => n.kind === "moved")) legend = legend.replace(...LEGEND_MOVED);
  if (graph.nodes.some((n) => n.kind === "impacted")) legend = legend.replace(...LEGEND_IMPACTED);
  if (graph.edges.some((e) => e.kind === "renamed")) legend = legend.replace(...LEGEND_RENAMED);
  if (graph.nodes.some((n) => n.url !== undefined)) legend += LEGEND_LINKED;
  return legend;
}

interface Section {
  text: string;
  omitted: number;
}

function assetSection(
  slot: AssetSlot,
  assets: AssetChange[],
  budget: number,
  o: Resolved,
): Section {
  if (slot === "conflicts" || slot === "drift") return originSection(slot, assets, budget, o);
  const noun = `${SECTION_TITLES[slot].toLowerCase()} asset`;
  return cappedList(
    {
      heading: `### ${SECTION_TITLES[slot]} (${formatCount(assets.length)})`,
      summary: plural(assets.length, noun),
      folded: slot === "unchanged" || assets.length > o.foldAfter,
      noun,
      items: assets,
      entry: (asset) => slotEntry(asset, slot, o),
    },
    budget,
  );
}

/** An asset's entry as its section draws it: in the conflicts and the base drift, by its own kind. */
function slotEntry(asset: AssetChange, slot: AssetSlot, o: Resolved): string {
  if (slot === "conflicts") return assetEntry(asset, assetChangeKind(asset), o, CONFLICT_ENTRY);
  if (slot === "drift") return assetEntry(asset, assetChangeKind(asset), o, DRIFT_ENTRY);
  return assetEntry(asset, slot, o);
}

/**
 * The conflicts (first, open unless long) or the base drift (always folded) of a three-way
 * comparison: assets of any kind, so each shows its change types.
 */
function originSection(
  slot: "conflicts" | "drift",
  assets: AssetChange[],
  budget: number,
  o: Resolved,
): Section {
  const conflicts = slot === "conflicts";
  const count = formatCount(assets.length);
  return cappedList(
    {
      heading: conflicts
        ? `### Conflicts (${count})\n\n${CONFLICTS_INTRO}`
        : `### Base drift (${count})`,
      summary: conflicts ? plural(assets.length, "conflicting asset") : DRIFT_SUMMARY,
      folded: !conflicts || assets.length > o.foldAfter,
      noun: conflicts ? "conflicting asset" : "base drift asset",
      items: assets,
      entry: (asset) => slotEntry(asset, slot, o),
    },
    budget,
  );
}

const CONFLICTS_INTRO =
  "_Changed by this branch and, differently, in production since the merge base: check these first._";
const DRIFT_SUMMARY = "Base drift: changed in production since the merge base, not by this branch";

/**
 * Removed and new assets that are probably one asset renamed or moved, with the evidence; both
 * halves stay listed in their own sections.
 */
function probableMovesSection(moves: ProbableMove[], budget: number, o: Resolved): Section {
  return cappedList(
    {
      heading: `### Probably renamed (${formatCount(moves.length)})\n\n${MOVES_INTRO}`,
      summary: plural(moves.length, "probable rename"),
      folded: moves.length > o.foldAfter,
      noun: "probable rename",
      items: moves,
      entry: (move) =>
        markdownLines((style) => probableMoveLines(move, style), o.maxValueLength)
          .map((line) => line.slice(2))
          .join("\n"),
    },
    budget,
  );
}

/** The graph issues by kind, e.g. `2 cycles, 1 dangling dependency`. */
function issueCounts(issues: readonly GraphIssue[]): string {
  return GRAPH_ISSUE_KINDS.map(
    (kind) => [kind, issues.filter((i) => i.kind === kind).length] as const,
  )
    .filter(([, n]) => n > 0)
    .map(([kind, n]) => plural(n, ISSUE_NOUNS[kind]))
    .join(", ");
}

const ISSUE_NOUNS: Record<GraphIssue["kind"], string> = {
  cycle: "cycle",
  "self-dependency": "self-dependency",
  "dangling-dependency": "dangling dependency",
};

const MOVES_INTRO =
  "_A removed and a new asset whose definitions match apart from the key; both stay listed above._";

/**
 * The graph oddities the impact traversal met, folded: as many as fit `budget`, up to
 * {@link MAX_GRAPH_ISSUES}, then how many more.
 */
function graphIssuesSection(issues: GraphIssue[], budget: number, o: Resolved): Section {
  const heading = `### Graph issues (${formatCount(issues.length)})`;
  const summary = `${plural(issues.length, "graph issue")} met while tracing the impact (${issueCounts(issues)})`;
  // Fewer lines until they fit; with none, the section is only its frame.
  for (let max = Math.min(issues.length, MAX_GRAPH_ISSUES); ; max = Math.floor(max / 2)) {
    const lines = markdownLines(
      (style) => graphIssueLines(issues, style, max),
      o.maxValueLength,
    ).map((line) => line.slice(2));
    const text = `${heading}\n\n${fold(summary, lines.join("\n"))}`;
    if (text.length + 2 <= budget || max === 0)
      // Only what the budget left out counts as shortened; past the cap, the list says so itself.
      return { text, omitted: Math.min(issues.length, MAX_GRAPH_ISSUES) - max };
  }
}

function suppressedSection(suppressed: SuppressedChange[], budget: number): Section {
  const showLocation = suppressed.some((s) => s.codeLocation !== null);
  return cappedList(
    {
      heading: `### Suppressed by rules (${formatCount(suppressed.length)})`,
      summary: suppressedText(suppressed.length),
      folded: true,
      noun: "suppressed change",
      items: suppressed,
      entry: (s) => suppressedEntry(s, showLocation),
    },
    budget,
  );
}

function staleSection(stale: StaleApproval[], budget: number): Section {
  return cappedList(
    {
      heading: `### Stale approvals (${formatCount(stale.length)})`,
      summary: `${plural(stale.length, "approval")} no longer ${stale.length === 1 ? "matches its" : "match their"} change`,
      folded: true,
      noun: "stale approval",
      items: stale,
      entry: (s) => `- ${describeStaleApproval(s, (value) => code(shortenKey(value)), plainText)}`,
    },
    budget,
  );
}

interface CappedList<T> {
  heading: string;
  /** The `<details>` summary, when folded. */
  summary: string;
  folded: boolean;
  /** What an item is, for the "not shown" note. */
  noun: string;
  items: readonly T[];
  entry: (item: T) => string;
}

/**
 * A section of whole entries within `budget`, ending with a note that counts the entries that
 * did not fit; only its heading and note when none fits (the callers hold room for those).
 */
function cappedList<T>(list: CappedList<T>, budget: number): Section {
  const { heading, summary, folded, noun, items } = list;
  const longestNote = omittedNote(items.length, items.length, noun).length;
  const wrapper = folded ? fold(summary, "").length : 0;
  const room = budget - heading.length - 2 - wrapper - longestNote - 4;
  const entries: string[] = [];
  let used = 0;
  for (const item of items) {
    const entry = list.entry(item);
    if (used + entry.length + 1 > room) break;
    entries.push(entry);
    used += entry.length + 1;
  }
  const omitted = items.length - entries.length;
  const note = omitted > 0 ? omittedNote(omitted, items.length, noun) : undefined;
  if (entries.length === 0) return { text: `${heading}\n\n${note}`, omitted };
  const body = folded ? fold(summary, entries.join("\n")) : entries.join("\n");
  return {
    text: note === undefined ? `${heading}\n\n${body}` : `${heading}\n\n${body}\n\n${note}`,
    omitted,
  };
}

/** The room held back for each asset section: its frame, and its first assets up to `share`. */
function sectionReserves(
  groups: Record<AssetSlot, AssetChange[]>,
  share: number,
  o: Resolved,
): Record<AssetSlot, number> {
  const reserve = (slot: AssetSlot) => {
    if (groups[slot].length === 0) return 0;
    let size = 0;
    for (const asset of groups[slot]) {
      const entry = slotEntry(asset, slot, o).length + 1;
      if (size + entry > share) break;
      size += entry;
    }
    return SECTION_RESERVE + size;
  };
  return {
    conflicts: reserve("conflicts"),
    new: reserve("new"),
    removed: reserve("removed"),
    moved: reserve("moved"),
    modified: reserve("modified"),
    unchanged: reserve("unchanged"),
    drift: reserve("drift"),
  };
}

function sum(reserves: Record<AssetSlot, number>): number {
  return ASSET_SLOTS.reduce((n, slot) => n + reserves[slot], 0);
}

/** The length of blocks joined by blank lines, with room for one more separator. */
function sizeOf(blocks: string[]): number {
  return blocks.reduce((n, b) => n + b.length + 2, 0);
}

function omittedNote(omitted: number, total: number, noun: string): string {
  const what =
    omitted === total
      ? `${plural(omitted, noun)} not shown`
      : `… and ${plural(omitted, `more ${noun}`)} not shown`;
  return `_${what} to keep this comment within GitHub's size limit; ${FULL_REPORT_HINT}._`;
}

function truncationNotice(
  omitted: {
    assets: number;
    suppressed: number;
    staleApprovals: number;
    probableMoves: number;
    graphIssues: number;
  },
  left: string[],
): string | undefined {
  const parts = [
    omitted.assets > 0 ? `${plural(omitted.assets, "asset")} not listed` : undefined,
    omitted.staleApprovals > 0
      ? `${plural(omitted.staleApprovals, "stale approval")} not listed`
      : undefined,
    omitted.probableMoves > 0
      ? `${plural(omitted.probableMoves, "probable rename")} not listed`
      : undefined,
    omitted.graphIssues > 0
      ? `${plural(omitted.graphIssues, "graph issue")} not listed`
      : undefined,
    omitted.suppressed > 0
      ? `${plural(omitted.suppressed, "suppressed change")} not listed`
      : undefined,
    left.length > 0 ? `${left.join(", ")} left out` : undefined,
  ].filter((p) => p !== undefined);
  if (parts.length === 0) return undefined;
  return `> [!NOTE]\n> This report is shortened to fit in a comment: ${parts.join("; ")}.`;
}

/** How an entry is drawn, beyond what its kind decides. */
interface EntryMode {
  /** The key in bold and the change types as badges (modified and moved assets, and mixed sections). */
  badges: boolean;
  /** The severity, the reasons and the impact: not for base drift, which is not the branch's doing. */
  findings: boolean;
}

const CONFLICT_ENTRY: EntryMode = { badges: true, findings: true };
const DRIFT_ENTRY: EntryMode = { badges: true, findings: false };

function assetEntry(
  asset: AssetChange,
  kind: AssetChangeKind,
  o: Resolved,
  mode: EntryMode = { badges: kind === "modified" || kind === "moved", findings: true },
): string {
  const name = keyLink(asset, o);
  const head = [mode.badges ? `**${name}**` : name];
  if (asset.severity !== undefined && mode.findings)
    head.unshift(`${SEVERITY_MARKERS[asset.severity]} ${asset.severity}`);
  if (o.showLocation) head.push(locationText(asset));
  if (mode.badges) {
    const types = asset.changeTypes.map((t) => `\`${t}\``).join(" ");
    if (types !== "") head.push(types);
    const extra = (asset.extraChangeTypes ?? []).map((t) => `\`${t}\``);
    if (extra.length > 0) head.push(`extra: ${extra.join(" ")}`);
  }
  // What a new asset reads and what a removed one fed: the lineage a reviewer checks first.
  const neighbours =
    kind === "new" ? asset.lineage?.upstream : kind === "removed" ? asset.lineage?.downstream : [];
  if (neighbours !== undefined && neighbours.length > 0) {
    const listed = neighbours.slice(0, MAX_NEIGHBOURS).map((k) => code(shortenKey(k)));
    const more =
      neighbours.length > MAX_NEIGHBOURS
        ? ` and ${formatCount(neighbours.length - MAX_NEIGHBOURS)} more`
        : "";
    head.push(`${kind === "new" ? "depends on" : "used by"} ${listed.join(", ")}${more}`);
  }
  const lines = [`- ${head.join(" · ")}`];
  // Why it matters, before what changed: its reasons, where its changes come from and what they
  // impact downstream. (In the base-drift section every change is drift, and none is the
  // branch's doing.)
  if (mode.findings) {
    for (const verdict of shownVerdicts(asset)) {
      const marker = verdict.approved ? APPROVED_MARKER : SEVERITY_MARKERS[verdict.severity];
      lines.push(`  - ${marker} ${describeVerdict(verdict, nameCode, plainText)}`);
    }
    for (const line of markdownLines((style) => originLines(asset, style), o.maxValueLength))
      lines.push(line);
    for (const line of impactEntryLines(asset, o)) lines.push(line);
  }
  if (kind !== "unchanged") {
    const findings = findingLines(asset, o);
    const details = markdownDetails(asset, o.maxValueLength);
    const total = findings.total + details.length;
    const room = Math.max(0, o.maxDetailsPerAsset - findings.lines.length);
    for (const line of findings.lines) lines.push(line);
    for (const line of details.slice(0, room)) lines.push(line);
    if (total > o.maxDetailsPerAsset)
      lines.push(`  - … and ${formatCount(total - o.maxDetailsPerAsset)} more`);
  }
  return lines.join("\n");
}

/** Where an asset's change types come from, when not all from the branch (three-way only). */
function originLines(asset: AssetChange, style: DetailStyle): string[] {
  const line = originLine(asset, style);
  return line === undefined ? [] : [line];
}

/**
 * What the asset's changes impact downstream: the first few impacted assets, worst first, and
 * the broken columns of those, each list capped.
 */
function impactEntryLines(asset: AssetChange, o: Resolved): string[] {
  const impacted = o.impact.get(asset.key);
  if (impacted === undefined || impacted.length === 0) return [];
  // The describer lists the broken columns of every asset it names; only the first few of all
  // of those are handed to it, and the rest counted.
  let room = MAX_IMPACTED_COLUMNS;
  let broken = 0;
  const named = impacted.slice(0, MAX_IMPACTED_NAMED).map((entry): ImpactedAsset => {
    const columns = entry.columns ?? [];
    broken += columns.length;
    const kept = columns.slice(0, room);
    room -= kept.length;
    return kept.length === columns.length ? entry : { ...entry, columns: kept };
  });
  const lines = markdownLines(
    (style) => impactLines([...named, ...impacted.slice(named.length)], style, named.length),
    o.maxValueLength,
  );
  const shown = lines.length - 1;
  if (broken > shown) lines.push(`    - … and ${plural(broken - shown, "more broken column")}`);
  return lines;
}

/**
 * The findings of the policies about the asset itself, before its details: where it moved from,
 * its column changes (worst first), the partition keys added and removed, and the dependencies
 * that only follow a move. Only as many as an entry shows are rendered; `total` counts all.
 */
function findingLines(asset: AssetChange, o: Resolved): { lines: string[]; total: number } {
  const columns = asset.columns ?? [];
  const cap = o.maxDetailsPerAsset;
  const lines = markdownLines((style) => {
    const out: string[] = [];
    const moved = moveLine(asset, style);
    if (moved !== undefined) out.push(moved);
    for (const line of columnLines(worstColumnsFirst(columns, cap), style)) out.push(line);
    if (asset.partitionKeys !== undefined)
      for (const line of partitionKeyLines(asset.partitionKeys, style)) out.push(line);
    for (const line of movedDependencyLines(asset, style)) out.push(line);
    return out;
  }, o.maxValueLength);
  const unrendered = Math.max(0, columns.length - cap);
  return { lines: lines.slice(0, cap), total: lines.length + unrendered };
}

/** The first `max` column changes, worst severity first (otherwise in the table's order). */
function worstColumnsFirst(columns: readonly ColumnChange[], max: number): ColumnChange[] {
  return [...columns].sort((a, b) => compareSeverities(a.severity, b.severity)).slice(0, max);
}

function suppressedEntry(s: SuppressedChange, showLocation: boolean): string {
  const head = [code(shortenKey(s.key))];
  if (showLocation) head.push(locationText(s));
  const keys = s.keys.slice(0, MAX_NEIGHBOURS).map((k) => code(shortenKey(k)));
  const more =
    s.keys.length > MAX_NEIGHBOURS
      ? ` and ${formatCount(s.keys.length - MAX_NEIGHBOURS)} more`
      : "";
  head.push(`\`${s.changeType}\`${keys.length > 0 ? ` ${keys.join(" ")}${more}` : ""}`);
  const rule = `rule ${nameCode(s.rule)}`;
  const reason = s.reason === "" ? "" : `: ${plainText(s.reason)}`;
  return `- ${head.join(" · ")} · ${rule}${reason}`;
}

function locationText(asset: Pick<AssetChange, "codeLocation" | "repository">): string {
  if (asset.codeLocation === null) return "_(no code location)_";
  const location = code(truncate(asset.codeLocation, MAX_NAME_LENGTH));
  const repository = shownRepository(asset.repository);
  return repository === null
    ? location
    : `${location} (repository ${code(truncate(repository, MAX_NAME_LENGTH))})`;
}

/** Marks values in detail lines so they can be told apart from the labels around them. */
const OPEN = "\uE000";
const CLOSE = "\uE001";
const TOKEN = /\uE000(\d+)\uE001/g;
const BLOCK_OPEN = "\uE002";
const BLOCK_CLOSE = "\uE003";
const BLOCK = /^\uE002(\d+)\uE003$/;
/** Most lines of a folded multi-line change. */
const MAX_BLOCK_LINES = 40;
/** Longest line of a folded multi-line change. */
const MAX_BLOCK_LINE_LENGTH = 300;
const PLACEHOLDERS = new Set(["(none)", "(default)", "(unpartitioned)"]);

/**
 * `describeDetails` with values as code spans and everything else escaped: values are collected
 * through the style and swapped in afterwards, because labels can carry user data too (paths
 * inside JSON values, metadata type names).
 */
function markdownDetails(asset: AssetChange, maxValueLength: number): string[] {
  return markdownLines((style) => describeDetails(asset.details, style), maxValueLength);
}

/**
 * Lines of a describer (`describeDetails`, or one of the findings describers) as nested list
 * items, with their values as code spans and everything else escaped; a line that starts with
 * two spaces is nested under the one before.
 */
function markdownLines(
  describe: (style: DetailStyle) => string[],
  maxValueLength: number,
): string[] {
  const values: string[] = [];
  const blocks: LineChanges[] = [];
  const style: DetailStyle = {
    maxValueLength,
    value: (text) => {
      values.push(text);
      return `${OPEN}${values.length - 1}${CLOSE}`;
    },
    block: (changes) => {
      blocks.push(changes);
      return `${BLOCK_OPEN}${blocks.length - 1}${BLOCK_CLOSE}`;
    },
  };
  const used = new Set<number>();
  const usedBlocks = new Set<number>();
  return describe(style).map((line) => {
    const nested = line.startsWith("  ");
    const source = nested ? line.trimStart() : line;
    const block = BLOCK.exec(source);
    if (block !== null) {
      const index = Number(block[1]);
      if (!usedBlocks.has(index) && index < blocks.length) {
        usedBlocks.add(index);
        return foldedLines(blocks[index] as LineChanges);
      }
    }
    let out = "";
    let last = 0;
    for (const match of source.matchAll(TOKEN)) {
      // Each value is swapped in once: user text that imitates a token already used stays text.
      // (A describer may mark a line's values out of order, e.g. a note before the keys.)
      const index = Number(match[1]);
      if (used.has(index) || index >= values.length) continue;
      used.add(index);
      const value = values[index] as string;
      out += escapeText(truncate(source.slice(last, match.index), MAX_TEXT_LENGTH));
      out += PLACEHOLDERS.has(value) ? `_${value}_` : code(truncate(value, maxValueLength));
      last = match.index + match[0].length;
    }
    out += escapeText(truncate(source.slice(last), MAX_TEXT_LENGTH));
    return `${nested ? "    - " : "  - "}${out}`;
  });
}

/**
 * The changed lines of a multi-line text as a folded `diff` code block under its detail line
 * (indented into the list item), capped at {@link MAX_BLOCK_LINES} lines, each shortened; the
 * summary says when lines were left out.
 */
function foldedLines(changes: LineChanges): string {
  const shown = changes.lines.slice(0, MAX_BLOCK_LINES);
  const body = shown.map((l) => `${l.op} ${visible(truncate(l.text, MAX_BLOCK_LINE_LENGTH))}`);
  let longest = 2;
  for (const line of body)
    for (const run of line.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  const fence = "`".repeat(longest + 1);
  const left = changes.lines.length - shown.length;
  const summary =
    left > 0
      ? `the changed lines (the first ${formatCount(shown.length)}; ${plural(left, "more line")} not shown)`
      : "the changed lines";
  const indent = "    ";
  return [
    `${indent}<details><summary>${summary}</summary>`,
    "",
    `${indent}${fence}diff`,
    ...body.map((line) => `${indent}${line}`),
    `${indent}${fence}`,
    "",
    `${indent}</details>`,
  ].join("\n");
}

function notComparedSection(locations: LocationComparison[]): string | undefined {
  const skipped = skippedLocations(locations);
  if (skipped.length === 0) return undefined;
  const rows = [
    "| Code location | Status | Base assets | Branch assets | Why |",
    "| --- | --- | ---: | ---: | --- |",
  ];
  for (const l of skipped.slice(0, MAX_TABLE_ROWS)) {
    const name =
      l.codeLocation === null
        ? "_(unknown)_"
        : escapeText(truncate(l.codeLocation, MAX_NAME_LENGTH));
    const why = l.message === undefined ? "" : escapeText(truncate(l.message, MAX_TEXT_LENGTH));
    rows.push(
      `| ${name} | ${STATUS_LABELS[l.status]} | ${formatCount(l.baseAssets)} | ${formatCount(l.branchAssets)} | ${why} |`,
    );
  }
  const more =
    skipped.length > MAX_TABLE_ROWS
      ? `\n\n_… and ${plural(skipped.length - MAX_TABLE_ROWS, "more code location")}._`
      : "";
  return `### Code locations not compared (${formatCount(skipped.length)})\n\nTheir assets are not in this report.\n\n${rows.join("\n")}${more}`;
}

function limitationsSection(limitations: Limitation[]): string | undefined {
  if (limitations.length === 0) return undefined;
  const rows = ["| Change type | Field | Missing in | Assets |", "| --- | --- | --- | ---: |"];
  for (const l of limitations.slice(0, MAX_TABLE_ROWS)) {
    const side = l.side === "both" ? "both inputs" : `the ${l.side}`;
    rows.push(
      `| \`${l.changeType}\` | ${escapeText(truncate(l.field, MAX_NAME_LENGTH))} | ${side} | ${formatCount(l.assets)} |`,
    );
  }
  const more =
    limitations.length > MAX_TABLE_ROWS
      ? `\n\n_… and ${plural(limitations.length - MAX_TABLE_ROWS, "more field")}._`
      : "";
  return `### Could not compare\n\nThe inputs do not carry these fields, so changes to them are not reported (never assumed equal).\n\n${rows.join("\n")}${more}`;
}

function skippedLocations(locations: LocationComparison[]): LocationComparison[] {
  return locations.filter(
    (l) => l.status !== "compared" && l.status !== "new" && l.status !== "removed",
  );
}

/** A `<details>` block; GitHub reads Markdown inside it only after a blank line. */
function fold(summary: string, body: string): string {
  return `<details>\n<summary>${summary}</summary>\n\n${body}\n\n</details>`;
}

/** A name (an approver, a rule) as a code span, shortened. */
function nameCode(name: string): string {
  return code(truncate(name, MAX_NAME_LENGTH));
}

/** User text outside code spans: shortened and escaped. */
function plainText(text: string): string {
  return escapeText(truncate(text, MAX_TEXT_LENGTH));
}

function shortenKey(key: string): string {
  return keepEnds(key, MAX_KEY_LENGTH);
}

/**
 * Shows line breaks as `↵` and other control characters as spaces: either would end a list item
 * or a table row. The value markers of `markdownDetails` cannot come from user data either.
 */
function visible(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0d && text.charCodeAt(i + 1) === 0x0a) continue;
    if (c === 0x0a || c === 0x0d || c === 0x2028 || c === 0x2029) out += "↵";
    else if (c < 0x20 || c === 0x7f) out += " ";
    else if (c >= 0xe000 && c <= 0xe003) out += "\uFFFD";
    else out += text[i];
  }
  return out;
}

/**
 * A code span holding any text: the fence is one backtick longer than the longest run inside,
 * and padded when the text starts or ends with a backtick or a space (which would be stripped).
 */
function code(text: string): string {
  const t = visible(text);
  if (t === "") return "_(empty)_";
  let longest = 0;
  for (const run of t.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  const fence = "`".repeat(longest + 1);
  const pad =
    t.startsWith("`") ||
    t.endsWith("`") ||
    (t.startsWith(" ") && t.endsWith(" ") && t.trim() !== "");
  return pad ? `${fence} ${t} ${fence}` : `${fence}${t}${fence}`;
}

/**
 * Text shown as it is: backslash escapes for what Markdown, GitHub's extensions ($ math, ~
 * strikethrough) and HTML would read, including `|` so it is safe in a table cell.
 */
function escapeText(text: string): string {
  return visible(text).replace(/[\\`*_[\]<>|~$&]/g, "\\$&");
}
