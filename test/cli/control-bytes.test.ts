import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { diffAssetGraphs } from "../../src/diff/diff";
import { loadAssetGraph } from "../../src/load/index";
import { reviewChanges } from "../../src/policies/review";
import { escapeControls, renderText } from "../../src/report/text";
import { gqlWorkspace } from "../helpers/builders";
import { cli } from "../helpers/cli";
import { fixtureData, graphqlEndpoint, startServer } from "../helpers/dagster-server";
import { node, tempDir } from "./graphs";
import { run } from "./run";

/**
 * Terminal output carries no control bytes of an input's making: the text report, `explain`
 * and the CLI's one-line errors and warnings show C0 and C1 controls, DEL, bidirectional
 * formatting characters and lone surrogates as visible escapes.
 */

/** The colour codes of the report (SGR sequences). */
const SGR = new RegExp(`${String.fromCharCode(0x1b)}\\[\\d+m`, "g");

/**
 * Whether text has a character that must not reach a terminal raw (the line break is the
 * report's own); colours (SGR sequences) are allowed when `color`.
 */
function hasRaw(text: string, color = false): boolean {
  const plain = color ? text.replace(SGR, "") : text;
  for (let i = 0; i < plain.length; i++) {
    const code = plain.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = plain.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
      else return true;
    } else if (code >= 0xdc00 && code <= 0xdfff) return true;
    else if (code < 0x20 && code !== 0x0a) return true;
    else if (code >= 0x7f && code <= 0x9f) return true;
    else if ([0x061c, 0x200e, 0x200f, 0x2028, 0x2029].includes(code)) return true;
    else if ((code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069)) return true;
  }
  return false;
}

describe("escapeControls", () => {
  test.each(
    [
      ["\u001b[31mred", "\\u001b[31mred"],
      ["a\u0000b", "a\\u0000b"],
      ["tab\there", "tab\\there"],
      ["line\nbreak\r\n", "line\\nbreak\\r\\n"],
      ["\b\f\u000b", "\\b\\f\\u000b"],
      ["del\u007f", "del\\u007f"],
      ["csi\u009b31m", "csi\\u009b31m"],
      ["next line\u0085", "next line\\u0085"],
      ["evil\u202etxt.exe", "evil\\u202etxt.exe"],
      ["\u2066isolate\u2069 \u200e\u200f\u061c", "\\u2066isolate\\u2069 \\u200e\\u200f\\u061c"],
      ["sep\u2028para\u2029", "sep\\u2028para\\u2029"],
      ["lone \ud83d high", "lone \\ud83d high"],
      ["lone \ude00 low", "lone \\ude00 low"],
      ["at the end \ud83d", "at the end \\ud83d"],
      ["reversed \ude00\ud83d", "reversed \\ude00\\ud83d"],
    ].map(([raw, shown]) => ({ raw: raw as string, shown: shown as string })),
  )("$shown", ({ raw, shown }) => {
    expect(escapeControls(raw)).toBe(shown);
  });

  test.each([
    "marts/finance/fct_revenue",
    "prod.analytics_pr_42.orders → café, 日本語, עברית, العربية",
    "emoji 😀 and 👩‍👩‍👧 (a joiner)",
    "already escaped: \\u001b and \\n",
    "",
  ])("keeps ordinary text as it is: %s", (text) => {
    expect(escapeControls(text)).toBe(text);
  });

  test("property: nothing forbidden is left, and text without it is unchanged", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (text) => {
        const shown = escapeControls(text);
        expect(hasRaw(shown)).toBe(false);
        if (!hasRaw(text) && !text.includes("\n")) expect(shown).toBe(text);
      }),
      { numRuns: 2000 },
    );
  });
});

/** Inputs whose keys, tags, metadata, descriptions, location names and errors carry controls. */
const HOSTILE = ["\u001b[2J\u001b[31m", "\u009b1m", "\u202e", "\ud800", "\u0007", "\r"];
const hostile = (i: number) => HOSTILE[i % HOSTILE.length] as string;

const files = tempDir("control-bytes");
const prod = files.write(
  "prod.json",
  gqlWorkspace({
    [`loc${hostile(0)}`]: [
      node(`raw/orders${hostile(0)}`, { tags: { [`tier${hostile(1)}`]: "gold" } }),
      node(`gone${hostile(2)}`),
    ],
    ingest: [node("events")],
  }),
);
const branch = files.write(
  "branch.json",
  gqlWorkspace({
    [`loc${hostile(0)}`]: [
      node(`raw/orders${hostile(0)}`, {
        codeVersion: `2${hostile(3)}`,
        tags: { [`tier${hostile(1)}`]: `platinum${hostile(4)}` },
        description: `a\nmultiline${hostile(5)} description${hostile(0)}`,
        partitions: `'us${hostile(2)}'`,
        text: { [`note${hostile(0)}`]: `x${hostile(1)}` },
      }),
      node(`fresh${hostile(3)}`),
    ],
    ingest: { error: `SyntaxError${hostile(0)}: bad${hostile(2)}\nline 2` },
  }),
);

describe("the text report", () => {
  test.each([false, true])("shows what the inputs carry escaped (colour %s)", async (color) => {
    const base = await loadAssetGraph(prod);
    const next = await loadAssetGraph(branch);
    const reviewed = reviewChanges(diffAssetGraphs(base, next), { base, branch: next });
    const text = renderText(reviewed, { color });
    expect(hasRaw(text, color)).toBe(false);
    const plain = renderText(reviewed);
    expect(plain).toContain("raw/orders\\u001b[2J\\u001b[31m  [loc\\u001b[2J\\u001b[31m]");
    expect(plain).toContain("gone\\u202e");
    expect(plain).toContain("fresh\\ud800");
    expect(plain).toContain("tag tier\\u009b1m:");
    expect(plain).toContain("metadata added: note\\u001b[2J\\u001b[31m");
    expect(plain).toContain("ingest: ");
    expect(plain).toMatch(/SyntaxError\\u001b\[2J\\u001b\[31m: bad\\u202e/);
  });
});

describe("the CLI", () => {
  test("diff: the text report and the --fail-on message", async () => {
    const { code, stdout, stderr } = await run(["diff", prod, branch, "--fail-on", "safe"]);
    expect(code).toBe(1);
    expect(hasRaw(stdout)).toBe(false);
    expect(hasRaw(stderr)).toBe(false);
    expect(stdout).toContain("raw/orders\\u001b[2J\\u001b[31m");
    expect(stderr).toMatch(/^asset-diff: policy failed: .*fresh\\ud800/m);
  });

  test("a warning carrying a server's message", async () => {
    const data = structuredClone(fixtureData("fixtures/example/branch.json")) as {
      workspaceOrError: { locationEntries: Record<string, unknown>[] };
    };
    const entry = data.workspaceOrError.locationEntries[1];
    if (!entry) throw new Error("fixture changed");
    entry.locationOrLoadError = {
      __typename: "PythonError",
      message: `SyntaxError${hostile(0)} in ${hostile(2)}defs.py`,
      className: "SyntaxError",
      stack: [],
    };
    const server = await startServer(graphqlEndpoint(data));
    try {
      const { code, stderr } = await cli(["diff", "fixtures/example/base.json", server.url]);
      expect(code).toBe(1);
      expect(hasRaw(stderr)).toBe(false);
      expect(stderr).toMatch(
        /^asset-diff: warning \(branch\): code location .* failed to load: SyntaxError\\u001b\[2J\\u001b\[31m in \\u202edefs.py; its assets are unknown\nasset-diff: failed: code location "[^"\n]*" of the branch did not load, so its assets were not compared \(--allow-failed-locations accepts this\)\n$/,
      );
    } finally {
      await server.close();
    }
  });

  test("diff with colours: only the report's own colour codes", async () => {
    const { stdout } = await run(["diff", prod, branch], { env: { FORCE_COLOR: "1" } });
    expect(stdout).toContain("\u001b[");
    expect(hasRaw(stdout, true)).toBe(false);
  });

  test("explain shows the asset escaped", async () => {
    const key = `raw/orders${hostile(0)}`;
    const { code, stdout } = await run([
      "explain",
      prod,
      branch,
      key,
      "--code-location",
      `loc${hostile(0)}`,
    ]);
    expect(code).toBe(0);
    expect(hasRaw(stdout)).toBe(false);
    expect(stdout).toContain("raw/orders\\u001b[2J\\u001b[31m");
  });

  test("an error naming what the user typed", async () => {
    const { code, stderr } = await run(["explain", prod, branch, `nope\u009b2J\u202e`]);
    expect(code).toBe(2);
    expect(hasRaw(stderr)).toBe(false);
    expect(stderr).toContain("nope\\u009b2J\\u202e");
  });

  test("an error naming a file", async () => {
    const { code, stderr } = await run(["diff", prod, files.write("bad\u001b[1m.json", "{")]);
    expect(code).toBe(2);
    expect(hasRaw(stderr)).toBe(false);
    expect(stderr).toContain("bad\\u001b[1m.json");
  });

  test("approve's message naming the approvals file", async () => {
    const cwd = files.sub("approve");
    const { code, stdout } = await run(
      ["approve", prod, branch, "--by", "ana", "--approvals", "ap\u0085.json"],
      { cwd },
    );
    expect(code).toBe(0);
    expect(stdout).toContain("in ap\\u0085.json");
    expect(hasRaw(stdout)).toBe(false);
  });
});
