import { join } from "node:path";
import { UsageError } from "../errors";
import { OUTPUT_FORMATS, type OutputFormat } from "./options";

/**
 * Other names `--format` takes for a format: `codequality`, the name GitLab Code Quality reports
 * had before `gitlab`.
 */
const OUTPUT_FORMAT_ALIASES: Readonly<Record<string, OutputFormat>> = {
  codequality: "gitlab",
};

/**
 * The file each format is written to in `--output-dir`.
 *
 * @internal Exported for the test that holds the help and the docs to it.
 */
export const OUTPUT_FILE_NAMES: Readonly<Record<OutputFormat, string>> = {
  text: "asset-diff.txt",
  json: "asset-diff.json",
  markdown: "asset-diff.md",
  gitlab: "asset-diff.codequality.json",
  sarif: "asset-diff.sarif",
  junit: "asset-diff.junit.xml",
  html: "asset-diff.html",
};

/** One report a run writes: its format and where it goes. */
export interface PlannedOutput {
  format: OutputFormat;
  /** The file, or undefined for standard output. */
  path: string | undefined;
  /** How messages name it, e.g. `--format sarif=out.sarif`. */
  name: string;
}

/**
 * Where each report of a run goes, from `--format` (each occurrence a format or a comma-separated
 * list of them, each `FORMAT` or `FORMAT=FILE`), `--output-dir` and `--output`:
 *
 * - `FORMAT=FILE` goes to FILE (`-` is standard output);
 * - a bare `FORMAT` goes to `--output-dir`'s file for it (see {@link OUTPUT_FILE_NAMES}), else to
 *   `--output`, else to standard output; several bare formats need `--output-dir`;
 * - each format at most once, each file at most once, standard output at most once.
 *
 * Every mistake is a `UsageError` saying which value and what to do instead.
 */
export function planOutputs(
  formats: readonly string[] | undefined,
  outputDir: string | undefined,
  output: string | undefined,
): PlannedOutput[] {
  if (outputDir === "") throw new UsageError("--output-dir needs a directory");
  if (outputDir !== undefined && output !== undefined)
    throw new UsageError(
      "--output and --output-dir cannot be used together: name each file as --format FORMAT=FILE, or use --output-dir alone",
    );
  const entries = (formats === undefined || formats.length === 0 ? ["text"] : formats).flatMap(
    (value) => value.split(","),
  );
  const planned: PlannedOutput[] = [];
  const bare: PlannedOutput[] = [];
  for (const entry of entries) {
    const at = entry.indexOf("=");
    const name = (at === -1 ? entry : entry.slice(0, at)).trim();
    const file = at === -1 ? undefined : entry.slice(at + 1);
    if (name === "")
      throw new UsageError(
        `--format needs a format for each entry (${OUTPUT_FORMATS.join(", ")}), got ${JSON.stringify(entry)}`,
      );
    const format = formatNamed(name);
    if (planned.some((p) => p.format === format))
      throw new UsageError(`--format ${format} is given twice; write each format once`);
    if (file === "")
      throw new UsageError(`--format ${name}= needs a file, e.g. --format ${name}=report`);
    const out: PlannedOutput = {
      format,
      path: file === undefined || file === "-" ? undefined : file,
      name: `--format ${name}=${file ?? ""}`,
    };
    if (file === undefined) bare.push(out);
    planned.push(out);
  }
  for (const out of bare) {
    if (outputDir !== undefined) {
      out.path = join(outputDir, OUTPUT_FILE_NAMES[out.format]);
      out.name = `--output-dir ${outputDir} (${OUTPUT_FILE_NAMES[out.format]})`;
    } else if (bare.length > 1) {
      throw new UsageError(
        `several formats (${bare.map((b) => b.format).join(", ")}) need --output-dir DIR, or a file each as --format FORMAT=FILE`,
      );
    } else {
      out.path = output === undefined || output === "-" ? undefined : output;
      out.name = output === undefined ? "standard output" : `--output ${output}`;
      if (output === "") throw new UsageError("--output needs a file");
    }
  }
  const stdout = planned.filter((p) => p.path === undefined);
  if (stdout.length > 1)
    throw new UsageError(
      `only one report can go to standard output, not ${stdout.map((p) => p.format).join(" and ")}`,
    );
  const seen = new Map<string, OutputFormat>();
  for (const p of planned) {
    if (p.path === undefined) continue;
    const other = seen.get(p.path);
    if (other !== undefined)
      throw new UsageError(`${other} and ${p.format} would both be written to ${p.path}`);
    seen.set(p.path, p.format);
  }
  return planned;
}

function formatNamed(name: string): OutputFormat {
  if ((OUTPUT_FORMATS as readonly string[]).includes(name)) return name as OutputFormat;
  if (Object.hasOwn(OUTPUT_FORMAT_ALIASES, name))
    return OUTPUT_FORMAT_ALIASES[name] as OutputFormat;
  throw new UsageError(
    `--format must be one of ${OUTPUT_FORMATS.join(", ")} (each as FORMAT or FORMAT=FILE); got ${JSON.stringify(name)}`,
  );
}
