import { createHash } from "node:crypto";
import { describe, expect, test } from "vitest";
import type { ChangeSet } from "../../src/diff/change-set";
import { diffAssetGraphs } from "../../src/diff/diff";
import { type HtmlReportOptions, renderHtml } from "../../src/report/html";
import { neighbourhoodGraph } from "../../src/report/html/graph";
import { layeredLayout } from "../../src/report/html/layout";
import { PAYLOAD_ID, type Payload, VALUE_CLOSE, VALUE_OPEN } from "../../src/report/html/payload";
import { isControl } from "../../src/text";
import { EXAMPLE_CONTEXT, EXAMPLE_LINKS, loadExample } from "../helpers/example";
import { AWKWARD_KEYS, change, changeSetOf, generatedChangeSet } from "./change-set-builders";

// The README's example as the CLI writes it: the default policies at a fixed reference time,
// with lineage, and the graphs for the groups.
const { base, branch, reviewed } = await loadExample();
const OPTIONS: HtmlReportOptions = {
  graphs: { base, branch },
  context: EXAMPLE_CONTEXT,
  links: EXAMPLE_LINKS,
};

/** The page's data, as its script reads it. */
function payloadOf(page: string): Payload {
  const match = new RegExp(
    String.raw`<script type="application/json" id="${PAYLOAD_ID}">([\s\S]*?)</script>`,
  ).exec(page);
  if (match === null) throw new Error("no payload");
  return JSON.parse(match[1] as string) as Payload;
}

/** The page's own script, between its tags. */
function scriptOf(page: string): string {
  const scripts = [...page.matchAll(/<script>([\s\S]*?)<\/script>/g)];
  expect(scripts).toHaveLength(1);
  return (scripts[0] as RegExpMatchArray)[1] as string;
}

function hash(text: string): string {
  return `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;
}

describe("renderHtml: the page", () => {
  const page = renderHtml(reviewed, OPTIONS);

  test("golden: the example after the default policies (the inlined script's source normalized)", async () => {
    const script = scriptOf(page);
    const normalized = page
      .replace(script, "/* the page script: src/report/html/client.ts */")
      .replace(hash(script), "'sha256-(the page script)'");
    await expect(normalized).toMatchFileSnapshot("../golden/example.reviewed.html");
  });

  test("loads nothing: a strict CSP that allows the inline style and script by hash only", () => {
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(page)?.[1];
    const style = /<style>([\s\S]*?)<\/style>/.exec(page)?.[1] as string;
    expect(csp?.split("; ")).toEqual([
      "default-src 'none'",
      `style-src ${hash(style)}`,
      `script-src ${hash(scriptOf(page))}`,
      "img-src data:",
      "base-uri 'none'",
      "form-action 'none'",
    ]);
    // Nothing refers to anything the page would fetch.
    expect(page).not.toMatch(/\ssrc=|<link\b|@import|url\(/i);
  });

  test("the verdict, the breaking changes named, the sources and the context come first", () => {
    const head = page.slice(0, page.indexOf("<main>"));
    expect(head).toContain(
      '<span class="sev-breaking">5 breaking</span> · <span class="sev-risky">11 risky</span> · <span class="sev-safe">10 safe</span>',
    );
    expect(head).toContain(
      "4 new · 2 removed · 20 modified · 15 unchanged · 4 impacted downstream (2 breaking-downstream, 1 risky-downstream, 1 safe-downstream)",
    );
    for (const key of ["marts/core/dim_dates", "raw/events/app_events", "staging/stg_charges"])
      expect(head).toContain(`<code>${key}</code>`);
    expect(head).toContain("fixtures/example/base.json (37 assets)");
    expect(head).toContain(
      '<a href="https://github.com/acme/data/commit/4f2c9e1a7b3d5c8e9f0a1b2c3d4e5f6a7b8c9d0e" rel="noopener noreferrer">4f2c9e1</a>',
    );
    expect(head).toContain("<time>2026-12-01T09:30:00Z</time>");
  });

  test("the data: assets worst first, with groups, links, old → new lines and lineage nodes", () => {
    const data = payloadOf(page);
    expect(data.assets.map((a) => a.severity)).toEqual([
      ...Array(5).fill("breaking"),
      ...Array(11).fill("risky"),
      ...Array(10).fill("safe"),
    ]);
    const revenue = data.assets.find((a) => a.key === "marts/finance/fct_revenue");
    expect(revenue).toMatchObject({
      location: "analytics",
      group: "finance",
      link: "https://acme.dagster.cloud/pr-7/assets/marts/finance/fct_revenue",
    });
    expect(revenue?.sections.map((s) => s.title)).toEqual([
      "Verdicts",
      "Changes (old → new)",
      "Columns",
    ]);
    expect(revenue?.sections[1]?.lines[1]).toEqual({
      text: "dependency added: \u0001shared/currency_rates\u0002",
      tone: "plain",
    });
    // A removed asset links to its page in production.
    expect(data.assets.find((a) => a.key === "marts/core/dim_dates")?.link).toBe(
      "https://acme.dagster.cloud/prod/assets/marts/core/dim_dates",
    );
    expect(data.locations).toEqual(["analytics", "ingestion"]);
    expect(data.groups).toHaveLength(13);
    expect(data.lineage).toBe(true);
    expect([data.nodes.length, data.edges.length]).toEqual([35, 41]);
    for (const asset of data.assets) expect(data.nodes[asset.node]?.key).toBe(asset.key);
  });

  test("pure: the same input gives the same page", () => {
    expect(renderHtml(reviewed, OPTIONS)).toBe(page);
  });
});

describe("renderHtml: hostile input is shown, never interpreted", () => {
  const hostile = [
    ...AWKWARD_KEYS,
    "</script><img src=x onerror=alert(1)>",
    "</SCRIPT ><script>alert(1)</script>",
    "<!--<script>",
    "bell\u0007 escape\u001b[31m nul\u0000",
    "rtl \u202egnp.exe",
    "mark \u200f\u2066isolate\u2069",
    "sep\u2028line\u2029para",
    "lone \ud800 surrogate",
  ];
  const long = "v".repeat(10_000);
  const changeSet = changeSetOf(
    hostile.map((key, i) =>
      change(
        key,
        ["CODE_VERSION", "TAGS"],
        {
          codeLocation: `loc</script>${i % 2}`,
          lineage: { upstream: [hostile[(i + 1) % hostile.length] as string], downstream: [] },
        },
        {
          codeVersion: { old: `${key}${long}`, new: `</script>${long}` },
          tags: {
            addedKeys: [key],
            changedKeys: [],
            removedKeys: [],
            values: [{ key, old: null, new: `<b>${key}</b>` }],
          },
        },
      ),
    ),
  );
  const page = renderHtml(changeSet, {
    title: "</title><script>alert(1)</script>",
    context: {
      commit: "<img src=x>",
      commitUrl: "javascript:alert(1)",
      runUrl: "javascript:alert(2)",
      generatedAt: "\u202e<b>",
    },
    links: { branch: "javascript:alert(3)" },
  });

  test("no key or value closes the data's script element or opens a tag", () => {
    expect(page.match(/<\/script/gi)).toHaveLength(2);
    expect(page.match(/<script/gi)).toHaveLength(2);
    expect(page).not.toContain("<img");
    expect(page).not.toContain("<b>");
    expect(page).not.toContain("<!--");
    expect(page).not.toContain("javascript:");
  });

  test("no control, bidi or separator character of an input's making reaches the page", () => {
    // The line breaks and tabs of the markup and script, and the page's own value marks, aside.
    const raw = (text: string, allowed: string) =>
      [...text].filter((c) => {
        const code = c.codePointAt(0) as number;
        return (isControl(code) && !allowed.includes(c)) || (code >= 0xd800 && code <= 0xdfff);
      });
    expect(raw(page, "\n\t")).toEqual([]);
    const strings: string[] = [];
    JSON.stringify(payloadOf(page), (_key, value: unknown) => {
      if (typeof value === "string") strings.push(value);
      return value;
    });
    expect(raw(strings.join(""), `${VALUE_OPEN}${VALUE_CLOSE}`)).toEqual([]);
  });

  test("the data reads back as the keys, escaped for reading", () => {
    const data = payloadOf(page);
    expect(data.assets.map((a) => a.key)).toContain("</script><img src=x onerror=alert(1)>");
    expect(data.assets.map((a) => a.key)).toContain("rtl \\u202egnp.exe");
    // Long values are shortened, not dropped.
    const lines = data.assets.flatMap((a) => a.sections.flatMap((s) => s.lines));
    expect(Math.max(...lines.map((l) => l.text.length))).toBeLessThan(1_000);
    expect(data.assets.every((a) => a.link === null)).toBe(true);
  });
});

describe("renderHtml: other change sets", () => {
  test("without lineage the view says so and still shows the changed assets", () => {
    const changeSet = diffAssetGraphs(base, branch);
    const page = renderHtml(changeSet);
    expect(page).toContain("Lineage was not computed for this change set");
    const data = payloadOf(page);
    expect(data.lineage).toBe(false);
    expect(data.nodes.length).toBeGreaterThanOrEqual(data.assets.length);
    // No severity yet: one "unrated" box; without the graphs only a changed group is known.
    expect(page).toContain('value="none" checked> unrated (26)');
    expect(page).not.toContain('value="breaking"');
    const mrr = changeSet.assets.find((a) => a.key === "marts/finance/fct_mrr");
    expect(data.groups).toEqual([mrr?.details.group?.new, null]);
  });

  test("no changes", () => {
    const page = renderHtml(changeSetOf([]));
    expect(page).toContain('<p class="verdict">No changes (0 unchanged).</p>');
    expect(payloadOf(page).assets).toEqual([]);
  });

  test("a code location of the branch that did not load is said first", () => {
    const changeSet: ChangeSet = {
      ...changeSetOf([change("a", ["TAGS"])]),
      locations: [
        { codeLocation: "etl", status: "notLoadedInBranch", baseAssets: 3, branchAssets: 0 },
      ],
    };
    expect(renderHtml(changeSet)).toContain(
      '<p class="warning" role="alert">1 code location of the branch did not load: its assets were not compared.</p>',
    );
  });

  test("20,000 changed assets render in one pass", () => {
    const page = renderHtml(generatedChangeSet(20_000));
    const data = payloadOf(page);
    expect(data.assets).toHaveLength(20_000);
    expect(data.edges).toHaveLength(19_999);
  });
});

describe("layeredLayout", () => {
  test("longest-path layers, upstream first", () => {
    // 0 → 1 → 2, 0 → 2, 3 → 2
    const layout = layeredLayout(4, [
      { from: 0, to: 1 },
      { from: 1, to: 2 },
      { from: 0, to: 2 },
      { from: 3, to: 2 },
    ]);
    // 3 has no upstream: it sits just before what it feeds.
    expect(layout.layer).toEqual([0, 1, 2, 1]);
    expect(layout.layerSizes).toEqual([1, 2, 1]);
  });

  test("a cycle is broken, not looped on; self-links and stray indices are ignored", () => {
    const layout = layeredLayout(3, [
      { from: 0, to: 1 },
      { from: 1, to: 2 },
      { from: 2, to: 0 },
      { from: 1, to: 1 },
      { from: 5, to: 0 },
    ]);
    expect(layout.layer).toEqual([0, 1, 2]);
  });

  test("barycentre sweeps uncross two parallel chains", () => {
    // 0 → 3, 1 → 2: the second layer is reordered to [3, 2].
    const layout = layeredLayout(4, [
      { from: 0, to: 3 },
      { from: 1, to: 2 },
    ]);
    expect(layout.row[3]).toBeLessThan(layout.row[2] as number);
  });

  test("rows are a permutation within each layer", () => {
    const { nodes, edges } = neighbourhoodGraph(reviewed);
    const layout = layeredLayout(nodes.length, edges);
    const seen = new Set(layout.row.map((r, i) => `${layout.layer[i]}:${r}`));
    expect(seen.size).toBe(nodes.length);
  });
});
