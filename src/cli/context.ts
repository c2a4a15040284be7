import type { ReportContext } from "../report/context";
import { dagsterUiRoot } from "../report/links";
import { githubEventPayload } from "./github";

/**
 * What the reports of a run reflect: the head commit, the CI run and the time, from the options
 * (`--commit`, `--run-url`) or else the CI's environment:
 *
 * - GitHub Actions: the pull request's head commit (from the event payload at
 *   `GITHUB_EVENT_PATH`; `GITHUB_SHA` of a pull request event is a merge commit nobody pushed),
 *   else `GITHUB_SHA`; the run at `GITHUB_SERVER_URL/GITHUB_REPOSITORY/actions/runs/GITHUB_RUN_ID`
 *   (and its attempt).
 * - GitLab CI: `CI_MERGE_REQUEST_SOURCE_BRANCH_SHA`, else `CI_COMMIT_SHA`; the job at `CI_JOB_URL`,
 *   else the pipeline at `CI_PIPELINE_URL`; the commit at `CI_PROJECT_URL/-/commit/SHA`.
 *
 * The time is always given, to the reports that show it (a comment names when it was made).
 */
export function reportContextOf(
  env: Readonly<Record<string, string | undefined>>,
  options: { commit?: string | undefined; runUrl?: string | undefined; now: Date },
): ReportContext {
  const context: ReportContext = { generatedAt: options.now.toISOString() };
  const github = env.GITHUB_ACTIONS === "true";
  const gitlab = env.GITLAB_CI === "true";
  const commit =
    options.commit ??
    (github ? (pullRequestHead(env.GITHUB_EVENT_PATH) ?? env.GITHUB_SHA) : undefined) ??
    (gitlab ? env.CI_MERGE_REQUEST_SOURCE_BRANCH_SHA || env.CI_COMMIT_SHA : undefined);
  if (commit) {
    context.commit = commit;
    const repository = github && env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY;
    const url = repository
      ? `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/commit/${encodeURIComponent(commit)}`
      : gitlab && env.CI_PROJECT_URL
        ? `${env.CI_PROJECT_URL}/-/commit/${encodeURIComponent(commit)}`
        : undefined;
    const safe = url === undefined ? undefined : dagsterUiRoot(url);
    if (safe !== undefined) context.commitUrl = safe;
  }
  const run =
    options.runUrl ??
    (github && env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID
      ? `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}${
          env.GITHUB_RUN_ATTEMPT && env.GITHUB_RUN_ATTEMPT !== "1"
            ? `/attempts/${env.GITHUB_RUN_ATTEMPT}`
            : ""
        }`
      : undefined) ??
    (gitlab ? env.CI_JOB_URL || env.CI_PIPELINE_URL : undefined);
  if (run) {
    // Shown only as an http(s) link without credentials.
    const safe = dagsterUiRoot(run);
    if (safe !== undefined) context.runUrl = safe;
  }
  return context;
}

/** The head commit of the pull request a GitHub event is about; undefined for other events. */
function pullRequestHead(path: string | undefined): string | undefined {
  const pull = githubEventPayload(path)?.pull_request as { head?: { sha?: unknown } } | undefined;
  const sha = pull?.head?.sha;
  return typeof sha === "string" && sha !== "" ? sha : undefined;
}
