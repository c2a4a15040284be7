import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { layeredChangeSet } from "../../scripts/bench-html";
import { diffAssetGraphs } from "../../src/diff/diff";
import { renderHtml } from "../../src/report/html";
import { CHROMIUM_PATH, launchChromium, NO_BROWSER, screenshotPath } from "../helpers/browser";
import { loadExample } from "../helpers/example";
import { change, changeSetOf } from "../report/change-set-builders";

// The README's example as the CLI writes it, opened from a file as from a CI artifact.
const { base, branch, reviewed } = await loadExample();
const example = renderHtml(reviewed, {
  graphs: { base, branch },
  context: { commit: "4f2c9e1", generatedAt: "2026-12-01T09:30:00Z" },
  links: { branch: "http://localhost:3000" },
});

interface Opened {
  page: Page;
  /** Console errors and warnings, page errors, and every request but the page's own. */
  problems: string[];
}

const dir = mkdtempSync(join(tmpdir(), "asset-diff-html-"));
let browser: Browser;

/** Opens a page from a file with every other request blocked, once it is ready and drawn. */
async function open(html: string, name: string): Promise<Opened> {
  const file = join(dir, `${name}.html`);
  writeFileSync(file, html);
  const url = pathToFileURL(file).href;
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning")
      problems.push(`console.${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("request", (r) => {
    if (r.url() !== url) problems.push(`request: ${r.url()}`);
  });
  await page.route("**/*", (route) =>
    route.request().url() === url ? route.continue() : route.abort(),
  );
  await page.goto(url);
  await page.waitForSelector("html[data-ready][data-lineage-drawn]", { timeout: 20_000 });
  return { page, problems };
}

const rows = (page: Page) => page.locator("#asset-list > li").count();
const canvasData = (page: Page, name: string) =>
  page.locator("#lineage-canvas").getAttribute(`data-${name}`);
const transform = async (page: Page) =>
  ((await canvasData(page, "transform")) ?? "").split(" ").map(Number) as [number, number, number];

describe.skipIf(CHROMIUM_PATH === undefined)(
  CHROMIUM_PATH === undefined ? NO_BROWSER : "the HTML report in headless Chromium",
  () => {
    beforeAll(async () => {
      browser = await launchChromium();
    });
    afterAll(async () => {
      await browser?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    test("opens from a file with no console error and no request but itself", async () => {
      const { page, problems } = await open(example, "example");
      expect(await rows(page)).toBe(26);
      expect(await page.textContent("#filter-count")).toBe("26 changed assets");
      expect(await page.textContent("#verdict")).toBe("5 breaking · 11 risky · 10 safe");
      await page.screenshot({ path: screenshotPath("html-report-example"), fullPage: true });
      expect(problems).toEqual([]);
      await page.close();
    });

    test("its Content-Security-Policy stops the page from fetching anything", async () => {
      const { page, problems } = await open(example, "csp");
      const outcome = await page.evaluate(() =>
        fetch("https://example.com/beacon").then(
          () => "fetched",
          () => "blocked",
        ),
      );
      expect(outcome).toBe("blocked");
      // Refused by the policy before any request was made.
      expect(problems.filter((p) => p.startsWith("request:"))).toEqual([]);
      expect(problems.join("\n")).toContain("Content Security Policy");
      await page.close();
    });

    test("dark mode: opens with no console error", async () => {
      const { page, problems } = await open(example, "dark");
      await page.emulateMedia({ colorScheme: "dark" });
      await page.locator('li[data-key="staging/stg_charges"] summary').click();
      const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      expect(background).toBe("rgb(13, 17, 23)");
      await page.screenshot({ path: screenshotPath("html-report-dark") });
      expect(problems).toEqual([]);
      await page.close();
    });

    test.each([
      [
        "severity: breaking only",
        async (p: Page) => {
          await p.uncheck('input[name=severity][value="risky"]');
          await p.uncheck('input[name=severity][value="safe"]');
        },
        5,
      ],
      ["change type: METADATA", (p: Page) => p.selectOption("#filter-change-type", "METADATA"), 7],
      [
        "change type: an extra one, GROUP",
        (p: Page) => p.selectOption("#filter-change-type", "GROUP"),
        1,
      ],
      [
        "code location: ingestion",
        (p: Page) => p.selectOption("#filter-location", { label: "ingestion (6)" }),
        6,
      ],
      ["group: finance", (p: Page) => p.selectOption("#filter-group", { label: "finance (3)" }), 3],
      ["search: finance", (p: Page) => p.fill("#filter-search", "finance"), 4],
      ["search, any case: STG_", (p: Page) => p.fill("#filter-search", "STG_"), 2],
      [
        "code location analytics and breaking only",
        async (p: Page) => {
          await p.selectOption("#filter-location", { label: "analytics (20)" });
          await p.uncheck('input[name=severity][value="risky"]');
          await p.uncheck('input[name=severity][value="safe"]');
        },
        4,
      ],
      ["a search nothing matches", (p: Page) => p.fill("#filter-search", "no such asset"), 0],
    ] as const)("filter %s", async (_name, apply, expected) => {
      const { page, problems } = await open(example, "filters");
      await apply(page);
      expect(await rows(page)).toBe(expected);
      expect(await page.textContent("#filter-count")).toBe(
        `${expected} of 26 changed assets match`,
      );
      // The lineage view dims what the filters leave out.
      await page.waitForFunction(
        (n) => document.getElementById("lineage-canvas")?.dataset.lit !== String(n),
        35,
      );
      await page.click("#filter-reset");
      expect(await rows(page)).toBe(26);
      expect(await canvasData(page, "lit")).toBe("35");
      expect(problems).toEqual([]);
      await page.close();
    });

    test("the filters work from the keyboard", async () => {
      const { page } = await open(example, "keyboard");
      await page.focus('input[name=severity][value="breaking"]');
      await page.keyboard.press("Space");
      expect(await rows(page)).toBe(21);
      await page.keyboard.press("Tab");
      await page.keyboard.press("Space");
      expect(await rows(page)).toBe(10);
      await page.focus("#filter-search");
      await page.keyboard.type("ml/");
      expect(await rows(page)).toBe(4);
      await page.close();
    });

    test("expanding an asset shows its verdicts and old → new values", async () => {
      const { page, problems } = await open(example, "details");
      const row = page.locator('li[data-key="marts/finance/fct_revenue"]');
      await row.locator("summary").click();
      const body = row.locator(".details-body");
      await expect.poll(() => body.textContent()).toContain("risky: the code version changed");
      const text = (await body.textContent()) ?? "";
      expect(text).toMatch(/code version: "4bc9060af5bf…" → "d627c313426e…"/);
      expect(text).toContain("dependency added: shared/currency_rates");
      expect(text).toContain("column net_amount_usd added (safe)");
      expect(text).toContain("upstream: ");
      expect(await body.locator("code").count()).toBeGreaterThan(4);
      expect(await body.locator("a").getAttribute("href")).toBe(
        "http://localhost:3000/assets/marts/finance/fct_revenue",
      );
      // Only the expanded asset has its details built.
      expect(await page.locator(".details-body:not(:empty)").count()).toBe(1);
      expect(problems).toEqual([]);
      await page.close();
    });

    test("the lineage view draws the changed assets and their neighbours", async () => {
      const { page } = await open(example, "lineage");
      expect(await canvasData(page, "drawn-nodes")).toBe("35");
      expect(Number(await canvasData(page, "drawn-edges"))).toBe(41);
      const inked = await page.evaluate(() => {
        const canvas = document.getElementById("lineage-canvas") as HTMLCanvasElement;
        const pixels = (canvas.getContext("2d") as CanvasRenderingContext2D).getImageData(
          0,
          0,
          canvas.width,
          canvas.height,
        ).data;
        let count = 0;
        for (let i = 0; i < pixels.length; i += 4)
          if (pixels[i] !== 255 || pixels[i + 1] !== 255 || pixels[i + 2] !== 255) count++;
        return count;
      });
      expect(inked).toBeGreaterThan(2_000);
      await page.close();
    });

    test("clicking a node focuses it: its details show, its up- and downstream stay lit", async () => {
      const { page, problems } = await open(example, "focus");
      const row = page.locator('li[data-key="marts/finance/fct_revenue"]');
      await row.locator("summary").click();
      await row.locator(".show-in-lineage").click();
      expect(await canvasData(page, "focus")).toBe("marts/finance/fct_revenue");
      expect(await page.textContent("#lineage-focus h3")).toBe("marts/finance/fct_revenue");
      await page.click("#lineage-clear");
      expect(await canvasData(page, "focus")).toBe("");
      // The node stays centred: a click on the canvas's centre hits it.
      const box = await page.locator("#lineage-canvas").boundingBox();
      if (box === null) throw new Error("no canvas box");
      await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
      expect(await canvasData(page, "focus")).toBe("marts/finance/fct_revenue");
      await page.screenshot({ path: screenshotPath("html-report-focus") });
      await page.locator("#lineage-canvas").press("Escape");
      expect(await canvasData(page, "focus")).toBe("");
      expect(problems).toEqual([]);
      await page.close();
    });

    test("drag pans, the wheel and the buttons zoom", async () => {
      const { page } = await open(example, "pan-zoom");
      const box = await page.locator("#lineage-canvas").boundingBox();
      if (box === null) throw new Error("no canvas box");
      const [x0, y0, k0] = await transform(page);
      await page.mouse.move(box.x + 40, box.y + 40);
      await page.mouse.down();
      await page.mouse.move(box.x + 140, box.y + 90, { steps: 5 });
      await page.mouse.up();
      const [x1, y1, k1] = await transform(page);
      expect([Math.round(x1 - x0), Math.round(y1 - y0), k1]).toEqual([100, 50, k0]);
      // A drag is not a click: nothing got focused.
      expect(await canvasData(page, "focus")).toBe("");
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.mouse.wheel(0, -300);
      await expect.poll(async () => (await transform(page))[2]).toBeGreaterThan(k1);
      const [, , k2] = await transform(page);
      await page.click("#lineage-zoom-out");
      expect((await transform(page))[2]).toBeCloseTo(k2 * 0.8, 3);
      await page.click("#lineage-fit");
      expect((await transform(page))[2]).toBeCloseTo(k0, 3);
      await page.locator("#lineage-canvas").press("ArrowLeft");
      expect((await transform(page))[0]).toBeCloseTo(x0 + 60, 1);
      await page.close();
    });

    test("hostile keys and values are shown as text", async () => {
      const keys = [
        "</script><img src=x onerror=alert(1)>",
        "rtl \u202egnp.exe",
        "bell\u0007",
        `long/${"x".repeat(10_000)}`,
      ];
      const changeSet = changeSetOf(
        keys.map((key) =>
          change(key, ["CODE_VERSION"], {}, { codeVersion: { old: key, new: `<b>${key}</b>` } }),
        ),
      );
      const { page, problems } = await open(
        renderHtml(changeSet, { title: "<img src=x>" }),
        "hostile",
      );
      expect(await rows(page)).toBe(4);
      expect(await page.locator("img, b").count()).toBe(0);
      const row = page.locator("#asset-list > li").first();
      expect(await row.locator(".key").textContent()).toBe(keys[0]);
      await row.locator("summary").click();
      // The details are built on the toggle event, after the click.
      await expect
        .poll(() => row.locator(".details-body").textContent())
        .toContain('"<b></script><img');
      expect(await page.textContent("#asset-list")).toContain("rtl \\u202egnp.exe");
      expect(await page.title()).toBe("<img src=x>");
      expect(problems).toEqual([]);
      await page.close();
    });

    test("without lineage the view says so and still draws the changed assets", async () => {
      const { page, problems } = await open(
        renderHtml(diffAssetGraphs(base, branch)),
        "no-lineage",
      );
      expect(await page.textContent(".lineage .note")).toContain("Lineage was not computed");
      expect(Number(await canvasData(page, "drawn-nodes"))).toBeGreaterThanOrEqual(26);
      expect(await rows(page)).toBe(26);
      expect(problems).toEqual([]);
      await page.close();
    });

    test("a report of 20,000 changed assets opens, lists in pages and draws", async () => {
      const { page, problems } = await open(renderHtml(layeredChangeSet(20_000)), "20000");
      expect(await rows(page)).toBe(200);
      expect(await page.textContent("#filter-count")).toBe("20,000 changed assets");
      expect(Number(await canvasData(page, "drawn-nodes"))).toBeGreaterThan(20_000);
      await page.click("#asset-list-more");
      expect(await rows(page)).toBe(400);
      await page.fill("#filter-search", "asset_012345");
      expect(await rows(page)).toBe(1);
      await page.locator("#asset-list summary").click();
      await page.locator("#asset-list .show-in-lineage").click();
      expect(await canvasData(page, "focus")).toMatch(/asset_012345$/);
      await page.screenshot({ path: screenshotPath("html-report-20000") });
      expect(problems).toEqual([]);
      await page.close();
    }, 90_000);
  },
);
