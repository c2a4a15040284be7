import type { AssetChange, ChangeSet } from "../../src/diff/change-set";
import { changeSetSchema } from "../../src/diff/change-set-schema";
import type { ChangeTypeMode } from "../../src/diff/change-types";
import { type DiffOptions, diffAssetGraphs } from "../../src/diff/diff";
import { parseSnapshot, serializeSnapshot } from "../../src/load/snapshot/snapshot";
import type { AssetGraph } from "../../src/model/asset";
import { withLineage } from "../../src/policies/lineage";
import { createPolicyContext, type PolicyContext } from "../../src/policies/policy";
import { type ReviewOptions, reviewChanges } from "../../src/policies/review";
import { type ExplanationInput, renderExplanation } from "../../src/report/explain";
import {
  formatGithubOutputs,
  type GithubAnnotationOptions,
  githubOutputs,
  renderGithubAnnotations,
} from "../../src/report/github";
import { renderJson } from "../../src/report/json";
import { type MarkdownReportOptions, renderMarkdown } from "../../src/report/markdown";
import { type LineageOptions, renderLineageMermaid } from "../../src/report/mermaid";
import { renderText, type TextReportOptions } from "../../src/report/text";
import { formatAssetGraph } from "../../src/testing/format";
import { codeQualityReportSchema } from "../report/codequality-schema";

/**
 * What must hold after a case that succeeded: a graph diffs empty against itself and against its
 * snapshot read back, every renderer succeeds on a change set, the JSON report validates, the
 * Mermaid labels, annotations and step outputs are well formed.
 */

/** A broken invariant (as opposed to an error the library threw). */
export class InvariantError extends Error {
  override name = "InvariantError";
}

export function invariant(condition: unknown, message: string): asserts condition {
  if (!condition) throw new InvariantError(message);
}

/** Runs a step that must not throw at all: any error becomes an {@link InvariantError}. */
export function must<T>(step: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof InvariantError) throw error;
    const e = error as Error;
    throw new InvariantError(
      `${step} threw ${e?.name ?? typeof error}: ${String(e?.message ?? error).slice(0, 300)}`,
      { cause: error },
    );
  }
}

const MODES: readonly ChangeTypeMode[] = ["all", "dagster"];

/** A graph compares equal to itself and to its snapshot read back; it formats. */
export function checkGraph(graph: AssetGraph): void {
  for (const changeTypes of MODES) {
    const self = must(`diffAssetGraphs(a, a, ${changeTypes})`, () =>
      diffAssetGraphs(graph, graph, { changeTypes }),
    );
    invariant(
      self.assets.length === 0,
      `diffAssetGraphs(a, a, ${changeTypes}) lists ${self.assets.map((a) => JSON.stringify(a.key)).join(", ")}`,
    );
  }
  const text = must("serializeSnapshot(a)", () => serializeSnapshot(graph));
  const again = must("parseSnapshot(JSON.parse(serializeSnapshot(a)))", () =>
    parseSnapshot(JSON.parse(text)),
  );
  for (const changeTypes of MODES) {
    const round = must(`diffAssetGraphs(a, snapshot(a), ${changeTypes})`, () =>
      diffAssetGraphs(graph, again, { changeTypes }),
    );
    invariant(
      round.assets.length === 0,
      `diffAssetGraphs(a, snapshot(a), ${changeTypes}) lists ${round.assets.map((a) => `${JSON.stringify(a.key)} ${a.changeTypes.join(",")}`).join("; ")}`,
    );
  }
  must("formatAssetGraph(a)", () => formatAssetGraph(graph));
}

/** Options the renderers are called with, besides their defaults. */
export interface RenderOptions {
  text?: TextReportOptions;
  markdown?: MarkdownReportOptions;
  mermaid?: LineageOptions;
  annotations?: Omit<GithubAnnotationOptions, "graphs">;
}

/** Every renderer succeeds on a change set, and what they write is well formed. */
export function checkChangeSet(
  changeSet: ChangeSet,
  graphs: { base: AssetGraph; branch: AssetGraph },
  options: RenderOptions = {},
): void {
  checkJson(must("renderJson", () => renderJson(changeSet)));
  must("renderText", () => renderText(changeSet, options.text ?? {}));
  must("renderText (color)", () => renderText(changeSet, { ...options.text, color: true }));
  const withLines = must("withLineage", () => withLineage(changeSet, graphs));
  checkMarkdown(
    must("renderMarkdown", () => renderMarkdown(withLines, options.markdown ?? {})),
    options.markdown ?? {},
  );
  checkMermaid(
    must("renderLineageMermaid", () => renderLineageMermaid(withLines, options.mermaid ?? {})),
  );
  checkAnnotations(
    must("renderGithubAnnotations", () =>
      renderGithubAnnotations(changeSet, { ...options.annotations, graphs }),
    ),
  );
  const outputs = must("githubOutputs", () => githubOutputs(changeSet));
  checkGithubOutputs(
    outputs,
    must("formatGithubOutputs", () => formatGithubOutputs(outputs)),
  );
}

/** The JSON report re-parses and validates against the change-set schema. */
export function checkJson(text: string): void {
  const parsed = changeSetSchema.safeParse(JSON.parse(text));
  invariant(
    parsed.success,
    `renderJson output does not validate: ${JSON.stringify(parsed.error?.issues.slice(0, 2))}`,
  );
}

/** The Code Quality report parses and holds GitLab's fields, fingerprints unique. */
export function checkCodeQuality(text: string): void {
  const parsed = codeQualityReportSchema.safeParse(JSON.parse(text));
  invariant(
    parsed.success,
    `renderCodeQuality output does not hold GitLab's fields: ${JSON.stringify(parsed.error?.issues.slice(0, 2))}`,
  );
}

/** Characters no label or single-line text should carry raw: controls, lone surrogates, bidi. */
function unsafeCharacter(text: string, allowNewline = false): string | undefined {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a && allowNewline) continue;
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      return `a lone surrogate U+${c.toString(16).toUpperCase()} at ${i}`;
    }
    if (
      c < 0x20 ||
      (c >= 0x7f && c <= 0x9f) ||
      (c >= 0xdc00 && c <= 0xdfff) ||
      c === 0x061c ||
      c === 0x200e ||
      c === 0x200f ||
      (c >= 0x202a && c <= 0x202e) ||
      (c >= 0x2066 && c <= 0x2069) ||
      c === 0x2028 ||
      c === 0x2029
    ) {
      return `U+${c.toString(16).toUpperCase().padStart(4, "0")} at ${i}`;
    }
  }
  return undefined;
}

/** Every node label of a Mermaid picture is one quoted string without raw control bytes. */
export function checkMermaid(text: string): void {
  invariant(
    /^(---\ntitle: "[^"\n]*"\n---\n)?flowchart (TB|LR)\n/.test(text),
    "Mermaid output does not start with a flowchart (after its title)",
  );
  for (const line of text.split("\n")) {
    const label = /^ +(?:\w+\[|subgraph \w+\[|click \w+ (?:focus|href "[^"]*") )"(.*)"\]?$/.exec(
      line,
    )?.[1];
    if (label === undefined) continue;
    invariant(!label.includes('"'), `Mermaid label holds a raw quote: ${JSON.stringify(line)}`);
    const bad = unsafeCharacter(label);
    invariant(bad === undefined, `Mermaid label holds ${bad}: ${JSON.stringify(line)}`);
  }
}

/** The Markdown report starts with its marker, stays within its length and embeds clean Mermaid. */
export function checkMarkdown(text: string, options: MarkdownReportOptions): void {
  const marker = text.slice(0, text.indexOf("\n"));
  invariant(
    /^<!-- asset-diff:report(:[A-Za-z0-9%\-_.!~*'()]*)? -->$/.test(marker),
    `Markdown marker is malformed: ${JSON.stringify(marker.slice(0, 300))}`,
  );
  const max = Math.max(6000, Math.floor(options.maxLength ?? 60_000));
  if (Number.isFinite(max))
    invariant(text.length <= max, `Markdown report is ${text.length} long, over ${max}`);
  for (const block of text.matchAll(/```mermaid\n([\s\S]*?)```/g)) checkMermaid(block[1] as string);
}

/** Each annotation is one workflow command on one line. */
export function checkAnnotations(lines: readonly string[]): void {
  const property = "(?:file|line|title)=[^,:\\r\\n]*";
  const command = new RegExp(
    `^::(?:error|warning|notice) ${property}(?:,${property})*::[^\\r\\n]*\\n$`,
  );
  for (const line of lines)
    invariant(command.test(line), `malformed annotation: ${JSON.stringify(line.slice(0, 300))}`);
}

/**
 * Reads a `GITHUB_OUTPUT` file as the Actions runner does (lines split on CR, LF or CRLF;
 * `name=value`, or `name<<DELIMITER` up to a line that is exactly the delimiter).
 */
export function readGithubOutputs(text: string): Map<string, string> {
  const lines = text.split(/\r\n|\r|\n/);
  if (lines.at(-1) === "") lines.pop();
  const out = new Map<string, string>();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const equals = line.indexOf("=");
    const heredoc = line.indexOf("<<");
    if (equals >= 0 && (heredoc < 0 || equals < heredoc)) {
      invariant(equals > 0, `GITHUB_OUTPUT line without a name: ${JSON.stringify(line)}`);
      out.set(line.slice(0, equals), line.slice(equals + 1));
    } else if (heredoc > 0) {
      const delimiter = line.slice(heredoc + 2);
      const value: string[] = [];
      let end = i + 1;
      while (end < lines.length && lines[end] !== delimiter) value.push(lines[end++] as string);
      invariant(end < lines.length, `GITHUB_OUTPUT: delimiter ${delimiter} is never closed`);
      out.set(line.slice(0, heredoc), value.join("\n"));
      i = end;
    } else {
      throw new InvariantError(`GITHUB_OUTPUT line the runner refuses: ${JSON.stringify(line)}`);
    }
  }
  return out;
}

/** Step outputs read back as they were written (line breaks as the runner reads them). */
export function checkGithubOutputs(outputs: Record<string, string>, text: string): void {
  const read = readGithubOutputs(text);
  const names = Object.keys(outputs);
  invariant(
    read.size === names.length,
    `GITHUB_OUTPUT holds ${read.size} outputs, ${names.length} were written: ${[...read.keys()].map((k) => JSON.stringify(k)).join(", ")}`,
  );
  for (const name of names) {
    const expected = (outputs[name] as string).replace(/\r\n|\r/g, "\n");
    invariant(
      read.get(name) === expected,
      `GITHUB_OUTPUT reads ${JSON.stringify(name)} as ${JSON.stringify(read.get(name)?.slice(0, 100))}`,
    );
  }
}

/** What `asset-diff explain` shows for each asset (the first `max`), built as the CLI builds it. */
export function checkExplanations(
  raw: ChangeSet,
  reviewed: ChangeSet,
  context: PolicyContext,
  max = 5,
): void {
  const same = (a: AssetChange) => (b: Pick<AssetChange, "key" | "codeLocation" | "repository">) =>
    a.key === b.key && a.codeLocation === b.codeLocation && a.repository === b.repository;
  for (const change of raw.assets.slice(0, max)) {
    const input: ExplanationInput = {
      base: change.changeTypes.includes("NEW") ? undefined : context.sideOf("base", change),
      branch: change.changeTypes.includes("REMOVED") ? undefined : context.sideOf("branch", change),
      raw: change,
      reviewed: reviewed.assets.find(same(change)),
      suppressed: reviewed.suppressed.filter(same(change)),
      staleApprovals: (reviewed.staleApprovals ?? []).filter(same(change)),
      approvals: reviewed.staleApprovals !== undefined,
      changeTypes: reviewed.options.changeTypes,
    };
    must(`renderExplanation(${JSON.stringify(change.key).slice(0, 80)})`, () =>
      renderExplanation(input),
    );
  }
}

/** Options of {@link checkPipeline}. */
export interface PipelineOptions {
  diff?: Omit<DiffOptions, "changeTypes">;
  review?: ReviewOptions;
  render?: RenderOptions;
}

/**
 * The whole pipeline over two graphs, in both modes: diff, review, lineage and every renderer.
 * Returns the reviewed change sets. A review option that cannot work may throw its typed error.
 */
export function checkPipeline(
  base: AssetGraph,
  branch: AssetGraph,
  options: PipelineOptions = {},
): ChangeSet[] {
  const graphs = { base, branch };
  const context = must("createPolicyContext", () => createPolicyContext(graphs));
  const reviewedSets: ChangeSet[] = [];
  for (const changeTypes of MODES) {
    const raw = must(`diffAssetGraphs(${changeTypes})`, () =>
      diffAssetGraphs(base, branch, { ...options.diff, changeTypes, includeUnchanged: true }),
    );
    checkJson(must("renderJson(raw)", () => renderJson(raw)));
    // The configuration's own problems (a placeholder without a value) are typed errors.
    const reviewed = reviewChanges(raw, context, options.review ?? {});
    checkChangeSet(reviewed, graphs, options.render ?? {});
    checkExplanations(raw, reviewed, context);
    reviewedSets.push(reviewed);
  }
  return reviewedSets;
}
