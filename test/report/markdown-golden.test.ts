import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { diffAssetGraphs } from "../../src/diff/diff";
import { loadAssetGraph } from "../../src/load/index";
import { withLineage } from "../../src/policies/lineage";
import { reviewChanges } from "../../src/policies/review";
import { renderMarkdown } from "../../src/report/markdown";
import { renderLineageMermaid } from "../../src/report/mermaid";
import { EXAMPLE_AS_OF, EXAMPLE_CONTEXT, EXAMPLE_LINKS, loadExample } from "../helpers/example";
import { SETUP_TIMEOUT_MS } from "../helpers/timeouts";
import { findingsChangeSet } from "./change-set-builders";
import { loadMermaidParser, type MermaidParser } from "./mermaid-parser";
import { reviewedChangeSet } from "./reviewed-change-set";

// The README's example, with lineage as the CLI adds it for the Markdown report.
// What the CLI writes: the change set after the default policies, at a fixed reference time.
const { base, branch, reviewed } = await loadExample();
const changeSet = withLineage(diffAssetGraphs(base, branch), { base, branch });

let mermaid: MermaidParser;
beforeAll(async () => {
  mermaid = await loadMermaidParser();
}, SETUP_TIMEOUT_MS);
afterAll(() => mermaid.cleanup(), SETUP_TIMEOUT_MS);

describe("golden Markdown report of the bundled example", () => {
  test("markdown", async () => {
    await expect(renderMarkdown(changeSet)).toMatchFileSnapshot("../golden/example.md");
  });

  test("markdown after the default policies: impact, columns, partition keys, the rename, severities", async () => {
    // As a pull request's CI run writes it: keys linked into Dagster+, the commit and run named.
    const markdown = renderMarkdown(reviewed, { links: EXAMPLE_LINKS, context: EXAMPLE_CONTEXT });
    await expect(markdown).toMatchFileSnapshot("../golden/example.reviewed.md");
  });

  test("markdown of the three-way comparison: the conflict first, base drift folded", async () => {
    const mergeBase = await loadAssetGraph("fixtures/example/merge-base.json");
    const threeWay = withLineage(
      reviewChanges(
        diffAssetGraphs(base, branch),
        { base, branch },
        { asOf: EXAMPLE_AS_OF, mergeBase },
      ),
      { base, branch },
    );
    const markdown = renderMarkdown(threeWay);
    expect(markdown.indexOf("marts/finance/fct_mrr")).toBeLessThan(markdown.indexOf("### New"));
    await expect(markdown).toMatchFileSnapshot("../golden/example.three-way.md");
  });

  test("its lineage picture alone", async () => {
    await expect(renderLineageMermaid(changeSet)).toMatchFileSnapshot(
      "../golden/mermaid-example.mmd",
    );
  });

  test("the picture in the report is the one Mermaid parses", async () => {
    const markdown = renderMarkdown(changeSet);
    const block = /^```mermaid\n([\s\S]*?)^```$/m.exec(markdown)?.[1];
    expect(block).toBe(renderLineageMermaid(changeSet));
    await expect(mermaid.parse(block as string)).resolves.toBeTruthy();
  });
});

describe("golden Markdown report of a reviewed change set (severities, approvals, suppressions)", () => {
  test("markdown", async () => {
    await expect(renderMarkdown(reviewedChangeSet)).toMatchFileSnapshot("../golden/reviewed.md");
  });

  test("its changes do not depend on one another: one line, no picture", () => {
    const markdown = renderMarkdown(reviewedChangeSet);
    expect(markdown).not.toContain("```mermaid");
    expect(markdown).toContain(
      "### Lineage\n\nThe 7 changed assets do not depend on one another.\n",
    );
  });
});

describe("golden Markdown report of a change set with every finding (impact, columns, partition keys, moves, origins)", () => {
  test("markdown", async () => {
    await expect(renderMarkdown(findingsChangeSet())).toMatchFileSnapshot("../golden/findings.md");
  });

  test("its lineage picture is the one Mermaid parses", async () => {
    const block = /^```mermaid\n([\s\S]*?)^```$/m.exec(renderMarkdown(findingsChangeSet()))?.[1];
    expect(block).toBe(renderLineageMermaid(findingsChangeSet()));
    await expect(mermaid.parse(block as string)).resolves.toBeTruthy();
  });
});
