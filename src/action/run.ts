import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import * as core from "@actions/core";
import { getOctokit } from "@actions/github";
import { EXIT_CODES } from "../cli/exit-codes";
import { githubEventPayload } from "../cli/github";
import { runCli } from "../cli/main";
import { uiRootOfGraphqlUrl } from "../report/links";
import { markdownMarker } from "../report/marker";
import { type CommentTarget, MAX_COMMENT_LENGTH, upsertComment } from "./comment";
import { isActionError } from "./errors";
import { type ActionInputName, type ActionSettings, readSettings } from "./inputs";

/**
 * Runs the GitHub Action: maps its inputs to `asset-diff diff` and runs the CLI in-process under
 * GitHub Actions (job summary, step outputs, annotations, `fail-on`), then creates or updates the
 * pull request's report comment. A failed policy fails the step only after all of that. Returns
 * the exit code; every failure is one `::error::` line, without a stack trace. The tokens are
 * masked and never written.
 */
export async function runAction(env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let settings: ActionSettings;
  try {
    settings = readSettings((name: ActionInputName) => core.getInput(name));
  } catch (error) {
    return fail(error, []);
  }
  // A Dagster+ token set in the step's environment instead of api-token is masked as well.
  const secrets = [
    settings.apiToken,
    settings.githubToken,
    env.DAGSTER_CLOUD_API_TOKEN ?? "",
  ].filter((s) => s !== "");
  for (const secret of secrets) core.setSecret(secret);
  const redact = (text: string) =>
    secrets.reduce((shown, secret) => shown.split(secret).join("***"), text);

  let temporary: string | undefined;
  try {
    temporary = await mkdtemp(join(env.RUNNER_TEMP || tmpdir(), "asset-diff-"));
    return await publish(settings, env, temporary, redact);
  } catch (error) {
    return fail(error, secrets);
  } finally {
    if (temporary !== undefined) await rm(temporary, { recursive: true, force: true });
  }
}

// --- internal ---

/** GitHub shows at most this many notices per step; the CLI's annotations count. */
const NOTICES_PER_STEP = 10;

async function publish(
  settings: ActionSettings,
  env: NodeJS.ProcessEnv,
  temporary: string,
  redact: (text: string) => string,
): Promise<number> {
  let notices = 0;
  const cliEnv: Record<string, string | undefined> = { ...env, GITHUB_ACTIONS: "true" };
  // The CLI has no use for the action's inputs (the GitHub token among them).
  for (const name of Object.keys(cliEnv)) if (name.startsWith("INPUT_")) delete cliEnv[name];
  if (settings.apiToken !== "") cliEnv.DAGSTER_CLOUD_API_TOKEN = settings.apiToken;
  const cli = async (args: string[], publishing: boolean) => {
    let stderr = "";
    const code = await runCli(args, {
      stdout: {
        write: (text: string) => {
          notices += text.match(/^::notice[ :]/gm)?.length ?? 0;
          return process.stdout.write(redact(text));
        },
      },
      stderr: { write: (text: string) => (stderr += text) },
      stdin: Readable.from([]),
      env: publishing ? cliEnv : { ...cliEnv, GITHUB_ACTIONS: undefined },
    });
    return {
      code,
      lines: redact(stderr)
        .split("\n")
        .filter((l) => l !== ""),
    };
  };

  // A second report is rendered from the same graphs: a URL is read once, into a snapshot.
  const sources = { base: settings.base, branch: settings.branch, mergeBase: settings.mergeBase };
  if (settings.report !== undefined && settings.report.format !== "markdown") {
    for (const side of ["base", "branch", "mergeBase"] as const) {
      const source = sources[side];
      if (!/^https?:\/\//i.test(source)) continue;
      const snapshot = join(temporary, `${side}.snapshot.json`);
      const { code, lines } = await cli(["snapshot", source, "--output", snapshot], false);
      if (code !== EXIT_CODES.ok) return cliFailure(code, lines);
      writeLines(lines);
      sources[side] = snapshot;
    }
  }
  const { base, branch } = sources;
  // A URL read into a snapshot still names the Dagster UI the reports link to.
  const links = (["branch", "base"] as const).flatMap((side) => {
    const flag = side === "branch" ? "--dagster-url" : "--base-dagster-url";
    const root = sources[side] === settings[side] ? undefined : uiRootOfGraphqlUrl(settings[side]);
    return root === undefined || settings.options.includes(flag) ? [] : [flag, root];
  });
  const compared = [
    ...settings.options,
    ...links,
    ...(sources.mergeBase === "" ? [] : ["--merge-base", sources.mergeBase]),
    // Both reports list time-window partition keys up to the same time.
    ...(settings.options.includes("--partitions-as-of")
      ? []
      : ["--partitions-as-of", new Date().toISOString()]),
  ];

  const comment = join(temporary, "report.md");
  const diff = await cli(
    ["diff", base, branch, ...compared, "--format", "markdown", "--output", comment],
    true,
  );
  if (diff.code !== EXIT_CODES.ok && diff.code !== EXIT_CODES.policy)
    return cliFailure(diff.code, diff.lines);
  const policyFailure = diff.code === EXIT_CODES.policy ? diff.lines.pop() : undefined;
  writeLines(diff.lines);
  const body = await readFile(comment, "utf8");

  if (settings.report !== undefined) {
    const { format, path } = settings.report;
    if (format === "markdown") await writeFile(path, body, "utf8");
    else {
      // JUnit fails its test cases where --fail-on fails; the other formats do not read it.
      const keepsGate = format === "junit";
      const options = keepsGate ? compared : withoutFlag(compared, "--fail-on");
      const report = await cli(
        ["diff", base, branch, ...options, "--format", format, "--output", path],
        false,
      );
      const passed =
        report.code === EXIT_CODES.ok || (keepsGate && report.code === EXIT_CODES.policy);
      if (!passed) return cliFailure(report.code, report.lines);
    }
  }

  const skip = (why: string) => {
    const message = `asset-diff: ${why}; the report is in the job summary`;
    if (notices < NOTICES_PER_STEP) core.notice(message);
    else core.info(message);
  };
  const target = settings.comment ? commentTarget(env) : "the input comment is false";
  if (typeof target === "string") skip(`no pull-request comment: ${target}`);
  else if (settings.githubToken === "") skip("no pull-request comment: github-token is empty");
  else if (body.length > MAX_COMMENT_LENGTH) {
    throw new Error(
      `the report has ${body.length} characters, more than a comment takes (${MAX_COMMENT_LENGTH})`,
    );
  } else {
    // `getOctokit` reads GITHUB_API_URL when @actions/github is loaded; read it now instead.
    const octokit = getOctokit(settings.githubToken, {
      baseUrl: env.GITHUB_API_URL || "https://api.github.com",
    });
    const marker = markdownMarker(reportId(settings.options));
    try {
      const posted = await upsertComment(octokit, target, marker, body);
      core.setOutput("comment-url", posted.url);
      core.info(`asset-diff: ${posted.created ? "created" : "updated"} the comment ${posted.url}`);
    } catch (error) {
      // The policy's verdict is reported too: the comment failing does not hide it.
      if (policyFailure !== undefined) core.error(policyFailure);
      throw error;
    }
  }

  if (policyFailure !== undefined) {
    core.error(policyFailure);
    return EXIT_CODES.policy;
  }
  return EXIT_CODES.ok;
}

/**
 * The pull request of the event (`pull_request` or `pull_request_target`), or why there is none
 * to comment on: another event, or a `pull_request` whose token cannot write (a fork's pull
 * request, or one Dependabot opened).
 */
function commentTarget(env: NodeJS.ProcessEnv): CommentTarget | string {
  const event = env.GITHUB_EVENT_NAME ?? "unknown";
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? "").split("/");
  const payload = githubEventPayload(env.GITHUB_EVENT_PATH);
  const pull = payload?.pull_request as
    | { number?: unknown; head?: { repo?: { full_name?: unknown } | null } }
    | undefined;
  if (typeof pull?.number !== "number") return `not a pull request (a ${event} event)`;
  if (!owner || !repo) return "GITHUB_REPOSITORY is not set";
  const head = pull.head?.repo?.full_name;
  if (event === "pull_request" && head !== `${owner}/${repo}`)
    return `a pull request from ${head ? `the fork ${head}` : "a deleted fork"} gets a read-only token`;
  if (event === "pull_request" && env.GITHUB_ACTOR === "dependabot[bot]")
    return "a pull request event of Dependabot gets a read-only token";
  return { owner, repo, issue: pull.number };
}

function writeLines(lines: string[]): void {
  for (const line of lines) process.stderr.write(`${line}\n`);
}

/** The CLI's error line as the step's error; its hint at `--help` concerns flags, not inputs. */
function cliFailure(code: number, lines: string[]): number {
  const shown = lines.filter((l) => !l.startsWith("Run 'asset-diff --help'"));
  const error = shown.pop() ?? `asset-diff: exited with ${code}`;
  writeLines(shown);
  core.error(error);
  return code;
}

/**
 * The step's error line for a failure of the action itself: its own errors and the runner's
 * file system (a Node.js system error, e.g. RUNNER_TEMP missing) are the environment's to fix
 * (exit 2); anything else is a bug (exit 70).
 */
function fail(error: unknown, secrets: string[]): number {
  const system =
    error instanceof Error && typeof (error as NodeJS.ErrnoException).syscall === "string";
  const message =
    isActionError(error) || system
      ? (error as Error).message
      : `internal error: ${error instanceof Error ? error.message : String(error)}`;
  const shown = secrets.reduce((text, secret) => text.split(secret).join("***"), message);
  core.error(`asset-diff: ${shown.replace(/\s*\n\s*/g, " ")}`);
  return isActionError(error) || system ? EXIT_CODES.usage : EXIT_CODES.internal;
}

function reportId(options: string[]): string | undefined {
  const at = options.indexOf("--report-id");
  return at === -1 ? undefined : options[at + 1];
}

function withoutFlag(options: string[], flag: string): string[] {
  const at = options.indexOf(flag);
  return at === -1 ? options : [...options.slice(0, at), ...options.slice(at + 2)];
}
