/**
 * Writes `docs/images/example-report.png`: the HTML report of the bundled example (after the
 * default policies, with lineage) opened in headless Chromium at 1280×900, one asset expanded
 * and focused in the lineage view, as docs/html-report.md shows it.
 *
 *   npx tsx scripts/screenshot-html.ts
 */
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { renderHtml } from "../src/report/html";
import { launchChromium } from "../test/helpers/browser";
import { EXAMPLE_CONTEXT, EXAMPLE_LINKS, loadExample } from "../test/helpers/example";

const OUTPUT = join("docs", "images", "example-report.png");
/** The asset expanded and focused in the picture. */
const FOCUSED = "marts/finance/fct_revenue";

const { base, branch, reviewed: changeSet } = await loadExample();
const page = renderHtml(changeSet, {
  graphs: { base, branch },
  context: EXAMPLE_CONTEXT,
  links: EXAMPLE_LINKS,
});

const dir = mkdtempSync(join(tmpdir(), "asset-diff-screenshot-"));
const file = join(dir, "example.html");
writeFileSync(file, page);
const url = pathToFileURL(file).href;
const browser = await launchChromium();
try {
  const tab = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await tab.route("**/*", (route) =>
    route.request().url() === url ? route.continue() : route.abort(),
  );
  await tab.goto(url);
  await tab.waitForSelector("html[data-ready][data-lineage-drawn]");
  const row = tab.locator(`li[data-key="${FOCUSED}"]`);
  await row.locator("summary").click();
  await row.locator(".show-in-lineage").click();
  await tab.evaluate(() => window.scrollTo(0, 0));
  // Two frames: the focused view is drawn.
  await tab.evaluate(
    () => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))),
  );
  mkdirSync(join("docs", "images"), { recursive: true });
  await tab.screenshot({ path: OUTPUT });
} finally {
  await browser.close();
  rmSync(dir, { recursive: true, force: true });
}
console.log(`wrote ${OUTPUT} (${Math.round(statSync(OUTPUT).size / 1024)} KB)`);
