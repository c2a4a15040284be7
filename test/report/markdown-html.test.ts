import { readFileSync } from "node:fs";
import { micromark } from "micromark";
import { gfm, gfmHtml } from "micromark-extension-gfm";
import { expect, test } from "vitest";

// GitHub renders comments with GitHub Flavored Markdown; micromark implements that spec.
const rendered = (path: string) =>
  micromark(readFileSync(path, "utf8"), {
    allowDangerousHtml: true,
    extensions: [gfm()],
    htmlExtensions: [gfmHtml()],
  });
const html = rendered("test/golden/example.md");

test("the example comment renders as GitHub Flavored Markdown: tables, folded sections, a Mermaid block", () => {
  expect(html.match(/<table>/g)?.length).toBeGreaterThanOrEqual(1);
  expect(html).toContain("<th>Change type</th>");
  expect(html.match(/<details>/g)?.length).toBe(html.match(/<\/details>/g)?.length);
  expect(html).toMatch(/<details>\s*<summary>/);
  // Markdown inside <details> is still rendered (GitHub needs the blank line after <summary>).
  expect(html).toMatch(/<\/summary>\s*<(ul|pre|p)/);
  expect(html).toMatch(
    /<pre><code class="language-mermaid">(---\ntitle: [^\n]*\n---\n)?flowchart (LR|TB)/,
  );
  expect(html).toContain("<code>marts/finance/fct_refunds</code>");
  expect(html).toContain("<code>marts/core/dim_dates</code>");
  expect(html).toContain("<code>marts/core/dim_calendar</code>");
});

test("no markup leaks: every inline code span and list renders closed", () => {
  const opened = html.match(/<code>/g)?.length ?? 0;
  expect(html.match(/<\/code>/g)?.length).toBeGreaterThanOrEqual(opened);
  expect(html).not.toContain("`<");
});

test("the reviewed comment renders as GitHub Flavored Markdown: severities, reasons, folded lists", () => {
  const reviewed = rendered("test/golden/reviewed.md");
  expect(reviewed.match(/<details>/g)?.length).toBe(reviewed.match(/<\/details>/g)?.length);
  // The suppressed changes and the stale approvals are folded lists.
  expect(reviewed).toMatch(/<summary>3 changes suppressed by rules<\/summary>\s*<ul>/);
  expect(reviewed).toMatch(/<summary>1 approval no longer matches its change<\/summary>\s*<ul>/);
  // The reasons are a list nested under their asset, before its details.
  expect(reviewed).toMatch(
    /<li>🔴 breaking · <strong><code>marts\/finance\/fct_revenue<\/code><\/strong>[^<]*<code>analytics<\/code>[\s\S]*?<ul>\s*<li>🔴 breaking: a column was removed from the table schema<\/li>/,
  );
  expect(reviewed).toContain(
    "<li>✅ risky: the code version changed (approved by <code>priya.raman@acme.io</code>",
  );
  expect(reviewed).toContain("<p><sub>🔴 breaking: consumers can fail or read wrong data");
  const opened = reviewed.match(/<code>/g)?.length ?? 0;
  expect(reviewed.match(/<\/code>/g)?.length).toBeGreaterThanOrEqual(opened);
  expect(reviewed).not.toContain("`<");
});

test("the reviewed example comment renders as GitHub Flavored Markdown: the probable rename in its own section", () => {
  const reviewed = rendered("test/golden/example.reviewed.md");
  expect(reviewed.match(/<details>/g)?.length).toBe(reviewed.match(/<\/details>/g)?.length);
  expect(reviewed).toMatch(
    /<h3>Probably renamed \(1\)<\/h3>\s*<p><em>[^<]*<\/em><\/p>\s*<ul>\s*<li>probably renamed: <code>marts\/core\/dim_dates<\/code> → <code>marts\/core\/dim_calendar<\/code>/,
  );
  expect(reviewed).toMatch(/<summary>20 modified assets<\/summary>\s*<ul>/);
  const opened = reviewed.match(/<code>/g)?.length ?? 0;
  expect(reviewed.match(/<\/code>/g)?.length).toBeGreaterThanOrEqual(opened);
  expect(reviewed).not.toContain("`<");
});

test("the findings comment renders as GitHub Flavored Markdown: impact nested under its asset, base drift folded", () => {
  const findings = rendered("test/golden/findings.md");
  expect(findings.match(/<details>/g)?.length).toBe(findings.match(/<\/details>/g)?.length);
  expect(findings).toMatch(
    /<summary>Base drift: changed in production since the merge base, not by this branch<\/summary>\s*<ul>/,
  );
  expect(findings).toMatch(
    /<summary>3 graph issues met while tracing the impact[^<]*<\/summary>\s*<ul>/,
  );
  // The impact is a list item under its asset, and the broken columns a list under the impact.
  expect(findings).toMatch(
    /<li>impacts 2 downstream assets \(2 breaking-downstream\): <code>marts\/finance\/rpt_monthly<\/code>[^<]*<code>weekly_exec_report<\/code>[^<]*\s*<ul>\s*<li><code>marts\/finance\/rpt_monthly<\/code> column <code>total<\/code>/,
  );
  expect(findings).toContain("<li>moved from <code>raw/orders</code> [<code>loc</code>]</li>");
  expect(findings).toContain("<strong>1 conflict</strong> (listed first)");
  const opened = findings.match(/<code>/g)?.length ?? 0;
  expect(findings.match(/<\/code>/g)?.length).toBeGreaterThanOrEqual(opened);
  expect(findings).not.toContain("`<");
});
