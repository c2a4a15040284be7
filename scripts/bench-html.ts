/**
 * Benchmark of the HTML report (`--format html`) at 20,000 changed assets: how long rendering
 * takes, how big the page is, and, in headless Chromium, how long the page takes to become
 * interactive and to draw the lineage view, and how long a filter, a search and a zoom take to
 * show. A benchmark, not a timed test: it prints a table (and writes the page to
 * `bench-results/`).
 *
 *   npx tsx scripts/bench-html.ts [assets=20000] [runs=3]
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { AssetChange, ChangeSet } from "../src/diff/change-set";
import { renderHtml } from "../src/report/html";
import { CHROMIUM_PATH, launchChromium, NO_BROWSER } from "../test/helpers/browser";
import { rated, reviewedSetOf, verdict } from "../test/report/change-set-builders";

/**
 * A reviewed change set of `n` changed assets shaped like a real platform's: four code locations,
 * groups of 500 assets in 12 layers, each asset reading one to three assets of the layer before
 * in its group, and one in five with an unchanged downstream neighbour. Every tenth asset is new
 * (safe), every tenth + 1 removed (breaking), the rest change their code version (risky) or only
 * a tag (safe). Deterministic.
 *
 * @example
 * renderHtml(layeredChangeSet(20_000));
 */
export function layeredChangeSet(n: number): ChangeSet {
  let seed = 0x2545f491;
  const random = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  const LAYERS = 12;
  const GROUP = 500;
  const key = (i: number) => {
    const group = Math.floor(i / GROUP);
    const layer = Math.floor(((i % GROUP) * LAYERS) / GROUP);
    return `loc_${group % 4}/group_${String(group).padStart(3, "0")}/layer_${String(layer).padStart(2, "0")}/asset_${String(i).padStart(6, "0")}`;
  };
  const layerOf = (i: number) => Math.floor(((i % GROUP) * LAYERS) / GROUP);
  const upstream: string[][] = Array.from({ length: n }, () => []);
  const downstream: string[][] = Array.from({ length: n }, () => []);
  const perLayer = Math.ceil(GROUP / LAYERS);
  for (let i = 0; i < n; i++) {
    const layer = layerOf(i);
    if (layer > 0) {
      const groupStart = i - (i % GROUP);
      const previousStart = groupStart + Math.ceil(((layer - 1) * GROUP) / LAYERS);
      const parents = 1 + Math.floor(random() * 3);
      for (let p = 0; p < parents; p++) {
        const parent = Math.min(n - 1, previousStart + Math.floor(random() * perLayer));
        if (parent >= i || upstream[i]?.includes(key(parent))) continue;
        upstream[i]?.push(key(parent));
        downstream[parent]?.push(key(i));
      }
    }
    if (random() < 0.2) downstream[i]?.push(`dashboards/report_${String(i).padStart(6, "0")}`);
  }
  const assets: AssetChange[] = [];
  for (let i = 0; i < n; i++) {
    const lineage = {
      upstream: [...(upstream[i] ?? [])].sort(),
      downstream: [...(downstream[i] ?? [])].sort(),
    };
    const location = { codeLocation: `loc_${Math.floor(i / GROUP) % 4}` };
    if (i % 10 === 0) {
      assets.push(rated(key(i), [verdict("NEW", "safe", "NEW_ASSET")], { ...location, lineage }));
    } else if (i % 10 === 1) {
      assets.push(
        rated(key(i), [verdict("REMOVED", "breaking", "REMOVED_WITH_DEPENDENTS")], {
          ...location,
          lineage,
        }),
      );
    } else if (i % 3 === 0) {
      assets.push(
        rated(
          key(i),
          [verdict("TAGS", "safe", "DESCRIPTIVE_CHANGE")],
          { ...location, lineage },
          {
            tags: {
              addedKeys: [],
              changedKeys: ["tier"],
              removedKeys: [],
              values: [{ key: "tier", old: "silver", new: "gold" }],
            },
          },
        ),
      );
    } else {
      assets.push(
        rated(
          key(i),
          [verdict("CODE_VERSION", "risky", "CODE_VERSION_CHANGED")],
          { ...location, lineage },
          { codeVersion: { old: `v${i}`, new: `v${i + 1}` } },
        ),
      );
    }
  }
  assets.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return reviewedSetOf(assets);
}

// --- internal ---

interface Figures {
  interactive: number;
  lineageDrawn: number;
  severityFilter: number;
  changeTypeFilter: number;
  search: number;
  zoom: number;
  reset: number;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

async function measurePage(url: string): Promise<Figures> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.route("**/*", (route) =>
      route.request().url() === url ? route.continue() : route.abort(),
    );
    await page.goto(url);
    await page.waitForSelector("html[data-lineage-drawn]", { timeout: 60_000 });
    const marks = await page.evaluate(() => ({
      interactive: performance.getEntriesByName("asset-diff:interactive")[0]?.startTime ?? NaN,
      lineageDrawn: performance.getEntriesByName("asset-diff:lineage-drawn")[0]?.startTime ?? NaN,
    }));
    /** From the input's event to the second frame after it: what the reader waits for. */
    const shown = (action: string) =>
      // No function is declared inside: tsx would wrap it in a helper the page does not have.
      page.evaluate(async (what) => {
        const started = performance.now();
        if (what === "severity") {
          const box = document.querySelector<HTMLInputElement>('input[value="risky"]');
          if (box) box.checked = !box.checked;
          box?.dispatchEvent(new Event("change"));
        } else if (what === "changeType") {
          const select = document.getElementById("filter-change-type") as HTMLSelectElement;
          select.value = "CODE_VERSION";
          select.dispatchEvent(new Event("change"));
        } else if (what === "search") {
          const input = document.getElementById("filter-search") as HTMLInputElement;
          input.value = "layer_03";
          input.dispatchEvent(new Event("input"));
        } else {
          (document.getElementById(what) as HTMLButtonElement).click();
        }
        await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
        return performance.now() - started;
      }, action);
    return {
      ...marks,
      severityFilter: await shown("severity"),
      changeTypeFilter: await shown("changeType"),
      search: await shown("search"),
      zoom: await shown("lineage-zoom-in"),
      reset: await shown("filter-reset"),
    };
  } finally {
    await browser.close();
  }
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 20_000);
  const runs = Number(process.argv[3] ?? 3);
  let started = performance.now();
  const changeSet = layeredChangeSet(n);
  const generated = performance.now() - started;
  const renders: number[] = [];
  let page = "";
  for (let i = 0; i < runs; i++) {
    started = performance.now();
    page = renderHtml(changeSet);
    renders.push(performance.now() - started);
  }
  mkdirSync("bench-results", { recursive: true });
  const file = resolve(join("bench-results", `html-${n}.html`));
  writeFileSync(file, page);
  const rows: [string, string][] = [
    ["changed assets", n.toLocaleString("en")],
    ["generate change set", `${generated.toFixed(0)} ms`],
    [`renderHtml (median of ${runs})`, `${median(renders).toFixed(0)} ms`],
    ["page size", `${(Buffer.byteLength(page) / 1024 / 1024).toFixed(1)} MB`],
  ];
  if (CHROMIUM_PATH === undefined) {
    console.log(NO_BROWSER);
  } else {
    const url = pathToFileURL(file).href;
    const figures: Figures[] = [];
    for (let i = 0; i < runs; i++) figures.push(await measurePage(url));
    const of = (field: keyof Figures) => `${median(figures.map((f) => f[field])).toFixed(0)} ms`;
    rows.push(
      [`page interactive (list and filters; median of ${runs})`, of("interactive")],
      ["first lineage draw", of("lineageDrawn")],
      ["severity filter to screen", of("severityFilter")],
      ["change-type filter to screen", of("changeTypeFilter")],
      ["search to screen", of("search")],
      ["zoom to screen", of("zoom")],
      ["reset filters to screen", of("reset")],
    );
  }
  const width = Math.max(...rows.map(([label]) => label.length));
  console.log(`| ${"what".padEnd(width)} | figure |`);
  console.log(`| ${"-".repeat(width)} | ------ |`);
  for (const [label, value] of rows) console.log(`| ${label.padEnd(width)} | ${value} |`);
  console.log(`\npage written to ${file}`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
