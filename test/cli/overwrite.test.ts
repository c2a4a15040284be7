import { linkSync, readdirSync, readFileSync, symlinkSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, test } from "vitest";
import { branchDeployment, production, tempDir, workspace } from "./graphs";
import { run } from "./run";

/**
 * A run never writes over a file it reads: `--output` naming an input, the configuration or the
 * approvals file, however the path is spelled, is refused (exit 2) before anything is read or
 * written; so is `approve`'s approvals file naming an input or the configuration.
 */

const files = tempDir("overwrite");
const prodText = JSON.stringify(workspace(production()));
const branchText = JSON.stringify(workspace(branchDeployment({ raw: { codeVersion: "2" } })));

let dirs = 0;
/** A fresh directory with both inputs, so that every test sees them untouched. */
function fixture() {
  const dir = files.sub(`case-${dirs++}`);
  const prod = files.write(join(dir, "prod.json"), prodText);
  const branch = files.write(join(dir, "branch.json"), branchText);
  const unchanged = () => {
    expect(readFileSync(prod, "utf8")).toBe(prodText);
    expect(readFileSync(branch, "utf8")).toBe(branchText);
  };
  return {
    dir,
    prod,
    branch,
    unchanged,
    write: (name: string, text: unknown) => files.write(join(dir, name), text),
  };
}

const refused = (what: string) =>
  expect.stringMatching(
    new RegExp(
      `^asset-diff: .* is ${what.replace(/[<>()]/g, "\\$&")}.*; asset-diff does not write over a file it reads, choose another file\nRun 'asset-diff --help' for usage.\n$`,
    ),
  );

describe("--output naming an input is refused", () => {
  test("the same path", async () => {
    const { prod, branch, unchanged, dir } = fixture();
    const result = await run(["diff", prod, branch, "-o", branch], { cwd: dir });
    expect(result).toEqual({
      code: 2,
      stdout: "",
      stderr: `asset-diff: --output ${branch} is the <branch> input; asset-diff does not write over a file it reads, choose another file\nRun 'asset-diff --help' for usage.\n`,
    });
    unchanged();
    expect(readdirSync(dir).sort()).toEqual(["branch.json", "prod.json"]);
  });

  test("a path through .. (and relative to the process's directory)", async () => {
    const { prod, branch, unchanged, dir } = fixture();
    files.write(join(dir, "x", "keep"), "");
    const output = relative(process.cwd(), join(dir, "x", "..", "prod.json"));
    expect(output).toContain("..");
    const result = await run(["diff", prod, branch, "--output", output], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `asset-diff: --output ${output} is the <base> input (${prod}); asset-diff does not write over a file it reads, choose another file\nRun 'asset-diff --help' for usage.\n`,
    );
    unchanged();
  });

  test("a symlink to the input", async () => {
    const { prod, branch, unchanged, dir } = fixture();
    const link = join(dir, "link.json");
    symlinkSync(prod, link);
    const result = await run(["diff", prod, branch, "--output", link], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toEqual(refused("the <base> input"));
    unchanged();
  });

  test("an input read through a symlink to the output", async () => {
    const { prod, branch, unchanged, dir } = fixture();
    const link = join(dir, "link.json");
    symlinkSync(branch, link);
    const result = await run(["diff", prod, link, "--output", branch], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toEqual(refused("the <branch> input"));
    unchanged();
  });

  test("a hard link to the input (the same file under another name)", async () => {
    const { prod, branch, unchanged, dir } = fixture();
    const hard = join(dir, "hard.json");
    linkSync(branch, hard);
    const result = await run(["diff", prod, branch, "--format=json", "-o", hard], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toEqual(refused("the <branch> input"));
    expect(readFileSync(hard, "utf8")).toBe(branchText);
    unchanged();
  });

  test("snapshot and explain refuse it too", async () => {
    const { prod, branch, unchanged, dir } = fixture();
    const snapshot = await run(["snapshot", prod, "-o", prod], { cwd: dir });
    expect(snapshot.code).toBe(2);
    expect(snapshot.stderr).toEqual(refused("the <source> input"));
    const explain = await run(["explain", prod, branch, "raw/orders", "-o", branch], { cwd: dir });
    expect(explain.code).toBe(2);
    expect(explain.stderr).toEqual(refused("the <branch> input"));
    unchanged();
  });

  test("before anything is read: not the configuration, not a URL", async () => {
    const { prod, unchanged, dir, write } = fixture();
    const broken = write("broken.json", "{ not json");
    // Port 9 (discard) on the loopback: fetching it would fail; it is never fetched.
    const url = "http://127.0.0.1:9/graphql";
    const result = await run(["diff", prod, url, "-o", prod, "--config", broken, "--retries=0"], {
      cwd: dir,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toEqual(refused("the <base> input"));
    unchanged();
  });

  test("standard input and URLs are not files: -o next to them is fine", async () => {
    const { prod, branch, dir } = fixture();
    const output = join(dir, "report.txt");
    const result = await run(["diff", prod, "-", "-o", output], { cwd: dir, stdin: branchText });
    expect(result).toEqual({ code: 0, stdout: "", stderr: "" });
    expect(readFileSync(output, "utf8")).toContain("1 modified");
    // Writing the report again over the previous one is what --output is for.
    expect((await run(["diff", prod, branch, "-o", output], { cwd: dir })).code).toBe(0);
  });
});

test("an empty --output is a usage error, not a file named by the empty string", async () => {
  const { prod, branch, dir } = fixture();
  for (const args of [
    ["diff", prod, branch, "--output="],
    ["snapshot", prod, "-o", ""],
  ]) {
    const result = await run(args, { cwd: dir });
    expect(result).toEqual({
      code: 2,
      stdout: "",
      stderr: "asset-diff: --output needs a file\nRun 'asset-diff --help' for usage.\n",
    });
  }
});

describe("--output naming the configuration or the approvals file is refused", () => {
  test("--config FILE", async () => {
    const { prod, branch, dir, write } = fixture();
    const config = write("ci.config.json", {});
    const result = await run(["diff", prod, branch, "--config", config, "-o", config], {
      cwd: dir,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toEqual(refused("the configuration"));
    expect(JSON.parse(readFileSync(config, "utf8"))).toEqual({});
  });

  test("the default configuration of the working directory, when it exists", async () => {
    const { prod, branch, dir, write } = fixture();
    const output = join(dir, "asset-diff.config.json");
    // Absent: it is not read, so it may be written.
    expect((await run(["diff", prod, branch, "-o", output], { cwd: dir })).code).toBe(0);
    write("asset-diff.config.json", {});
    const result = await run(["diff", prod, branch, "-o", output], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toEqual(refused("the configuration"));
  });

  test("--approvals FILE, and the approvals file the configuration names", async () => {
    const { prod, branch, dir, write } = fixture();
    const approvals = write("approvals.json", { formatVersion: 1, approvals: [] });
    const flag = await run(["diff", prod, branch, "--approvals", approvals, "-o", approvals], {
      cwd: dir,
    });
    expect(flag.code).toBe(2);
    expect(flag.stderr).toEqual(refused("the approvals file"));
    const config = write("asset-diff.config.json", { approvals: "approvals.json" });
    const named = await run(["diff", prod, branch, "-o", approvals], { cwd: dir });
    expect(named.code).toBe(2);
    expect(named.stderr).toEqual(refused("the approvals file"));
    expect(JSON.parse(readFileSync(approvals, "utf8"))).toEqual({
      formatVersion: 1,
      approvals: [],
    });
    expect(JSON.parse(readFileSync(config, "utf8")).approvals).toBe("approvals.json");
  });
});

describe("approve's approvals file must not be a file it reads", () => {
  test("--approvals naming an input", async () => {
    const { prod, branch, unchanged, dir } = fixture();
    const result = await run(["approve", prod, branch, "--approvals", "prod.json"], {
      cwd: dir,
      env: {},
    });
    expect(result).toEqual({
      code: 2,
      stdout: "",
      stderr: `asset-diff: the approvals file prod.json is the <base> input (${prod}); asset-diff does not write over a file it reads, choose another file\nRun 'asset-diff --help' for usage.\n`,
    });
    unchanged();
  });

  test("the configuration's approvals naming an input, through a symlink", async () => {
    const { prod, branch, unchanged, dir, write } = fixture();
    symlinkSync(branch, join(dir, "approvals.json"));
    write("asset-diff.config.json", { approvals: "approvals.json" });
    const result = await run(["approve", prod, branch], { cwd: dir, env: {} });
    expect(result.code).toBe(2);
    expect(result.stderr).toEqual(refused("the <branch> input"));
    unchanged();
  });

  test("--approvals naming the configuration", async () => {
    const { prod, branch, dir, write } = fixture();
    const config = write("asset-diff.config.json", {});
    const result = await run(["approve", prod, branch, "--approvals", config], {
      cwd: dir,
      env: {},
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toEqual(refused("the configuration"));
    expect(JSON.parse(readFileSync(config, "utf8"))).toEqual({});
  });

  test("the approvals file is approve's output: adding to it is fine", async () => {
    const { prod, branch, dir } = fixture();
    const result = await run(["approve", prod, branch, "--by", "ana"], { cwd: dir, env: {} });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("in asset-diff.approvals.json");
  });
});
