import { readFileSync } from "node:fs";
import { micromark } from "micromark";
import { gfm, gfmHtml } from "micromark-extension-gfm";
import { expect, test } from "vitest";

// GitHub renders comments with GitHub Flavored Markdown; micromark implements that spec.
const html = micromark(readFileSync("test/golden/example.md", "utf8"), {
  allowDangerousHtml: true,
  extensions: [gfm()],
  htmlExtensions: [gfmHtml()],
});

test("the example comment renders as GitHub Flavored Markdown: tables, folded sections, a Mermaid block", () => {
  expect(html.match(/<table>/g)?.length).toBeGreaterThanOrEqual(1);
  expect(html).toContain("<th>Change type</th>");
  expect(html.match(/<details>/g)?.length).toBe(html.match(/<\/details>/g)?.length);
  expect(html).toMatch(/<details>\s*<summary>/);
  // Markdown inside <details> is still rendered (GitHub needs the blank line after <summary>).
  expect(html).toMatch(/<\/summary>\s*<(ul|pre|p)/);
  expect(html).toContain('<pre><code class="language-mermaid">flowchart LR');
  expect(html).toContain("<code>marts/finance/fct_refunds</code>");
});

test("no markup leaks: every inline code span and list renders closed", () => {
  const opened = html.match(/<code>/g)?.length ?? 0;
  expect(html.match(/<\/code>/g)?.length).toBeGreaterThanOrEqual(opened);
  expect(html).not.toContain("`<");
});
