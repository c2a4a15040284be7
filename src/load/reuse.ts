/**
 * Reading a node once for two graphs: while the base of a comparison is read, each asset read
 * from a {@link RawElement} is remembered with its bytes; while the branch is read, a node whose
 * bytes equal the base's node of the same identity (same place, same written key) is given the
 * base's asset instead of being parsed, validated and normalized again. Graphs are immutable
 * values, so the two graphs may share the object, and the differ settles it at once.
 */
import type { Asset } from "../model/asset";
import type { RawElement } from "./split";

/** What reading one node gave, besides its asset: what a second read must report again. */
export interface ReadNode {
  /** The normalized asset. */
  asset: Asset;
  /** A checks error member the node carried (its typename and message), to report per graph. */
  checksUnavailable?: [typename: string, message: string | undefined];
}

/** The nodes of one base input, by identity, for the branch to reuse. */
export class NodeReuse {
  /** By context, then by the identifying member's text (several where a key repeats). */
  private readonly nodes = new Map<
    string,
    Map<string, { element: RawElement; read: ReadNode }[]>
  >();

  /** Remembers the base's reading of `element`, nested at `context` (location and repository). */
  remember(context: string, element: RawElement, read: ReadNode): void {
    if (element.keyText === undefined) return;
    let byKey = this.nodes.get(context);
    if (byKey === undefined) {
      byKey = new Map();
      this.nodes.set(context, byKey);
    }
    const entry = { element, read };
    const same = byKey.get(element.keyText);
    if (same === undefined) byKey.set(element.keyText, [entry]);
    else same.push(entry);
  }

  /**
   * The base's reading of a node written exactly as `element`, at the same `context`; `element`
   * is then known to be valid JSON.
   */
  find(context: string, element: RawElement): ReadNode | undefined {
    if (element.keyText === undefined) return undefined;
    for (const found of this.nodes.get(context)?.get(element.keyText) ?? []) {
      if (found.element.sameBytes(element)) {
        element.checked = true;
        return found.read;
      }
    }
    return undefined;
  }
}

/**
 * What the loader tells the parser of one split input, beside the input: how it takes part in
 * reuse (remembering for the base, finding for the branch) and whom to tell of its progress.
 */
export interface Sharing {
  reuse?: NodeReuse;
  role?: "remember" | "find";
  /** Told of the nodes read so far, out of all, about every thousand nodes. */
  onNodes?: (done: number, total: number) => void;
}

const sharing = new WeakMap<object, Sharing>();

/** Ties a split input to what its parser is told ({@link Sharing}). */
export function shareNodes(json: unknown, share: Sharing): void {
  if (typeof json === "object" && json !== null) sharing.set(json, share);
}

/** The {@link Sharing} a split input was tied to, if any. */
export function sharingOf(json: unknown): Sharing | undefined {
  return typeof json === "object" && json !== null ? sharing.get(json) : undefined;
}

/** How often, in nodes, a parser tells of its progress. */
export const PROGRESS_NODES = 1000;
