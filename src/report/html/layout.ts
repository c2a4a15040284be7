/**
 * A layered (Sugiyama-style) layout of a lineage graph for the HTML report: longest-path layers
 * from upstream to downstream, then a few barycentre sweeps to cut crossings. Linear in the links
 * per sweep plus a sort of each layer, so 20,000 changed assets and their neighbours lay out in
 * well under a second.
 */

/** A link of the graph to lay out, from upstream to downstream (indices into the nodes). */
export interface LayoutEdge {
  from: number;
  to: number;
}

/** Where each node goes: its layer (column, upstream first) and its row within it. */
export interface Layout {
  /** Per node, its layer, from 0 (the most upstream). */
  layer: number[];
  /** Per node, its row within its layer, from 0. */
  row: number[];
  /** How many nodes each layer holds. */
  layerSizes: number[];
}

/**
 * Lays out `count` nodes linked by `edges`. A cycle (which a Dagster graph should not have, but an
 * input may) is broken where the traversal meets it: the first node of it left, in index order,
 * is laid out as if nothing led to it. Self-links are ignored.
 *
 * @internal
 * @example
 * layeredLayout(3, [{ from: 0, to: 1 }, { from: 1, to: 2 }]).layer; // [0, 1, 2]
 */
export function layeredLayout(count: number, edges: readonly LayoutEdge[]): Layout {
  const up: number[][] = Array.from({ length: count }, () => []);
  const down: number[][] = Array.from({ length: count }, () => []);
  const waiting = new Array<number>(count).fill(0);
  for (const { from, to } of edges) {
    if (from === to || from < 0 || to < 0 || from >= count || to >= count) continue;
    (down[from] as number[]).push(to);
    (up[to] as number[]).push(from);
    waiting[to] = (waiting[to] as number) + 1;
  }

  // Longest path from the sources (Kahn's order); a node still waiting when the queue runs dry
  // is on a cycle, and the lowest such index is released.
  const layer = new Array<number>(count).fill(0);
  const done = new Array<boolean>(count).fill(false);
  const queue: number[] = [];
  for (let i = 0; i < count; i++) if (waiting[i] === 0) queue.push(i);
  let head = 0;
  let next = 0;
  let placed = 0;
  while (placed < count) {
    if (head === queue.length) {
      while (done[next]) next++;
      queue.push(next);
    }
    const node = queue[head++] as number;
    if (done[node]) continue;
    done[node] = true;
    placed++;
    for (const child of down[node] as number[]) {
      if (done[child]) continue;
      layer[child] = Math.max(layer[child] as number, (layer[node] as number) + 1);
      waiting[child] = (waiting[child] as number) - 1;
      if (waiting[child] === 0) queue.push(child);
    }
  }

  // A node with no upstream sits just before its nearest downstream, not in the first column.
  for (let i = queue.length - 1; i >= 0; i--) {
    const node = queue[i] as number;
    const children = down[node] as number[];
    if ((up[node] as number[]).length > 0 || children.length === 0) continue;
    let nearest = Number.POSITIVE_INFINITY;
    for (const child of children) nearest = Math.min(nearest, layer[child] as number);
    if (nearest - 1 > (layer[node] as number)) layer[node] = nearest - 1;
  }

  let layers = 0;
  for (const l of layer) layers = Math.max(layers, l + 1);
  const members: number[][] = Array.from({ length: layers }, () => []);
  for (let i = 0; i < count; i++) (members[layer[i] as number] as number[]).push(i);
  const row = new Array<number>(count).fill(0);
  const number = () => {
    for (const list of members) for (let r = 0; r < list.length; r++) row[list[r] as number] = r;
  };
  number();

  // Barycentre sweeps: each node moves to the mean row of its neighbours in the layers already
  // swept, relative to the layers' sizes so that a small layer lines up with a large one.
  const sweep = (order: number[], neighbours: number[][]) => {
    for (const l of order) {
      const list = members[l] as number[];
      const key = new Map<number, number>();
      for (const node of list) {
        let sum = 0;
        let n = 0;
        for (const other of neighbours[node] as number[]) {
          const size = (members[layer[other] as number] as number[]).length;
          sum += ((row[other] as number) + 0.5) / size;
          n++;
        }
        key.set(node, n === 0 ? ((row[node] as number) + 0.5) / list.length : sum / n);
      }
      list.sort((a, b) => (key.get(a) as number) - (key.get(b) as number) || a - b);
      for (let r = 0; r < list.length; r++) row[list[r] as number] = r;
    }
  };
  const forward = members.map((_, l) => l);
  const backward = [...forward].reverse();
  for (let i = 0; i < SWEEPS; i++) {
    sweep(forward.slice(1), up);
    sweep(backward.slice(1), down);
  }
  return { layer, row, layerSizes: members.map((list) => list.length) };
}

// --- internal ---

/** Down-and-up sweep pairs: crossings stop falling much after a few. */
const SWEEPS = 3;
