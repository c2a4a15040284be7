import {
  type AssetChange,
  type AssetChangeKind,
  assetChangeKind,
  type ChangeSet,
} from "../diff/change-set";
import type { ImpactSeverity, Severity } from "../diff/verdicts";
import { compareStrings, locationLabel } from "../model/key";
import { formatCount, isControl, plural } from "../text";
import type { DetailStyle } from "./details";
import { moveLine } from "./findings";
import { assetLink, assetPageUrl, type DagsterLinks } from "./links";
import { keepEnd } from "./values";

/** The directions the lineage picture can flow in: top to bottom, or left to right. */
const LINEAGE_DIRECTIONS = ["TB", "LR"] as const;

/** See {@link LINEAGE_DIRECTIONS}. */
export type LineageDirection = (typeof LINEAGE_DIRECTIONS)[number];

/** Options of {@link renderLineageMermaid} and {@link lineageGraph}. */
export interface LineageOptions {
  /**
   * Most assets drawn (default 20, what reads at GitHub's 780 px comment column). They are chosen
   * by connectivity: the changed assets with the most impact first, then those linked to them,
   * so that the picture is a few connected neighbourhoods rather than a list of boxes.
   */
  maxNodes?: number;
  /** Most links drawn (default 120; Mermaid refuses more than 500). */
  maxEdges?: number;
  /** Longest node label, in characters; longer labels keep their end (default 40). */
  maxLabelLength?: number;
  /**
   * Whether unchanged assets are drawn (default true): those that link two drawn changed
   * assets, impacted direct neighbours, and those at the other end of an added or removed
   * dependency.
   */
  neighbours?: boolean;
  /**
   * Widest picture, in px at Mermaid's 16 px text (default 1,088: what GitHub's 780 px comment
   * column shows with text of at least 11 px); the last chosen assets are left out until the
   * estimated layout fits.
   */
  maxWidth?: number;
  /** Where the Dagster UIs are: each node then links to its asset's page. */
  links?: DagsterLinks;
  /**
   * Which way the picture flows (default: whichever is narrower for the drawn graph, estimated
   * from its layers and labels; top to bottom when both fit).
   */
  direction?: LineageDirection;
}

/**
 * How an asset in the lineage picture changed; `neighbour` is an unchanged asset and `impacted`
 * one the change set lists as impacted breaking- or risky-downstream.
 */
type LineageNodeKind = Exclude<AssetChangeKind, "unchanged"> | "neighbour" | "impacted";

/**
 * How a link in the lineage picture changed: a dependency `added`, `removed`, or `kept`; or
 * `renamed`, from a removed asset to the new one it is probably renamed to (not a dependency).
 */
type LineageEdgeKind = "added" | "removed" | "kept" | "renamed";

/** One asset of the lineage picture, with its generated Mermaid id. */
interface LineageNode {
  /** A generated, Mermaid-safe id: `n0`, `n1`, … in key order. */
  id: string;
  /** The key, `/`-joined. */
  key: string;
  kind: LineageNodeKind;
  /** What the node shows: the key's last part, or its shortest suffix no other drawn node has. */
  label: string;
  /** The subgraph it is drawn in: its code location, when the picture draws several. */
  group?: string;
  /** Its page in the Dagster UI, when the options carry `links`. */
  url?: string;
  /** For a moved asset: where it was before, as a line of text (e.g. `moved from raw/orders`). */
  movedFrom?: string;
}

/** One link of the lineage picture, from upstream to downstream (node ids). */
interface LineageEdge {
  from: string;
  to: string;
  kind: LineageEdgeKind;
}

/**
 * The capped lineage picture: what is drawn and how much was left out. When no two changed
 * assets are linked (directly or through one unchanged asset) there is nothing worth drawing:
 * `nodes` and `edges` are empty, and a report says so in one line (see {@link unrelatedLine}).
 */
export interface LineageGraph {
  /** Sorted by key. */
  nodes: LineageNode[];
  /** Sorted by upstream, then downstream node. */
  edges: LineageEdge[];
  /** Changed assets in the change set (distinct keys). */
  changed: number;
  /** Changed assets (distinct keys) not drawn. */
  omittedChanged: number;
  /** Unchanged direct neighbours of the drawn changed assets that are not drawn. */
  omittedNeighbours: number;
  /** Links between drawn assets left out by `maxEdges`. */
  omittedEdges: number;
}

/**
 * The colours of the lineage picture, per kind of node: a fill, a border and a text colour that
 * read on GitHub's light and dark themes (the fill is always light, the text always dark).
 *
 * @example
 * LINEAGE_STYLES.new; // "fill:#dafbe1,stroke:#1a7f37,stroke-width:2px,color:#1f2328"
 */
const LINEAGE_STYLES: Readonly<Record<LineageNodeKind | "note" | "group", string>> = {
  new: "fill:#dafbe1,stroke:#1a7f37,stroke-width:2px,color:#1f2328",
  removed: "fill:#ffebe9,stroke:#cf222e,stroke-width:2px,stroke-dasharray:5 3,color:#1f2328",
  modified: "fill:#fff8c5,stroke:#9a6700,stroke-width:2px,color:#1f2328",
  moved: "fill:#ddf4ff,stroke:#0969da,stroke-width:2px,color:#1f2328",
  neighbour: "fill:#f6f8fa,stroke:#8c959f,color:#59636e",
  impacted: "fill:#f6f8fa,stroke:#bc4c00,stroke-width:2px,stroke-dasharray:3 3,color:#1f2328",
  note: "fill:#ffffff,stroke:#d1d9e0,stroke-dasharray:2 2,color:#59636e",
  group: "fill:#ffffff,stroke:#d1d9e0,color:#59636e",
};

/**
 * Selects the lineage picture of a change set from its changed assets and their direct
 * neighbours (`lineage`, see `withLineage`): the changed assets are scored by impact (the
 * impacted assets they reach, their own severity, how many changed assets and connecting
 * unchanged assets they link to); the best one seeds a neighbourhood that grows by the changed
 * asset whose score plus links into it is highest, then the next best seeds another, up to
 * `maxNodes`; then the last chosen are left out until the estimated layout fits `maxWidth`.
 * Unchanged assets are drawn when they link two drawn changed ones, are impacted, or are the
 * other end of an added or removed dependency (a lone changed asset gets all its direct
 * neighbours). When no two changed assets are linked there is no picture: no nodes, no edges.
 * Assets are identified by key, as Dagster's lineage links them. Deterministic (ties by key)
 * and linear in the change set size, plus sorting.
 *
 * @example
 * const graph = lineageGraph(withLineage(diffAssetGraphs(base, branch), { base, branch }));
 * graph.nodes[0]; // { id: "n0", key: "intermediate/int_sessions", kind: "modified", label: "int_sessions" }
 */
export function lineageGraph(changeSet: ChangeSet, options: LineageOptions = {}): LineageGraph {
  // A cap that is not a number is no cap given: the default.
  const cap = options.maxNodes ?? DEFAULT_MAX_NODES;
  const maxNodes = Math.max(1, Math.floor(Number.isNaN(cap) ? DEFAULT_MAX_NODES : cap));
  const maxEdges = Math.max(0, Math.floor(options.maxEdges ?? DEFAULT_MAX_EDGES));
  const withNeighbours = options.neighbours !== false;

  const changed = changedByKey(changeSet);
  const links = linksOf(changed, changeSet);
  // Every key's linked keys, either way; an unchanged key is a connector when it links two
  // changed ones.
  const around = new Map<string, Set<string>>();
  const link = (a: string, b: string) => {
    const set = around.get(a);
    if (set === undefined) around.set(a, new Set([b]));
    else set.add(b);
  };
  for (const { from, to } of links.values()) {
    if (from === to) continue;
    link(from, to);
    link(to, from);
  }
  const changedCounts = new Map<string, number>();
  for (const [key, others] of around) {
    let count = 0;
    for (const other of others) if (changed.has(other)) count++;
    changedCounts.set(key, count);
  }
  const changedAround = (key: string) => changedCounts.get(key) ?? 0;
  const isConnector = (key: string) =>
    withNeighbours && !changed.has(key) && changedAround(key) >= 2;
  const related = (key: string): string[] => {
    const out: string[] = [];
    for (const other of around.get(key) ?? [])
      if (changed.has(other) || (changed.has(key) && isConnector(other))) out.push(other);
    return out;
  };

  const impact = impactScores(changeSet);
  const score = new Map<string, number>();
  const seeds: string[] = [];
  for (const [key, entry] of changed) {
    const near = related(key);
    if (near.length === 0) continue;
    const linked = near.filter((k) => changed.has(k)).length;
    score.set(
      key,
      (impact.get(key) ?? 0) +
        SEVERITY_SCORE[entry.severity] +
        CHANGED_LINK_SCORE * linked +
        (near.length - linked),
    );
    seeds.push(key);
  }
  // A lone changed asset is drawn with its direct neighbours: there is nothing to relate it to,
  // and what it reads and feeds is what a reviewer checks.
  const [lone] = changed.size === 1 ? changed.keys() : [];
  const single =
    lone !== undefined &&
    ((withNeighbours && (around.get(lone)?.size ?? 0) > 0) || links.has(linkId(lone, lone)));
  if (seeds.length === 0 && !single) return unrelated(changed.size);
  const scoreOf = (key: string) => score.get(key) ?? changedAround(key);
  seeds.sort((a, b) => scoreOf(b) - scoreOf(a) || compareStrings(a, b));

  // Grow from the best seed by the assets with the most links into what is drawn; a lazy heap
  // keeps each pick logarithmic (stale entries are skipped when popped).
  const chosen = new Set<string>();
  const into = new Map<string, number>();
  const frontier = new Heap<Candidate>(betterCandidate);
  const choose = (key: string) => {
    chosen.add(key);
    into.delete(key);
    for (const other of related(key)) {
      if (chosen.has(other)) continue;
      const count = (into.get(other) ?? 0) + 1;
      into.set(other, count);
      frontier.push({
        key: other,
        links: count,
        changed: changed.has(other),
        score: scoreOf(other),
      });
    }
  };
  let nextSeed = 0;
  while (chosen.size < maxNodes) {
    let next: string | undefined;
    for (let top = frontier.pop(); top !== undefined; top = frontier.pop()) {
      if (!chosen.has(top.key) && into.get(top.key) === top.links) {
        next = top.key;
        break;
      }
    }
    if (next === undefined) {
      while (nextSeed < seeds.length && chosen.has(seeds[nextSeed] as string)) nextSeed++;
      if (nextSeed === seeds.length) break;
      next = seeds[nextSeed] as string;
    }
    choose(next);
  }
  if (single) chosen.add(lone);
  else pruneLoose(chosen, changed, around, new Set());

  const impactedKeys = impactedNeighbourKeys(changeSet);
  const extra = new Map<string, number>();
  for (const key of chosen) {
    if (!changed.has(key) || !withNeighbours) continue;
    for (const other of around.get(key) ?? []) {
      if (changed.has(other) || chosen.has(other)) continue;
      const kind = links.get(linkId(other, key))?.kind ?? links.get(linkId(key, other))?.kind;
      const rank = impactedKeys.has(other)
        ? 0
        : kind === "added" || kind === "removed"
          ? 1
          : single
            ? 2
            : -1;
      if (rank >= 0) extra.set(other, Math.min(extra.get(other) ?? rank, rank));
    }
  }
  const extras = [...extra]
    .sort(([a, m], [b, n]) => m - n || compareStrings(a, b))
    .slice(0, Math.max(0, maxNodes - chosen.size));
  for (const [key] of extras) chosen.add(key);
  const anchored = new Set(extras.map(([key]) => key));

  // Too wide a picture shrinks below legible text: keep the longest prefix of the chosen
  // assets (in the order they were chosen) that fits, found by bisection.
  const maxWidth = options.maxWidth ?? DEFAULT_MAX_WIDTH;
  const order = [...chosen];
  const attempt = (count: number) => {
    const kept = new Set(order.slice(0, count));
    if (count < order.length) pruneLoose(kept, changed, around, anchored);
    const graph = drawnGraph(kept, changed, links, around, impactedKeys, options.links);
    return { kept, graph, fits: estimatedWidth(graph.nodes, graph.edges) <= maxWidth };
  };
  let best = attempt(order.length);
  if (!best.fits && order.length > 2) {
    let low = 2;
    let high = order.length - 1;
    best = attempt(low);
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      const tried = attempt(middle);
      if (tried.fits) {
        best = tried;
        low = middle;
      } else high = middle - 1;
    }
  }
  chosen.clear();
  for (const key of best.kept) chosen.add(key);
  const drawn = best.graph;
  const { nodes, edges } = drawn;
  const seenNeighbours = new Set<string>();
  for (const key of chosen)
    if (changed.has(key))
      for (const other of around.get(key) ?? [])
        if (!changed.has(other) && !chosen.has(other)) seenNeighbours.add(other);
  let drawnChanged = 0;
  for (const key of chosen) if (changed.has(key)) drawnChanged++;
  return {
    nodes,
    edges: edges.slice(0, maxEdges),
    changed: changed.size,
    omittedChanged: changed.size - drawnChanged,
    omittedNeighbours: seenNeighbours.size,
    omittedEdges: Math.max(0, edges.length - maxEdges),
  };
}

/**
 * Renders the lineage of a change set as a Mermaid flowchart (see {@link lineageGraph} for what
 * is drawn): short labels (the key's last part) coloured by kind (new green, removed red and
 * dashed, moved blue with where it was, modified amber, unchanged grey, impacted with an orange
 * dashed border), the full key as each node's tooltip (and a link to its Dagster page with
 * `links`), subgraphs per code location when there are several, added dependencies as thick
 * links and removed ones dotted, a probable rename as a dotted link labelled so. Ids are
 * generated (`n0`, `n1`, …) and text escaped, so any key is safe; the output is deterministic.
 * Put it in a ```` ```mermaid ```` block.
 *
 * @example
 * const text = renderLineageMermaid(withLineage(diffAssetGraphs(base, branch), { base, branch }));
 * // ---
 * // title: "… 16 more changed assets not drawn"
 * // ---
 * // flowchart LR
 * //   accTitle: Lineage of the changed assets
 * //   n0["~ int_sessions"]
 * //   …
 * //   click n0 focus "intermediate/int_sessions"
 */
export function renderLineageMermaid(changeSet: ChangeSet, options: LineageOptions = {}): string {
  return mermaidOfGraph(lineageGraph(changeSet, options), options);
}

/**
 * Renders an already selected {@link LineageGraph} as Mermaid (what {@link renderLineageMermaid}
 * does after selecting it). A graph without links is drawn as one note saying so.
 *
 * @example
 * const graph = lineageGraph(changeSet, { maxNodes: 20 });
 * if (graph.edges.length > 0) body += mermaidOfGraph(graph);
 */
export function mermaidOfGraph(graph: LineageGraph, options: LineageOptions = {}): string {
  const maxLabel = Math.max(8, Math.floor(options.maxLabelLength ?? DEFAULT_MAX_LABEL));
  const direction = options.direction ?? narrowerDirection(graph, maxLabel);
  const note = graph.edges.length === 0 ? unrelatedLine(graph) : omittedNote(graph);
  // What was left out is the diagram's title, above it, where a node would widen the picture.
  const title =
    note === undefined || graph.edges.length === 0 ? [] : ["---", `title: "${note}"`, "---"];
  const out = [...title, `flowchart ${direction}`, "  accTitle: Lineage of the changed assets"];
  const nodeLine = (node: LineageNode, indent: string) => {
    const label = mermaidLabel(`${MARKS[node.kind]}${keepEnd(node.label, maxLabel)}`);
    const from =
      node.movedFrom === undefined ? "" : `<br>${mermaidLabel(keepEnd(node.movedFrom, maxLabel))}`;
    return `${indent}${node.id}["${label}${from}"]`;
  };
  const groups = new Map<string, LineageNode[]>();
  for (const node of graph.nodes) {
    if (node.group === undefined) continue;
    const members = groups.get(node.group);
    if (members === undefined) groups.set(node.group, [node]);
    else members.push(node);
  }
  const groupIds = [...groups.keys()].sort(compareStrings).map((group, i) => {
    out.push(`  subgraph g${i}["${mermaidLabel(group)}"]`);
    for (const node of groups.get(group) as LineageNode[]) out.push(nodeLine(node, "    "));
    out.push("  end");
    return `g${i}`;
  });
  for (const node of graph.nodes) if (node.group === undefined) out.push(nodeLine(node, "  "));
  for (const edge of graph.edges) out.push(`  ${edge.from} ${ARROWS[edge.kind]} ${edge.to}`);
  const drawNote = note !== undefined && graph.edges.length === 0;
  // An empty change set keeps the picture it always had.
  const noteId = graph.changed === 0 ? "empty" : "note";
  if (drawNote)
    out.push(`  ${noteId}["${mermaidLabel(graph.changed === 0 ? "No changed assets" : note)}"]`);
  for (const node of graph.nodes) {
    const tooltip = mermaidLabel(
      keepEnd(
        node.movedFrom === undefined ? node.key : `${node.key} (${node.movedFrom})`,
        MAX_TOOLTIP_LENGTH,
      ),
    );
    // Without a page to link to, the tooltip needs a click callback: `focus` (window.focus) is
    // harmless where Mermaid binds callbacks (security level `loose`) and ignored elsewhere.
    out.push(
      node.url === undefined
        ? `  click ${node.id} focus "${tooltip}"`
        : `  click ${node.id} href "${node.url}" "${tooltip}"`,
    );
  }
  // The kinds a change set without moves or impact never has are defined only when drawn, so
  // such a picture stays as it was.
  const drawn = new Set<string>(graph.nodes.map((n) => n.kind));
  if (groupIds.length > 0) drawn.add("group");
  if (drawNote) drawn.add("note");
  for (const [kind, style] of Object.entries(LINEAGE_STYLES)) {
    if (OCCASIONAL_KINDS.has(kind) && !drawn.has(kind)) continue;
    out.push(`  classDef ${kind} ${style}`);
  }
  for (const kind of NODE_KINDS) {
    const ids = graph.nodes.filter((n) => n.kind === kind).map((n) => n.id);
    if (ids.length > 0) out.push(`  class ${ids.join(",")} ${kind}`);
  }
  if (groupIds.length > 0) out.push(`  class ${groupIds.join(",")} group`);
  if (drawNote) out.push(`  class ${noteId} note`);
  return `${out.join("\n")}\n`;
}

/**
 * The line a report shows instead of the picture when {@link lineageGraph} found no two changed
 * assets linked (its `edges` are empty); `undefined` when there is a picture.
 *
 * @example
 * unrelatedLine(lineageGraph(changeSet)); // "The 12 changed assets do not depend on one another."
 */
export function unrelatedLine(graph: LineageGraph): string | undefined {
  if (graph.edges.length > 0) return undefined;
  if (graph.changed === 0) return "No changed assets.";
  if (graph.changed === 1) return "The changed asset has no changed asset upstream or downstream.";
  return `The ${formatCount(graph.changed)} changed assets do not depend on one another.`;
}

/**
 * Escapes text for a double-quoted Mermaid label: characters Mermaid or its HTML labels would
 * read (quotes, `#`, `&`, `<`, `>`, backticks, brackets, pipes, `%`, `;`, `:`, backslashes) become
 * Mermaid entities (`#quot;`, `#35;`, …); control characters (C0, DEL, C1), line breaks and bidi
 * controls (which would reorder the text around them) become spaces, a lone surrogate (which has
 * no UTF-8 form) becomes U+FFFD.
 *
 * @example
 * mermaidLabel('say "hi" <b>'); // "say #quot;hi#quot; #lt;b#gt;"
 */
function mermaidLabel(text: string): string {
  let out = "";
  for (const char of text) {
    const code = char.codePointAt(0) as number;
    if (code >= 0xd800 && code <= 0xdfff) out += "\uFFFD";
    else if (isControl(code)) out += " ";
    else if (char === '"') out += "#quot;";
    else if (char === "<") out += "#lt;";
    else if (char === ">") out += "#gt;";
    else if (ENCODED.has(char)) out += `#${code};`;
    else out += char;
  }
  return out;
}

// --- internal ---

const DEFAULT_MAX_NODES = 20;
const DEFAULT_MAX_EDGES = 120;
const DEFAULT_MAX_LABEL = 40;
/** Longest tooltip (the full key), in characters: keys are rarely longer, and this bounds the text. */
const MAX_TOOLTIP_LENGTH = 200;
/**
 * The widest picture, at Mermaid's 16 px text, that GitHub's comment column (780 px, about 748
 * inside its padding) shows with text of at least 11 px: 748 × 16 / 11.
 */
const DEFAULT_MAX_WIDTH = 950;
/** How much wider subgraphs make a picture: their padding and the links they route around. */
const GROUPED_FACTOR = 1.45;

/** What a link to another changed asset is worth in a changed asset's score, against one impacted asset. */
const CHANGED_LINK_SCORE = 3;

/** A changed asset's own severity in its score. */
const SEVERITY_SCORE: Record<Severity | "none", number> = {
  breaking: 4,
  risky: 2,
  safe: 0,
  none: 0,
};

/** What each impacted asset it reaches adds to a changed asset's score. */
const IMPACT_SCORE: Record<ImpactSeverity, number> = {
  "breaking-downstream": 3,
  "risky-downstream": 2,
  "safe-downstream": 1,
};

/** Rough width of a label character and of a node's padding and gap, in px at Mermaid's 16 px. */
const CHAR_PX = 9.3;
const NODE_PAD_PX = 32;
const GAP_PX = 50;
const RANK_GAP_PX = 50;
const DUMMY_PX = 40;

/**
 * Besides Mermaid's syntax: `%` starts directives (`%%{`), `:` with `#…;` triggers Mermaid's
 * style-line rewriting, and `ﬂ°¶ß` are the placeholders Mermaid decodes entities with.
 */
const ENCODED = new Set([..."#&`|[](){};%:\\", "ﬂ", "°", "¶", "ß"]);

const NODE_KINDS = ["new", "removed", "moved", "modified", "neighbour", "impacted"] as const;

/** Node and subgraph kinds (and the note) whose class is defined only when one is drawn. */
const OCCASIONAL_KINDS: ReadonlySet<string> = new Set(["moved", "impacted", "group", "note"]);

/** The impact severities that mark a neighbour as impacted. */
const MARKED_IMPACT: ReadonlySet<string> = new Set(["breaking-downstream", "risky-downstream"]);

/** A mark before each label, so the kind reads without colour. */
const MARKS: Record<LineageNodeKind, string> = {
  new: "+ ",
  removed: "− ",
  moved: "→ ",
  modified: "~ ",
  neighbour: "",
  impacted: "! ",
};

const ARROWS: Record<LineageEdgeKind, string> = {
  added: "==>",
  removed: "-.->",
  kept: "-->",
  renamed: "-.->|probably renamed|",
};

interface Changed {
  kind: Exclude<LineageNodeKind, "neighbour" | "impacted">;
  changes: AssetChange[];
  severity: Severity | "none";
}

interface Link {
  from: string;
  to: string;
  kind: LineageEdgeKind;
}

/** A frontier entry: an asset with `links` links into the drawn assets, when it was pushed. */
interface Candidate {
  key: string;
  links: number;
  changed: boolean;
  score: number;
}

/** Labels are plain text: values as they are, shortened later with the label. */
const LABEL_STYLE: DetailStyle = { value: (text) => text, maxValueLength: 200 };

/** One entry per changed key: the same key can be changed in several code locations. */
function changedByKey(changeSet: ChangeSet): Map<string, Changed> {
  const changed = new Map<string, Changed>();
  for (const asset of changeSet.assets) {
    const kind = assetChangeKind(asset);
    if (kind === "unchanged") continue;
    const severity = asset.severity ?? "none";
    const entry = changed.get(asset.key);
    if (entry === undefined) changed.set(asset.key, { kind, changes: [asset], severity });
    else {
      entry.changes.push(asset);
      // A key new in one location and removed in another (a move) is drawn as modified.
      if (entry.kind !== kind) entry.kind = "modified";
      if (SEVERITY_SCORE[severity] > SEVERITY_SCORE[entry.severity]) entry.severity = severity;
    }
  }
  return changed;
}

function linkId(from: string, to: string): string {
  return `${from}\u0000${to}`;
}

/** Every link the changed assets' lineage knows, and probable renames, by {@link linkId}. */
function linksOf(changed: Map<string, Changed>, changeSet: ChangeSet): Map<string, Link> {
  const links = new Map<string, Link>();
  const add = (from: string, to: string, kind?: LineageEdgeKind) => {
    const id = kind === "renamed" ? `${linkId(from, to)}\u0000renamed` : linkId(from, to);
    if (!links.has(id)) links.set(id, { from, to, kind: kind ?? edgeKind(from, to, changed) });
  };
  for (const [key, entry] of changed) {
    for (const change of entry.changes) {
      for (const up of change.lineage?.upstream ?? []) add(up, key);
      for (const up of change.details.dependencies?.removedKeys ?? []) add(up, key);
      for (const down of change.lineage?.downstream ?? []) add(key, down);
    }
  }
  for (const move of changeSet.probableMoves ?? [])
    if (changed.has(move.from.key) && changed.has(move.to.key))
      add(move.from.key, move.to.key, "renamed");
  return links;
}

/** Per changed key, what the impacted assets it reaches (through `via`) add to its score. */
function impactScores(changeSet: ChangeSet): Map<string, number> {
  const scores = new Map<string, number>();
  for (const entry of changeSet.impacted ?? [])
    for (const key of entry.via)
      scores.set(key, (scores.get(key) ?? 0) + IMPACT_SCORE[entry.severity]);
  return scores;
}

/** Keys the change set lists as impacted breaking- or risky-downstream. */
function impactedNeighbourKeys(changeSet: ChangeSet): Set<string> {
  const keys = new Set<string>();
  for (const entry of changeSet.impacted ?? [])
    if (MARKED_IMPACT.has(entry.severity)) keys.add(entry.key);
  return keys;
}

/**
 * Better first: changed before unchanged, then by score plus what its links into the drawn
 * assets are worth (so that a breaking change one link away comes before a safe one two links
 * away), then by key.
 */
function betterCandidate(a: Candidate, b: Candidate): number {
  const worth = (c: Candidate) => c.score + CHANGED_LINK_SCORE * c.links;
  return (
    Number(b.changed) - Number(a.changed) || worth(b) - worth(a) || compareStrings(a.key, b.key)
  );
}

/**
 * Drops what the cap left dangling: unchanged connectors linked to fewer than two drawn changed
 * assets (`anchored` ones, drawn for their own sake, to none), then drawn assets linked to
 * nothing drawn.
 */
function pruneLoose(
  chosen: Set<string>,
  changed: Map<string, Changed>,
  around: Map<string, Set<string>>,
  anchored: ReadonlySet<string>,
): void {
  const count = (key: string, onlyChanged: boolean) => {
    let n = 0;
    for (const other of around.get(key) ?? [])
      if (chosen.has(other) && (!onlyChanged || changed.has(other))) n++;
    return n;
  };
  for (const key of [...chosen])
    if (!changed.has(key) && count(key, true) < (anchored.has(key) ? 1 : 2)) chosen.delete(key);
  for (const key of [...chosen]) if (count(key, false) === 0) chosen.delete(key);
}

/** The nodes and links drawn for the chosen keys. */
function drawnGraph(
  chosen: Set<string>,
  changed: Map<string, Changed>,
  links: Map<string, Link>,
  around: Map<string, Set<string>>,
  impactedKeys: Set<string>,
  dagster: DagsterLinks | undefined,
): { nodes: LineageNode[]; edges: LineageEdge[] } {
  const nodes = nodesOf(chosen, changed, impactedKeys, dagster, around);
  const index = new Map(nodes.map((node, i) => [node.key, i]));
  const found: { from: number; to: number; kind: LineageEdgeKind }[] = [];
  for (const [key, from] of index) {
    const self = links.get(linkId(key, key));
    if (self !== undefined) found.push({ from, to: from, kind: self.kind });
    for (const other of around.get(key) ?? []) {
      const to = index.get(other);
      if (to === undefined) continue;
      for (const id of [linkId(key, other), `${linkId(key, other)}\u0000renamed`]) {
        const link = links.get(id);
        if (link !== undefined) found.push({ from, to, kind: link.kind });
      }
    }
  }
  found.sort((x, y) => x.from - y.from || x.to - y.to || compareStrings(x.kind, y.kind));
  const id = (i: number) => (nodes[i] as LineageNode).id;
  return { nodes, edges: found.map((e) => ({ from: id(e.from), to: id(e.to), kind: e.kind })) };
}

/** The drawn nodes, sorted by key, with ids, short labels, groups and links. */
function nodesOf(
  chosen: Set<string>,
  changed: Map<string, Changed>,
  impactedKeys: Set<string>,
  links: DagsterLinks | undefined,
  around: Map<string, Set<string>>,
): LineageNode[] {
  const keys = [...chosen].sort(compareStrings);
  const labels = shortLabels(keys);
  const locations = new Set<string>();
  for (const key of keys) {
    const change = changed.get(key)?.changes[0];
    if (change !== undefined) locations.add(locationLabel(change) ?? "");
  }
  const byLocation = locations.size > 1;
  return keys.map((key, i): LineageNode => {
    const entry = changed.get(key);
    const kind: LineageNodeKind = entry?.kind ?? (impactedKeys.has(key) ? "impacted" : "neighbour");
    const node: LineageNode = { id: `n${i}`, key, kind, label: labels.get(key) as string };
    const first = entry?.changes[0];
    const group = byLocation
      ? first === undefined
        ? sharedLocation(key, changed, chosen, around)
        : (locationLabel(first) ?? undefined)
      : undefined;
    if (group !== undefined) node.group = group;
    const url =
      first === undefined
        ? links?.branch === undefined
          ? undefined
          : assetPageUrl(links.branch, key.split("/"))
        : assetLink(links, first);
    if (url !== undefined) node.url = url;
    const from = entry?.kind === "moved" ? movedFromText(entry) : undefined;
    if (from !== undefined) node.movedFrom = from;
    return node;
  });
}

/**
 * The code location of an unchanged drawn asset, guessed from the drawn changed assets it links
 * to when they all share one (lineage does not say where an unchanged neighbour lives).
 */
function sharedLocation(
  key: string,
  changed: Map<string, Changed>,
  chosen: Set<string>,
  around: Map<string, Set<string>>,
): string | undefined {
  let shared: string | undefined;
  for (const other of around.get(key) ?? []) {
    const first = chosen.has(other) ? changed.get(other)?.changes[0] : undefined;
    if (first === undefined) continue;
    const location = locationLabel(first) ?? undefined;
    if (location === undefined || (shared !== undefined && shared !== location)) return undefined;
    shared = location;
  }
  return shared;
}

/** Each key's last part, or its shortest suffix of parts that no other key ends with. */
function shortLabels(keys: string[]): Map<string, string> {
  const parts = new Map(keys.map((key) => [key, key.split("/")]));
  const depth = new Map(keys.map((key) => [key, 1]));
  const suffix = (key: string) => {
    const p = parts.get(key) as string[];
    return p.slice(Math.max(0, p.length - (depth.get(key) as number))).join("/");
  };
  for (let changedAny = true; changedAny; ) {
    changedAny = false;
    const holders = new Map<string, string[]>();
    for (const key of keys) {
      const s = suffix(key);
      const list = holders.get(s);
      if (list === undefined) holders.set(s, [key]);
      else list.push(key);
    }
    for (const list of holders.values()) {
      if (list.length < 2) continue;
      for (const key of list) {
        if ((depth.get(key) as number) < (parts.get(key) as string[]).length) {
          depth.set(key, (depth.get(key) as number) + 1);
          changedAny = true;
        }
      }
    }
  }
  return new Map(keys.map((key) => [key, suffix(key)]));
}

/**
 * The width each direction would draw the graph at, in px at Mermaid's 16 px text, estimated
 * as Mermaid's layout (dagre) ranks it: each node one rank below its deepest upstream, sources
 * pulled down next to what they feed. `TB` puts a rank's nodes side by side, `LR` the ranks.
 */
function estimatedWidths(
  nodes: readonly LineageNode[],
  edges: readonly LineageEdge[],
  maxLabel: number,
): Record<LineageDirection, number> {
  const width = new Map(
    nodes.map((n) => [
      n.id,
      Math.min(maxLabel, n.label.length + MARKS[n.kind].length) * CHAR_PX + NODE_PAD_PX,
    ]),
  );
  // The layout may put a node as high as its upstream allows or as low as its downstream does:
  // the estimate takes the wider of both.
  const widths = [longestPathRanks(nodes, edges, "down"), longestPathRanks(nodes, edges, "up")].map(
    (rank) => {
      const rows = new Map<number, number>();
      const widest = new Map<number, number>();
      const add = (r: number, w: number) => rows.set(r, (rows.get(r) ?? 0) + w);
      for (const node of nodes) {
        const r = rank.get(node.id) as number;
        const w = width.get(node.id) as number;
        add(r, w + GAP_PX);
        widest.set(r, Math.max(widest.get(r) ?? 0, w));
      }
      // A link across several ranks takes room in each rank it passes.
      for (const edge of edges) {
        const [a, b] = [rank.get(edge.from) as number, rank.get(edge.to) as number].sort(
          (x, y) => x - y,
        );
        for (let r = (a as number) + 1; r < (b as number); r++) add(r, DUMMY_PX);
      }
      let lr = 0;
      for (const w of widest.values()) lr += w + RANK_GAP_PX;
      let tb = 0;
      for (const w of rows.values()) tb = Math.max(tb, w);
      return { TB: tb, LR: lr };
    },
  );
  const grouped = nodes.some((n) => n.group !== undefined) ? GROUPED_FACTOR : 1;
  return {
    TB: Math.max(...widths.map((w) => w.TB)) * grouped,
    LR: Math.max(...widths.map((w) => w.LR)) * grouped,
  };
}

/**
 * Each node's rank: `down` one below its deepest upstream (sources on top), `up` one above its
 * highest downstream (sinks at the bottom); bounded so that a cycle cannot loop forever.
 */
function longestPathRanks(
  nodes: readonly LineageNode[],
  edges: readonly LineageEdge[],
  side: "down" | "up",
): Map<string, number> {
  // Kahn's order: linear; the members of a cycle, never freed, keep the rank they reached.
  const depth = new Map(nodes.map((n) => [n.id, 0]));
  const waiting = new Map(nodes.map((n) => [n.id, 0]));
  const next = new Map<string, string[]>();
  for (const edge of edges) {
    const [a, b] = side === "down" ? [edge.from, edge.to] : [edge.to, edge.from];
    if (a === b) continue;
    waiting.set(b, (waiting.get(b) as number) + 1);
    const list = next.get(a);
    if (list === undefined) next.set(a, [b]);
    else list.push(b);
  }
  const ready = nodes.filter((n) => waiting.get(n.id) === 0).map((n) => n.id);
  for (let i = 0; i < ready.length; i++) {
    const a = ready[i] as string;
    for (const b of next.get(a) ?? []) {
      depth.set(b, Math.max(depth.get(b) as number, (depth.get(a) as number) + 1));
      const left = (waiting.get(b) as number) - 1;
      waiting.set(b, left);
      if (left === 0) ready.push(b);
    }
  }
  if (side === "down") return depth;
  let deepest = 0;
  for (const d of depth.values()) deepest = Math.max(deepest, d);
  return new Map([...depth].map(([id, d]) => [id, deepest - d]));
}

/** The narrower direction for a graph; `TB` when it fits or ties. */
function narrowerDirection(graph: LineageGraph, maxLabel: number): LineageDirection {
  const widths = estimatedWidths(graph.nodes, graph.edges, maxLabel);
  return widths.TB <= DEFAULT_MAX_WIDTH || widths.TB <= widths.LR ? "TB" : "LR";
}

/** The width of a graph in its narrower direction. */
function estimatedWidth(nodes: readonly LineageNode[], edges: readonly LineageEdge[]): number {
  const widths = estimatedWidths(nodes, edges, DEFAULT_MAX_LABEL);
  return Math.min(widths.TB, widths.LR);
}

/** Where a moved node was before: the first of its changes that says. */
function movedFromText(entry: Changed): string | undefined {
  for (const change of entry.changes) {
    const line = moveLine(change, LABEL_STYLE);
    if (line !== undefined) return line;
  }
  return undefined;
}

function edgeKind(from: string, to: string, changed: Map<string, Changed>): LineageEdgeKind {
  const down = changed.get(to);
  if (down !== undefined) {
    for (const change of down.changes) {
      if (change.details.dependencies?.addedKeys.includes(from)) return "added";
      if (change.details.dependencies?.removedKeys.includes(from)) return "removed";
    }
    if (down.kind === "new") return "added";
    if (down.kind === "removed") return "removed";
  }
  const up = changed.get(from);
  if (up?.kind === "new") return "added";
  if (up?.kind === "removed") return "removed";
  return "kept";
}

/** The graph of a change set whose changed assets are not linked: nothing drawn. */
function unrelated(changed: number): LineageGraph {
  return {
    nodes: [],
    edges: [],
    changed,
    omittedChanged: changed,
    omittedNeighbours: 0,
    omittedEdges: 0,
  };
}

/** What was left out, short: `… 23 more changed assets not drawn`. */
function omittedNote(graph: LineageGraph): string | undefined {
  const parts = [
    graph.omittedChanged > 0 ? plural(graph.omittedChanged, "more changed asset") : undefined,
    graph.omittedEdges > 0 ? plural(graph.omittedEdges, "link") : undefined,
  ].filter((p) => p !== undefined);
  return parts.length === 0 ? undefined : `… ${parts.join(" and ")} not drawn`;
}

/** A binary heap, best first by `better`. */
class Heap<T> {
  readonly #items: T[] = [];
  constructor(readonly better: (a: T, b: T) => number) {}
  push(item: T): void {
    const items = this.#items;
    items.push(item);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.better(items[i] as T, items[parent] as T) >= 0) break;
      [items[i], items[parent]] = [items[parent] as T, items[i] as T];
      i = parent;
    }
  }
  pop(): T | undefined {
    const items = this.#items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last !== undefined) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let best = i;
        if (l < items.length && this.better(items[l] as T, items[best] as T) < 0) best = l;
        if (r < items.length && this.better(items[r] as T, items[best] as T) < 0) best = r;
        if (best === i) break;
        [items[i], items[best]] = [items[best] as T, items[i] as T];
        i = best;
      }
    }
    return top;
  }
}
