import packageJson from "../../package.json" with { type: "json" };
import { INPUT_FORMATS } from "../load/index";
import { GITLAB_TOKEN_VARIABLE } from "./comment";
import { EXIT_CODE_MEANINGS, EXIT_CODES } from "./exit-codes";
import { CLI_GITHUB_OUTPUT_NAMES } from "./github";
import { COMMANDS, type CommandName, type OptionTable, optionFlags } from "./options";

/** The width the help keeps within. */
const WIDTH = 100;
/** Where an option's help starts. */
const OPTION_COLUMN = 32;
/** Where a command's summary starts in the global help. */
const COMMAND_COLUMN = 46;
/** Joins words that the help must not break apart; a space once wrapped. */
const GLUE = "\u00a0";

/** `asset-diff --help`: the commands, and what they share (inputs, colours, exit codes). */
export function globalHelp(): string {
  const commands = Object.entries(COMMANDS).map(
    ([name, command]) => [usageLine(name, command.inputs), command.summary] as const,
  );
  const inputs = [...new Set(Object.values(COMMANDS).flatMap((c) => c.sources))];
  const exitCodes = (Object.keys(EXIT_CODES) as (keyof typeof EXIT_CODES)[])
    .map((name) => `${EXIT_CODES[name]} ${EXIT_CODE_MEANINGS[name]}`)
    .join(", ");
  return [
    `asset-diff ${packageJson.version}: compare Dagster-style asset graphs between production and a branch`,
    "",
    "Usage:",
    ...columns(
      [
        ...commands,
        [
          "asset-diff help [<command>]",
          "show this help, or the command's usage and options (also --help, -h, <command> --help)",
        ],
        ["asset-diff --version, -v", "show the version"],
      ],
      COMMAND_COLUMN,
    ),
    "",
    ...paragraph(inputsNote(inputs), "  "),
    "",
    ...paragraph(
      "Colours: on a terminal, unless NO_COLOR is set; FORCE_COLOR=1 forces them on, FORCE_COLOR=0 off.",
    ),
    "",
    ...paragraph(`Exit codes: ${exitCodes}.`),
    "",
  ].join("\n");
}

/** `asset-diff <command> --help`: its usage line and every option of its table. */
export function commandHelp(name: CommandName): string {
  const command = COMMANDS[name];
  const notes = COMMAND_NOTES[name];
  return [
    `asset-diff ${name}: ${command.summary}`,
    "",
    `Usage: ${usageLine(name, command.inputs)}`,
    "",
    ...(command.sources.length > 0 ? [...paragraph(inputsNote(command.sources), "  "), ""] : []),
    "Options:",
    ...optionLines(command.options),
    "",
    ...notes.flatMap((note) => [...paragraph(note), ""]),
  ].join("\n");
}

// --- internal ---

/** What the help of a command says after its options. */
const COMMAND_NOTES: Record<CommandName, readonly string[]> = {
  diff: [
    `Under GitHub Actions (GITHUB_ACTIONS=true), diff also appends the Markdown report to the job summary, sets step outputs (${CLI_GITHUB_OUTPUT_NAMES.join(", ")}) and annotates changed assets at their definitions.`,
  ],
  approve: [
    `approve reviews the changes as diff does, then adds one approval per change (of the assets --select names) to the approvals file, with --by, --reason and the time. Entries already there are kept; a change already approved is not added twice. The file is written atomically, and only when an approval is added or the file does not exist yet.`,
  ],
  explain: [
    "<asset key>: the asset's key, its parts joined by /, e.g. marts/finance/fct_revenue. A key in more than one code location needs --code-location.",
    "explain reviews the changes as diff does, then prints, for the one asset, every section compared with its values on both sides, what the differ reported, which rule suppressed what, the severity and reason of each change left, and the approvals that match it or have gone stale.",
  ],
  snapshot: [],
  comment: [
    "<report>: a Markdown report of diff (its markdown format), a file or - for stdin. Its first line, the report's marker, finds the note posted before: it is updated, else one is created, so every run leaves one note per marker.",
    `The token is read from ${GITLAB_TOKEN_VARIABLE}: a project, group or personal access token with the api scope (CI_JOB_TOKEN cannot post notes). It is never printed.`,
  ],
};

function usageLine(name: string, inputs: readonly string[]): string {
  return `asset-diff ${name} ${inputs.join(" ")} [options]`;
}

function inputsNote(inputs: readonly string[]): string {
  const formats = Object.values(INPUT_FORMATS)
    .map((f) => f.label.replaceAll(" ", GLUE))
    .join(", ");
  return `${inputs.join(", ")}: a file (${formats}), - for stdin, or the URL of a Dagster GraphQL endpoint (http://localhost:3000/graphql, https://ORG.dagster.cloud/DEPLOYMENT/graphql; the Dagster+ token is read from DAGSTER_CLOUD_API_TOKEN).`;
}

function optionLines(table: OptionTable): string[] {
  return columns(
    Object.entries(table).map(([name, option]) => {
      const shownDefault =
        "default" in option && option.default !== undefined
          ? ` (default:${GLUE}${option.default})`
          : "";
      const repeatable = "multiple" in option && option.multiple ? " (repeatable)" : "";
      return [optionFlags(name, option), `${option.help}${shownDefault}${repeatable}`] as const;
    }),
    OPTION_COLUMN,
  );
}

/** Two columns, indented by two; a left side too wide for the column gets a line of its own. */
function columns(rows: readonly (readonly [string, string])[], column: number): string[] {
  return rows.flatMap(([left, right]) => {
    const head = `  ${left}`;
    const [first = "", ...rest] = wrap(right, WIDTH - column);
    const indent = " ".repeat(column);
    const body = rest.map((line) => indent + line);
    return head.length + 2 <= column
      ? [head.padEnd(column) + first, ...body]
      : [head, indent + first, ...body];
  });
}

function paragraph(text: string, indent = ""): string[] {
  return wrap(text, WIDTH - indent.length).map((line) => indent + line);
}

/**
 * Greedy word wrap at spaces (not at {@link GLUE}); a word longer than the width gets a line of
 * its own.
 */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/ +/).filter((w) => w !== "")) {
    if (line === "") line = word;
    else if (line.length + 1 + word.length <= width) line += ` ${word}`;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line !== "") lines.push(line);
  return lines.map((l) => l.replaceAll(GLUE, " "));
}
