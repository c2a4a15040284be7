import type { AssetChangeKind } from "../../diff/change-set";
import type { Severity } from "../../diff/verdicts";

/**
 * The data the HTML report's page reads: written once, as JSON, into a
 * `<script type="application/json">`, and read by the page's own script (see `client.ts`). Both
 * sides import these types, so the renderer and the page cannot disagree about a field.
 */

/** The `id` of the `<script type="application/json">` that holds the {@link Payload}. */
export const PAYLOAD_ID = "asset-diff-data";

/**
 * How a line of an asset's details is coloured: by the severity it states, green for an approved
 * change, or not at all.
 */
const LINE_TONES = ["breaking", "risky", "safe", "approved", "plain"] as const;

/** See {@link LINE_TONES}. */
export type LineTone = (typeof LINE_TONES)[number];

/**
 * Marks around an input-derived value inside a line (the page shows it as code); control
 * characters, so no input can hold them: every input-derived text goes through
 * `escapeControls` first.
 */
export const VALUE_OPEN = "\u0001";
/** See {@link VALUE_OPEN}. */
export const VALUE_CLOSE = "\u0002";

/**
 * How an asset in the lineage view changed, as the Markdown lineage picture names it:
 * `neighbour` is an unchanged direct neighbour, `impacted` one the change set lists as impacted
 * breaking- or risky-downstream. The single source for {@link NodeKind}.
 */
export const NODE_KINDS = ["new", "removed", "moved", "modified", "neighbour", "impacted"] as const;

/** See {@link NODE_KINDS}. */
export type NodeKind = (typeof NODE_KINDS)[number];

/**
 * How a link in the lineage view changed: a dependency `added`, `removed` or `kept`, or
 * `renamed` (a probable rename, not a dependency). The single source for {@link EdgeKind}.
 */
const EDGE_KINDS = ["kept", "added", "removed", "renamed"] as const;

/** See {@link EDGE_KINDS}. */
export type EdgeKind = (typeof EDGE_KINDS)[number];

/** One line of an asset's details. */
export interface PayloadLine {
  text: string;
  tone: LineTone;
}

/** A titled block of an asset's details, e.g. its changes or the assets it impacts. */
export interface PayloadSection {
  title: string;
  lines: PayloadLine[];
}

/** One changed asset, as the list and the lineage view show it. */
export interface PayloadAsset {
  key: string;
  /** The code location (and repository when not the default one). */
  location: string | null;
  /** Its group, where the graphs (or a GROUP change) say. */
  group: string | null;
  kind: AssetChangeKind;
  severity: Severity | null;
  /** Every change type, Dagster's then the extra ones. */
  changeTypes: string[];
  /** Its page in the Dagster UI, when known. */
  link: string | null;
  sections: PayloadSection[];
  /** Its node in the lineage view (index into `nodes`), or -1. */
  node: number;
}

/** One node of the lineage view, placed by the layered layout. */
export interface PayloadNode {
  key: string;
  kind: NodeKind;
  layer: number;
  row: number;
  /** The changed assets with this key (indices into `assets`); none for a neighbour. */
  assets: number[];
  /** For an impacted neighbour: why, naming the deciding ancestor. */
  note?: string;
}

/** One link of the lineage view, upstream to downstream (indices into `nodes`). */
interface PayloadEdge {
  from: number;
  to: number;
  kind: EdgeKind;
}

/** How the lineage view draws one kind of node. */
export interface NodePaint {
  fill: string;
  stroke: string;
  text: string;
  dashed: boolean;
  /** Its mark before the key, so the kind reads without colour. */
  mark: string;
  /** Its name in the legend. */
  label: string;
}

/** Everything the page reads. */
export interface Payload {
  /** Whether the change set carries lineage (see `withLineage`). */
  lineage: boolean;
  assets: PayloadAsset[];
  nodes: PayloadNode[];
  edges: PayloadEdge[];
  layerSizes: number[];
  /** The code locations of the assets, sorted (unknown last): the location filter's options. */
  locations: (string | null)[];
  /** The groups of the assets, sorted (unknown last): the group filter's options. */
  groups: (string | null)[];
  paints: Record<NodeKind, NodePaint>;
  severityColours: Record<Severity, string>;
}

/**
 * The ids of the page's elements that its script fills or listens to; the renderer writes them
 * and passes this list to the script, so both use the same names.
 */
export const ELEMENT_IDS = {
  severity: "filter-severity",
  changeType: "filter-change-type",
  location: "filter-location",
  group: "filter-group",
  search: "filter-search",
  reset: "filter-reset",
  count: "filter-count",
  list: "asset-list",
  more: "asset-list-more",
  canvas: "lineage-canvas",
  zoomIn: "lineage-zoom-in",
  zoomOut: "lineage-zoom-out",
  fit: "lineage-fit",
  clear: "lineage-clear",
  focus: "lineage-focus",
} as const;

/** What the renderer hands the page's script: where its data and elements are. */
export interface ClientConfig {
  payloadId: string;
  ids: typeof ELEMENT_IDS;
  valueOpen: string;
  valueClose: string;
  /** Assets listed per "Show more". */
  pageSize: number;
}
