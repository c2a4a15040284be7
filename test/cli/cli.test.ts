import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, test } from "vitest";
import { CHANGE_SET_FORMAT_VERSION } from "../../src/diff/change-set";
import { changeSetSchema } from "../../src/diff/change-set-schema";
import { gqlNode, gqlWorkspace } from "../helpers/builders";
import { cli } from "../helpers/cli";

const dir = mkdtempSync(join(tmpdir(), "asset-diff-cli-"));
const write = (name: string, json: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof json === "string" ? json : JSON.stringify(json));
  return path;
};

const base = write(
  "base.json",
  gqlWorkspace({
    analytics: [
      gqlNode("a", { opVersion: "1", groupName: "g" }),
      gqlNode("gone", { opVersion: "1" }),
    ],
    ingest: [gqlNode("raw", { opVersion: "1" })],
  }),
);
const branch = write(
  "branch.json",
  gqlWorkspace({
    analytics: [
      gqlNode("a", { opVersion: "2", groupName: "h" }),
      gqlNode("fresh", { opVersion: "1" }),
    ],
    ingest: [gqlNode("raw", { opVersion: "1" })],
  }),
);

describe("asset-diff diff", () => {
  test("prints a text report by default and exits 0", async () => {
    const { code, stdout, stderr } = await cli(["diff", base, branch]);
    expect(code).toBe(0);
    expect(stderr).toBe("");
    expect(stdout).toContain("1 new, 1 removed, 1 modified, 1 unchanged");
    expect(stdout).toMatch(/~ \[risky\] +a {2}\[analytics\] +CODE_VERSION \(GROUP\)/);
    expect(stdout).toContain('code version: "1" → "2"');
  });

  test("--format json writes a change set that matches the documented schema", async () => {
    const { code, stdout } = await cli(["diff", base, branch, "--format", "json"]);
    expect(code).toBe(0);
    const changeSet = changeSetSchema.parse(JSON.parse(stdout));
    expect(
      changeSet.assets.map((a) => [a.codeLocation, a.key, a.changeTypes, a.extraChangeTypes]),
    ).toEqual([
      ["analytics", "a", ["CODE_VERSION"], ["GROUP"]],
      ["analytics", "fresh", ["NEW"], []],
      ["analytics", "gone", ["REMOVED"], []],
    ]);
  });

  test("--change-types dagster leaves out the extra types; --code-location scopes", async () => {
    const { stdout } = await cli([
      "diff",
      base,
      branch,
      "--format",
      "json",
      "--change-types",
      "dagster",
      "--code-location",
      "ingest",
    ]);
    const changeSet = JSON.parse(stdout);
    expect(changeSet.assets).toEqual([]);
    expect(changeSet.options).toMatchObject({ changeTypes: "dagster", codeLocation: "ingest" });
  });

  test("--include-unchanged lists unchanged assets with empty change types", async () => {
    const { stdout } = await cli([
      "diff",
      base,
      branch,
      "--format",
      "json",
      "--include-unchanged",
      "--change-types",
      "dagster",
    ]);
    expect(JSON.parse(stdout).assets.find((a: { key: string }) => a.key === "raw")).toMatchObject({
      changeTypes: [],
      details: {},
    });
  });

  test("- reads one side from stdin", async () => {
    const { code, stdout } = await cli(["diff", "-", branch, "--format", "json"], {
      stdin: readFileSync(base, "utf8"),
    });
    expect(code).toBe(0);
    expect(JSON.parse(stdout).base.source.name).toBe("<stdin>");
  });

  test("--output writes the file atomically and prints nothing", async () => {
    const out = join(dir, "out", "..", "report.json");
    const { code, stdout } = await cli(["diff", base, branch, "--format", "json", "--output", out]);
    expect(code).toBe(0);
    expect(stdout).toBe("");
    expect(JSON.parse(readFileSync(out, "utf8")).formatVersion).toBe(CHANGE_SET_FORMAT_VERSION);
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  test("--help and --version", async () => {
    expect((await cli(["--help"])).stdout).toContain("Usage:");
    expect((await cli(["--version"])).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});

describe("errors: one line on stderr, exit 2, no stack trace", () => {
  const cases: [string, string[], RegExp][] = [
    ["no command", [], /^$/],
    ["unknown command", ["compare", base, branch], /^asset-diff: unknown command "compare"/],
    ["one input", ["diff", base], /^asset-diff: diff takes two inputs, <base> and <branch>; got 1/],
    [
      "unknown option",
      ["diff", base, branch, "--colour"],
      /^asset-diff: Unknown option '--colour'/,
    ],
    [
      "bad format",
      ["diff", base, branch, "--format", "xml"],
      /^asset-diff: --format must be one of text, json, markdown, gitlab, sarif, junit, html \(each as FORMAT or FORMAT=FILE\); got "xml"/,
    ],
    [
      "bad change types",
      ["diff", base, branch, "--change-types", "some"],
      /^asset-diff: --change-types must be one of dagster, all; got "some"/,
    ],
    [
      "missing file",
      ["diff", join(dir, "nope.json"), branch],
      /^asset-diff: .*nope\.json: does not exist\n$/,
    ],
    [
      "malformed JSON",
      ["diff", write("bad.json", '{"assetNodes": [}'), branch],
      /^asset-diff: .*bad\.json: invalid JSON at line 1, column 17: Unexpected token '}'\n$/,
    ],
    [
      "wrong shape",
      ["diff", write("shape.json", { assetNodes: [{ assetKey: { path: [1] } }] }), branch],
      /^asset-diff: .*shape\.json: \$\.assetNodes\[0\]\.assetKey\.path\[0\]: expected string, received number\n$/,
    ],
    [
      "unknown location",
      ["diff", base, branch, "--code-location", "nowhere"],
      /^asset-diff: code location "nowhere" is not in the branch; it has "analytics", "ingest"\n/,
    ],
    [
      "a code location of inputs that name none",
      [
        "diff",
        "fixtures/dbt/shop-v12-base.json",
        "fixtures/dbt/shop-v12-branch.json",
        "--code-location",
        "analytics",
      ],
      /^asset-diff: --code-location "analytics": neither input says which code location its assets are in: <base> fixtures\/dbt\/shop-v12-base\.json \(read from a dbt manifest\.json\), <branch> fixtures\/dbt\/shop-v12-branch\.json \(read from a dbt manifest\.json\); give them one with --default-location, or leave out --code-location\nRun 'asset-diff --help' for usage\.\n$/,
    ],
    [
      "a code location of dg output and a bare assetNodes response",
      [
        "diff",
        "fixtures/dg/base.json",
        write("bare.json", { data: { assetNodes: [gqlNode("a", {})] } }),
        "--code-location=analytics",
      ],
      /neither input says which code location its assets are in: <base> fixtures\/dg\/base\.json \(read from a dg list defs --json output\), <branch> .*bare\.json \(read from a Dagster GraphQL response\);/,
    ],
    [
      "both stdin",
      ["diff", "-", "-"],
      /^asset-diff: only one of <base> and <branch> can be - \(stdin\)/,
    ],
    [
      "unwritable output",
      ["diff", base, branch, "--output", join(dir, "no", "such", "dir", "x.json")],
      /^asset-diff: .*x\.json: cannot be written \(ENOENT\)\n$/,
    ],
  ];
  test.each(cases)("%s", async (_name, args, message) => {
    const { code, stderr } = await cli(args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});

describe("the real process", () => {
  const run = promisify(execFile);
  test("exits 2 with one line on a bad input and 0 on success", async () => {
    const bin = ["--import", "tsx", "src/cli/bin.ts"];
    const bad = await run("node", [...bin, "diff", join(dir, "nope.json"), branch]).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(bad).toMatchObject({ code: 2 });
    expect((bad as { stderr: string }).stderr.trim().split("\n")).toHaveLength(1);
    const ok = await run("node", [...bin, "diff", base, branch, "--format", "json"]);
    expect(JSON.parse(ok.stdout).summary.assets).toEqual({
      new: 1,
      removed: 1,
      modified: 1,
      unchanged: 1,
      moved: 0,
    });
  });
});
