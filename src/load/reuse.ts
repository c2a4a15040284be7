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
  /** By context, then by the identifying member's text. */
  private readonly nodes = new Map<string, Map<string, { element: RawElement; read: ReadNode }>>();

  /** Remembers the base's reading of `element`, nested at `context` (location and repository). */
  remember(context: string, element: RawElement, read: ReadNode): void {
    if (element.keyText === undefined) return;
    let byKey = this.nodes.get(context);
    if (byKey === undefined) {
      byKey = new Map();
      this.nodes.set(context, byKey);
    }
    byKey.set(element.keyText, { element, read });
  }

  /** The base's reading of a node written exactly as `element`, at the same `context`. */
  find(context: string, element: RawElement): ReadNode | undefined {
    if (element.keyText === undefined) return undefined;
    const found = this.nodes.get(context)?.get(element.keyText);
    return found !== undefined && found.element.sameBytes(element) ? found.read : undefined;
  }
}

/** How a parser takes part in reuse for one split input: remembering (base) or finding (branch). */
export interface Sharing {
  reuse: NodeReuse;
  role: "remember" | "find";
}

const sharing = new WeakMap<object, Sharing>();

/** Ties a split input to a {@link NodeReuse}: its parser remembers or finds nodes there. */
export function shareNodes(json: unknown, share: Sharing): void {
  if (typeof json === "object" && json !== null) sharing.set(json, share);
}

/** The {@link Sharing} a split input was tied to, if any. */
export function sharingOf(json: unknown): Sharing | undefined {
  return typeof json === "object" && json !== null ? sharing.get(json) : undefined;
}
