import { parseArgs } from "node:util";
import packageJson from "../../package.json" with { type: "json" };
import { CHANGE_TYPE_MODES, type ChangeTypeMode } from "../diff/change-types";
import { diffAssetGraphs } from "../diff/diff";
import { isAssetDiffError, OutputWriteError, UsageError } from "../errors";
import { INPUT_FORMATS, type InputFormat, loadAssetGraph } from "../load/index";
import { renderJson } from "../report/json";
import { renderText } from "../report/text";
import { writeFileAtomic } from "./write-file";

/** What the CLI reads from and writes to; injectable for tests. */
export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  stdin: AsyncIterable<Uint8Array | string>;
  env: Record<string, string | undefined>;
}

/** Exit codes of the CLI. */
export const EXIT_CODES = {
  /** Success. */
  ok: 0,
  /** A policy failed (reserved for `--fail-on`). */
  policy: 1,
  /** Bad usage or bad input. */
  usage: 2,
  /** A bug in asset-diff. */
  internal: 70,
} as const;

const OUTPUT_FORMATS = ["text", "json"] as const;
type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** The CLI's help text. */
export const USAGE = `asset-diff ${packageJson.version}: compare Dagster-style asset graphs between production and a branch

Usage:
  asset-diff diff <base> <branch> [options]

  <base>, <branch>    files (Dagster GraphQL responses or asset-diff snapshots); - reads stdin

Options:
  --format json|text            output format (default: text)
  --code-location NAME          compare only this code location, as Dagster's differ does
  --change-types dagster|all    Dagster's seven change types only, or also the extra ones (default: all)
  --include-unchanged           list unchanged assets too
  --missing-locations skip|removed
                                a code location only in the base: list it as not compared
                                (default, as Dagster) or report its assets as REMOVED
  --input-format FORMAT         auto (default), ${Object.keys(INPUT_FORMATS).join(", ")}
  --output FILE, -o FILE        write the report to FILE instead of stdout
  --help, -h                    show this help
  --version, -v                 show the version

Exit codes: 0 success, 2 bad usage or input, 70 internal error.
`;

/**
 * Runs the CLI with the given arguments (without `node` and the script) and returns the exit
 * code. Never calls `process.exit`; every error becomes one line on stderr.
 *
 * @example
 * process.exitCode = await runCli(process.argv.slice(2));
 */
export async function runCli(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (error) {
    if (isAssetDiffError(error)) {
      io.stderr.write(`asset-diff: ${oneLine(error.message)}\n`);
      if (error instanceof UsageError) io.stderr.write("Run 'asset-diff --help' for usage.\n");
      if (error.code === "INTERNAL" && io.env.ASSET_DIFF_DEBUG && error.stack)
        io.stderr.write(`${error.stack}\n`);
      return error.code === "INTERNAL" ? EXIT_CODES.internal : EXIT_CODES.usage;
    }
    io.stderr.write(
      `asset-diff: internal error: ${oneLine(error instanceof Error ? error.message : String(error))}\n`,
    );
    if (io.env.ASSET_DIFF_DEBUG && error instanceof Error && error.stack)
      io.stderr.write(`${error.stack}\n`);
    return EXIT_CODES.internal;
  }
}

// --- internal ---

async function dispatch(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === "--help" || command === "-h" || command === "help") {
    io.stdout.write(USAGE);
    return command === undefined ? EXIT_CODES.usage : EXIT_CODES.ok;
  }
  if (command === "--version" || command === "-v") {
    io.stdout.write(`${packageJson.version}\n`);
    return EXIT_CODES.ok;
  }
  if (command === "diff") return diffCommand(rest, io);
  throw new UsageError(`unknown command ${JSON.stringify(command)}; the command is "diff"`);
}

async function diffCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, {
    format: { type: "string" },
    "code-location": { type: "string" },
    "change-types": { type: "string" },
    "include-unchanged": { type: "boolean" },
    "missing-locations": { type: "string" },
    "input-format": { type: "string" },
    output: { type: "string", short: "o" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) {
    io.stdout.write(USAGE);
    return EXIT_CODES.ok;
  }
  if (positionals.length !== 2) {
    throw new UsageError(`diff takes two inputs, <base> and <branch>; got ${positionals.length}`);
  }
  const [basePath, branchPath] = positionals as [string, string];
  if (basePath === "-" && branchPath === "-")
    throw new UsageError("only one of <base> and <branch> can be - (stdin)");
  const format = oneOf<OutputFormat>("--format", values.format, OUTPUT_FORMATS) ?? "text";
  const changeTypes =
    oneOf<ChangeTypeMode>("--change-types", values["change-types"], CHANGE_TYPE_MODES) ?? "all";
  const inputFormat =
    oneOf<InputFormat | "auto">("--input-format", values["input-format"], [
      "auto",
      ...Object.keys(INPUT_FORMATS),
    ] as (InputFormat | "auto")[]) ?? "auto";
  const missingLocations =
    oneOf<"skip" | "removed">("--missing-locations", values["missing-locations"], [
      "skip",
      "removed",
    ]) ?? "skip";
  const codeLocation = values["code-location"];
  if (codeLocation !== undefined && codeLocation === "")
    throw new UsageError("--code-location needs a name");

  const [base, branch] = await Promise.all(
    [basePath, branchPath].map((path) =>
      loadAssetGraph(path, { format: inputFormat, stdin: io.stdin }),
    ),
  );
  const changeSet = diffAssetGraphs(
    base as NonNullable<typeof base>,
    branch as NonNullable<typeof branch>,
    {
      changeTypes,
      includeUnchanged: values["include-unchanged"] ?? false,
      missingLocations,
      ...(codeLocation === undefined ? {} : { codeLocation }),
    },
  );
  const report = format === "json" ? renderJson(changeSet) : renderText(changeSet);
  if (values.output === undefined) io.stdout.write(report);
  else {
    try {
      await writeFileAtomic(values.output, report);
    } catch (error) {
      throw new OutputWriteError(
        values.output,
        `cannot be written (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
        {
          cause: error,
        },
      );
    }
  }
  return EXIT_CODES.ok;
}

type OptionSpec = Record<string, { type: "string" | "boolean"; short?: string }>;

function parse<T extends OptionSpec>(args: readonly string[], options: T) {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(
      (error as Error).message.replace(/\. To specify a positional argument.*$/s, ""),
      { cause: error },
    );
  }
}

function oneOf<T extends string>(
  flag: string,
  value: string | undefined,
  allowed: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(
    `${flag} must be one of ${allowed.join(", ")}; got ${JSON.stringify(value)}`,
  );
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " ").trim();
}

function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env };
}
