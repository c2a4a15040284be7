import { CLI_GITHUB_OUTPUT_NAMES } from "../cli/github";
import { DIFF_OPTIONS } from "../cli/options";
import { ActionInputError } from "./errors";

/** The report formats of `asset-diff diff --format`. */
const OUTPUT_FORMATS = DIFF_OPTIONS.format.choices;

/**
 * The action's inputs; the single source for their names. `action.yml` declares exactly these,
 * and `flag` is the `asset-diff diff` option each one becomes.
 *
 * @internal Exported for the test that holds action.yml to it.
 */
export const ACTION_INPUTS = {
  base: { required: true, flag: null },
  branch: { required: true, flag: null },
  "merge-base": { required: false, flag: null },
  "code-location": { required: false, flag: "--code-location" },
  "change-types": { required: false, flag: "--change-types" },
  config: { required: false, flag: "--config" },
  approvals: { required: false, flag: "--approvals" },
  "fail-on": { required: false, flag: "--fail-on" },
  "report-id": { required: false, flag: "--report-id" },
  "partitions-as-of": { required: false, flag: "--partitions-as-of" },
  format: { required: false, flag: null },
  output: { required: false, flag: null },
  "api-token": { required: false, flag: null },
  "github-token": { required: false, flag: null },
  comment: { required: false, flag: null },
} as const satisfies Record<string, { required: boolean; flag: `--${string}` | null }>;

/** An input's name. */
export type ActionInputName = keyof typeof ACTION_INPUTS;

/**
 * The action's outputs: the CLI's step outputs, and the pull-request comment's address.
 *
 * @internal Exported for the test that holds action.yml to it.
 */
export const ACTION_OUTPUT_NAMES = [...CLI_GITHUB_OUTPUT_NAMES, "comment-url"] as const;

/** The inputs, read and checked. */
export interface ActionSettings {
  base: string;
  branch: string;
  /** Production at the merge base (`--merge-base`), for a three-way comparison; `""` for none. */
  mergeBase: string;
  /** `asset-diff diff` options taken from the inputs, e.g. `["--fail-on", "breaking"]`. */
  options: string[];
  /** A report file besides the comment: its format and path. */
  report: { format: (typeof OUTPUT_FORMATS)[number]; path: string } | undefined;
  apiToken: string;
  githubToken: string;
  comment: boolean;
}

/**
 * Reads the inputs through `read` (`core.getInput`: trimmed, `""` when not given) and checks
 * what the CLI cannot: `comment` is a boolean, and `format` needs `output`.
 */
export function readSettings(read: (name: ActionInputName) => string): ActionSettings {
  const given = (name: ActionInputName) => {
    const value = read(name);
    if (value === "" && ACTION_INPUTS[name].required)
      throw new ActionInputError(`the input "${name}" is required`);
    return value;
  };
  const options: string[] = [];
  for (const [name, input] of Object.entries(ACTION_INPUTS) as [
    ActionInputName,
    (typeof ACTION_INPUTS)[ActionInputName],
  ][]) {
    const value = given(name);
    if (input.flag !== null && value !== "") options.push(input.flag, value);
  }
  const format = given("format");
  const output = given("output");
  if (format !== "" && output === "")
    throw new ActionInputError(`the input "format" needs "output", the file to write it to`);
  if (format !== "" && !(OUTPUT_FORMATS as readonly string[]).includes(format)) {
    throw new ActionInputError(
      `the input "format" must be one of ${OUTPUT_FORMATS.join(", ")}; got ${JSON.stringify(format)}`,
    );
  }
  return {
    base: given("base"),
    branch: given("branch"),
    mergeBase: given("merge-base"),
    options,
    report:
      output === ""
        ? undefined
        : { format: (format || "markdown") as (typeof OUTPUT_FORMATS)[number], path: output },
    apiToken: given("api-token"),
    githubToken: given("github-token"),
    comment: booleanInput("comment", given("comment"), true),
  };
}

// --- internal ---

/** A YAML 1.2 core-schema boolean, as `core.getBooleanInput` reads one; `fallback` when empty. */
function booleanInput(name: string, value: string, fallback: boolean): boolean {
  if (value === "") return fallback;
  if (["true", "True", "TRUE"].includes(value)) return true;
  if (["false", "False", "FALSE"].includes(value)) return false;
  throw new ActionInputError(
    `the input "${name}" must be true or false; got ${JSON.stringify(value)}`,
  );
}
