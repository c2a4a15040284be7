import type { getOctokit } from "@actions/github";
import { GithubApiError } from "./errors";

/** The REST client of `@actions/github`. */
export type Octokit = ReturnType<typeof getOctokit>;

/** The pull request a comment goes on. */
export interface CommentTarget {
  owner: string;
  repo: string;
  /** The pull request's number (its issue number). */
  issue: number;
}

/** What {@link upsertComment} did. */
export interface UpsertedComment {
  id: number;
  url: string;
  created: boolean;
}

/** GitHub refuses comment bodies longer than this many characters. */
export const MAX_COMMENT_LENGTH = 65_536;

/**
 * Creates the report's comment on the pull request, or updates the one posted before: the first
 * comment whose body starts with `marker` and whose author is this token's (the user of a
 * personal token; a bot, such as `github-actions[bot]`, for an app's or the job's token, which
 * cannot look itself up). A person quoting the marker therefore cannot capture the update.
 */
export async function upsertComment(
  octokit: Octokit,
  target: CommentTarget,
  marker: string,
  body: string,
): Promise<UpsertedComment> {
  const { owner, repo, issue } = target;
  const author = await authenticatedLogin(octokit);
  const comments = await call("list the pull request's comments", () =>
    octokit.paginate(octokit.rest.issues.listComments, {
      owner,
      repo,
      issue_number: issue,
      per_page: 100,
    }),
  );
  const ours = comments.find(
    (c) =>
      c.body?.startsWith(marker) &&
      (author === undefined ? c.user?.type === "Bot" : c.user?.login === author),
  );
  if (ours) {
    const { data } = await call("update the pull-request comment", () =>
      octokit.rest.issues.updateComment({ owner, repo, comment_id: ours.id, body }),
    );
    return { id: data.id, url: data.html_url, created: false };
  }
  const { data } = await call("create the pull-request comment", () =>
    octokit.rest.issues.createComment({ owner, repo, issue_number: issue, body }),
  );
  return { id: data.id, url: data.html_url, created: true };
}

// --- internal ---

/**
 * The login of a user's token; undefined for an installation token (the job's `GITHUB_TOKEN` or
 * an app's), which GitHub refuses `GET /user` with HTTP 403.
 */
async function authenticatedLogin(octokit: Octokit): Promise<string | undefined> {
  try {
    return (await octokit.rest.users.getAuthenticated()).data.login;
  } catch (error) {
    if (statusOf(error) === 403) return undefined;
    throw apiError("identify the token's user", error);
  }
}

async function call<T>(what: string, request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    throw apiError(what, error);
  }
}

function apiError(what: string, error: unknown): GithubApiError {
  const status = statusOf(error);
  const data = (error as { response?: { data?: unknown } }).response?.data;
  const message =
    typeof data === "object" &&
    data !== null &&
    typeof (data as { message?: unknown }).message === "string"
      ? (data as { message: string }).message
      : error instanceof Error
        ? error.message
        : String(error);
  // A network failure reaches octokit's RequestError as status 500 without a response.
  return new GithubApiError(what, data === undefined ? undefined : status, message, error);
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown }).status;
  return typeof status === "number" ? status : undefined;
}
