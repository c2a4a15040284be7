import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { renderMarkdown } from "../../src/report/markdown";
import { renderLineageMermaid } from "../../src/report/mermaid";
import { CHROMIUM_PATH, launchChromium, NO_BROWSER, screenshotPath } from "../helpers/browser";
import {
  COLUMN_WIDTH,
  LINEAGE_SHAPES,
  MIN_FONT_PX,
  type RenderedComment,
  renderComment,
  shapedChangeSet,
} from "../helpers/render-markdown";
import { SETUP_TIMEOUT_MS } from "../helpers/timeouts";
import { change, changeSetOf } from "../report/change-set-builders";

const GOLDEN_DIR = "test/golden";
const goldens = readdirSync(GOLDEN_DIR)
  .filter((name) => name.endsWith(".md"))
  .sort();
const large = LINEAGE_SHAPES.flatMap((shape) => [2_000, 20_000].map((n) => [shape, n] as const));

/** What every rendered comment must show: diagrams that draw, fit and read; folds that fold. */
function expectReadable(rendered: RenderedComment, name: string): void {
  expect(rendered.errors, name).toEqual([]);
  for (const diagram of rendered.diagrams) {
    expect(diagram.width, `${name}: diagram width`).toBeLessThanOrEqual(COLUMN_WIDTH);
    expect(diagram.labels, `${name}: labels`).toBeGreaterThan(0);
    expect(diagram.minFontPx, `${name}: smallest label`).toBeGreaterThanOrEqual(MIN_FONT_PX);
  }
  for (const details of rendered.details) {
    expect(details, `${name}: <details> ${details.summary}`).toEqual({
      summary: details.summary,
      closedAtFirst: true,
      hiddenAtFirst: true,
      openAfterClick: true,
      shownAfterClick: true,
    });
  }
}

// Without a browser the suite shows this describe as skipped, named by the reason.
describe.skipIf(CHROMIUM_PATH === undefined)(
  CHROMIUM_PATH === undefined
    ? NO_BROWSER
    : "the Markdown reports in headless Chromium, as GitHub's 780 px comment column shows them",
  () => {
    let browser: Browser;
    let page: Page;
    beforeAll(async () => {
      browser = await launchChromium();
      page = await browser.newPage();
    }, SETUP_TIMEOUT_MS);
    afterAll(() => browser?.close(), SETUP_TIMEOUT_MS);

    test("there are golden reports to render", () => {
      expect(goldens.length).toBeGreaterThanOrEqual(5);
    });

    test.each(goldens)("%s: its diagram draws, fits and reads; its sections fold", async (name) => {
      const markdown = readFileSync(join(GOLDEN_DIR, name), "utf8");
      const rendered = await renderComment(page, markdown);
      await page.screenshot({ path: screenshotPath(basename(name, ".md")), fullPage: true });
      expect(rendered.diagrams.length).toBe(markdown.match(/^```mermaid$/gm)?.length ?? 0);
      expectReadable(rendered, name);
    });

    test.each(large)(
      "%s of %i changed assets: the report's diagram draws, fits and reads",
      async (shape, n) => {
        const rendered = await renderComment(page, renderMarkdown(shapedChangeSet(shape, n)));
        if (n === 2_000) await page.screenshot({ path: screenshotPath(`lineage-${shape}`) });
        expect(rendered.diagrams).toHaveLength(1);
        expectReadable(rendered, `${shape} ${n}`);
      },
    );

    test("under Mermaid's strict security level (GitHub's), nodes keep their link and full-key tooltip", async () => {
      const changeSet = changeSetOf([
        change("raw/stripe/charges", ["TAGS"], {
          lineage: { upstream: [], downstream: ["staging/stg_charges"] },
        }),
        change("staging/stg_charges", ["REMOVED"], {
          lineage: { upstream: ["raw/stripe/charges"], downstream: [] },
        }),
      ]);
      const links = {
        base: "https://acme.dagster.cloud/prod",
        branch: "https://acme.dagster.cloud/pr-7",
      };
      const linked = `\`\`\`mermaid\n${renderLineageMermaid(changeSet, { links })}\`\`\`\n`;
      const withLinks = await renderComment(page, linked);
      expectReadable(withLinks, "with links");
      expect(withLinks.diagrams[0]?.links.sort()).toEqual([
        "https://acme.dagster.cloud/pr-7/assets/raw/stripe/charges",
        "https://acme.dagster.cloud/prod/assets/staging/stg_charges",
      ]);
      expect(withLinks.diagrams[0]?.tooltips.sort()).toEqual([
        "raw/stripe/charges",
        "staging/stg_charges",
      ]);
      // Without links, the tooltip alone; and nothing breaks where Mermaid binds callbacks.
      const plain = `\`\`\`mermaid\n${renderLineageMermaid(changeSet)}\`\`\`\n`;
      for (const securityLevel of ["strict", "loose"] as const) {
        const rendered = await renderComment(page, plain, { securityLevel });
        expectReadable(rendered, securityLevel);
        expect(rendered.diagrams[0]?.links).toEqual([]);
        expect(rendered.diagrams[0]?.tooltips.sort()).toEqual([
          "raw/stripe/charges",
          "staging/stg_charges",
        ]);
        const errors: string[] = [];
        page.on("pageerror", (error) => errors.push(error.message));
        await page.locator("g.node").first().click();
        expect(errors, securityLevel).toEqual([]);
      }
    });

    test("a broken diagram is reported, so these checks can fail", async () => {
      const rendered = await renderComment(page, '```mermaid\nflowchart TB\n  n0["a "b"]\n```\n');
      expect(rendered.errors.join("\n")).toMatch(/mermaid parse/);
    });
  },
);
