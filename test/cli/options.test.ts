import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import packageJson from "../../package.json" with { type: "json" };
import { EXIT_CODES } from "../../src/cli/exit-codes";
import { type CliOption, COMMANDS, type CommandName, OUTPUT_FORMATS } from "../../src/cli/options";
import { MISSING_LOCATIONS_MODES } from "../../src/diff/change-set";
import { CHANGE_TYPE_MODES, CHANGE_TYPES } from "../../src/diff/change-types";
import { INPUT_FORMATS, type InputFormat } from "../../src/load/index";
import { DEFAULT_REPOSITORY } from "../../src/model/key";
import { cli } from "../helpers/cli";
import { startFakeGitlab } from "../helpers/gitlab-server";
import { SETUP_TIMEOUT_MS } from "../helpers/timeouts";
import { foreignFlagsRemoved, helpOptions, longFlags } from "./help-text";
import { run } from "./run";

const dir = mkdtempSync(join(tmpdir(), "asset-diff-options-"));
const commands = Object.entries(COMMANDS) as [CommandName, (typeof COMMANDS)[CommandName]][];
const options = (command: CommandName) =>
  Object.entries(COMMANDS[command].options) as [string, CliOption][];
const USAGE_HINT = "Run 'asset-diff --help' for usage.";

/** The `as const` list each closed-set option must show, straight from its source. */
const CLOSED_SETS: Record<string, readonly string[]> = {
  format: OUTPUT_FORMATS,
  "change-types": CHANGE_TYPE_MODES,
  "missing-locations": MISSING_LOCATIONS_MODES,
  "input-format": ["auto", ...Object.keys(INPUT_FORMATS)],
};

/** `comment` posts to a stand-in for GitLab's API, with the variables GitLab CI sets. */
const gitlab = await startFakeGitlab();
afterAll(() => gitlab.close());
const GITLAB_ENV = {
  CI_API_V4_URL: gitlab.api,
  CI_PROJECT_ID: "12",
  CI_MERGE_REQUEST_IID: "42",
  ASSET_DIFF_GITLAB_TOKEN: "glpat-bot-0123456789abcdef",
};
const REPORT = join(dir, "report.md");
writeFileSync(REPORT, "<!-- asset-diff:report -->\n\nNo changes.\n");

let outputs = 0;
/** A file of the given JSON in the temporary directory, a new one each call. */
const file = (name: string, json: unknown) => () => {
  const path = join(dir, `${name}-${outputs++}.json`);
  writeFileSync(path, JSON.stringify(json));
  return path;
};
/** A valid value for each string option without a closed set (a new option needs one here). */
const SAMPLE_VALUES: Record<string, () => string> = {
  "code-location": () => "analytics",
  "fail-on": () => "REMOVED",
  config: file("config", {
    ignore: [{ metadata: ["dagster/row_count"], reason: "observed, not defined" }],
  }),
  approvals: file("approvals", { formatVersion: 1, approvals: [] }),
  branch: () => "feature-x",
  pr: () => "42",
  select: () => "marts/**",
  by: () => "ana@example.com",
  reason: () => "reviewed",
  "report-id": () => "pr-42",
  "default-location": () => "analytics",
  "default-repository": () => "repo",
  timeout: () => "5",
  retries: () => "0",
  output: () => join(dir, `out-${outputs++}.txt`),
  "gitlab-api": () => gitlab.api,
  project: () => "12",
  "merge-request": () => "42",
  "merge-base": () => "fixtures/example/base.json",
  "partitions-as-of": () => "2026-12-01",
  "output-dir": () => join(dir, `out-dir-${outputs++}`),
  "dagster-url": () => "https://acme.dagster.cloud/pr-42",
  "base-dagster-url": () => "https://acme.dagster.cloud/prod",
  commit: () => "9603b6c",
  "run-url": () => "https://github.com/acme/data/actions/runs/7",
};

/** Inputs of each format, for `--input-format` (snapshots are written in `beforeAll`). */
const INPUTS: Record<InputFormat, [string, string]> = {
  "dagster-graphql": ["fixtures/example/base.json", "fixtures/example/branch.json"],
  snapshot: [join(dir, "base.snapshot.json"), join(dir, "branch.snapshot.json")],
  "dg-list-defs": ["fixtures/dg/base.json", "fixtures/dg/branch.json"],
  "dbt-manifest": ["fixtures/dbt/shop-v12-base.json", "fixtures/dbt/shop-v12-branch.json"],
};
beforeAll(async () => {
  const [base, branch] = INPUTS["dagster-graphql"];
  for (const [source, snapshot] of [
    [base, INPUTS.snapshot[0]],
    [branch, INPUTS.snapshot[1]],
  ]) {
    expect((await cli(["snapshot", source as string, "-o", snapshot as string])).code).toBe(0);
  }
}, SETUP_TIMEOUT_MS);

/** An asset of both inputs of each format, for `explain`. */
const KEYS: Record<InputFormat, string> = {
  "dagster-graphql": "marts/core/dim_customers",
  snapshot: "marts/core/dim_customers",
  "dg-list-defs": "marts/fct_revenue",
  "dbt-manifest": "marts/fct_orders",
};

function inputs(command: CommandName, format: string): string[] {
  const known = (format === "auto" ? "dagster-graphql" : format) as InputFormat;
  const [base, branch] = INPUTS[known];
  const values: Record<string, string> = {
    "<base>": base,
    "<branch>": branch,
    "<source>": branch,
    "<asset key>": KEYS[known],
    "<report>": REPORT,
  };
  return COMMANDS[command].inputs.map((input: string) => values[input] ?? missingSample(input));
}

/** A working directory per command, so that one command's approvals never reach another's run. */
function cwdOf(command: CommandName): string {
  const cwd = join(dir, `cwd-${command}`);
  mkdirSync(cwd, { recursive: true });
  return cwd;
}

/** Every way of giving each option of a command: long and short, each value of a closed set. */
function invocations(command: CommandName): [string, string[]][] {
  return options(command).flatMap(([name, option]) => {
    const flags = [`--${name}`, ...(option.short ? [`-${option.short}`] : [])];
    const values =
      option.type === "boolean"
        ? [[]]
        : "choices" in option
          ? option.choices.map((v) => [v])
          : [[(SAMPLE_VALUES[name] ?? missingSample(name))()]];
    return flags.flatMap((flag) =>
      values.map((value): [string, string[]] => [name, [flag, ...value]]),
    );
  });
}

function missingSample(name: string): never {
  throw new Error(`SAMPLE_VALUES has no value for --${name}`);
}

describe.each(commands)("every option of %s", (command) => {
  test.each(invocations(command))("is accepted by the parser: --%s (%j)", async (name, args) => {
    const format = name === "input-format" ? (args[1] as string) : "auto";
    const { code, stdout, stderr } = await run([command, ...inputs(command, format), ...args], {
      cwd: cwdOf(command),
      ...(command === "comment" ? { env: GITLAB_ENV } : {}),
    });
    expect(stderr).not.toContain(USAGE_HINT);
    if (name === "help") expect(stdout).toContain(`Usage: asset-diff ${command} `);
    if (name === "version") expect(stdout).toBe(`${packageJson.version}\n`);
    // --fail-on REMOVED fails the policy: the example has a removed asset.
    expect(code).toBe(name === "fail-on" ? EXIT_CODES.policy : EXIT_CODES.ok);
  });

  test("--help lists exactly the options of the table, with their aliases and values", async () => {
    const { code, stdout } = await cli([command, "--help"]);
    expect(code).toBe(0);
    const shown = helpOptions(stdout);
    expect([...shown.keys()]).toEqual(options(command).map(([name]) => name));
    for (const [name, option] of options(command)) {
      const line = shown.get(name);
      expect(line?.short, name).toBe(option.short);
      if (option.type === "boolean") expect(line?.value, name).toBeUndefined();
      else
        expect(line?.value, name).toBe(
          "choices" in option
            ? `${option.choices.join("|")}${option.suffix === undefined ? "" : `[=${option.suffix}]`}`
            : option.value,
        );
    }
  });

  test("closed sets show exactly their lists, and their default is one of them", async () => {
    const shown = helpOptions((await cli([command, "--help"])).stdout);
    for (const [name, option] of options(command)) {
      if (!("choices" in option)) continue;
      const list = CLOSED_SETS[name];
      expect(list, `add --${name}'s list to CLOSED_SETS`).toBeDefined();
      expect(
        shown
          .get(name)
          ?.value?.replace(/\[=[A-Z]+\]$/, "")
          .split("|"),
      ).toEqual(list);
      if (option.default !== undefined) {
        expect(list).toContain(option.default);
        expect(shown.get(name)?.text).toContain(`(default: ${option.default})`);
      }
    }
  });

  test("every --flag its help mentions is one of its options; lines fit in 100 columns", async () => {
    const { stdout } = await cli([command, "--help"]);
    const names = options(command).map(([name]) => name);
    for (const flag of longFlags(foreignFlagsRemoved(stdout))) expect(names).toContain(flag);
    for (const line of stdout.split("\n")) expect(line.length, line).toBeLessThanOrEqual(100);
  });

  test("--version and -v print the version without inputs", async () => {
    for (const flag of ["--version", "-v"]) {
      expect(await cli([command, flag])).toEqual({
        code: 0,
        stdout: `${packageJson.version}\n`,
        stderr: "",
      });
    }
  });

  test("an unknown option exits 2 with one error line (and the usage hint)", async () => {
    const { code, stdout, stderr } = await cli([command, ...inputs(command, "auto"), "--bogus"]);
    expect(code).toBe(EXIT_CODES.usage);
    expect(stdout).toBe("");
    expect(stderr).toBe(`asset-diff: Unknown option '--bogus'\n${USAGE_HINT}\n`);
  });
});

describe("help per command", () => {
  test("diff --help, snapshot --help, help diff, -h snapshot print that command's help", async () => {
    const diff = await cli(["diff", "--help"]);
    expect(diff).toMatchObject({ code: 0, stderr: "" });
    expect(diff.stdout).toMatch(/^asset-diff diff: report what the branch changes\n/);
    expect(diff.stdout).toContain("\nUsage: asset-diff diff <base> <branch> [options]\n");
    expect(diff.stdout).toContain("Under GitHub Actions (GITHUB_ACTIONS=true), diff also appends");
    expect(await cli(["help", "diff"])).toEqual(diff);
    expect(await cli(["diff", "-h"])).toEqual(diff);

    const snapshot = await cli(["snapshot", "--help"]);
    expect(snapshot).toMatchObject({ code: 0, stderr: "" });
    expect(snapshot.stdout).toContain("\nUsage: asset-diff snapshot <source> [options]\n");
    expect(snapshot.stdout).not.toContain("GitHub Actions");
    expect(snapshot.stdout).not.toContain("--format");
    expect(await cli(["-h", "snapshot"])).toEqual(snapshot);
    expect(await cli(["--help", "snapshot"])).toEqual(snapshot);
  });

  test("--help, -h and help print the global help: commands and shared notes, no options", async () => {
    const global = await cli(["--help"]);
    expect(global).toMatchObject({ code: 0, stderr: "" });
    expect(await cli(["-h"])).toEqual(global);
    expect(await cli(["help"])).toEqual(global);
    expect(await cli([])).toEqual({ ...global, code: EXIT_CODES.usage });
    for (const [name, command] of commands) {
      expect(global.stdout).toMatch(
        new RegExp(
          `\\n  asset-diff ${name} ${command.inputs.join(" ")} \\[options\\]\\s+${command.summary}\\n`,
        ),
      );
    }
    expect(global.stdout).toContain("DAGSTER_CLOUD_API_TOKEN");
    expect(global.stdout).toContain("Colours:");
    expect(global.stdout).not.toContain("Options:");
    const all = commands.flatMap(([name]) => options(name).map(([option]) => option));
    for (const flag of longFlags(foreignFlagsRemoved(global.stdout))) expect(all).toContain(flag);
    for (const line of global.stdout.split("\n"))
      expect(line.length, line).toBeLessThanOrEqual(100);
  });

  test("help of an unknown command is a usage error", async () => {
    expect(await cli(["help", "frob"])).toEqual({
      code: EXIT_CODES.usage,
      stdout: "",
      stderr: `asset-diff: unknown command "frob"; the commands are diff, approve, explain, snapshot and comment\n${USAGE_HINT}\n`,
    });
  });

  test("the exit codes line lists EXIT_CODES", async () => {
    const line = (await cli(["--help"])).stdout.match(/^Exit codes: (.*)\.$/m)?.[1];
    const codes = line?.split(", ").map((entry) => Number(entry.split(" ")[0]));
    expect(codes).toEqual(Object.values(EXIT_CODES));
  });

  test("values the help names come from their lists", async () => {
    const shown = helpOptions((await cli(["diff", "--help"])).stdout);
    expect(shown.get("default-repository")?.text).toContain(`default ${DEFAULT_REPOSITORY} `);
    const examples = shown.get("fail-on")?.text.match(/\b[A-Z_]+(?:,[A-Z_]+)+\b/)?.[0];
    expect(examples?.split(",").length).toBeGreaterThan(1);
    for (const type of examples?.split(",") ?? []) expect(CHANGE_TYPES).toContain(type);
    const inputs = (await cli(["--help"])).stdout.replace(/\n */g, " ");
    for (const format of Object.values(INPUT_FORMATS)) expect(inputs).toContain(format.label);
  });
});
