import { readFileSync } from "node:fs";
import { appendFile } from "node:fs/promises";
import type { ChangeSet } from "../diff/change-set";
import { OutputWriteError } from "../errors";
import type { AssetGraph } from "../model/asset";
import {
  formatGithubOutputs,
  GITHUB_OUTPUT_NAMES,
  githubOutputs,
  renderGithubAnnotations,
} from "../report/github";

/** The step outputs the CLI sets: the report's, and whether a `--fail-on` policy failed. */
export const CLI_GITHUB_OUTPUT_NAMES = [...GITHUB_OUTPUT_NAMES, "failed"] as const;

/** What the CLI publishes when it runs under GitHub Actions (`GITHUB_ACTIONS=true`). */
export interface GithubPublication {
  changeSet: ChangeSet;
  graphs: { base: AssetGraph; branch: AssetGraph };
  /** The Markdown report for the step summary. */
  markdown: string;
  /** Whether a `--fail-on` policy failed. */
  failed: boolean;
  env: Record<string, string | undefined>;
  /** Where workflow commands (annotations) go. */
  commands: { write(text: string): unknown };
}

/**
 * Appends the Markdown report to `GITHUB_STEP_SUMMARY`, writes step outputs to `GITHUB_OUTPUT`
 * and writes one annotation per changed asset.
 */
export async function publishToGithub(publication: GithubPublication): Promise<void> {
  const { env } = publication;
  if (env.GITHUB_STEP_SUMMARY) await append(env.GITHUB_STEP_SUMMARY, `${publication.markdown}\n`);
  if (env.GITHUB_OUTPUT) {
    const outputs: Record<(typeof CLI_GITHUB_OUTPUT_NAMES)[number], string> = {
      ...githubOutputs(publication.changeSet),
      failed: String(publication.failed),
    };
    await append(env.GITHUB_OUTPUT, formatGithubOutputs(outputs));
  }
  const options = env.GITHUB_WORKSPACE
    ? { graphs: publication.graphs, workspace: env.GITHUB_WORKSPACE }
    : { graphs: publication.graphs };
  for (const line of renderGithubAnnotations(publication.changeSet, options))
    publication.commands.write(line);
}

async function append(path: string, text: string): Promise<void> {
  try {
    await appendFile(path, text, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new OutputWriteError(path, `cannot be written (${code})`, { cause: error });
  }
}

/**
 * The payload of the event a GitHub Actions run is for (the JSON file `GITHUB_EVENT_PATH` names);
 * undefined when there is none or it cannot be read, which callers treat as "no pull request".
 */
export function githubEventPayload(path: string | undefined): Record<string, unknown> | undefined {
  if (!path) return undefined;
  try {
    const payload: unknown = JSON.parse(readFileSync(path, "utf8"));
    return typeof payload === "object" && payload !== null && !Array.isArray(payload)
      ? (payload as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
