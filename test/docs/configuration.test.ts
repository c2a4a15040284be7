import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { DEFAULT_RULES, SEVERITY_REASONS } from "../../src/diff/verdicts";
import { parseApprovals } from "../../src/policies/approvals";
import { parseConfig } from "../../src/policies/config";

// The configuration docs show real files and name the rules: hold them to the code.

const doc = (name: string) =>
  readFileSync(join(import.meta.dirname, "..", "..", "docs", name), "utf8");

/** The JSON code blocks of a Markdown text, parsed. */
function jsonBlocks(text: string): unknown[] {
  return [...text.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1] as string));
}

describe("docs/configuration.md", () => {
  const text = doc("configuration.md");
  const blocks = jsonBlocks(text);

  test("its configuration example is a valid configuration", () => {
    const config = blocks.find((b) => typeof b === "object" && b !== null && "ignore" in b);
    expect(config).toBeDefined();
    expect(() => parseConfig(config)).not.toThrow();
  });

  test("its approvals example is a valid approvals file", () => {
    const approvals = blocks.find(
      (b) => typeof b === "object" && b !== null && "approvals" in b && "formatVersion" in b,
    );
    expect(approvals).toBeDefined();
    expect(() => parseApprovals(approvals)).not.toThrow();
  });

  test("it names every default rule", () => {
    for (const rule of Object.keys(DEFAULT_RULES)) expect(text).toContain(`\`${rule}\``);
  });
});

describe("docs/change-set.md", () => {
  const text = doc("change-set.md");

  test("its table of reasons lists exactly the reason constants", () => {
    const listed = [...text.matchAll(/^\| `([A-Z_]+)` +\| (breaking|risky|safe|any) /gm)].map(
      (m) => m[1],
    );
    expect([...listed].sort()).toEqual(Object.keys(SEVERITY_REASONS).sort());
  });

  test("its suppressed example gives a default rule's own reason", () => {
    // The page's excerpts are members of the change set: `"suppressed": [...]`.
    const excerpt = [...text.matchAll(/```json\n("suppressed": [\s\S]*?)```/g)][0]?.[1] ?? "";
    const [entry] = (
      JSON.parse(`{${excerpt}}`) as { suppressed: { rule: string; reason: string }[] }
    ).suppressed;
    expect(entry?.reason).toBe(DEFAULT_RULES[entry?.rule as keyof typeof DEFAULT_RULES]);
  });
});
