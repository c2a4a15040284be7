import { describe, expect, test } from "vitest";
import { ValidationError } from "../../src/errors";
import { parseJsonText } from "../../src/load/json";
import { LIMITS } from "../../src/load/limits";
import { tempDir } from "../cli/graphs";
import { cli } from "../helpers/cli";

/** The issue parseJsonText refuses `text` with. */
function refusal(text: string): { path: readonly (string | number)[]; message: string } {
  try {
    parseJsonText(text, "in.json");
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    const [issue, ...rest] = (error as ValidationError).issues;
    expect(rest).toEqual([]);
    return issue as { path: (string | number)[]; message: string };
  }
  throw new Error(`accepted: ${text}`);
}

describe("an object key written twice", () => {
  test.each([
    ["at the root", '{"a": 1, "a": 2}', ["a"], "line 1, column 2 and line 1, column 10"],
    [
      "in an asset definition",
      '{"formatVersion": 1,\n "assets": [{"key": ["x"]}, {"key": ["y"],\n  "tags": {"t": "1", "u": "2", "t": "3"}}]}',
      ["assets", 1, "tags", "t"],
      "line 3, column 12 and line 3, column 32",
    ],
    ["after a nested value", '{"a": {"x": [1, {"y": 2}]}, "b": 2, "a": 3}', ["a"], undefined],
    ["spelled with an escape", '{"a": 1, "\\u0061": 2}', ["a"], undefined],
    ["__proto__", '{"__proto__": 1, "__proto__": 2}', ["__proto__"], undefined],
    [
      "among many keys (past the linear search)",
      `{${Array.from({ length: 40 }, (_, i) => `"k${i}": ${i}`).join(", ")}, "k17": 0}`,
      ["k17"],
      undefined,
    ],
    [
      "after strings that hold brackets, commas and quotes",
      '{"a": "{\\"a\\": 1,", "a": 2}',
      ["a"],
      undefined,
    ],
  ])("is refused %s, naming the key, its JSON path and both places", (_name, text, path, where) => {
    const issue = refusal(text);
    expect(issue.path).toEqual(path);
    expect(issue.message).toMatch(
      new RegExp(
        `^the key ${JSON.stringify(path.at(-1)).replace(/[$()*+.?[\\\]^{|}]/g, "\\$&")} appears twice in one object \\(line \\d+, column \\d+ and line \\d+, column \\d+\\); JSON would keep the last silently, so asset-diff reads neither$`,
      ),
    );
    if (where !== undefined) expect(issue.message).toContain(`(${where})`);
    // What JSON.parse alone does: keeps the last, silently.
    expect(() => JSON.parse(text)).not.toThrow();
  });

  test.each([
    ["in different objects", '{"a": {"a": 1}, "b": {"a": 2}, "c": [{"a": 1}, {"a": 2}]}'],
    ["as values", '{"a": "a", "b": "a", "c": ["a", "a"]}'],
    ["that differ only in case or escapes that mean other text", '{"a": 1, "A": 2, "\\u0062": 3}'],
    ["in a string that looks like an object", '{"a": "x,\\"b\\": 1", "b": 2}'],
    ["after an object closed at the same depth", '[{"a": 1}, {"a": 1}]'],
  ])("keys alike %s are fine", (_name, text) => {
    expect(parseJsonText(text)).toEqual(JSON.parse(text));
  });

  test("deep nesting is still refused by its limit, iteratively, before any key", () => {
    const text = `${'{"a":'.repeat(100_000)}1${"}".repeat(100_000)}`;
    const issue = refusal(text);
    expect(issue.message).toMatch(/nests deeper than 1,024 levels .*\(limit jsonDepth\)$/);
    expect(issue.path).toHaveLength(12);
    expect(LIMITS.jsonDepth.value).toBe(1024);
  });

  test("the CLI refuses it in any input: one line naming the file, the JSON path and the key", async () => {
    const files = tempDir("duplicate-keys");
    const snapshot = files.write(
      "branch.json",
      '{"formatVersion": 1, "assets": [{"key": ["orders"], "codeVersion": "1", "codeVersion": "2"}]}',
    );
    const { code, stdout, stderr } = await cli(["diff", "fixtures/example/base.json", snapshot]);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toBe(
      `asset-diff: ${snapshot}: $.assets[0].codeVersion: the key "codeVersion" appears twice in one object (line 1, column 53 and line 1, column 73); JSON would keep the last silently, so asset-diff reads neither\n`,
    );
  });
});
