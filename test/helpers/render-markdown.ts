import { micromark } from "micromark";
import { gfm, gfmHtml } from "micromark-extension-gfm";
import type { Page } from "playwright-core";
import type { ChangeSet } from "../../src/diff/change-set";
import type { ChangeType } from "../../src/diff/change-types";
import { change, changeSetOf } from "../report/change-set-builders";

/** The width of GitHub's comment column, which a pull-request comment is read in. */
export const COLUMN_WIDTH = 780;

/** Smallest label, in CSS pixels on screen, a reader can read without zooming. */
export const MIN_FONT_PX = 11;

/** Mermaid's browser bundle, loaded from disk: the browser tests run without network. */
const MERMAID_SCRIPT = "node_modules/mermaid/dist/mermaid.min.js";

/** What rendering one comment showed. */
export interface RenderedComment {
  /** Mermaid parse or render errors, console errors and page errors, in the order met. */
  errors: string[];
  diagrams: DiagramSize[];
  details: DetailsState[];
}

/** One rendered Mermaid diagram, measured on screen. */
interface DiagramSize {
  /** The SVG's width on screen, in CSS pixels. */
  width: number;
  /** The width Mermaid laid the diagram out at (its `viewBox`). */
  naturalWidth: number;
  height: number;
  /** The smallest label text on screen: its font size times the SVG's scale. */
  minFontPx: number;
  /** How many labels were measured (node, edge and subgraph labels). */
  labels: number;
  /** The `title` tooltips of its nodes, from `click` lines. */
  tooltips: string[];
  /** The link targets of its nodes, from `click` lines. */
  links: string[];
}

/** One `<details>` element: whether it started closed and opened on a click of its summary. */
interface DetailsState {
  summary: string;
  closedAtFirst: boolean;
  hiddenAtFirst: boolean;
  openAfterClick: boolean;
  shownAfterClick: boolean;
}

/**
 * GitHub Flavored Markdown as HTML, the way GitHub renders a comment: micromark with the GFM
 * extension, raw HTML (`<details>`, `<sub>`) allowed.
 */
function markdownToHtml(markdown: string): string {
  return micromark(markdown, {
    allowDangerousHtml: true,
    extensions: [gfm()],
    htmlExtensions: [gfmHtml()],
  });
}

/**
 * A page styled roughly like GitHub's comment column (780 px, body 14 px, code 85 %, tables,
 * `<details>`), holding the rendered Markdown.
 */
function commentPage(markdown: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><style>${COMMENT_CSS}</style></head><body><article class="markdown-body">${markdownToHtml(markdown)}</article></body></html>`;
}

/**
 * Loads a comment into `page`, checks its `<details>` fold (closed at first, opened by a click),
 * opens those that hold a diagram, renders each Mermaid block as GitHub does (Mermaid's default
 * `strict` security level unless told otherwise) and measures the diagrams on screen.
 */
export async function renderComment(
  page: Page,
  markdown: string,
  options: { securityLevel?: "strict" | "loose" } = {},
): Promise<RenderedComment> {
  const errors: string[] = [];
  const onConsole = (message: { type(): string; text(): string }) => {
    if (message.type() === "error") errors.push(`console: ${message.text()}`);
  };
  const onError = (error: Error) => errors.push(`page: ${error.message}`);
  page.on("console", onConsole);
  page.on("pageerror", onError);
  try {
    await page.setViewportSize({ width: COLUMN_WIDTH, height: 900 });
    await page.setContent(commentPage(markdown));
    const details = await checkDetails(page);
    await page.addScriptTag({ path: MERMAID_SCRIPT });
    const result = await page.evaluate(renderDiagrams, options.securityLevel ?? "strict");
    return { errors: [...errors, ...result.errors], diagrams: result.diagrams, details };
  } finally {
    page.off("console", onConsole);
    page.off("pageerror", onError);
  }
}

// --- internal ---

const COMMENT_CSS = `
body { margin: 0; background: #fff; }
.markdown-body { box-sizing: border-box; width: ${COLUMN_WIDTH}px; padding: 16px;
  font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif;
  font-size: 14px; line-height: 1.5; color: #1f2328; word-wrap: break-word; }
.markdown-body h1, .markdown-body h2, .markdown-body h3 { margin: 24px 0 16px; font-weight: 600; line-height: 1.25; }
.markdown-body h2 { font-size: 1.5em; padding-bottom: .3em; border-bottom: 1px solid #d1d9e0b3; }
.markdown-body h3 { font-size: 1.25em; }
.markdown-body p, .markdown-body ul, .markdown-body table, .markdown-body pre, .markdown-body details { margin: 0 0 16px; }
.markdown-body code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 85%;
  padding: .2em .4em; background: #818b981f; border-radius: 6px; }
.markdown-body pre { padding: 16px; overflow: auto; background: #f6f8fa; border-radius: 6px; }
.markdown-body pre code { padding: 0; background: none; font-size: 85%; }
.markdown-body table { display: block; width: max-content; max-width: 100%; overflow: auto; border-spacing: 0; border-collapse: collapse; }
.markdown-body th, .markdown-body td { padding: 6px 13px; border: 1px solid #d1d9e0; }
.markdown-body th { font-weight: 600; }
.markdown-body tr:nth-child(2n) { background: #f6f8fa; }
.markdown-body summary { cursor: pointer; }
.markdown-body sub { font-size: 75%; }
.markdown-body .mermaid { margin: 0 0 16px; text-align: center; }
`;

/** In the page: each `<details>` starts closed with its content hidden and opens on a click. */
async function checkDetails(page: Page): Promise<DetailsState[]> {
  const count = await page.locator("details").count();
  const states: DetailsState[] = [];
  for (let i = 0; i < count; i++) {
    const details = page.locator("details").nth(i);
    const before = await details.evaluate(detailsState);
    await details.locator("> summary").click();
    const after = await details.evaluate(detailsState);
    const holdsDiagram = await details.evaluate((d) => d.querySelector("code.language-mermaid"));
    // Those without a diagram are closed again, as the reader left them.
    if (holdsDiagram === null) await details.locator("> summary").click();
    states.push({
      summary: before.summary,
      closedAtFirst: !before.open,
      hiddenAtFirst: !before.shown,
      openAfterClick: after.open,
      shownAfterClick: after.shown,
    });
  }
  return states;
}

function detailsState(d: HTMLDetailsElement): { summary: string; open: boolean; shown: boolean } {
  const content = Array.from(d.children).filter((c) => c.tagName !== "SUMMARY");
  return {
    summary: d.querySelector("summary")?.textContent ?? "",
    open: d.open,
    shown: content.some((c) => c.checkVisibility()),
  };
}

interface MermaidApi {
  initialize(config: Record<string, unknown>): void;
  parse(text: string): Promise<unknown>;
  run(options: { nodes: HTMLElement[] }): Promise<void>;
}

/** In the page: renders every Mermaid block and measures what it drew. */
async function renderDiagrams(
  securityLevel: string,
): Promise<{ errors: string[]; diagrams: DiagramSize[] }> {
  const mermaid = (window as unknown as { mermaid: MermaidApi }).mermaid;
  mermaid.initialize({ startOnLoad: false, securityLevel });
  const errors: string[] = [];
  const blocks: HTMLElement[] = [];
  for (const code of Array.from(document.querySelectorAll("pre > code.language-mermaid"))) {
    const text = code.textContent ?? "";
    try {
      await mermaid.parse(text);
    } catch (error) {
      errors.push(`mermaid parse: ${String(error)}`);
      continue;
    }
    const div = document.createElement("div");
    div.className = "mermaid";
    div.textContent = text;
    code.parentElement?.replaceWith(div);
    blocks.push(div);
  }
  try {
    await mermaid.run({ nodes: blocks });
  } catch (error) {
    errors.push(`mermaid render: ${String(error)}`);
  }
  const diagrams: DiagramSize[] = [];
  for (const block of blocks) {
    const svg = block.querySelector("svg");
    if (svg === null) {
      errors.push("mermaid render: no SVG");
      continue;
    }
    if (svg.getAttribute("aria-roledescription") === "error")
      errors.push(`mermaid render: ${svg.textContent}`);
    const box = svg.getBoundingClientRect();
    const naturalWidth = svg.viewBox.baseVal.width;
    const scale = naturalWidth > 0 ? box.width / naturalWidth : 1;
    let minFontPx = Number.POSITIVE_INFINITY;
    let labels = 0;
    for (const label of Array.from(
      svg.querySelectorAll(".nodeLabel, .edgeLabel span, .cluster-label span, text"),
    )) {
      if ((label.textContent ?? "").trim() === "") continue;
      labels++;
      const size = Number.parseFloat(getComputedStyle(label).fontSize);
      minFontPx = Math.min(minFontPx, size * scale);
    }
    diagrams.push({
      width: box.width,
      naturalWidth,
      height: box.height,
      minFontPx,
      labels,
      tooltips: Array.from(svg.querySelectorAll("[title]")).map(
        (n) => n.getAttribute("title") ?? "",
      ),
      links: Array.from(svg.querySelectorAll("a")).map(
        (a) => a.getAttribute("href") ?? a.getAttribute("xlink:href") ?? "",
      ),
    });
  }
  return { errors, diagrams };
}

/** The shapes of the large generated lineages the browser tests draw. */
export const LINEAGE_SHAPES = ["chain", "tree", "fan-in"] as const;

/** See {@link LINEAGE_SHAPES}. */
export type LineageShape = (typeof LINEAGE_SHAPES)[number];

/**
 * `n` changed assets (every tenth new, every tenth + 1 removed, the rest modified) in two code
 * locations, with lineage: a `chain` (each reads the previous), a binary `tree` (each reads its
 * parent) or a `fan-in` (each reads nothing and feeds one of ten changed sinks and an unchanged
 * hub).
 */
export function shapedChangeSet(shape: LineageShape, n: number): ChangeSet {
  const key = (i: number) => `${shape}_${Math.floor(i / 1000)}/asset_${String(i).padStart(6, "0")}`;
  const up = new Map<number, string[]>();
  const down = new Map<number, string[]>();
  const link = (from: number, to: number) => {
    up.set(to, [...(up.get(to) ?? []), key(from)]);
    down.set(from, [...(down.get(from) ?? []), key(to)]);
  };
  for (let i = 1; i < n; i++) {
    if (shape === "chain") link(i - 1, i);
    else if (shape === "tree") link((i - 1) >> 1, i);
    else if (i >= 10) link(i, i % 10);
  }
  const assets = Array.from({ length: n }, (_, i) => {
    const types = i % 10 === 0 ? ["NEW"] : i % 10 === 1 ? ["REMOVED"] : ["CODE_VERSION"];
    const downstream = [...(down.get(i) ?? []), ...(shape === "fan-in" && i >= 10 ? ["hub"] : [])];
    return change(key(i), types as ChangeType[], {
      codeLocation: Math.floor(i / 1000) % 2 === 0 ? "loc" : "other",
      lineage: { upstream: up.get(i) ?? [], downstream: downstream.sort() },
    });
  });
  return changeSetOf(assets);
}
