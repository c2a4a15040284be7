import {
  type AssetChange,
  type AssetChangeKind,
  assetChangeKind,
  type ChangeSet,
} from "../diff/change-set";
import { compareStrings } from "../model/key";
import { isControl, plural } from "../text";
import type { DetailStyle } from "./details";
import { moveLine } from "./findings";
import { keepEnd } from "./values";

/** Options of {@link renderLineageMermaid} and {@link lineageGraph}. */
export interface LineageOptions {
  /**
   * Most assets drawn (default 50). Changed assets come first (removed, new, moved, then modified,
   * each by key); unchanged neighbours fill what is left, impacted ones (see `impacted` in the
   * change set) first, then those linked to the most changed assets.
   */
  maxNodes?: number;
  /** Most links drawn (default 120; Mermaid refuses more than 500). */
  maxEdges?: number;
  /** Longest node label, in characters; longer keys keep their end (default 60). */
  maxLabelLength?: number;
  /** Whether unchanged direct neighbours are drawn (default true). */
  neighbours?: boolean;
}

/**
 * How an asset in the lineage picture changed; `neighbour` is an unchanged direct neighbour and
 * `impacted` one the change set lists as impacted breaking- or risky-downstream.
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
  /** For a moved asset: where it was before, as a line of text (e.g. `moved from raw/orders`). */
  movedFrom?: string;
}

/** One link of the lineage picture, from upstream to downstream (node ids). */
interface LineageEdge {
  from: string;
  to: string;
  kind: LineageEdgeKind;
}

/** The capped lineage picture: what is drawn and how much was left out. */
export interface LineageGraph {
  /** Sorted by key. */
  nodes: LineageNode[];
  /** Sorted by upstream, then downstream node. */
  edges: LineageEdge[];
  /** Changed assets (distinct keys) left out by `maxNodes`. */
  omittedChanged: number;
  /** Unchanged neighbours left out by `maxNodes`. */
  omittedNeighbours: number;
  /** Links left out by `maxEdges`, or because one end was left out. */
  omittedEdges: number;
}

/**
 * The colours of the lineage picture, per kind of node: a fill, a border and a text colour that
 * read on GitHub's light and dark themes (the fill is always light, the text always dark).
 *
 * @example
 * LINEAGE_STYLES.new; // "fill:#dafbe1,stroke:#1a7f37,stroke-width:2px,color:#1f2328"
 */
const LINEAGE_STYLES: Readonly<Record<LineageNodeKind | "note", string>> = {
  new: "fill:#dafbe1,stroke:#1a7f37,stroke-width:2px,color:#1f2328",
  removed: "fill:#ffebe9,stroke:#cf222e,stroke-width:2px,stroke-dasharray:5 3,color:#1f2328",
  modified: "fill:#fff8c5,stroke:#9a6700,stroke-width:2px,color:#1f2328",
  moved: "fill:#ddf4ff,stroke:#0969da,stroke-width:2px,color:#1f2328",
  neighbour: "fill:#f6f8fa,stroke:#8c959f,color:#59636e",
  impacted: "fill:#f6f8fa,stroke:#bc4c00,stroke-width:2px,stroke-dasharray:3 3,color:#1f2328",
  note: "fill:#ffffff,stroke:#d1d9e0,stroke-dasharray:2 2,color:#59636e",
};

/**
 * Selects the lineage picture of a change set: its changed assets and their direct upstream and
 * downstream neighbours (from `lineage`, see `withLineage`), capped to `maxNodes` and `maxEdges`.
 * Assets are identified by key, as Dagster's lineage links them. Linear in the change set size,
 * plus sorting what is drawn.
 *
 * @example
 * const graph = lineageGraph(withLineage(diffAssetGraphs(base, branch), { base, branch }));
 * graph.nodes[0]; // { id: "n0", key: "intermediate/int_deal_pipeline", kind: "modified" }
 */
export function lineageGraph(changeSet: ChangeSet, options: LineageOptions = {}): LineageGraph {
  const maxNodes = Math.max(1, Math.floor(options.maxNodes ?? DEFAULT_MAX_NODES));
  const maxEdges = Math.max(0, Math.floor(options.maxEdges ?? DEFAULT_MAX_EDGES));

  // One entry per key: the same key can be changed in several code locations.
  const changed = new Map<string, Changed>();
  for (const asset of changeSet.assets) {
    const kind = changeKind(asset);
    if (kind === undefined) continue;
    const entry = changed.get(asset.key);
    if (entry === undefined) changed.set(asset.key, { kind, changes: [asset] });
    else {
      entry.changes.push(asset);
      // A key new in one location and removed in another (a move) is drawn as modified.
      if (entry.kind !== kind) entry.kind = "modified";
    }
  }
  const byKind: Record<Changed["kind"], string[]> = {
    removed: [],
    new: [],
    moved: [],
    modified: [],
  };
  // The change set is sorted by key, so each bucket is too: no sort of the whole set is needed.
  for (const [key, entry] of changed) byKind[entry.kind].push(key);
  const keptChanged = [...byKind.removed, ...byKind.new, ...byKind.moved, ...byKind.modified].slice(
    0,
    maxNodes,
  );
  const kinds = new Map<string, LineageNodeKind>();
  for (const key of keptChanged) kinds.set(key, (changed.get(key) as Changed).kind);

  const candidates = new Map<string, number>();
  const links: [from: string, to: string][] = [];
  for (const key of keptChanged) {
    for (const change of (changed.get(key) as Changed).changes) {
      const upstream = [
        ...(change.lineage?.upstream ?? []),
        ...(change.details.dependencies?.removedKeys ?? []),
      ];
      for (const up of upstream) links.push([up, key]);
      for (const down of change.lineage?.downstream ?? []) links.push([key, down]);
      for (const other of [...upstream, ...(change.lineage?.downstream ?? [])]) {
        if (!changed.has(other)) candidates.set(other, (candidates.get(other) ?? 0) + 1);
      }
    }
  }
  let omittedNeighbours = candidates.size;
  if (options.neighbours !== false) {
    const room = maxNodes - keptChanged.length;
    const impacted = impactedKeys(changeSet);
    const first = (key: string) => (impacted.has(key) ? 0 : 1);
    const neighbours = [...candidates]
      .sort(([a, m], [b, n]) => first(a) - first(b) || n - m || compareStrings(a, b))
      .slice(0, room);
    for (const [key] of neighbours) kinds.set(key, impacted.has(key) ? "impacted" : "neighbour");
    omittedNeighbours -= neighbours.length;
  }

  const nodes = [...kinds]
    .sort(([a], [b]) => compareStrings(a, b))
    .map(([key, kind], i): LineageNode => {
      const from = kind === "moved" ? movedFromText(changed.get(key) as Changed) : undefined;
      return from === undefined
        ? { id: `n${i}`, key, kind }
        : { id: `n${i}`, key, kind, movedFrom: from };
    });
  const index = new Map(nodes.map((node, i) => [node.key, i]));
  const edgeKinds = new Map<string, { from: number; to: number; kind: LineageEdgeKind }>();
  const seen = new Set<string>();
  for (const [from, to] of links) {
    const id = JSON.stringify([from, to]);
    seen.add(id);
    const a = index.get(from);
    const b = index.get(to);
    if (a === undefined || b === undefined || edgeKinds.has(id)) continue;
    edgeKinds.set(id, { from: a, to: b, kind: edgeKind(from, to, changed) });
  }
  for (const move of changeSet.probableMoves ?? []) {
    const id = JSON.stringify([move.from.key, move.to.key, "renamed"]);
    seen.add(id);
    const a = index.get(move.from.key);
    const b = index.get(move.to.key);
    if (a === undefined || b === undefined || edgeKinds.has(id)) continue;
    edgeKinds.set(id, { from: a, to: b, kind: "renamed" });
  }
  const edges = [...edgeKinds.values()]
    .sort((x, y) => x.from - y.from || x.to - y.to)
    .map(
      (e): LineageEdge => ({
        from: (nodes[e.from] as LineageNode).id,
        to: (nodes[e.to] as LineageNode).id,
        kind: e.kind,
      }),
    );
  return {
    nodes,
    edges: edges.slice(0, maxEdges),
    omittedChanged: changed.size - keptChanged.length,
    omittedNeighbours,
    omittedEdges: seen.size - Math.min(edges.length, maxEdges),
  };
}

/**
 * Renders the lineage of a change set as a Mermaid `flowchart LR`: changed assets and their
 * direct neighbours, coloured by kind (new green, removed red and dashed, moved blue with where it
 * was, modified amber, unchanged neighbours grey, impacted ones with an orange dashed border),
 * added dependencies as thick links and removed ones dotted, a probable rename as a dotted link
 * labelled so. Ids are
 * generated (`n0`, `n1`, …) and labels escaped, so any key is safe; the output is deterministic.
 * Put it in a ```` ```mermaid ```` block.
 *
 * @example
 * const text = renderLineageMermaid(withLineage(diffAssetGraphs(base, branch), { base, branch }));
 * // flowchart LR
 * //   n0["~ intermediate/int_deal_pipeline"]
 * //   …
 */
export function renderLineageMermaid(changeSet: ChangeSet, options: LineageOptions = {}): string {
  return mermaidOfGraph(lineageGraph(changeSet, options), options);
}

/**
 * Renders an already selected {@link LineageGraph} as Mermaid (what {@link renderLineageMermaid}
 * does after selecting it).
 *
 * @example
 * const graph = lineageGraph(changeSet, { maxNodes: 20 });
 * if (graph.nodes.length > 0) body += mermaidOfGraph(graph);
 */
export function mermaidOfGraph(graph: LineageGraph, options: LineageOptions = {}): string {
  const maxLabel = Math.max(8, Math.floor(options.maxLabelLength ?? DEFAULT_MAX_LABEL));
  const out = ["flowchart LR", "  accTitle: Lineage of the changed assets"];
  for (const node of graph.nodes) {
    const from = node.movedFrom === undefined ? "" : ` (${keepEnd(node.movedFrom, maxLabel)})`;
    out.push(
      `  ${node.id}["${mermaidLabel(`${MARKS[node.kind]}${keepEnd(node.key, maxLabel)}${from}`)}"]`,
    );
  }
  for (const edge of graph.edges) out.push(`  ${edge.from} ${ARROWS[edge.kind]} ${edge.to}`);
  const note = omittedNote(graph);
  if (graph.nodes.length === 0) out.push(`  empty["${mermaidLabel("No changed assets")}"]`);
  if (note !== undefined) out.push(`  omitted["${mermaidLabel(note)}"]`);
  // The kinds a change set without moves or impact never has are defined only when drawn, so
  // such a picture stays as it was.
  const drawn = new Set<string>(graph.nodes.map((n) => n.kind));
  for (const [kind, style] of Object.entries(LINEAGE_STYLES)) {
    if (OCCASIONAL_KINDS.has(kind) && !drawn.has(kind)) continue;
    out.push(`  classDef ${kind} ${style}`);
  }
  for (const kind of NODE_KINDS) {
    const ids = graph.nodes.filter((n) => n.kind === kind).map((n) => n.id);
    if (ids.length > 0) out.push(`  class ${ids.join(",")} ${kind}`);
  }
  if (note !== undefined || graph.nodes.length === 0)
    out.push(`  class ${graph.nodes.length === 0 ? "empty" : "omitted"} note`);
  return `${out.join("\n")}\n`;
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

const DEFAULT_MAX_NODES = 50;
const DEFAULT_MAX_EDGES = 120;
const DEFAULT_MAX_LABEL = 60;

/**
 * Besides Mermaid's syntax: `%` starts directives (`%%{`), `:` with `#…;` triggers Mermaid's
 * style-line rewriting, and `ﬂ°¶ß` are the placeholders Mermaid decodes entities with.
 */
const ENCODED = new Set([..."#&`|[](){};%:\\", "ﬂ", "°", "¶", "ß"]);

const NODE_KINDS = ["new", "removed", "moved", "modified", "neighbour", "impacted"] as const;

/** Node kinds whose class is defined only when a node of that kind is drawn. */
const OCCASIONAL_KINDS: ReadonlySet<string> = new Set(["moved", "impacted"]);

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
}

/** Labels are plain text: values as they are, shortened later with the label. */
const LABEL_STYLE: DetailStyle = { value: (text) => text, maxValueLength: 200 };

/** Where a moved node was before: the first of its changes that says. */
function movedFromText(entry: Changed): string | undefined {
  for (const change of entry.changes) {
    const line = moveLine(change, LABEL_STYLE);
    if (line !== undefined) return line;
  }
  return undefined;
}

/** Keys the change set lists as impacted breaking- or risky-downstream. */
function impactedKeys(changeSet: ChangeSet): Set<string> {
  const keys = new Set<string>();
  for (const entry of changeSet.impacted ?? [])
    if (MARKED_IMPACT.has(entry.severity)) keys.add(entry.key);
  return keys;
}

function changeKind(asset: AssetChange): Changed["kind"] | undefined {
  const kind = assetChangeKind(asset);
  return kind === "unchanged" ? undefined : kind;
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

function omittedNote(graph: LineageGraph): string | undefined {
  const parts = [
    graph.omittedChanged > 0 ? plural(graph.omittedChanged, "more changed asset") : undefined,
    graph.omittedNeighbours > 0 ? plural(graph.omittedNeighbours, "neighbour") : undefined,
    graph.omittedEdges > 0 ? plural(graph.omittedEdges, "link") : undefined,
  ].filter((p) => p !== undefined);
  if (parts.length === 0) return undefined;
  const list =
    parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(", ")} and ${parts.at(-1)}`;
  return `… ${list} not shown`;
}
