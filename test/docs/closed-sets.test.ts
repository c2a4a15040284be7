import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { CLI_GITHUB_OUTPUT_NAMES } from "../../src/cli/github";
import {
  LIMITATION_SIDES,
  LOCATION_STATUSES,
  MISSING_LOCATIONS_MODES,
  PATH_CHANGE_TYPES,
} from "../../src/diff/change-set";
import {
  CHANGE_TYPE_MODES,
  DAGSTER_CHANGE_TYPES,
  EXTRA_CHANGE_TYPES,
} from "../../src/diff/change-types";
import { SECTIONS } from "../../src/diff/sections";

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
});

test("docs/github-actions.md lists exactly the step outputs the CLI sets", () => {
  const documented = rowsUnder("output", doc("github-actions.md")).flatMap((r) =>
    codes(r[0] ?? ""),
  );
  expect(documented.sort()).toEqual([...CLI_GITHUB_OUTPUT_NAMES].sort());
});
