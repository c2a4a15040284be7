import { createHash } from "node:crypto";
import {
  type AssetChange,
  assetChangeKind,
  branchLocationsNotLoaded,
  type ChangeSet,
  type ChangeSetInput,
} from "../diff/change-set";
import { CHANGE_TYPES, type ChangeType } from "../diff/change-types";
import { SEVERITIES } from "../diff/verdicts";
import type { AssetGraph } from "../model/asset";
import { assetId, compareStrings, locationLabel } from "../model/key";
import { formatCount, nameSome, plural } from "../text";
import { type ReportContext, shortCommit } from "./context";
import { type DetailStyle, describeDetails } from "./details";
import {
  columnLines,
  graphIssueLines,
  impactByChange,
  impactLines,
  impactSummaryText,
  limitationLine,
  movedDependencyLines,
  moveLine,
  originLine,
  originSummaryText,
  partitionKeyLines,
  probableMoveLines,
} from "./findings";
import { reportClient } from "./html/client";
import { neighbourhoodGraph } from "./html/graph";
import { layeredLayout } from "./html/layout";
import {
  type ClientConfig,
  ELEMENT_IDS,
  type LineTone,
  NODE_KINDS,
  type NodeKind,
  type NodePaint,
  PAYLOAD_ID,
  type Payload,
  type PayloadAsset,
  type PayloadLine,
  type PayloadNode,
  type PayloadSection,
  VALUE_CLOSE,
  VALUE_OPEN,
} from "./html/payload";
import { REPORT_CSS } from "./html/style";
import { assetLink, type DagsterLinks, dagsterUiRoot } from "./links";
import { escapeControls, truncate } from "./values";
import {
  bySeverity,
  describeStaleApproval,
  describeVerdict,
  hasSeverity,
  severityCounts,
  shownVerdicts,
  suppressedText,
} from "./verdicts";

/** Options of {@link renderHtml}. */
export interface HtmlReportOptions {
  /** The page's heading and title (default `Asset changes`). */
  title?: string;
  /** The commit, CI run and time the report reflects, shown under the verdict. */
  context?: ReportContext;
  /** Where the Dagster UIs are, so each asset links to its page. */
  links?: DagsterLinks;
  /**
   * The graphs the change set was computed from: they give each asset's group for the group
   * filter (without them only assets whose group changed have one).
   */
  graphs?: { base: AssetGraph; branch: AssetGraph };
  /** Longest value shown in a detail line; longer ones are shortened with `…` (default 200). */
  maxValueLength?: number;
}

/**
 * Renders a change set as one self-contained HTML page, to open from a CI artifact: the verdict
 * (severity counts, new/removed/modified counts, the impact downstream, the breaking changes
 * named), the sources and the {@link ReportContext}, filters by severity, change type, code
 * location and group with a search over keys, the changed assets worst first, each expanding to
 * its verdicts, old → new values, column changes, partition keys, moves and impact, and an
 * interactive lineage view (canvas; pan, zoom, click to focus) of the changed assets and their
 * direct neighbours (see `withLineage`), laid out in layers. The probable moves, graph issues,
 * stale approvals, suppressed changes and fields that could not be compared follow.
 *
 * The page loads nothing: its CSS and script are inline, allowed by hash in a
 * `Content-Security-Policy` that forbids every fetch. The data goes in once as JSON (with `<`
 * escaped, so no key or value can end the script element) and the page inserts all text as
 * text. Pure: the time shown is the context's.
 *
 * @example
 * const changeSet = withLineage(reviewChanges(diffAssetGraphs(base, branch), { base, branch }), { base, branch });
 * await writeFile("asset-diff.html", renderHtml(changeSet, { graphs: { base, branch }, context: { commit: sha } }));
 */
export function renderHtml(changeSet: ChangeSet, options: HtmlReportOptions = {}): string {
  const maxValueLength = Math.max(
    20,
    Math.floor(options.maxValueLength ?? DEFAULT_MAX_VALUE_LENGTH) || DEFAULT_MAX_VALUE_LENGTH,
  );
  // The describers shorten most values already; a tag or metadata key they name whole is
  // shortened here, so no line runs to the length of an input's longest string.
  const style: DetailStyle = {
    value: (text) => `${VALUE_OPEN}${escapeControls(truncate(text, maxValueLength))}${VALUE_CLOSE}`,
    maxValueLength,
  };
  const title = escapeControls(truncate(options.title ?? "Asset changes", MAX_TITLE_LENGTH));
  const payload = buildPayload(changeSet, options, style);
  const json = JSON.stringify(payload).replace(/</g, "\\u003c");
  const css = `${REPORT_CSS}${paintCss()}`;
  const config: ClientConfig = {
    payloadId: PAYLOAD_ID,
    ids: ELEMENT_IDS,
    valueOpen: VALUE_OPEN,
    valueClose: VALUE_CLOSE,
    pageSize: PAGE_SIZE,
  };
  // `__name` stands in for the helper a keep-names transform (tsx, vitest) calls inside functions.
  const script = `"use strict";(() => {const __name = (f) => f;(${reportClient.toString()})(${JSON.stringify(config).replace(/</g, "\\u003c")});})();`;
  const csp = [
    "default-src 'none'",
    `style-src '${sha256(css)}'`,
    `script-src '${sha256(script)}'`,
    "img-src data:",
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");

  const body = [
    header(changeSet, title, options),
    "<main>",
    filters(changeSet, payload),
    '<div class="panes">',
    '<section class="list" aria-labelledby="list-heading">',
    '<h2 id="list-heading">Changed assets <small>(worst first)</small></h2>',
    `<noscript><p class="note">The list, its filters and the lineage view need JavaScript. ${payload.assets.length === 0 ? "" : "The JSON report has the same changes."}</p></noscript>`,
    `<ol id="${ELEMENT_IDS.list}"></ol>`,
    `<button type="button" id="${ELEMENT_IDS.more}" hidden>Show more</button>`,
    "</section>",
    lineageSection(payload),
    "</div>",
    otherFindings(changeSet, style),
    "</main>",
    `<script type="application/json" id="${PAYLOAD_ID}">${json}</script>`,
    `<script>${script}</script>`,
  ];
  return [
    "<!doctype html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${csp}">`,
    '<meta name="referrer" content="no-referrer">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="generator" content="asset-diff">',
    `<title>${html(title)}</title>`,
    `<style>${css}</style>`,
    "</head>",
    "<body>",
    ...body,
    "</body>",
    "</html>",
    "",
  ].join("\n");
}

// --- internal ---

const DEFAULT_MAX_VALUE_LENGTH = 200;
const MAX_TITLE_LENGTH = 200;
/** Assets listed at first and per "Show more": the page never builds 20,000 rows at once. */
const PAGE_SIZE = 200;
/** Most breaking assets named in the verdict. */
const MAX_NAMED_BREAKING = 8;
/** Most impacted assets named under one change. */
const MAX_IMPACTED_PER_CHANGE = 20;
/** Most entries of each closing section (moves, graph issues, …). */
const MAX_SECTION_LINES = 200;

/** How each kind of node is drawn: the Markdown lineage's colours, marks and legend words. */
const NODE_PAINTS: Record<NodeKind, NodePaint> = {
  new: {
    fill: "#dafbe1",
    stroke: "#1a7f37",
    text: "#1f2328",
    dashed: false,
    mark: "+ ",
    label: "new",
  },
  removed: {
    fill: "#ffebe9",
    stroke: "#cf222e",
    text: "#1f2328",
    dashed: true,
    mark: "− ",
    label: "removed (dashed)",
  },
  moved: {
    fill: "#ddf4ff",
    stroke: "#0969da",
    text: "#1f2328",
    dashed: false,
    mark: "→ ",
    label: "moved",
  },
  modified: {
    fill: "#fff8c5",
    stroke: "#9a6700",
    text: "#1f2328",
    dashed: false,
    mark: "~ ",
    label: "modified",
  },
  neighbour: {
    fill: "#f6f8fa",
    stroke: "#8c959f",
    text: "#59636e",
    dashed: false,
    mark: "",
    label: "unchanged neighbour",
  },
  impacted: {
    fill: "#f6f8fa",
    stroke: "#bc4c00",
    text: "#1f2328",
    dashed: true,
    mark: "! ",
    label: "impacted downstream (orange dashed border)",
  },
};

/** The stripe on a changed node's left edge, by its severity. */
const SEVERITY_COLOURS: Record<(typeof SEVERITIES)[number], string> = {
  breaking: "#cf222e",
  risky: "#bf8700",
  safe: "#8c959f",
};

function sha256(text: string): string {
  return `sha256-${createHash("sha256").update(text, "utf8").digest("base64")}`;
}

/** Text for HTML content or a quoted attribute: `&`, `<`, `>` and quotes as entities. */
function html(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ENTITIES[c] as string);
}

const HTML_ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** A line of the marked style as HTML: its values as code, everything escaped. */
function lineHtml(line: string): string {
  let out = "";
  for (const [i, part] of line.split(VALUE_OPEN).entries()) {
    if (i === 0) {
      out += html(escapeControls(part));
      continue;
    }
    const end = part.indexOf(VALUE_CLOSE);
    const value = end < 0 ? part : part.slice(0, end);
    out += `<code>${html(escapeControls(value))}</code>`;
    if (end >= 0) out += html(escapeControls(part.slice(end + 1)));
  }
  return out;
}

/** A line for the page: its parts outside the marks freed of control characters too. */
function cleanLine(line: string): string {
  return line
    .split(VALUE_OPEN)
    .map((part, i) => {
      if (i === 0) return escapeControls(part);
      const end = part.indexOf(VALUE_CLOSE);
      if (end < 0) return `${escapeControls(part)}${VALUE_CLOSE}`;
      return `${escapeControls(part.slice(0, end))}${VALUE_CLOSE}${escapeControls(part.slice(end + 1))}`;
    })
    .join(VALUE_OPEN);
}

/** An `http(s)` URL without credentials, for an `href`; undefined for anything else. */
function safeUrl(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return undefined;
    parsed.username = "";
    parsed.password = "";
    return parsed.href;
  } catch {
    return undefined;
  }
}

function link(text: string, url: string | undefined): string {
  const href = safeUrl(url);
  return href === undefined
    ? html(text)
    : `<a href="${html(href)}" rel="noopener noreferrer">${html(text)}</a>`;
}

function paintCss(): string {
  return Object.entries(NODE_PAINTS)
    .map(
      ([kind, p]) => `.swatch.kind-${kind} { background: ${p.fill}; border-color: ${p.stroke}; }\n`,
    )
    .join("");
}

function groupsOf(graphs: HtmlReportOptions["graphs"]): {
  base: Map<string, string | null>;
  branch: Map<string, string | null>;
} {
  const index = (graph: AssetGraph | undefined) =>
    new Map((graph?.assets ?? []).map((a) => [assetId(a), a.group ?? null] as const));
  return { base: index(graphs?.base), branch: index(graphs?.branch) };
}

function groupOf(asset: AssetChange, groups: ReturnType<typeof groupsOf>): string | null {
  const removed = assetChangeKind(asset) === "removed";
  const id = assetId({
    key: asset.path,
    codeLocation: asset.codeLocation,
    repository: asset.repository,
  });
  const known = (removed ? groups.base : groups.branch).get(id);
  if (known !== undefined) return known === null ? null : escapeControls(known);
  const changed = removed ? asset.details.group?.old : asset.details.group?.new;
  return changed === undefined || changed === null ? null : escapeControls(changed);
}

function buildPayload(
  changeSet: ChangeSet,
  options: HtmlReportOptions,
  style: DetailStyle,
): Payload {
  const lineage = changeSet.assets.some((a) => a.lineage !== undefined);
  const graph = neighbourhoodGraph(changeSet);
  const nodeOfKey = new Map(graph.nodes.map((n, i) => [n.key, i]));
  const edges = graph.edges;
  const layout = layeredLayout(graph.nodes.length, edges);
  const impactNotes = new Map<string, string>();
  for (const entry of changeSet.impacted ?? [])
    if (!impactNotes.has(entry.key)) impactNotes.set(entry.key, escapeControls(entry.message));
  const nodes: PayloadNode[] = graph.nodes.map((n, i) => {
    const node: PayloadNode = {
      key: escapeControls(n.key),
      kind: n.kind,
      layer: layout.layer[i] as number,
      row: layout.row[i] as number,
      assets: [],
    };
    const note =
      n.kind === "impacted" || n.kind === "neighbour" ? impactNotes.get(n.key) : undefined;
    if (note !== undefined) node.note = note;
    return node;
  });

  const groups = groupsOf(options.graphs);
  const impact = impactByChange(changeSet);
  const links = resolvedLinks(options.links);
  const assets = bySeverity(changeSet.assets).map((asset, index): PayloadAsset => {
    const node = nodeOfKey.get(asset.key) ?? -1;
    if (node >= 0) nodes[node]?.assets.push(index);
    return {
      key: escapeControls(asset.key),
      location: locationText(asset),
      group: groupOf(asset, groups),
      kind: assetChangeKind(asset),
      severity: asset.severity ?? null,
      changeTypes: [...asset.changeTypes, ...(asset.extraChangeTypes ?? [])],
      link: safeUrl(assetLink(links, asset)) ?? null,
      sections: sectionsOf(asset, impact.get(asset.key) ?? [], style),
      node,
    };
  });
  return {
    lineage,
    assets,
    nodes,
    edges,
    layerSizes: layout.layerSizes,
    locations: distinct(assets.map((a) => a.location)),
    groups: distinct(assets.map((a) => a.group)),
    paints: NODE_PAINTS,
    severityColours: SEVERITY_COLOURS,
  };
}

function resolvedLinks(links: DagsterLinks | undefined): DagsterLinks | undefined {
  if (links === undefined) return undefined;
  const base = links.base === undefined ? undefined : dagsterUiRoot(links.base);
  const branch = links.branch === undefined ? undefined : dagsterUiRoot(links.branch);
  return {
    ...(base === undefined ? {} : { base }),
    ...(branch === undefined ? {} : { branch }),
  };
}

function locationText(asset: AssetChange): string | null {
  const label = locationLabel(asset);
  return label === null ? null : escapeControls(label);
}

function sectionsOf(
  asset: AssetChange,
  impacted: Parameters<typeof impactLines>[0],
  style: DetailStyle,
): PayloadSection[] {
  const sections: PayloadSection[] = [];
  const add = (title: string, lines: PayloadLine[]) => {
    if (lines.length > 0) sections.push({ title, lines });
  };
  const plain = (lines: readonly string[], tone: LineTone = "plain") =>
    lines.map((text) => ({ text: cleanLine(text), tone }));
  const origin = originLine(asset, style);
  add("Verdicts", [
    ...(origin === undefined ? [] : plain([origin])),
    ...shownVerdicts(asset).map((v) => ({
      text: cleanLine(describeVerdict(v, style.value, escapeControls)),
      tone: v.approved === undefined ? v.severity : ("approved" as const),
    })),
  ]);
  add("Changes (old → new)", plain(describeDetails(asset.details, style)));
  const columns = asset.columns ?? [];
  add(
    "Columns",
    columnLines(columns, style).map((text, i) => ({
      text: cleanLine(text),
      tone: columns[i]?.severity ?? "plain",
    })),
  );
  if (asset.partitionKeys !== undefined)
    add("Partition keys", plain(partitionKeyLines(asset.partitionKeys, style)));
  const move = moveLine(asset, style);
  add(
    "Moves",
    plain([...(move === undefined ? [] : [move]), ...movedDependencyLines(asset, style)]),
  );
  add("Impact downstream", plain(impactLines(impacted, style, MAX_IMPACTED_PER_CHANGE)));
  return sections;
}

function describeInput(input: ChangeSetInput): string {
  const name = input.source?.name ?? input.source?.format ?? "graph";
  return `${name} (${plural(input.assets, "asset")})`;
}

function header(changeSet: ChangeSet, title: string, options: HtmlReportOptions): string {
  const { assets: counts } = changeSet.summary;
  const changed = counts.new + counts.removed + counts.modified + (counts.moved ?? 0);
  const out = ["<header>", `<h1>${html(title)}</h1>`];
  if (changed === 0)
    out.push(`<p class="verdict">No changes (${formatCount(counts.unchanged)} unchanged).</p>`);
  else if (hasSeverity(changeSet)) {
    const severity = changeSet.summary.severity ?? severityCounts(changeSet.assets);
    const parts = SEVERITIES.map(
      (s) => `<span class="sev-${s}">${formatCount(severity[s])} ${s}</span>`,
    );
    out.push(`<p class="verdict" id="verdict">${parts.join(" · ")}</p>`);
  } else {
    out.push(`<p class="verdict" id="verdict">${plural(changed, "changed asset")}</p>`);
  }
  const kinds = [
    `${formatCount(counts.new)} new`,
    `${formatCount(counts.removed)} removed`,
    ...(counts.moved ? [`${formatCount(counts.moved)} moved`] : []),
    `${formatCount(counts.modified)} modified`,
    `${formatCount(counts.unchanged)} unchanged`,
  ];
  const impact = impactSummaryText(changeSet);
  if (impact !== undefined) kinds.push(impact);
  out.push(`<p class="counts">${html(kinds.join(" · "))}</p>`);
  const origins = originSummaryText(changeSet);
  if (origins !== undefined) out.push(`<p class="counts">${html(origins)}</p>`);
  const breaking = changeSet.assets.filter((a) => a.severity === "breaking");
  if (breaking.length > 0) {
    const names = breaking.map((a) => `<code>${html(escapeControls(truncate(a.key, 120)))}</code>`);
    out.push(
      `<p class="breaking-list"><strong>Breaking:</strong> ${nameSome(names, MAX_NAMED_BREAKING)}</p>`,
    );
  }
  const unloaded = branchLocationsNotLoaded(changeSet);
  if (unloaded.length > 0) {
    out.push(
      `<p class="warning" role="alert">${html(`${plural(unloaded.length, "code location")} of the branch did not load: ${unloaded.length === 1 ? "its" : "their"} assets were not compared.`)}</p>`,
    );
  }
  const context = options.context ?? {};
  const rows: [string, string][] = [
    ["Base", html(escapeControls(describeInput(changeSet.base)))],
    ["Branch", html(escapeControls(describeInput(changeSet.branch)))],
  ];
  if (changeSet.mergeBase !== undefined)
    rows.push(["Merge base", html(escapeControls(describeInput(changeSet.mergeBase)))]);
  if (context.commit !== undefined)
    rows.push([
      "Commit",
      link(escapeControls(truncate(shortCommit(context.commit), 64)), context.commitUrl),
    ]);
  if (context.runUrl !== undefined && safeUrl(context.runUrl) !== undefined)
    rows.push(["CI run", link(escapeControls(truncate(context.runUrl, 200)), context.runUrl)]);
  if (context.generatedAt !== undefined)
    rows.push([
      "Generated",
      `<time>${html(escapeControls(truncate(context.generatedAt, 64)))}</time>`,
    ]);
  out.push(
    '<dl class="sources">',
    ...rows.map(([term, value]) => `<dt>${term}</dt><dd>${value}</dd>`),
    "</dl>",
    "</header>",
  );
  return out.join("\n");
}

function filters(changeSet: ChangeSet, payload: Payload): string {
  const assets = payload.assets;
  const reviewed = hasSeverity(changeSet);
  const severities = new Map<string, number>();
  for (const s of [...SEVERITIES, "none"]) severities.set(s, 0);
  for (const a of assets) {
    const s = a.severity ?? "none";
    severities.set(s, (severities.get(s) ?? 0) + 1);
  }
  const boxes = [...severities]
    // A change set no policy reviewed has no severities to offer, only "unrated".
    .filter(([s, n]) => n > 0 || (s !== "none" && reviewed))
    .map(
      ([s, n]) =>
        `<label><input type="checkbox" name="severity" value="${s}" checked> ${s === "none" ? "unrated" : s} (${formatCount(n)})</label>`,
    );
  const types = new Map<ChangeType, number>();
  for (const a of changeSet.assets)
    for (const t of [...a.changeTypes, ...(a.extraChangeTypes ?? [])])
      types.set(t, (types.get(t) ?? 0) + 1);
  const typeOptions = CHANGE_TYPES.filter((t) => types.has(t)).map(
    (t) => `<option value="${t}">${t} (${formatCount(types.get(t) ?? 0)})</option>`,
  );
  const select = (
    id: string,
    label: string,
    values: (string | null)[],
    of: (a: PayloadAsset) => string | null,
  ) => {
    const tally = new Map<string | null, number>();
    for (const a of assets) tally.set(of(a), (tally.get(of(a)) ?? 0) + 1);
    const known = values.some((v) => v !== null);
    const options = values.map(
      (v, i) =>
        `<option value="${i}">${html(v === null ? "(none)" : truncate(v, 80))} (${formatCount(tally.get(v) ?? 0)})</option>`,
    );
    return `<label class="field" for="${id}">${label}<select id="${id}"${known ? "" : " disabled"}><option value="">${known ? "All" : "(not known)"}</option>${options.join("")}</select></label>`;
  };
  return [
    '<section class="filters" aria-label="Filters">',
    `<fieldset id="${ELEMENT_IDS.severity}"><legend>Severity</legend>${boxes.join("")}</fieldset>`,
    `<label class="field" for="${ELEMENT_IDS.changeType}">Change type<select id="${ELEMENT_IDS.changeType}"><option value="">All</option>${typeOptions.join("")}</select></label>`,
    select(ELEMENT_IDS.location, "Code location", payload.locations, (a) => a.location),
    select(ELEMENT_IDS.group, "Group", payload.groups, (a) => a.group),
    `<label class="field" for="${ELEMENT_IDS.search}">Search keys<input type="search" id="${ELEMENT_IDS.search}" placeholder="e.g. marts/finance" autocomplete="off" spellcheck="false"></label>`,
    `<button type="button" id="${ELEMENT_IDS.reset}">Reset filters</button>`,
    `<p id="${ELEMENT_IDS.count}" role="status" aria-live="polite"></p>`,
    "</section>",
  ].join("\n");
}

/** The distinct values of a field, sorted, `null` last: the options of its filter. */
function distinct(values: Iterable<string | null>): (string | null)[] {
  const set = new Set(values);
  const named = [...set].filter((v): v is string => v !== null).sort(compareStrings);
  return set.has(null) ? [...named, null] : named;
}

function lineageSection(payload: Payload): string {
  const kinds = new Set(payload.nodes.map((n) => n.kind));
  const legend = NODE_KINDS.filter((kind) => kinds.has(kind))
    .map((kind) => [kind, NODE_PAINTS[kind]] as const)
    .map(
      ([kind, p]) =>
        `<li><span class="swatch kind-${kind}${p.dashed ? " dashed" : ""}" aria-hidden="true"></span>${html(`${p.mark}${p.label}`)}</li>`,
    );
  legend.push(
    "<li>thick green link: dependency added</li>",
    "<li>dashed red link: dependency removed</li>",
  );
  if (payload.edges.some((e) => e.kind === "renamed"))
    legend.push("<li>dashed blue link: probable rename</li>");
  const note = payload.lineage
    ? `${plural(payload.nodes.length, "asset")} (the changed ones and their direct neighbours), ${plural(payload.edges.length, "link")}. Drag to pan, scroll or use the buttons to zoom, click an asset to focus it; the filters dim what they leave out.`
    : "Lineage was not computed for this change set (see withLineage): the view shows the changed assets and only the dependencies their changes name.";
  return [
    '<section class="lineage" aria-labelledby="lineage-heading">',
    '<h2 id="lineage-heading">Lineage</h2>',
    `<p class="note">${html(note)}</p>`,
    '<div class="toolbar" role="toolbar" aria-label="Lineage view">',
    `<button type="button" id="${ELEMENT_IDS.zoomIn}" aria-label="Zoom in">+</button>`,
    `<button type="button" id="${ELEMENT_IDS.zoomOut}" aria-label="Zoom out">−</button>`,
    `<button type="button" id="${ELEMENT_IDS.fit}">Fit</button>`,
    `<button type="button" id="${ELEMENT_IDS.clear}">Clear focus</button>`,
    "</div>",
    `<canvas id="${ELEMENT_IDS.canvas}" tabindex="0" role="img" aria-label="Lineage of the changed assets: arrow keys pan, + and − zoom, 0 fits, Escape clears the focus"></canvas>`,
    `<ul class="legend">${legend.join("")}</ul>`,
    `<div id="${ELEMENT_IDS.focus}" aria-live="polite"></div>`,
    "</section>",
  ].join("\n");
}

function otherFindings(changeSet: ChangeSet, style: DetailStyle): string {
  const sections: string[] = [];
  const add = (title: string, lines: string[], total = lines.length) => {
    if (lines.length === 0) return;
    const shown = lines.slice(0, MAX_SECTION_LINES);
    const more =
      total > shown.length ? `<li>… and ${formatCount(total - shown.length)} more</li>` : "";
    sections.push(
      `<section class="findings"><h2>${html(title)} (${formatCount(total)})</h2><ul>${shown.map((l) => `<li>${lineHtml(l)}</li>`).join("")}${more}</ul></section>`,
    );
  };
  const skipped = changeSet.locations.filter(
    (l) => l.status !== "compared" && l.status !== "new" && l.status !== "removed",
  );
  add(
    "Code locations not compared",
    skipped.map((l) => `${style.value(l.codeLocation ?? "(unknown)")}: ${l.message ?? l.status}`),
  );
  const moves = changeSet.probableMoves ?? [];
  add(
    "Probable moves",
    moves.slice(0, MAX_SECTION_LINES).flatMap((m) => probableMoveLines(m, style)),
    moves.length,
  );
  const issues = changeSet.graphIssues ?? [];
  add("Graph issues", graphIssueLines(issues, style, MAX_SECTION_LINES));
  const stale = changeSet.staleApprovals ?? [];
  add(
    "Stale approvals",
    stale.slice(0, MAX_SECTION_LINES).map((s) => describeStaleApproval(s, style.value)),
    stale.length,
  );
  if (changeSet.summary.suppressed > 0)
    sections.push(
      `<p class="note">${html(suppressedText(changeSet.summary.suppressed))} (the JSON report lists them).</p>`,
    );
  add(
    "Could not compare (the inputs do not carry these fields)",
    changeSet.limitations.map(limitationLine),
  );
  return sections.join("\n");
}
