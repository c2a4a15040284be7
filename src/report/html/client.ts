/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import type {
  ClientConfig,
  NodePaint,
  Payload,
  PayloadAsset,
  PayloadLine,
  PayloadNode,
} from "./payload";

/**
 * The HTML report's page script: filters, the asset list and the lineage view. It runs in the
 * browser, not in Node: the renderer inlines its source (`reportClient.toString()`), so it must
 * not use anything from this module's scope, only its argument and the DOM. Every text it shows
 * goes in through `textContent`, never as markup. A bundler may transform it (tsup and the action
 * bundle do not rename inside it; tsx and vitest's keep-names mode wrap its inner functions in a
 * `__name` helper, which the renderer stands in for), but not minify it with names kept.
 *
 * @internal
 */
export function reportClient(config: ClientConfig): void {
  const ids = config.ids;
  const byId = <T extends HTMLElement>(id: string): T => {
    const element = document.getElementById(id);
    if (element === null) throw new Error(`asset-diff report: #${id} is missing`);
    return element as T;
  };
  const data = JSON.parse(byId(config.payloadId).textContent ?? "{}") as Payload;
  const assets = data.assets;
  const nodes = data.nodes;

  // --- filters and the list ---

  const severityBoxes = Array.from(
    byId(ids.severity).querySelectorAll<HTMLInputElement>("input[type=checkbox]"),
  );
  const changeType = byId<HTMLSelectElement>(ids.changeType);
  const locationFilter = byId<HTMLSelectElement>(ids.location);
  const groupFilter = byId<HTMLSelectElement>(ids.group);
  const search = byId<HTMLInputElement>(ids.search);
  const count = byId(ids.count);
  const list = byId<HTMLOListElement>(ids.list);
  const more = byId<HTMLButtonElement>(ids.more);
  const matches = new Uint8Array(assets.length);
  let shown: number[] = [];
  let listed = 0;

  const element = <K extends keyof HTMLElementTagNameMap>(
    tag: K,
    className: string,
    text?: string,
  ): HTMLElementTagNameMap[K] => {
    const e = document.createElement(tag);
    if (className !== "") e.className = className;
    if (text !== undefined) e.textContent = text;
    return e;
  };
  /** A line of text whose marked parts (input-derived values) show as code. */
  const lineElement = (line: PayloadLine, tag: "li" | "p" = "li") => {
    const e = element(tag, line.tone === "plain" ? "" : `tone-${line.tone}`);
    const parts = line.text.split(config.valueOpen);
    parts.forEach((part, i) => {
      if (i === 0) {
        if (part !== "") e.append(part);
        return;
      }
      const end = part.indexOf(config.valueClose);
      const value = end < 0 ? part : part.slice(0, end);
      e.append(element("code", "", value));
      if (end >= 0 && end + 1 < part.length) e.append(part.slice(end + 1));
    });
    return e;
  };
  const safeLink = (url: string | null) => (url !== null && /^https?:\/\//i.test(url) ? url : null);
  const detailsOf = (asset: PayloadAsset, into: HTMLElement) => {
    const actions = element("p", "actions");
    const show = element("button", "show-in-lineage", "Show in lineage");
    show.type = "button";
    show.disabled = asset.node < 0;
    show.addEventListener("click", () => focusNode(asset.node, true));
    actions.append(show);
    const link = safeLink(asset.link);
    if (link !== null) {
      const a = element("a", "", "Open in Dagster");
      a.href = link;
      a.rel = "noopener noreferrer";
      a.target = "_blank";
      actions.append(" ", a);
    }
    into.append(actions);
    for (const section of asset.sections) {
      into.append(element("h4", "", section.title));
      const ul = element("ul", "lines");
      for (const line of section.lines) ul.append(lineElement(line));
      into.append(ul);
    }
    if (asset.node >= 0) appendLineage(asset.node, into);
  };
  /** An asset's direct neighbours in the view, by name (the first twenty of each side). */
  const appendLineage = (i: number, into: HTMLElement) => {
    const named = (list: number[]) => {
      if (list.length === 0) return "(none)";
      const names = list
        .slice(0, 20)
        .map((n) => `${config.valueOpen}${(nodes[n] as PayloadNode).key}${config.valueClose}`);
      return `${names.join(", ")}${list.length > 20 ? ` and ${(list.length - 20).toLocaleString("en")} more` : ""}`;
    };
    into.append(element("h4", "", "Lineage"));
    const ul = element("ul", "lines");
    ul.append(
      lineElement({ text: `upstream: ${named(upstreamOf[i] ?? [])}`, tone: "plain" }),
      lineElement({ text: `downstream: ${named(downstreamOf[i] ?? [])}`, tone: "plain" }),
    );
    into.append(ul);
  };
  const rowOf = (index: number) => {
    const asset = assets[index] as PayloadAsset;
    const li = element("li", `asset kind-${asset.kind}`);
    li.dataset.key = asset.key;
    li.dataset.index = String(index);
    const details = element("details", "");
    const summary = element("summary", "");
    summary.append(
      element("span", `badge sev-${asset.severity ?? "none"}`, asset.severity ?? "unrated"),
      element(
        "span",
        `mark kind-${asset.kind}`,
        (data.paints as Record<string, NodePaint | undefined>)[asset.kind]?.mark ?? "",
      ),
      element("span", "key", asset.key),
    );
    if (asset.location !== null) summary.append(element("span", "location", asset.location));
    const types = asset.changeTypes.filter((t) => t !== "NEW" && t !== "REMOVED");
    summary.append(element("span", "types", types.length > 0 ? types.join(" ") : asset.kind));
    details.append(summary);
    const body = element("div", "details-body");
    details.append(body);
    details.addEventListener("toggle", () => {
      if (details.open && body.childElementCount === 0) detailsOf(asset, body);
    });
    li.append(details);
    return li;
  };
  const listMore = () => {
    const fragment = document.createDocumentFragment();
    const end = Math.min(shown.length, listed + config.pageSize);
    for (; listed < end; listed++) fragment.append(rowOf(shown[listed] as number));
    list.append(fragment);
    more.hidden = listed >= shown.length;
    more.textContent = `Show ${Math.min(config.pageSize, shown.length - listed).toLocaleString("en")} more`;
  };
  const applyFilters = () => {
    const started = performance.now();
    const severities = new Set(severityBoxes.filter((b) => b.checked).map((b) => b.value));
    const type = changeType.value;
    const where =
      locationFilter.value === "" ? undefined : data.locations[Number(locationFilter.value)];
    const inGroup = groupFilter.value === "" ? undefined : data.groups[Number(groupFilter.value)];
    const needle = search.value.trim().toLowerCase();
    shown = [];
    for (let i = 0; i < assets.length; i++) {
      const a = assets[i] as PayloadAsset;
      const ok =
        severities.has(a.severity ?? "none") &&
        (type === "" || a.changeTypes.includes(type)) &&
        (where === undefined || a.location === where) &&
        (inGroup === undefined || a.group === inGroup) &&
        (needle === "" || a.key.toLowerCase().includes(needle));
      matches[i] = ok ? 1 : 0;
      if (ok) shown.push(i);
    }
    list.replaceChildren();
    listed = 0;
    listMore();
    count.textContent =
      shown.length === assets.length
        ? `${assets.length.toLocaleString("en")} changed assets`
        : `${shown.length.toLocaleString("en")} of ${assets.length.toLocaleString("en")} changed assets match`;
    markNodes();
    requestDraw();
    document.documentElement.dataset.filterMs = (performance.now() - started).toFixed(1);
  };
  for (const input of [...severityBoxes, changeType, locationFilter, groupFilter]) {
    input.addEventListener("change", applyFilters);
  }
  search.addEventListener("input", applyFilters);
  more.addEventListener("click", listMore);
  byId(ids.reset).addEventListener("click", () => {
    for (const box of severityBoxes) box.checked = true;
    changeType.value = "";
    locationFilter.value = "";
    groupFilter.value = "";
    search.value = "";
    applyFilters();
  });

  // --- the lineage view ---

  const canvas = byId<HTMLCanvasElement>(ids.canvas);
  const focusPanel = byId(ids.focus);
  const context = canvas.getContext("2d");
  const COLUMN = 250;
  const ROW = 34;
  const WIDTH = 210;
  const HEIGHT = 24;
  const xs = new Float64Array(nodes.length);
  const ys = new Float64Array(nodes.length);
  nodes.forEach((node, i) => {
    xs[i] = node.layer * COLUMN;
    ys[i] = (node.row - (data.layerSizes[node.layer] ?? 0) / 2) * ROW;
  });
  const upstreamOf: number[][] = nodes.map(() => []);
  const downstreamOf: number[][] = nodes.map(() => []);
  for (const edge of data.edges) {
    if (edge.kind === "renamed") continue;
    downstreamOf[edge.from]?.push(edge.to);
    upstreamOf[edge.to]?.push(edge.from);
  }
  const paintKinds = Object.keys(data.paints) as (keyof Payload["paints"])[];
  // Per node: its severity's colour, for the stripe on its left edge.
  const stripeOf = nodes.map((node) => {
    const severity = node.assets.length > 0 ? assets[node.assets[0] as number]?.severity : null;
    return severity ? data.severityColours[severity] : undefined;
  });
  const stripeColours = [...new Set(stripeOf.filter((c) => c !== undefined))];
  // Per node: 1 when it matches the filters (a neighbour: when a changed asset beside it does).
  const lit = new Uint8Array(nodes.length);
  const markNodes = () => {
    lit.fill(0);
    nodes.forEach((node, i) => {
      if (node.assets.some((a) => matches[a] === 1)) lit[i] = 1;
    });
    nodes.forEach((node, i) => {
      if (node.assets.length > 0) return;
      const near = [...(upstreamOf[i] ?? []), ...(downstreamOf[i] ?? [])];
      if (near.some((n) => lit[n] === 1 && (nodes[n] as PayloadNode).assets.length > 0)) lit[i] = 1;
    });
    let shownNodes = 0;
    for (const l of lit) shownNodes += l;
    canvas.dataset.lit = String(shownNodes);
  };
  let focused = -1;
  const related = new Uint8Array(nodes.length);
  const view = { x: 0, y: 0, k: 1 };
  let drawQueued = false;
  let drawnOnce = false;

  const size = () => {
    const ratio = window.devicePixelRatio || 1;
    const width = Math.max(1, canvas.clientWidth);
    const height = Math.max(1, canvas.clientHeight);
    if (
      canvas.width !== Math.round(width * ratio) ||
      canvas.height !== Math.round(height * ratio)
    ) {
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(height * ratio);
    }
    return { width, height, ratio };
  };
  const publish = () => {
    canvas.dataset.transform = `${view.x.toFixed(2)} ${view.y.toFixed(2)} ${view.k.toFixed(4)}`;
    canvas.dataset.focus = focused < 0 ? "" : (nodes[focused] as PayloadNode).key;
  };
  const draw = () => {
    drawQueued = false;
    const started = performance.now();
    if (context === null) return;
    const { width, height, ratio } = size();
    const dark = window.matchMedia("(prefers-color-scheme: dark)").matches;
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.clearRect(0, 0, width, height);
    context.fillStyle = dark ? "#0d1117" : "#ffffff";
    context.fillRect(0, 0, width, height);
    const { x, y, k } = view;
    // The visible part of the layout, with a node's width of margin.
    const left = -x / k - WIDTH;
    const right = (width - x) / k + WIDTH;
    const top = -y / k - HEIGHT;
    const bottom = (height - y) / k + HEIGHT;
    const inView = (i: number) => {
      const nx = xs[i] as number;
      const ny = ys[i] as number;
      return nx >= left && nx <= right && ny >= top && ny <= bottom;
    };
    const faded = (i: number) => (focused >= 0 ? related[i] === 0 : lit[i] === 0);
    let edgesDrawn = 0;
    const edgeColours: Record<string, string> = {
      kept: dark ? "#6e7681" : "#8c959f",
      added: dark ? "#3fb950" : "#1a7f37",
      removed: dark ? "#f85149" : "#cf222e",
      renamed: dark ? "#58a6ff" : "#0969da",
    };
    // Zoomed out until boxes are a few pixels tall, the links are drawn at their cheapest:
    // straight, solid, thin, and those the filters or the focus dim not at all.
    const overview = HEIGHT * k < 3;
    for (const pass of overview ? [false] : [true, false]) {
      for (const kind of Object.keys(edgeColours)) {
        context.beginPath();
        let any = false;
        for (const edge of data.edges) {
          if (edge.kind !== kind) continue;
          const a = edge.from;
          const b = edge.to;
          const dim = faded(a) || faded(b);
          if (dim !== pass) continue;
          const x1 = (xs[a] as number) + WIDTH;
          const y1 = (ys[a] as number) + HEIGHT / 2;
          const x2 = xs[b] as number;
          const y2 = (ys[b] as number) + HEIGHT / 2;
          if (Math.max(x1, x2) < left || Math.min(x1, x2) > right) continue;
          if (Math.max(y1, y2) < top || Math.min(y1, y2) > bottom) continue;
          context.moveTo(x1 * k + x, y1 * k + y);
          if (k < 0.15) context.lineTo(x2 * k + x, y2 * k + y);
          else {
            const mid = ((x1 + x2) / 2) * k + x;
            context.bezierCurveTo(mid, y1 * k + y, mid, y2 * k + y, x2 * k + x, y2 * k + y);
          }
          any = true;
          edgesDrawn++;
        }
        if (!any) continue;
        context.globalAlpha = pass ? 0.15 : overview ? 0.5 : 0.9;
        context.strokeStyle = edgeColours[kind] as string;
        context.lineWidth = overview ? 0.6 : kind === "added" ? 2.5 : 1.2;
        context.setLineDash(!overview && (kind === "removed" || kind === "renamed") ? [4, 3] : []);
        context.stroke();
      }
    }
    context.setLineDash([]);
    let nodesDrawn = 0;
    const visible: number[] = [];
    for (let i = 0; i < nodes.length; i++) if (inView(i)) visible.push(i);
    // At least a pixel tall and two wide, so that zoomed far out every node still shows.
    const w = Math.max(2, WIDTH * k);
    const h = Math.max(1, HEIGHT * k);
    const outlined = w > 3;
    // One path per kind of node (and per severity stripe) and pass: a handful of fills and
    // strokes a frame, however many nodes are in view.
    for (const pass of [true, false]) {
      context.globalAlpha = pass ? 0.25 : 1;
      for (const kind of paintKinds) {
        const paint = data.paints[kind];
        context.beginPath();
        let any = false;
        for (const i of visible) {
          if (faded(i) !== pass || (nodes[i] as PayloadNode).kind !== kind) continue;
          context.rect((xs[i] as number) * k + x, (ys[i] as number) * k + y, w, h);
          any = true;
          nodesDrawn++;
        }
        if (!any) continue;
        context.fillStyle = paint.fill;
        context.fill();
        if (!outlined) continue;
        context.strokeStyle = paint.stroke;
        context.lineWidth = 1.5;
        context.setLineDash(paint.dashed && !overview ? [5, 3] : []);
        context.stroke();
        context.setLineDash([]);
      }
      if (!outlined) continue;
      for (const colour of stripeColours) {
        context.beginPath();
        let any = false;
        for (const i of visible) {
          if (faded(i) !== pass || stripeOf[i] !== colour) continue;
          context.rect((xs[i] as number) * k + x, (ys[i] as number) * k + y, Math.max(2, 5 * k), h);
          any = true;
        }
        if (!any) continue;
        context.fillStyle = colour;
        context.fill();
      }
    }
    context.globalAlpha = 1;
    if (focused >= 0 && inView(focused)) {
      const paint = data.paints[(nodes[focused] as PayloadNode).kind];
      context.strokeStyle = paint.stroke;
      context.lineWidth = 3;
      context.strokeRect(
        (xs[focused] as number) * k + x - 2,
        (ys[focused] as number) * k + y - 2,
        w + 4,
        h + 4,
      );
    }
    // Labels once a box is wide enough for a few characters, never in a font under 9px.
    if (w >= 56) {
      const fontSize = Math.max(9, 12 * k);
      const chars = Math.max(4, Math.floor((w - 12 * k - 4) / (fontSize * 0.56)));
      context.font = `${fontSize.toFixed(1)}px system-ui, -apple-system, 'Segoe UI', sans-serif`;
      context.textBaseline = "middle";
      for (const i of visible) {
        const node = nodes[i] as PayloadNode;
        const paint = data.paints[node.kind];
        const text = `${paint.mark}${node.key}`;
        const label = text.length > chars ? `…${text.slice(text.length - chars + 1)}` : text;
        context.globalAlpha = faded(i) ? 0.35 : 1;
        context.fillStyle = paint.text;
        context.fillText(
          label,
          (xs[i] as number) * k + x + 9 * k,
          (ys[i] as number) * k + y + h / 2,
          w - 12 * k,
        );
      }
    }
    context.globalAlpha = 1;
    canvas.dataset.drawnNodes = String(nodesDrawn);
    canvas.dataset.drawnEdges = String(edgesDrawn);
    canvas.dataset.drawMs = (performance.now() - started).toFixed(1);
    publish();
    if (!drawnOnce) {
      drawnOnce = true;
      performance.mark("asset-diff:lineage-drawn");
      document.documentElement.dataset.lineageDrawn = "true";
    }
  };
  const requestDraw = () => {
    if (drawQueued) return;
    drawQueued = true;
    requestAnimationFrame(draw);
  };
  const zoomAt = (factor: number, cx: number, cy: number) => {
    const k = Math.min(4, Math.max(0.005, view.k * factor));
    view.x = cx - ((cx - view.x) * k) / view.k;
    view.y = cy - ((cy - view.y) * k) / view.k;
    view.k = k;
    publish();
    requestDraw();
  };
  const fitAll = () => {
    const { width, height } = size();
    if (nodes.length === 0) return;
    let minX = Number.POSITIVE_INFINITY;
    let minY = Number.POSITIVE_INFINITY;
    let maxX = Number.NEGATIVE_INFINITY;
    let maxY = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < nodes.length; i++) {
      minX = Math.min(minX, xs[i] as number);
      maxX = Math.max(maxX, (xs[i] as number) + WIDTH);
      minY = Math.min(minY, ys[i] as number);
      maxY = Math.max(maxY, (ys[i] as number) + HEIGHT);
    }
    const pad = 20;
    const k = Math.min(
      1.2,
      Math.max(
        0.005,
        Math.min((width - 2 * pad) / (maxX - minX), (height - 2 * pad) / (maxY - minY)),
      ),
    );
    view.k = k;
    view.x = (width - (maxX - minX) * k) / 2 - minX * k;
    view.y = (height - (maxY - minY) * k) / 2 - minY * k;
    publish();
    requestDraw();
  };
  const centreOn = (i: number) => {
    const { width, height } = size();
    if (view.k < 0.6) view.k = 0.8;
    view.x = width / 2 - ((xs[i] as number) + WIDTH / 2) * view.k;
    view.y = height / 2 - ((ys[i] as number) + HEIGHT / 2) * view.k;
  };
  const walk = (start: number, next: number[][]) => {
    const stack = [start];
    while (stack.length > 0) {
      const n = stack.pop() as number;
      for (const m of next[n] ?? []) {
        if (related[m] === 1) continue;
        related[m] = 1;
        stack.push(m);
      }
    }
  };
  const showFocus = (i: number) => {
    focusPanel.replaceChildren();
    if (i < 0) {
      focusPanel.append(element("p", "hint", "Click a node to focus it."));
      return;
    }
    const node = nodes[i] as PayloadNode;
    const paint = data.paints[node.kind];
    focusPanel.append(element("h3", "", node.key));
    focusPanel.append(element("p", "kind", paint?.label ?? node.kind));
    if (node.note !== undefined) focusPanel.append(element("p", "", node.note));
    appendLineage(i, focusPanel);
    for (const a of node.assets) {
      const asset = assets[a] as PayloadAsset;
      const body = element("div", "focus-asset");
      if (node.assets.length > 1 && asset.location !== null)
        body.append(element("h4", "", asset.location));
      for (const section of asset.sections) {
        body.append(element("h4", "", section.title));
        const ul = element("ul", "lines");
        for (const line of section.lines) ul.append(lineElement(line));
        body.append(ul);
      }
      focusPanel.append(body);
    }
  };
  /** Focuses node `i` (none for -1) and centres it; `fromList` also scrolls the view in. */
  const focusNode = (i: number, fromList: boolean) => {
    focused = i;
    related.fill(0);
    if (i >= 0) {
      related[i] = 1;
      walk(i, upstreamOf);
      walk(i, downstreamOf);
      centreOn(i);
      if (fromList) canvas.scrollIntoView({ block: "nearest" });
    }
    showFocus(i);
    publish();
    requestDraw();
  };
  const nodeAt = (cx: number, cy: number) => {
    const lx = (cx - view.x) / view.k;
    const ly = (cy - view.y) / view.k;
    // Tiny nodes get a few pixels of slack, so they can still be clicked when zoomed out.
    const slack = Math.max(0, 4 / view.k - HEIGHT / 2);
    for (let i = nodes.length - 1; i >= 0; i--) {
      const nx = xs[i] as number;
      const ny = ys[i] as number;
      if (
        lx >= nx - slack &&
        lx <= nx + WIDTH + slack &&
        ly >= ny - slack &&
        ly <= ny + HEIGHT + slack
      )
        return i;
    }
    return -1;
  };

  let drag: { x: number; y: number; vx: number; vy: number; moved: boolean } | undefined;
  canvas.addEventListener("pointerdown", (event) => {
    drag = { x: event.clientX, y: event.clientY, vx: view.x, vy: view.y, moved: false };
    canvas.setPointerCapture(event.pointerId);
  });
  canvas.addEventListener("pointermove", (event) => {
    if (drag === undefined) return;
    const dx = event.clientX - drag.x;
    const dy = event.clientY - drag.y;
    if (Math.abs(dx) + Math.abs(dy) > 3) drag.moved = true;
    if (!drag.moved) return;
    view.x = drag.vx + dx;
    view.y = drag.vy + dy;
    publish();
    requestDraw();
  });
  canvas.addEventListener("pointerup", (event) => {
    const wasDrag = drag?.moved ?? false;
    drag = undefined;
    if (wasDrag) return;
    const box = canvas.getBoundingClientRect();
    focusNode(nodeAt(event.clientX - box.left, event.clientY - box.top), false);
  });
  canvas.addEventListener(
    "wheel",
    (event) => {
      event.preventDefault();
      const box = canvas.getBoundingClientRect();
      zoomAt(Math.exp(-event.deltaY / 500), event.clientX - box.left, event.clientY - box.top);
    },
    { passive: false },
  );
  canvas.addEventListener("keydown", (event) => {
    const { width, height } = size();
    const step = 60;
    const keys: Record<string, () => void> = {
      ArrowLeft: () => {
        view.x += step;
      },
      ArrowRight: () => {
        view.x -= step;
      },
      ArrowUp: () => {
        view.y += step;
      },
      ArrowDown: () => {
        view.y -= step;
      },
      "+": () => zoomAt(1.25, width / 2, height / 2),
      "=": () => zoomAt(1.25, width / 2, height / 2),
      "-": () => zoomAt(0.8, width / 2, height / 2),
      "0": fitAll,
      Escape: () => focusNode(-1, false),
    };
    const action = keys[event.key];
    if (action === undefined) return;
    event.preventDefault();
    action();
    publish();
    requestDraw();
  });
  const centre = () => {
    const { width, height } = size();
    return [width / 2, height / 2] as const;
  };
  byId(ids.zoomIn).addEventListener("click", () => zoomAt(1.25, ...centre()));
  byId(ids.zoomOut).addEventListener("click", () => zoomAt(0.8, ...centre()));
  byId(ids.fit).addEventListener("click", fitAll);
  byId(ids.clear).addEventListener("click", () => focusNode(-1, false));
  new ResizeObserver(() => requestDraw()).observe(canvas);
  window.matchMedia("(prefers-color-scheme: dark)").addEventListener("change", requestDraw);

  applyFilters();
  showFocus(-1);
  fitAll();
  document.documentElement.dataset.ready = "true";
  performance.mark("asset-diff:interactive");
}
