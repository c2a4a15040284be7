import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { CLI_GITHUB_OUTPUT_NAMES } from "../../src/cli/github";
import {
  COLUMN_CHANGE_KINDS,
  GRAPH_ISSUE_KINDS,
  LIMITATION_SIDES,
  LOCATION_STATUSES,
  MISSING_LOCATIONS_MODES,
  MOVE_EVIDENCE,
  PATH_CHANGE_TYPES,
} from "../../src/diff/change-set";
import {
  CHANGE_TYPE_MODES,
  DAGSTER_CHANGE_TYPES,
  EXTRA_CHANGE_TYPES,
} from "../../src/diff/change-types";
import { SECTIONS } from "../../src/diff/sections";
import { CHANGE_ORIGINS, IMPACT_REASONS, IMPACT_SEVERITIES } from "../../src/diff/verdicts";

// The prose docs list closed sets by hand; these tests hold them to the one list each set has.

const doc = (name: string) =>
  readFileSync(join(import.meta.dirname, "..", "..", "docs", name), "utf8");
const changeSetDoc = doc("change-set.md");

/** Every Markdown table in `text`: its rows (header first, rule left out) as trimmed cells. */
function tables(text: string): string[][][] {
  const found: string[][][] = [];
  let current: string[][] | undefined;
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (!line.startsWith("|")) {
      current = undefined;
      continue;
    }
    if (/^\|\s*-/.test(line)) continue;
    if (current === undefined) {
      current = [];
      found.push(current);
    }
    current.push(
      line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim()),
    );
  }
  return found;
}

/** The backquoted names in a cell, e.g. "`NEW`, `REMOVED`" → ["NEW", "REMOVED"]. */
function codes(cell: string): string[] {
  return [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1] as string);
}

/** The body rows of every table whose first header cell is `header`. */
function rowsUnder(header: string, text = changeSetDoc): string[][] {
  const matching = tables(text).filter((t) => t[0]?.[0] === header);
  if (matching.length === 0) throw new Error(`no table headed ${header}`);
  return matching.flatMap((t) => t.slice(1));
}

/** The cell beside the row named `name` (backquoted) in any table headed `header`. */
function cellOf(header: string, name: string): string {
  return rowsUnder(header).find((r) => r[0] === `\`${name}\``)?.[1] ?? "";
}

describe("docs/change-set.md lists each closed set as its list has it", () => {
  test("location statuses", () => {
    const documented = rowsUnder("`status`").map((r) => codes(r[0] ?? "")[0]);
    expect([...documented].sort()).toEqual([...LOCATION_STATUSES].sort());
  });

  test("options: change-type modes and missing-location modes", () => {
    const values = (field: string) => codes(cellOf("field", field)).map((v) => JSON.parse(v));
    expect(values("changeTypes").sort()).toEqual([...CHANGE_TYPE_MODES].sort());
    expect(values("missingLocations")).toEqual([...MISSING_LOCATIONS_MODES]);
  });

  test("limitation sides and path-change types", () => {
    expect(codes(cellOf("field", "side"))).toEqual([...LIMITATION_SIDES]);
    const line = changeSetDoc.split("\n").find((l) => l.startsWith("- `type`: "));
    expect(codes(line?.slice("- `type`: ".length) ?? "")).toEqual([...PATH_CHANGE_TYPES]);
  });

  test("every change type's details member is the one the differ writes", () => {
    const rows = rowsUnder("change type");
    const documented = new Map<string, string>();
    for (const row of rows) {
      for (const type of codes(row[0] ?? ""))
        documented.set(type, codes(row[1] ?? "")[0] ?? "none");
    }
    expect([...documented.keys()].sort()).toEqual(
      [...DAGSTER_CHANGE_TYPES, ...EXTRA_CHANGE_TYPES].sort(),
    );
    for (const [type, section] of Object.entries(SECTIONS)) {
      expect(documented.get(type), type).toBe(section.details);
    }
    expect(documented.get("NEW")).toBe("none");
  });

  test("impact severities, impact reasons and origins", () => {
    const severities = rowsUnder("field")
      .filter((r) => r[0] === "`severity`")
      .map((r) => codes(r[1] ?? ""));
    expect(severities).toContainEqual([...IMPACT_SEVERITIES]);
    expect(codes(cellOf("field", "impactSeverity"))).toEqual(["impacted", ...IMPACT_SEVERITIES]);
    const reasons = tables(changeSetDoc)
      .filter((t) => t[0]?.[0] === "`reason`" && t[0]?.[1] === "when")
      .flatMap((t) => t.slice(1).map((r) => codes(r[0] ?? "")[0]));
    expect(reasons.sort()).toEqual(Object.keys(IMPACT_REASONS).sort());
    expect(codes(cellOf("field", "origins"))).toEqual([...CHANGE_ORIGINS]);
  });

  test("column change kinds, graph issue kinds and move evidence", () => {
    const sentence = (start: string, end = ";") => {
      const text = changeSetDoc.replace(/\n(?!\n)/g, " ");
      const from = text.indexOf(start);
      expect(from, start).toBeGreaterThanOrEqual(0);
      return codes(text.slice(from + start.length, text.indexOf(end, from + start.length)));
    };
    expect(sentence("`change` is one of")).toEqual([...COLUMN_CHANGE_KINDS]);
    expect(sentence("with `evidence` from", " and `similarity`")).toEqual(
      Object.keys(MOVE_EVIDENCE),
    );
    const issues = changeSetDoc.slice(changeSetDoc.indexOf("### `graphIssues`"));
    const kinds = codes(issues.slice(0, issues.indexOf("`side`"))).filter((c) => c !== "kind");
    expect(kinds.filter((k) => !k.includes(","))).toEqual(
      expect.arrayContaining([...GRAPH_ISSUE_KINDS]),
    );
  });
});

test("docs/github-actions.md lists exactly the step outputs the CLI sets", () => {
  const documented = rowsUnder("output", doc("github-actions.md")).flatMap((r) =>
    codes(r[0] ?? ""),
  );
  expect(documented.sort()).toEqual([...CLI_GITHUB_OUTPUT_NAMES].sort());
});
