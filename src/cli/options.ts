import { MISSING_LOCATIONS_MODES } from "../diff/change-set";
import { CHANGE_TYPE_MODES } from "../diff/change-types";
import { SEVERITIES } from "../diff/verdicts";
import { DEFAULT_RETRIES, DEFAULT_TIMEOUT_MS } from "../load/dagster-graphql/client";
import { INPUT_FORMATS, type InputFormat } from "../load/index";
import { DEFAULT_REPOSITORY } from "../model/key";
import { CONFIG_FILE_NAME } from "../policies/config";
import type { FailOnCondition } from "../policies/fail-on";

/** The approvals file `approve` writes, and commands read, when neither a flag nor the configuration names one. */
export const APPROVALS_FILE_NAME = "asset-diff.approvals.json";

interface OptionBase {
  /** The one-letter alias, without the dash. */
  readonly short?: string;
  /** One line (wrapped if long) for the help. */
  readonly help: string;
}

/**
 * One command-line option. The help text and the `parseArgs` spec are both derived from it, so
 * the help cannot promise an option the parser refuses. A string option names its value either
 * with a placeholder (`FILE`) or with its closed set of values, shown as `a|b|c`; its default is
 * given by the parser and shown as `(default: …)`.
 */
export type CliOption =
  | (OptionBase & { readonly type: "boolean" })
  | (OptionBase & {
      readonly type: "string";
      readonly value: string;
      readonly default?: string;
      /** Repeatable: each occurrence adds a value (the help says so). */
      readonly multiple?: true;
    })
  | (OptionBase & {
      readonly type: "string";
      readonly choices: readonly string[];
      readonly default?: string;
      /** Repeatable, each occurrence a comma-separated list of values, each maybe `=FILE`. */
      readonly multiple?: true;
      /** What may follow a value after `=`, shown in the help, e.g. `FILE`. */
      readonly suffix?: string;
    });

/** A command's options by long name (without the dashes). */
export type OptionTable = Readonly<Record<string, CliOption>>;

/**
 * Formats of the `diff` report; the single source for `--format`'s values and help.
 *
 * @internal Exported for the test that holds the help to it.
 */
export const OUTPUT_FORMATS = [
  "text",
  "json",
  "markdown",
  "gitlab",
  "sarif",
  "junit",
  "html",
] as const;

/** A format of the `diff` report; see {@link OUTPUT_FORMATS}. */
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** Values of `--input-format`: detection, or one of the formats asset-diff reads. */
const INPUT_FORMAT_CHOICES = ["auto", ...(Object.keys(INPUT_FORMATS) as InputFormat[])] as const;

/** How sources are read: options of every command that reads inputs. */
const SOURCE_OPTIONS = {
  "input-format": {
    type: "string",
    choices: INPUT_FORMAT_CHOICES,
    default: "auto",
    help: "the format of the inputs, instead of detecting it",
  },
  "default-location": {
    type: "string",
    value: "NAME",
    help: "code location of assets whose input names none (dg, dbt)",
  },
  "default-repository": {
    type: "string",
    value: "NAME",
    help: `their repository (default ${DEFAULT_REPOSITORY} with --default-location)`,
  },
  timeout: {
    type: "string",
    value: "SECONDS",
    default: String(DEFAULT_TIMEOUT_MS / 1000),
    help: "per request to a URL",
  },
  retries: {
    type: "string",
    value: "N",
    default: String(DEFAULT_RETRIES),
    help: "retries of a URL after network errors and HTTP 5xx",
  },
  progress: {
    type: "boolean",
    help: "show how far reading the inputs has come on stderr (default: when stderr and stdout are terminals and stdout gets no JSON)",
  },
} as const satisfies OptionTable;

/** `--help` and `--version`, which every command takes. */
const META_OPTIONS = {
  help: { type: "boolean", short: "h", help: "show this help" },
  version: { type: "boolean", short: "v", help: "show the version" },
} as const satisfies OptionTable;

/** Options of every command that prints a result: how sources are read, where it goes, help. */
export const SHARED_OPTIONS = {
  ...SOURCE_OPTIONS,
  output: {
    type: "string",
    short: "o",
    value: "FILE",
    help: "write to FILE (atomically) instead of stdout; - is stdout",
  },
  ...META_OPTIONS,
} as const satisfies OptionTable;

/** How two graphs are compared: options of every command that compares. */
const COMPARE_OPTIONS = {
  "code-location": {
    type: "string",
    value: "NAME",
    help: "compare only this code location, as Dagster's differ does",
  },
  "change-types": {
    type: "string",
    choices: CHANGE_TYPE_MODES,
    default: "all",
    help: "Dagster's seven change types only (nothing is suppressed), or also the extra ones",
  },
  "missing-locations": {
    type: "string",
    choices: MISSING_LOCATIONS_MODES,
    default: "skip",
    help: "a code location only in the base: skip lists it as not compared (as Dagster does), removed reports its assets as REMOVED",
  },
} as const satisfies OptionTable;

/** Which rules review the changes: options of every command that compares. */
const POLICY_OPTIONS = {
  config: {
    type: "string",
    value: "FILE",
    help: `the configuration (default: ${CONFIG_FILE_NAME} in the working directory, when it exists)`,
  },
  "no-default-rules": {
    type: "boolean",
    help: "do not suppress environment differences (branch schemas in table names, moved code-reference lines)",
  },
  approvals: {
    type: "string",
    value: "FILE",
    help: `the approvals file (default: the configuration's approvals, else ${APPROVALS_FILE_NAME} when it exists)`,
  },
  branch: {
    type: "string",
    value: "NAME",
    help: "the {branch} of substitutions (default: from GitHub Actions or GitLab CI)",
  },
  pr: {
    type: "string",
    value: "N",
    help: "the {pr} of substitutions, the pull or merge request number (default: from CI)",
  },
  "partitions-as-of": {
    type: "string",
    value: "TIME",
    help: "list time-window partition keys up to this ISO 8601 date or time, e.g. 2026-12-01 or 2026-12-01T06:00:00Z; a time without a zone is UTC (default: now)",
  },
} as const satisfies OptionTable;

/** What each `--fail-on` condition fails, for the help: a mapped type, so none is left out. */
const FAIL_ON_CONDITION_HELP: Record<FailOnCondition, string> = {
  "impacted-breaking":
    "its breaking change makes an unchanged downstream asset breaking-downstream",
  conflict: "production changed it differently since --merge-base",
};

/** Options of `asset-diff diff`. */
export const DIFF_OPTIONS = {
  format: {
    type: "string",
    choices: OUTPUT_FORMATS,
    suffix: "FILE",
    multiple: true,
    default: "text",
    help: "the report's format: markdown is a pull-request comment, gitlab a GitLab Code Quality report (also as codequality), sarif SARIF 2.1.0 for code scanning, junit JUnit XML failing where --fail-on fails, html one self-contained page; several, comma-separated or repeated, go to --output-dir or to a FILE each (FORMAT=FILE)",
  },
  "output-dir": {
    type: "string",
    value: "DIR",
    help: "write each --format given without a file to DIR (created when missing), as asset-diff.txt, .json, .md, .codequality.json, .sarif, .junit.xml or .html",
  },
  "dagster-url": {
    type: "string",
    value: "URL",
    help: "the Dagster UI of the branch deployment, e.g. https://acme.dagster.cloud/pr-42: reports link each asset to its page (default: the configuration's dagsterUi.branch, else derived from a <branch> GraphQL URL)",
  },
  "base-dagster-url": {
    type: "string",
    value: "URL",
    help: "the Dagster UI of production, for the pages of REMOVED assets (default: dagsterUi.base, else derived from a <base> GraphQL URL)",
  },
  commit: {
    type: "string",
    value: "SHA",
    help: "the head commit the reports name (default: the pull or merge request's head in GitHub Actions or GitLab CI)",
  },
  "run-url": {
    type: "string",
    value: "URL",
    help: "the CI run the reports link to (default: this GitHub Actions run or GitLab CI job)",
  },
  "code-location": COMPARE_OPTIONS["code-location"],
  "change-types": COMPARE_OPTIONS["change-types"],
  "include-unchanged": { type: "boolean", help: "list unchanged assets too" },
  "missing-locations": COMPARE_OPTIONS["missing-locations"],
  "merge-base": {
    type: "string",
    value: "FILE",
    help: "production at the branch's merge base (a source like <base>): label each change as the branch's, base drift (production changed it since) or a conflict; drift is folded away and never fails --fail-on",
  },
  "fail-on": {
    type: "string",
    value: "RULES",
    multiple: true,
    help: `exit 1 (after writing the report) when an asset has an unapproved change of one of these change types or severities (${SEVERITIES.join(", ")}: at least that severe), or meets a condition (${Object.entries(
      FAIL_ON_CONDITION_HELP,
    )
      .map(([name, text]) => `${name}: ${text}`)
      .join(
        "; ",
      )}), e.g. breaking or REMOVED,PARTITIONS_DEFINITION; every occurrence adds to the others`,
  },
  "allow-failed-locations": {
    type: "boolean",
    help: "exit 0 (or as --fail-on decides) even when a code location of the branch failed to load or was still loading; by default that exits 1, after the report",
  },
  "report-id": {
    type: "string",
    value: "ID",
    help: "names the Markdown report's marker comment (one comment per ID)",
  },
  ...POLICY_OPTIONS,
  ...SHARED_OPTIONS,
} as const satisfies OptionTable;

/** Options of `asset-diff approve`. */
export const APPROVE_OPTIONS = {
  select: {
    type: "string",
    value: "GLOB",
    multiple: true,
    help: "approve only the changes of assets whose /-joined key matches GLOB, e.g. marts/**",
  },
  by: {
    type: "string",
    value: "NAME",
    help: "who approves (default: GITHUB_ACTOR, GITLAB_USER_LOGIN or USER)",
  },
  reason: { type: "string", value: "TEXT", help: "why; recorded with each new approval" },
  ...COMPARE_OPTIONS,
  ...POLICY_OPTIONS,
  approvals: {
    type: "string",
    value: "FILE",
    help: `the approvals file to add to, created when absent (default: the configuration's approvals, else ${APPROVALS_FILE_NAME})`,
  },
  ...SOURCE_OPTIONS,
  ...META_OPTIONS,
} as const satisfies OptionTable;

/** Options of `asset-diff explain`. */
export const EXPLAIN_OPTIONS = {
  ...COMPARE_OPTIONS,
  ...POLICY_OPTIONS,
  ...SHARED_OPTIONS,
} as const satisfies OptionTable;

/** Options of `asset-diff snapshot`. */
export const SNAPSHOT_OPTIONS = {
  config: {
    type: "string",
    value: "FILE",
    help: `the configuration, for how it reads dbt manifests (its dbt settings; default: ${CONFIG_FILE_NAME} in the working directory, when it exists)`,
  },
  ...SHARED_OPTIONS,
} as const satisfies OptionTable;

/** Options of `asset-diff comment`. */
export const COMMENT_OPTIONS = {
  "gitlab-api": {
    type: "string",
    value: "URL",
    help: "the GitLab API, e.g. https://gitlab.com/api/v4 (default: CI_API_V4_URL)",
  },
  project: {
    type: "string",
    value: "ID",
    help: "the project's id or path (default: CI_PROJECT_ID)",
  },
  "merge-request": {
    type: "string",
    value: "IID",
    help: "the merge request's number (default: CI_MERGE_REQUEST_IID)",
  },
  timeout: {
    type: "string",
    value: "SECONDS",
    default: String(DEFAULT_TIMEOUT_MS / 1000),
    help: "per request to GitLab",
  },
  ...META_OPTIONS,
} as const satisfies OptionTable;

/** The commands: their inputs, which of them are sources, what they do, and their options. */
export const COMMANDS = {
  diff: {
    inputs: ["<base>", "<branch>"],
    sources: ["<base>", "<branch>"],
    summary: "report what the branch changes",
    options: DIFF_OPTIONS,
  },
  approve: {
    inputs: ["<base>", "<branch>"],
    sources: ["<base>", "<branch>"],
    summary: "add the branch's changes to the approvals file",
    options: APPROVE_OPTIONS,
  },
  explain: {
    inputs: ["<base>", "<branch>", "<asset key>"],
    sources: ["<base>", "<branch>"],
    summary: "explain how one asset was compared and reviewed",
    options: EXPLAIN_OPTIONS,
  },
  snapshot: {
    inputs: ["<source>"],
    sources: ["<source>"],
    summary: "write a source as an asset-diff snapshot",
    options: SNAPSHOT_OPTIONS,
  },
  comment: {
    inputs: ["<report>"],
    sources: [],
    summary: "post or update the report as a merge request note",
    options: COMMENT_OPTIONS,
  },
} as const satisfies Record<
  string,
  {
    inputs: readonly string[];
    sources: readonly string[];
    summary: string;
    options: OptionTable;
  }
>;

/** A command's name. */
export type CommandName = keyof typeof COMMANDS;

/** True for the name of a command. */
export function isCommandName(name: string): name is CommandName {
  return Object.hasOwn(COMMANDS, name);
}

/** The `parseArgs` spec of an option table: each option's type, alias and default. */
export type ParseSpec<T extends OptionTable> = {
  [K in keyof T]: Pick<T[K], Extract<keyof T[K], "type" | "short" | "default" | "multiple">>;
};

/** Derives the `parseArgs` options from a command's option table. */
export function parseSpec<T extends OptionTable>(table: T): ParseSpec<T> {
  const spec: Record<
    string,
    { type: "string" | "boolean"; short?: string; default?: string | string[]; multiple?: true }
  > = {};
  for (const [name, option] of Object.entries(table)) {
    spec[name] = {
      type: option.type,
      ...(option.short === undefined ? {} : { short: option.short }),
      // A repeatable option's default is the list of one value, as `parseArgs` wants it.
      ...("default" in option && option.default !== undefined
        ? { default: "multiple" in option && option.multiple ? [option.default] : option.default }
        : {}),
      ...("multiple" in option && option.multiple ? { multiple: true } : {}),
    };
  }
  return spec as ParseSpec<T>;
}

/** How the help writes an option's flags, e.g. `--output FILE, -o FILE` or `--help, -h`. */
export function optionFlags(name: string, option: CliOption): string {
  const value =
    option.type === "boolean"
      ? ""
      : ` ${"choices" in option ? `${option.choices.join("|")}${option.suffix === undefined ? "" : `[=${option.suffix}]`}` : option.value}`;
  return `--${name}${value}${option.short === undefined ? "" : `, -${option.short}${value}`}`;
}
