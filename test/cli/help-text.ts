/** One option as a command's `--help` prints it. */
export interface HelpOption {
  short?: string;
  /** The value's placeholder or `a|b|c`; absent for a switch. */
  value?: string;
  /** The help text, continuation lines joined. */
  text: string;
}

/** The options in the `Options:` section of a command's `--help`, by long name, in order. */
export function helpOptions(help: string): Map<string, HelpOption> {
  const section = help.split("\nOptions:\n")[1]?.split("\n\n")[0];
  if (section === undefined) throw new Error("the help has no Options: section");
  const options = new Map<string, HelpOption>();
  let current: HelpOption | undefined;
  for (const line of section.trimEnd().split("\n")) {
    const head = /^ {2}--([a-z][a-z-]*)(?: (\S+?))?(?:, -([a-zA-Z])(?: \S+)?)?(?: {2,}(.*))?$/.exec(
      line,
    );
    if (head) {
      const [, name = "", value, short, text = ""] = head;
      current = { ...(short ? { short } : {}), ...(value ? { value } : {}), text };
      options.set(name, current);
    } else if (current && /^ {3,}\S/.test(line)) {
      current.text = `${current.text} ${line.trim()}`.trim();
    } else {
      throw new Error(`not an option line: ${JSON.stringify(line)}`);
    }
  }
  return options;
}

/** The long flags (`--name`, without the dashes) a text mentions, in order. */
export function longFlags(text: string): string[] {
  return [...text.matchAll(/(?<![\w-])--([a-z][a-z0-9-]*[a-z0-9])/g)].map((m) => m[1] as string);
}

/** Mentions of `--something` that are not asset-diff options, each with why. */
const NOT_OPTIONS: [RegExp, string][] = [
  [/\bdg list defs\s+--json\b/g, "a flag of dg, one of the input formats"],
  [/Unknown option '--[a-z-]+'/g, "the error for an option that does not exist"],
  [/`--name value` and `--name=value`/g, "the syntax of any option"],
];

/** The text without {@link NOT_OPTIONS}. */
export function foreignFlagsRemoved(text: string): string {
  return NOT_OPTIONS.reduce((rest, [pattern]) => rest.replace(pattern, ""), text);
}
