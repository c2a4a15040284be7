import { mkdir, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { parseArgs } from "node:util";
import packageJson from "../../package.json" with { type: "json" };
import {
  type AssetChange,
  branchLocationsNotLoaded,
  type ChangeSet,
  MISSING_LOCATIONS_MODES,
} from "../diff/change-set";
import {
  CHANGE_TYPE_MODES,
  CHANGE_TYPES,
  type ChangeTypeMode,
  isDagsterChangeType,
  isExtraChangeType,
} from "../diff/change-types";
import { diffAssetGraphs } from "../diff/diff";
import { unlocatedSides } from "../diff/locations";
import { isSeverity, SEVERITIES } from "../diff/verdicts";
import { isAssetDiffError, OutputWriteError, UsageError } from "../errors";
import {
  INPUT_FORMATS,
  type InputFormat,
  type LoadAssetGraphOptions,
  type LoadProgress,
  loadAssetGraph,
  loadAssetGraphs,
} from "../load/index";
import { STDIN_NAME } from "../load/read";
import { snapshotChunks } from "../load/snapshot/snapshot";
import type { AssetGraph } from "../model/asset";
import { DEFAULT_REPOSITORY } from "../model/key";
import { approveChanges, serializeApprovals } from "../policies/approvals";
import {
  assetsFailing,
  FAIL_ON_CONDITIONS,
  type FailOnRule,
  isFailOnCondition,
} from "../policies/fail-on";
import { withLineage } from "../policies/lineage";
import { createPolicyContext, type PolicyContext } from "../policies/policy";
import { reviewChanges } from "../policies/review";
import { selectAssets } from "../policies/select";
import { type ExplanationInput, renderExplanation } from "../report/explain";
import { renderHtml } from "../report/html";
import { renderJson } from "../report/json";
import { renderJunit } from "../report/junit";
import { type DagsterLinks, dagsterUiRoot, uiRootOfGraphqlUrl } from "../report/links";
import { renderMarkdown } from "../report/markdown";
import { renderSarif } from "../report/sarif";
import { escapeControls, renderText } from "../report/text";
import { plural } from "../text";
import { commentOnMergeRequest } from "./comment";
import { reportContextOf } from "./context";
import { EXIT_CODES } from "./exit-codes";
import { explanationInput } from "./explain";
import { publishToGithub } from "./github";
import { gitlabCodeQuality } from "./gitlab";
import { commandHelp, globalHelp } from "./help";
import {
  APPROVE_OPTIONS,
  COMMANDS,
  COMMENT_OPTIONS,
  type CommandName,
  DIFF_OPTIONS,
  EXPLAIN_OPTIONS,
  isCommandName,
  type OutputFormat,
  parseSpec,
  SHARED_OPTIONS,
  SNAPSHOT_OPTIONS,
} from "./options";
import { planOutputs } from "./outputs";
import { progressReporter } from "./progress";
import {
  type ApprovalsLocation,
  configurationFile,
  defaultApprover,
  loadPolicySetup,
  type PolicySetup,
  type PolicyValues,
} from "./review";
import { inputFiles, type ReadFile, refuseOverwrite, type WrittenFile } from "./same-file";
import { type AtomicWriteOptions, writeFileAtomic } from "./write-file";

/** What the CLI reads from and writes to; injectable for tests. */
export interface CliIo {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  stdin: AsyncIterable<Uint8Array | string>;
  env: Record<string, string | undefined>;
  /** The `fetch` used for URL sources; the global one by default. */
  fetch?: typeof globalThis.fetch;
  /**
   * The working directory: where `asset-diff.config.json` and the default approvals file are
   * looked for, and what `--config` and `--approvals` are relative to; `process.cwd()` by
   * default. (Inputs and `--output` are opened as given, relative to the process.)
   */
  cwd?: string;
  /** The clock approvals are stamped with; the current time by default. */
  now?: () => Date;
}

/** The global help (`asset-diff --help`), generated from the commands' option tables. */
const USAGE = globalHelp();

/**
 * Runs the CLI with the given arguments (without `node` and the script) and returns the exit
 * code. Never calls `process.exit`; every error becomes one line on stderr.
 *
 * @example
 * process.exitCode = await runCli(process.argv.slice(2));
 */
export async function runCli(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const stdout = guardStdout(io.stdout);
  const code = await runGuarded(argv, { ...io, stdout: stdout.writer });
  const failure = await stdout.settled();
  if (failure === undefined) return code;
  // The report (or part of it) is lost: whatever the gates said, the run failed.
  const reason = (failure as NodeJS.ErrnoException).code ?? (failure as Error).message;
  const error = new OutputWriteError(STDOUT_NAME, `cannot be written (${reason})`, {
    cause: failure,
  });
  io.stderr.write(`asset-diff: ${oneLine(error.message)}\n`);
  return EXIT_CODES.usage;
}

// --- internal ---

/** How messages name standard output. */
const STDOUT_NAME = "<stdout>";

/**
 * Standard output as the commands write to it, and what became of the writes. A reader that went
 * away (`EPIPE`: `asset-diff diff … | head -1`) is no error: the rest of the output is dropped
 * and the run goes on, so that its exit code is still the gates'. Any other failure (`ENOSPC` on
 * a full disk) is kept, and `settled` returns it once every write has finished.
 */
function guardStdout(stdout: CliIo["stdout"]): {
  writer: CliIo["stdout"];
  settled(): Promise<unknown>;
} {
  const pending: Promise<void>[] = [];
  let closed = false;
  let failure: unknown;
  const note = (error: unknown) => {
    if ((error as NodeJS.ErrnoException | undefined)?.code === "EPIPE") closed = true;
    else failure ??= error;
  };
  const writer: CliIo["stdout"] = {
    write(text: string) {
      if (closed || failure !== undefined) return true;
      try {
        const result = stdout.write(text);
        if (result instanceof Promise) {
          pending.push(
            result.then((outcome) => {
              if (outcome instanceof Error) note(outcome);
            }, note),
          );
        }
      } catch (error) {
        note(error);
      }
      return true;
    },
    ...(stdout.isTTY === undefined ? {} : { isTTY: stdout.isTTY }),
  };
  return {
    writer,
    settled: async () => {
      await Promise.all(pending);
      return failure;
    },
  };
}

async function runGuarded(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (error) {
    if (isAssetDiffError(error)) {
      io.stderr.write(`asset-diff: ${oneLine(error.message)}\n`);
      if (error instanceof UsageError) io.stderr.write("Run 'asset-diff --help' for usage.\n");
      if (error.code === "INTERNAL" && io.env.ASSET_DIFF_DEBUG && error.stack)
        io.stderr.write(`${visibleLines(error.stack)}\n`);
      return error.code === "INTERNAL" ? EXIT_CODES.internal : EXIT_CODES.usage;
    }
    io.stderr.write(
      `asset-diff: internal error: ${oneLine(error instanceof Error ? error.message : String(error))}\n`,
    );
    if (io.env.ASSET_DIFF_DEBUG && error instanceof Error && error.stack)
      io.stderr.write(`${visibleLines(error.stack)}\n`);
    return EXIT_CODES.internal;
  }
}

async function dispatch(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined) {
    io.stdout.write(USAGE);
    return EXIT_CODES.usage;
  }
  if (command === "--help" || command === "-h" || command === "help") {
    const [name] = rest;
    if (name === undefined) io.stdout.write(USAGE);
    else if (isCommandName(name)) io.stdout.write(commandHelp(name));
    else throw unknownCommand(name);
    return EXIT_CODES.ok;
  }
  if (command === "--version" || command === "-v") return version(io);
  if (command === "diff") return diffCommand(rest, io);
  if (command === "approve") return approveCommand(rest, io);
  if (command === "explain") return explainCommand(rest, io);
  if (command === "snapshot") return snapshotCommand(rest, io);
  if (command === "comment") return commentCommand(rest, io);
  throw unknownCommand(command);
}

function unknownCommand(name: string): UsageError {
  const list = Object.keys(COMMANDS);
  const names = `${list.slice(0, -1).join(", ")} and ${list.at(-1)}`;
  return new UsageError(`unknown command ${JSON.stringify(name)}; the commands are ${names}`);
}

function version(io: CliIo): number {
  io.stdout.write(`${packageJson.version}\n`);
  return EXIT_CODES.ok;
}

/** `--help` and `--version`, which every command takes: the exit code when one was given. */
function helpOrVersion(
  command: CommandName,
  values: { help?: boolean | undefined; version?: boolean | undefined },
  io: CliIo,
): number | undefined {
  if (values.help) {
    io.stdout.write(commandHelp(command));
    return EXIT_CODES.ok;
  }
  if (values.version) return version(io);
  return undefined;
}

async function diffCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, parseSpec(DIFF_OPTIONS));
  const early = helpOrVersion("diff", values, io);
  if (early !== undefined) return early;
  const [basePath, branchPath] = twoInputs("diff", positionals);
  const outputs = planOutputs(values.format, values["output-dir"], values.output);
  const mode = changeTypeMode(values);
  const mergeBase = values["merge-base"];
  const failOn = parseFailOn(values["fail-on"], mode, mergeBase !== undefined);
  if (mergeBase === "") throw new UsageError("--merge-base needs a source, like <base>");
  if (mergeBase === "-" && (basePath === "-" || branchPath === "-"))
    throw new UsageError("only one of <base>, <branch> and --merge-base can be - (stdin)");
  const explicitLinks = {
    branch: uiUrlOption("--dagster-url", values["dagster-url"]),
    base: uiUrlOption("--base-dagster-url", values["base-dagster-url"]),
  };
  if (values.commit === "") throw new UsageError("--commit needs a commit SHA");
  const runUrl = uiUrlOption("--run-url", values["run-url"]);
  const { base, branch, reviewed, context, setup } = await compare(
    basePath,
    branchPath,
    values,
    io,
    {
      includeUnchanged: values["include-unchanged"] ?? false,
      create: false,
      outputs: outputs.flatMap((o) =>
        o.path === undefined ? [] : [{ name: o.name, shown: o.path, path: o.path }],
      ),
      mergeBase,
      jsonOnStdout: outputs.some((o) => o.path === undefined && o.format === "json"),
    },
  );
  // Each side's UI: the option (already a root), the configuration's (an http(s) URL, made a
  // root here), else the root of a GraphQL URL read on that side.
  const configured = setup.review.config?.dagsterUi;
  const uiOf = (given: string | undefined, fromConfig: string | undefined, source: string) =>
    given ??
    (fromConfig === undefined ? undefined : dagsterUiRoot(fromConfig)) ??
    uiRootOfGraphqlUrl(source);
  const links: DagsterLinks = {};
  const branchUi = uiOf(explicitLinks.branch, configured?.branch, branchPath);
  const baseUi = uiOf(explicitLinks.base, configured?.base, basePath);
  if (branchUi !== undefined) links.branch = branchUi;
  if (baseUi !== undefined) links.base = baseUi;
  const reportContext = reportContextOf(io.env, {
    commit: values.commit,
    runUrl,
    now: io.now?.() ?? new Date(),
  });
  const reportId = values["report-id"];
  let lineage: ChangeSet | undefined;
  const withPicture = () => {
    lineage ??= withLineage(reviewed, context);
    return lineage;
  };
  const markdown = () =>
    renderMarkdown(withPicture(), {
      ...(reportId === undefined ? {} : { id: reportId }),
      links,
      context: reportContext,
    });
  const cwd = io.cwd ?? process.cwd();
  const workspace = io.env.GITHUB_WORKSPACE || io.env.CI_PROJECT_DIR || cwd;
  const render = (format: OutputFormat, toTerminal: boolean): string => {
    // A mapped switch: a new format cannot be left without a renderer.
    switch (format) {
      case "json":
        return renderJson(reviewed);
      case "markdown":
        return markdown();
      case "gitlab":
        return gitlabCodeQuality(reviewed, { base, branch }, io.env, cwd);
      case "sarif":
        return renderSarif(reviewed, {
          graphs: { base, branch },
          workspace,
          links,
          ...sarifFallback(io.env),
        });
      case "junit":
        return renderJunit(reviewed, {
          failOn,
          allowFailedLocations: values["allow-failed-locations"] ?? false,
          links,
          context: reportContext,
        });
      case "html":
        return renderHtml(withPicture(), {
          graphs: { base, branch },
          links,
          context: reportContext,
        });
      case "text":
        return renderText(reviewed, { color: toTerminal && useColor(io) });
      default:
        return format satisfies never;
    }
  };
  let markdownReport: string | undefined;
  if (values["output-dir"] !== undefined) await makeOutputDir(values["output-dir"]);
  // Every report's directory is there before the first is written: a run never leaves some
  // of its reports written and others not because of a typo in a path.
  for (const output of outputs) if (output.path !== undefined) await directoryExists(output.path);
  for (const output of outputs) {
    const report = render(output.format, output.path === undefined);
    if (output.format === "markdown") markdownReport = report;
    await emit(io, output.path, report);
  }
  const violations = failOn.length > 0 ? assetsFailing(reviewed, failOn) : [];
  // A branch location that did not load was not compared: its "no changes" is not a pass.
  const unloaded = values["allow-failed-locations"] ? [] : branchLocationsNotLoaded(reviewed);
  if (io.env.GITHUB_ACTIONS === "true") {
    await publishToGithub({
      changeSet: reviewed,
      graphs: { base, branch },
      markdown: markdownReport ?? markdown(),
      failed: violations.length > 0 || unloaded.length > 0,
      env: io.env,
      // Workflow commands are read from stdout, unless a machine-read report goes there.
      commands: outputs.some(
        (o) => o.path === undefined && o.format !== "text" && o.format !== "markdown",
      )
        ? io.stderr
        : io.stdout,
    });
  }
  if (unloaded.length > 0) {
    const names = unloaded.map((l) => JSON.stringify(l.codeLocation ?? "")).join(", ");
    const one = unloaded.length === 1;
    io.stderr.write(
      `asset-diff: failed: code location${one ? "" : "s"} ${escapeControls(names)} of the branch did not load, so ${one ? "its" : "their"} assets were not compared (--allow-failed-locations accepts this)\n`,
    );
  }
  if (violations.length === 0) return unloaded.length > 0 ? EXIT_CODES.policy : EXIT_CODES.ok;
  const shown = violations
    .slice(0, 5)
    .map((a) => escapeControls(a.key))
    .join(", ");
  const more = violations.length > 5 ? ` and ${violations.length - 5} more` : "";
  io.stderr.write(
    `asset-diff: policy failed: ${plural(violations.length, "asset")} with ${failOn.join(" or ")} (${shown}${more})\n`,
  );
  return EXIT_CODES.policy;
}

async function approveCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, parseSpec(APPROVE_OPTIONS));
  const early = helpOrVersion("approve", values, io);
  if (early !== undefined) return early;
  const [basePath, branchPath] = twoInputs("approve", positionals);
  const globs = values.select ?? [];
  if (globs.some((g) => g === "")) throw new UsageError("--select needs a key glob, e.g. marts/**");
  if (values.by === "") throw new UsageError("--by needs a name");
  if (values.reason === "") throw new UsageError("--reason needs a text");
  const by = values.by ?? defaultApprover(io.env);
  const { reviewed, context, setup } = await compare(basePath, branchPath, values, io, {
    includeUnchanged: false,
    create: true,
  });
  // With `create`, the setup always names the file (the default one when nothing else does).
  const location = setup.approvals as ApprovalsLocation;
  const existing = location.file;

  const selected = globs.length === 0 ? undefined : selectAssets({ keys: globs });
  const select = selected && ((change: AssetChange) => selected(change, context));
  for (const glob of globs) {
    const matches = selectAssets({ keys: [glob] });
    if (!reviewed.assets.some((a) => matches(a, context)))
      warn(io)(`--select ${glob} matches no changed asset`);
  }
  const known = new Set(existing?.approvals.map((a) => a.id));
  const already = new Set(
    reviewed.assets
      .filter((a) => select === undefined || select(a))
      .flatMap((a) => (a.reasons ?? []).map((v) => v.id))
      .filter((id) => known.has(id)),
  ).size;
  const next = approveChanges(
    reviewed,
    {
      by,
      reason: values.reason ?? null,
      now: io.now?.() ?? new Date(),
      ...(select ? { select } : {}),
    },
    existing,
  );
  const added = next.approvals.length - (existing?.approvals.length ?? 0);
  // Nothing added to an existing file: it stays exactly as it was (no rewrite, no reformatting).
  if (added > 0 || existing === undefined)
    await writeOutput(io, location.path, serializeApprovals(next), location.shown);
  io.stdout.write(
    `asset-diff: approved ${plural(added, "change")} (${already} already approved) in ${escapeControls(location.shown)}\n`,
  );
  return EXIT_CODES.ok;
}

async function explainCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, parseSpec(EXPLAIN_OPTIONS));
  const early = helpOrVersion("explain", values, io);
  if (early !== undefined) return early;
  if (positionals.length !== 3) {
    throw new UsageError(
      `explain takes <base>, <branch> and <asset key>; got ${plural(positionals.length, "argument")}`,
    );
  }
  const [basePath, branchPath, key] = positionals as [string, string, string];
  twoInputs("explain", [basePath, branchPath]);
  if (key === "") throw new UsageError("explain needs an asset key, e.g. marts/orders");
  // Unchanged assets are listed, so that an asset whose every change was suppressed is found.
  const comparison = await compare(basePath, branchPath, values, io, {
    includeUnchanged: true,
    create: false,
    outputs: writtenFiles(values.output),
  });
  const input: ExplanationInput = explanationInput(comparison, key, values["code-location"]);
  await emit(io, values.output, visibleLines(renderExplanation(input)));
  return EXIT_CODES.ok;
}

/** The two inputs of a command that compares (`<base>`, `<branch>`), checked. */
function twoInputs(command: string, positionals: readonly string[]): [string, string] {
  if (positionals.length !== 2) {
    throw new UsageError(
      `${command} takes two inputs, <base> and <branch>; got ${positionals.length}`,
    );
  }
  const [basePath, branchPath] = positionals as [string, string];
  if (basePath === "-" && branchPath === "-")
    throw new UsageError("only one of <base> and <branch> can be - (stdin)");
  return [basePath, branchPath];
}

/** The options of every command that compares: how, with which rules, from which sources. */
type CompareValues = SourceValues &
  PolicyValues & {
    "code-location"?: string | undefined;
    "change-types": string;
    "missing-locations": string;
  };

function changeTypeMode(values: Pick<CompareValues, "change-types">): ChangeTypeMode {
  return oneOf("--change-types", values["change-types"], CHANGE_TYPE_MODES);
}

/** A comparison as the commands that compare use it: both graphs, the raw and reviewed change sets. */
interface Comparison {
  base: AssetGraph;
  branch: AssetGraph;
  raw: ChangeSet;
  reviewed: ChangeSet;
  context: PolicyContext;
  setup: PolicySetup;
}

/**
 * Loads the configuration, the approvals and both inputs, diffs them and runs the policies over
 * the change set: what `diff`, `approve` and `explain` share. The configuration and approvals are
 * read first, so that a bad one fails before any source is fetched.
 *
 * Before each file is read, the file the command will write (`output`, or with `create` the
 * approvals file) is checked not to be it: a run never replaces a file it reads.
 */
async function compare(
  basePath: string,
  branchPath: string,
  values: CompareValues,
  io: CliIo,
  options: {
    includeUnchanged: boolean;
    create: boolean;
    /** The files the command will write (its reports). */
    outputs?: readonly WrittenFile[];
    /** The `--merge-base` source, for a three-way comparison. */
    mergeBase?: string | undefined;
    /** True when standard output gets JSON: then progress is shown only with `--progress`. */
    jsonOnStdout?: boolean;
  },
): Promise<Comparison> {
  const changeTypes = changeTypeMode(values);
  const missingLocations = oneOf(
    "--missing-locations",
    values["missing-locations"],
    MISSING_LOCATIONS_MODES,
  );
  const codeLocation = values["code-location"];
  if (codeLocation !== undefined && codeLocation === "")
    throw new UsageError("--code-location needs a name");
  const loadOptions = sourceOptions(values, io);
  const read = inputFiles([
    ["the <base> input", basePath],
    ["the <branch> input", branchPath],
    ...(options.mergeBase === undefined
      ? []
      : [["the --merge-base input", options.mergeBase] as const]),
  ]);
  const outputs = options.outputs ?? [];
  for (const output of outputs) await refuseOverwrite(output, read);
  const setup = await loadPolicySetup(
    values,
    { cwd: io.cwd ?? process.cwd(), env: io.env, ...(io.now === undefined ? {} : { now: io.now }) },
    {
      create: options.create,
      beforeUse: async (file) => {
        if (file.role === "approvals" && options.create) {
          // `approve` writes the approvals file: it must be none of the files it reads.
          await refuseOverwrite({ name: `the approvals file ${file.shown}`, ...file }, read);
          return;
        }
        const used: ReadFile = {
          what: file.role === "configuration" ? "the configuration" : "the approvals file",
          ...file,
        };
        for (const output of outputs) await refuseOverwrite(output, [used]);
        read.push(used);
      },
    },
  );

  const dbt = setup.review.config?.dbt;
  if (dbt !== undefined) loadOptions.dbt = dbt;
  const progress = showProgress(values, io, options.jsonOnStdout === true)
    ? progressReporter(io.stderr)
    : undefined;
  const [{ base, branch }, mergeBase] = (await Promise.all([
    loadAssetGraphs(basePath, branchPath, {
      ...loadOptions,
      onWarning: (message, side) => warn(io, side)(message),
      ...(progress === undefined ? {} : { onProgress: progress.onProgress }),
    }),
    options.mergeBase === undefined
      ? undefined
      : loadAssetGraph(options.mergeBase, {
          ...loadOptions,
          onWarning: warn(io, "merge base"),
          ...(progress === undefined
            ? {}
            : { onProgress: (p: LoadProgress) => progress.onProgress(p, "merge base") }),
        }),
  ]).finally(() => progress?.end())) as [
    { base: AssetGraph; branch: AssetGraph },
    AssetGraph | undefined,
  ];
  if (mergeBase !== undefined) setup.review.mergeBase = mergeBase;
  if (codeLocation !== undefined)
    refuseUnlocated(codeLocation, { base, branch }, { base: basePath, branch: branchPath });
  const raw = diffAssetGraphs(base, branch, {
    changeTypes,
    includeUnchanged: options.includeUnchanged,
    missingLocations,
    ...(codeLocation === undefined ? {} : { codeLocation }),
  });
  const context = createPolicyContext({ base, branch });
  const reviewed = reviewChanges(raw, context, setup.review);
  return { base, branch, raw, reviewed, context, setup };
}

/**
 * `--code-location` on inputs of which neither says where its assets are: a usage error naming
 * them (the differ refuses it too, in the library's words).
 */
function refuseUnlocated(
  codeLocation: string,
  graphs: { base: AssetGraph; branch: AssetGraph },
  paths: { base: string; branch: string },
): void {
  const sides = unlocatedSides(graphs.base, graphs.branch);
  if (sides.length === 0) return;
  const named = sides.map((side) => {
    const format = graphs[side].source?.format;
    const label =
      format !== undefined && Object.hasOwn(INPUT_FORMATS, format)
        ? ` (read from a ${INPUT_FORMATS[format as InputFormat].label})`
        : "";
    return `<${side}> ${paths[side] === "-" ? STDIN_NAME : paths[side]}${label}`;
  });
  throw new UsageError(
    `--code-location ${JSON.stringify(codeLocation)}: neither input says which code location its assets are in: ${named.join(", ")}; give them one with --default-location, or leave out --code-location`,
  );
}

/**
 * `--fail-on breaking,REMOVED`: severities (at least that severe) and change type names, checked
 * against the mode; case-insensitive. Every occurrence of the option adds its rules to the
 * others' (`--fail-on breaking --fail-on NEW` is `breaking,NEW`).
 */
function parseFailOn(
  values: readonly string[] | undefined,
  mode: ChangeTypeMode,
  threeWay: boolean,
): FailOnRule[] {
  if (values === undefined) return [];
  const rules: FailOnRule[] = [];
  for (const value of values) {
    const names = value
      .split(",")
      .map((n) => n.trim())
      .filter((n) => n !== "");
    if (names.length === 0) {
      throw new UsageError(
        "--fail-on needs change types or severities, e.g. breaking or REMOVED,PARTITIONS_DEFINITION",
      );
    }
    for (const written of names) {
      const rule = failOnRule(written, mode, threeWay);
      if (!rules.includes(rule)) rules.push(rule);
    }
  }
  return rules;
}

function failOnRule(written: string, mode: ChangeTypeMode, threeWay: boolean): FailOnRule {
  const severity = written.toLowerCase();
  if (isSeverity(severity)) return severity;
  if (isFailOnCondition(severity)) {
    if (severity === "conflict" && !threeWay)
      throw new UsageError(
        "--fail-on conflict needs --merge-base (conflicts come from a three-way comparison)",
      );
    if (severity === "impacted-breaking" && mode === "dagster")
      throw new UsageError(
        "--fail-on impacted-breaking needs --change-types all (impact is not computed in dagster mode)",
      );
    return severity;
  }
  const name = written.toUpperCase();
  if (isExtraChangeType(name) && mode === "dagster") {
    throw new UsageError(
      `--fail-on ${name} needs --change-types all (it is not one of Dagster's change types)`,
    );
  }
  if (!isDagsterChangeType(name) && !isExtraChangeType(name)) {
    throw new UsageError(
      `--fail-on: unknown change type, severity or condition ${JSON.stringify(written)}; severities: ${SEVERITIES.join(", ")}; conditions: ${FAIL_ON_CONDITIONS.join(", ")}; change types: ${CHANGE_TYPES.join(", ")}`,
    );
  }
  return name;
}

/**
 * Colours for a terminal: on a TTY unless NO_COLOR is set (non-empty); FORCE_COLOR forces them
 * on (or off with 0 or false).
 *
 * @internal Exported for the table test of every environment combination.
 */
export function useColor(io: Pick<CliIo, "stdout" | "env">): boolean {
  const force = io.env.FORCE_COLOR;
  if (force !== undefined) return force !== "0" && force.toLowerCase() !== "false";
  if (io.env.NO_COLOR) return false;
  return io.stdout.isTTY === true && io.env.TERM !== "dumb";
}

async function commentCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, parseSpec(COMMENT_OPTIONS));
  const early = helpOrVersion("comment", values, io);
  if (early !== undefined) return early;
  if (positionals.length !== 1)
    throw new UsageError(`comment takes one <report>; got ${positionals.length}`);
  const timeoutMs = number("--timeout", values.timeout, { min: 0.001 }) * 1000;
  const line = await commentOnMergeRequest(positionals[0] as string, values, io, timeoutMs);
  io.stdout.write(line);
  return EXIT_CODES.ok;
}

async function snapshotCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, parseSpec(SNAPSHOT_OPTIONS));
  const early = helpOrVersion("snapshot", values, io);
  if (early !== undefined) return early;
  if (positionals.length !== 1)
    throw new UsageError(`snapshot takes one <source>; got ${positionals.length}`);
  const source = positionals[0] as string;
  const output = outputFile(values.output);
  const read = inputFiles([["the <source> input", source]]);
  const config = await configurationFile(values.config, io.cwd ?? process.cwd(), async (file) => {
    read.push({ what: "the configuration", ...file });
  });
  if (output !== undefined) await refuseOverwrite(output, read);
  const loadOptions = sourceOptions(values, io);
  if (config?.dbt !== undefined) loadOptions.dbt = config.dbt;
  const progress = showProgress(values, io, toStdout(values.output))
    ? progressReporter(io.stderr)
    : undefined;
  const graph = await loadAssetGraph(source, {
    ...loadOptions,
    onWarning: warn(io),
    ...(progress === undefined
      ? {}
      : { onProgress: (p: LoadProgress) => progress.onProgress(p, "the source") }),
  }).finally(() => progress?.end());
  await emit(io, values.output, snapshotChunks(graph));
  return EXIT_CODES.ok;
}

type SourceValues = {
  "input-format": string;
  progress?: boolean | undefined;
  "default-location"?: string | undefined;
  "default-repository"?: string | undefined;
  timeout?: string | undefined;
  retries?: string | undefined;
};

/**
 * Whether to show progress on stderr: with `--progress`, else when stderr and stdout are both
 * terminals (not piped, not in CI logs) and stdout gets no JSON.
 */
function showProgress(values: SourceValues, io: CliIo, jsonOnStdout: boolean): boolean {
  if (values.progress === true) return true;
  return (
    io.stderr.isTTY === true && io.stdout.isTTY === true && io.env.TERM !== "dumb" && !jsonOnStdout
  );
}

function sourceOptions(values: SourceValues, io: CliIo): LoadAssetGraphOptions {
  const options: LoadAssetGraphOptions = {
    format: oneOf("--input-format", values["input-format"], SHARED_OPTIONS["input-format"].choices),
    stdin: io.stdin,
    env: io.env,
  };
  if (io.fetch) options.fetch = io.fetch;
  const location = values["default-location"];
  if (location !== undefined) {
    if (location === "") throw new UsageError("--default-location needs a name");
    options.codeLocation = location;
    options.repository = values["default-repository"] ?? DEFAULT_REPOSITORY;
  } else if (values["default-repository"] !== undefined) {
    options.repository = values["default-repository"];
  }
  if (values.timeout !== undefined)
    options.timeoutMs = number("--timeout", values.timeout, { min: 0.001 }) * 1000;
  if (values.retries !== undefined)
    options.retries = number("--retries", values.retries, { min: 0, integer: true, max: 20 });
  return options;
}

function warn(io: CliIo, side?: string): (message: string) => void {
  return (message) =>
    io.stderr.write(`asset-diff: warning${side ? ` (${side})` : ""}: ${oneLine(message)}\n`);
}

/** The file `--output` names, as {@link refuseOverwrite} takes it (none for `-`, standard output). */
function outputFile(output: string | undefined): WrittenFile | undefined {
  if (output === undefined || output === STDOUT_OPTION) return undefined;
  if (output === "") throw new UsageError("--output needs a file");
  return { name: `--output ${output}`, shown: output, path: output };
}

/** The file `--output` names as a list, empty for standard output. */
function writtenFiles(output: string | undefined): WrittenFile[] {
  const file = outputFile(output);
  return file === undefined ? [] : [file];
}

/** `--output-dir`: created when missing (with its parents); a file in its place is an error. */
async function makeOutputDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === "EEXIST" || code === "ENOTDIR" ? "a file is in the way" : (code ?? "failed");
    throw new OutputWriteError(dir, `--output-dir cannot be created (${why})`, { cause: error });
  }
}

/** Throws the write error of `path` when its directory does not exist. */
async function directoryExists(path: string): Promise<void> {
  const dir = dirname(path);
  const found = await stat(dir).catch(() => undefined);
  if (found === undefined) throw new OutputWriteError(path, "cannot be written (ENOENT)");
  if (!found.isDirectory()) throw new OutputWriteError(path, "cannot be written (ENOTDIR)");
}

/**
 * An option naming a Dagster UI or CI run: an `http(s)` URL, kept without credentials, query or
 * fragment (so that no token reaches a report). Undefined when not given.
 */
function uiUrlOption(flag: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const url = dagsterUiRoot(value);
  if (url === undefined)
    throw new UsageError(
      `${flag} needs an http:// or https:// URL, e.g. https://acme.dagster.cloud/prod`,
    );
  return url;
}

/**
 * Where SARIF results without a code reference go: the workflow file that runs asset-diff in
 * GitHub Actions (`GITHUB_WORKFLOW_REF` is `OWNER/REPO/PATH@REF`), else the renderer's default.
 */
function sarifFallback(env: Readonly<Record<string, string | undefined>>): {
  fallbackPath?: string;
} {
  const ref = env.GITHUB_WORKFLOW_REF;
  const repository = env.GITHUB_REPOSITORY;
  if (!ref || !repository || !ref.startsWith(`${repository}/`)) return {};
  const path = ref.slice(repository.length + 1).replace(/@[^@]*$/, "");
  return path === "" ? {} : { fallbackPath: path };
}

/** `--output -`: standard output, as without `--output`. */
const STDOUT_OPTION = "-";

/** True when `--output` sends the result to standard output: not given, or `-`. */
function toStdout(output: string | undefined): boolean {
  return output === undefined || output === STDOUT_OPTION;
}

/**
 * Writes a command's result to standard output or to the `--output` file (compressed with gzip
 * when its name ends in `.gz`): one text, or pieces written in turn (a snapshot too large for one
 * string).
 */
async function emit(
  io: CliIo,
  output: string | undefined,
  content: string | Iterable<string>,
): Promise<void> {
  if (output === undefined || toStdout(output)) {
    if (typeof content === "string") io.stdout.write(content);
    else for (const piece of content) await io.stdout.write(piece);
    return;
  }
  await writeOutput(io, output, content);
}

/**
 * Writes a file atomically; `shown` names it in the error when it cannot be written.
 *
 * `ASSET_DIFF_TEST_PAUSE_WRITE=MS`, for the test of signals only: once the temporary file holds
 * half of the text, says so on stderr and waits MS milliseconds before writing the rest.
 */
async function writeOutput(
  io: CliIo,
  path: string,
  content: string | Iterable<string>,
  shown = path,
): Promise<void> {
  const pause = Number(io.env.ASSET_DIFF_TEST_PAUSE_WRITE);
  const gzip = /\.gz$/i.test(path);
  const options: AtomicWriteOptions =
    pause > 0
      ? {
          halfWritten: async (temporary) => {
            io.stderr.write(`asset-diff: test: half written: ${temporary}\n`);
            await new Promise((done) => setTimeout(done, pause));
          },
        }
      : {};
  try {
    await writeFileAtomic(path, content, gzip ? { ...options, gzip } : options);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new OutputWriteError(shown, `cannot be written (${code})`, { cause: error });
  }
}

type OptionSpec = Record<
  string,
  { readonly type: "string" | "boolean"; readonly short?: string; readonly default?: string }
>;

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

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(
    `${flag} must be one of ${allowed.join(", ")}; got ${JSON.stringify(value)}`,
  );
}

function number(
  flag: string,
  value: string,
  limits: { min: number; max?: number; integer?: boolean },
): number {
  const n = Number(value);
  const ok =
    value.trim() !== "" &&
    Number.isFinite(n) &&
    n >= limits.min &&
    (limits.max === undefined || n <= limits.max) &&
    (!limits.integer || Number.isInteger(n));
  if (!ok) {
    const range =
      limits.max === undefined ? `at least ${limits.min}` : `from ${limits.min} to ${limits.max}`;
    throw new UsageError(
      `${flag} must be ${limits.integer ? "a whole number" : "a number"} ${range}; got ${JSON.stringify(value)}`,
    );
  }
  return n;
}

/**
 * A message on one line, for stderr: line breaks become spaces, and what would control the
 * terminal (from an input: a key, a path, a server's message) is shown escaped.
 */
function oneLine(text: string): string {
  return escapeControls(text.replace(/\s*\n\s*/g, " ").trim());
}

/** Text of several lines with each line's controls shown escaped (the line breaks kept). */
function visibleLines(text: string): string {
  return text.split("\n").map(escapeControls).join("\n");
}

function processIo(): CliIo {
  // Write errors reach the callbacks below; an 'error' event without a listener would end the
  // process with a stack trace instead (EPIPE once a reader closed the pipe).
  process.stdout.on("error", ignore);
  process.stderr.on("error", ignore);
  const stdout: CliIo["stdout"] = {
    // Resolves once the text is handed to the system, with the error if it could not be.
    write: (text: string) =>
      new Promise<Error | undefined>((done) => {
        process.stdout.write(text, (error) => done(error ?? undefined));
      }),
    ...(process.stdout.isTTY === undefined ? {} : { isTTY: process.stdout.isTTY }),
  };
  return { stdout, stderr: process.stderr, stdin: process.stdin, env: process.env };
}

function ignore(): void {}
