/**
 * Writes `docs/images/example-comment.png`: the bundled example's pull-request comment
 * (`test/golden/example.reviewed.md`, or the Markdown file named) as GitHub's 780 px comment
 * column shows it in headless Chromium: its first screen, down to the end of the lineage
 * picture, expanded as a reader who opens it sees it.
 *
 *   tsx scripts/screenshot-comment.ts                 # from the golden report
 *   tsx scripts/screenshot-comment.ts report.md out.png
 */
import { mkdirSync, readFileSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { launchChromium } from "../test/helpers/browser";
import { COLUMN_WIDTH, renderComment } from "../test/helpers/render-markdown";

const [source = "test/golden/example.reviewed.md", target = "docs/images/example-comment.png"] =
  process.argv.slice(2);

/** GitHub shows about this much of a comment before a reader scrolls. */
const FIRST_SCREEN_PX = 900;

const browser = await launchChromium();
try {
  const page = await browser.newPage();
  const rendered = await renderComment(page, readFileSync(source, "utf8"));
  if (rendered.errors.length > 0) throw new Error(rendered.errors.join("\n"));
  // Down to the legend under the lineage picture, or the first screen when there is none.
  const bottom = await page.evaluate(() => {
    const diagram = document.querySelector(".mermaid");
    const end = diagram?.closest("details") ?? diagram?.nextElementSibling ?? diagram;
    return end ? end.getBoundingClientRect().bottom + window.scrollY + 16 : 0;
  });
  mkdirSync(dirname(target), { recursive: true });
  // Clicking the folds scrolled the page: the clip is measured from the top of the page.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({
    path: target,
    fullPage: true,
    clip: { x: 0, y: 0, width: COLUMN_WIDTH, height: Math.ceil(Math.max(FIRST_SCREEN_PX, bottom)) },
  });
  process.stdout.write(`${target}: ${Math.round(statSync(target).size / 1024)} KB\n`);
} finally {
  await browser.close();
}
