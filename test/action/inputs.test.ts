import { describe, expect, test } from "vitest";
import { type ActionInputName, readSettings } from "../../src/action/inputs";

/** The settings of a step whose inputs are `given` (`core.getInput` gives "" for the others). */
const settings = (given: Partial<Record<ActionInputName, string>>) =>
  readSettings((name) => given[name] ?? "");

describe("the action's inputs for a three-way comparison and the reference time", () => {
  test("merge-base is a source, like base and branch, not an option passed as it is", () => {
    const read = settings({ base: "prod.json", branch: "pr.json", "merge-base": "at-base.json" });
    expect(read.mergeBase).toBe("at-base.json");
    expect(read.options).toEqual([]);
  });

  test("without merge-base the comparison is two-way", () => {
    expect(settings({ base: "prod.json", branch: "pr.json" }).mergeBase).toBe("");
  });

  test("partitions-as-of becomes --partitions-as-of, in the inputs' order", () => {
    const read = settings({
      base: "prod.json",
      branch: "pr.json",
      "fail-on": "impacted-breaking,conflict",
      "partitions-as-of": "2026-12-01",
    });
    expect(read.options).toEqual([
      "--fail-on",
      "impacted-breaking,conflict",
      "--partitions-as-of",
      "2026-12-01",
    ]);
  });
});
