import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { type CliOption, COMMANDS, type CommandName, isCommandName } from "../../src/cli/options";
import { cli } from "../helpers/cli";
import { foreignFlagsRemoved, longFlags } from "./help-text";

const cliDoc = readFileSync("docs/cli.md", "utf8");
const readme = readFileSync("README.md", "utf8");
const readmeCli = /^## CLI\n([\s\S]*?)(?=^## )/m.exec(readme)?.[1] ?? "";

const commandNames = Object.keys(COMMANDS) as CommandName[];
const options = (command: CommandName) =>
  Object.entries(COMMANDS[command].options) as [string, CliOption][];

/**
 * The flags a Markdown text documents, each with the command it is documented for: the command
 * run last before it on its line (`asset-diff diff … --format`), else the command of its
 * ``## `asset-diff …` `` section, else none (any command).
 */
function documentedFlags(markdown: string): { flag: string; command?: CommandName }[] {
  const found: { flag: string; command?: CommandName }[] = [];
  let section: CommandName | undefined;
  for (const line of foreignFlagsRemoved(markdown).split("\n")) {
    const heading = /^## (?:`asset-diff (\w+)`)?/.exec(line)?.[1];
    if (/^## /.test(line))
      section = heading !== undefined && isCommandName(heading) ? heading : undefined;
    let command = section;
    for (const [, run, flag] of line.matchAll(
      /\basset-diff(?: (\w+))?|(?<![\w-])--([a-z][a-z0-9-]*[a-z0-9])/g,
    )) {
      if (flag !== undefined) found.push({ flag, ...(command ? { command } : {}) });
      else command = run !== undefined && isCommandName(run) ? run : section;
    }
  }
  return found;
}

/** The text of each command's `## \`asset-diff <command>\`` section of docs/cli.md. */
function cliDocSection(command: CommandName): string {
  const start = cliDoc.indexOf(`\n## \`asset-diff ${command}\``);
  expect(start, `docs/cli.md has a section for ${command}`).toBeGreaterThan(-1);
  const end = cliDoc.indexOf("\n## ", start + 1);
  return cliDoc.slice(start, end === -1 ? undefined : end);
}

describe.each([
  ["docs/cli.md", cliDoc],
  ["the CLI section of README.md", readmeCli],
])("every flag documented in %s", (_name, markdown) => {
  const flags = documentedFlags(markdown);

  test("is found", () => {
    expect(flags.length).toBeGreaterThan(3);
  });

  test.each(flags)("is an option of its command: --$flag ($command)", ({ flag, command }) => {
    const commands = command ? [command] : commandNames;
    const takers = commands.filter((c) => Object.hasOwn(COMMANDS[c].options, flag));
    expect(takers, `--${flag} for ${commands.join(" or ")}`).not.toEqual([]);
  });

  test("is accepted by that command's parser", async () => {
    for (const { flag, command } of flags) {
      const taker =
        command ?? commandNames.find((c) => Object.hasOwn(COMMANDS[c].options, flag)) ?? "diff";
      const table: Readonly<Record<string, CliOption>> = COMMANDS[taker].options;
      // An option's own value is checked later; the parser only must know the option.
      const args = table[flag]?.type === "string" ? [`--${flag}=`] : [`--${flag}`];
      const { stderr } = await cli([taker, ...args]);
      expect(stderr, `${taker} --${flag}`).not.toMatch(
        /Unknown option|argument missing|does not take/,
      );
    }
  });
});

describe.each(commandNames)("docs/cli.md documents every option of %s", (command) => {
  test.each(options(command))("--%s, in the section of the command", (name, option) => {
    const section = cliDocSection(command);
    expect(longFlags(section)).toContain(name);
    if (option.short) expect(section).toMatch(new RegExp(`\`-${option.short}\\b`));
  });
});
