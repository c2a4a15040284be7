import { Readable } from "node:stream";
import { describe, expect, test } from "vitest";
import { runCli, useColor } from "../../src/cli/main";
import { cli } from "../helpers/cli";

const BASE = "fixtures/example/base.json";
const BRANCH = "fixtures/example/branch.json";
const ESC = "\u001b[";

describe("--fail-on", () => {
  test("exits 1 after writing the report when an asset has a listed change type", async () => {
    const { code, stdout, stderr } = await cli([
      "diff",
      BASE,
      BRANCH,
      "--fail-on",
      "REMOVED,PARTITIONS_DEFINITION",
    ]);
    expect(code).toBe(1);
    expect(stdout).toContain("4 new, 2 removed, 20 modified, 15 unchanged");
    expect(stderr).toBe(
      "asset-diff: policy failed: 6 assets with REMOVED or PARTITIONS_DEFINITION (marts/core/dim_dates, marts/finance/fct_refunds, marts/finance/revenue_by_region, marts/sales/fct_pipeline, raw/events/app_events and 1 more)\n",
    );
  });

  test("exits 0 when no asset has them; names are case-insensitive", async () => {
    const { code, stderr } = await cli(["diff", BASE, BASE, "--fail-on", "removed"]);
    expect(code).toBe(0);
    expect(stderr).toBe("");
  });

  test("extra change types count in all mode", async () => {
    expect(
      (await cli(["diff", BASE, BRANCH, "--fail-on", "OWNERS", "--format", "json"])).code,
    ).toBe(1);
  });

  test.each([
    [["--fail-on", "breaking", "--fail-on", "NEW"]],
    [["--fail-on=breaking,NEW"]],
    [["--fail-on", "new", "--fail-on", "breaking,NEW"]],
  ])("repeated, its values add up, as a comma list does: %j", async (flags) => {
    const one = async (rule: string) =>
      (await cli(["diff", BASE, BRANCH, "--fail-on", rule])).stderr;
    expect(await one("breaking")).toMatch(/policy failed: 5 assets with breaking /);
    expect(await one("NEW")).toMatch(/policy failed: 4 assets with NEW /);
    const { code, stderr } = await cli(["diff", BASE, BRANCH, ...flags]);
    expect(code).toBe(1);
    expect(stderr).toMatch(
      /^asset-diff: policy failed: 9 assets with (breaking or NEW|NEW or breaking) \(/,
    );
  });

  test.each([
    [
      ["--fail-on", "breaking", "--fail-on", "bogus"],
      /^asset-diff: --fail-on: unknown change type, severity or condition "bogus"; severities: breaking, risky, safe; conditions: impacted-breaking, conflict; change types: NEW, REMOVED, .*EXECUTION_TYPE, CHECKS\n/,
    ],
    [
      ["--fail-on", "DELETED"],
      /--fail-on: unknown change type, severity or condition "DELETED"; severities: breaking, risky, safe; conditions: impacted-breaking, conflict; change types: NEW, REMOVED, CODE_VERSION/,
    ],
    [["--fail-on", ","], /--fail-on needs change types/],
    [
      ["--fail-on", "GROUP", "--change-types", "dagster"],
      /--fail-on GROUP needs --change-types all/,
    ],
  ])("bad values are usage errors: %j", async (flags, message) => {
    const { code, stderr } = await cli(["diff", BASE, BRANCH, ...flags]);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });
});

describe("colours", () => {
  const tty = { stdout: { write: () => true, isTTY: true } };
  const pipe = { stdout: { write: () => true, isTTY: false } };

  test.each([
    [tty, {}, true],
    [pipe, {}, false],
    [tty, { NO_COLOR: "1" }, false],
    [tty, { NO_COLOR: "" }, true],
    [pipe, { FORCE_COLOR: "1" }, true],
    [pipe, { FORCE_COLOR: "" }, true],
    [tty, { FORCE_COLOR: "0" }, false],
    [tty, { FORCE_COLOR: "false" }, false],
    [tty, { NO_COLOR: "1", FORCE_COLOR: "1" }, true],
    [tty, { TERM: "dumb" }, false],
  ])("%#: isTTY=%j env=%j → %s", (io, env, expected) => {
    expect(useColor({ ...io, env })).toBe(expected);
  });

  const run = async (isTTY: boolean, env: Record<string, string>, extra: string[] = []) => {
    let out = "";
    await runCli(["diff", BASE, BRANCH, ...extra], {
      stdout: { write: (t: string) => (out += t), isTTY },
      stderr: { write: () => true },
      stdin: Readable.from([]),
      env,
    });
    return out;
  };

  test("the text report is coloured on a terminal and plain otherwise", async () => {
    expect(await run(true, {})).toContain(ESC);
    expect(await run(false, {})).not.toContain(ESC);
    expect(await run(true, { NO_COLOR: "1" })).not.toContain(ESC);
    expect(await run(false, { FORCE_COLOR: "1" })).toContain(ESC);
  });

  test("colour never reaches JSON", async () => {
    const out = await run(true, { FORCE_COLOR: "1" }, ["--format", "json"]);
    expect(out).not.toContain(ESC);
    expect(() => JSON.parse(out)).not.toThrow();
  });

  test("coloured and plain reports say the same thing", async () => {
    const coloured = await run(true, {});
    // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping ANSI escapes
    expect(coloured.replace(/\u001b\[[0-9;]*m/g, "")).toBe(await run(false, {}));
  });
});
