import { z } from "zod";
import { validate } from "../errors";
import {
  type LifecycleEvent,
  type LifecycleEventType,
  refSchema,
  shaSchema,
  timestampSchema,
} from "./event";

/** Options of the payload parsers. */
export interface ParseEventOptions {
  /** Names the payload in error messages, e.g. a file name or a delivery id. */
  source?: string;
}

/**
 * Reads a GitHub `pull_request` webhook payload (the same JSON GitHub Actions writes to
 * `$GITHUB_EVENT_PATH`) into a {@link LifecycleEvent}. `opened`, `reopened`, `synchronize`
 * (→ `pushed`), `closed` (→ `merged` when `pull_request.merged`), `edited` with `changes.base`
 * (→ `retargeted`), `ready_for_review` and `converted_to_draft` are mapped; every other action is
 * `other`. Unknown fields are ignored; a payload missing what the lifecycle needs throws a
 * `ValidationError` with the JSON path of each problem.
 *
 * @example
 * const event = parseGitHubPullRequestEvent(JSON.parse(readFileSync(process.env.GITHUB_EVENT_PATH!, "utf8")));
 */
export function parseGitHubPullRequestEvent(
  payload: unknown,
  options: ParseEventOptions = {},
): LifecycleEvent {
  const event = validate(
    githubPullRequestEventSchema,
    payload,
    options.source ?? "GitHub pull_request event",
  );
  const { action, pull_request: pr, repository, changes, sender } = event;
  // `head.repo` is null once a fork is deleted; a payload without it is taken as same-repository.
  const fork = pr.head.repo !== undefined && pr.head.repo?.full_name !== repository.full_name;
  const forkOwner = pr.head.label?.split(":")[0] ?? pr.head.repo?.full_name.split("/")[0] ?? "fork";
  const previousBase = changes?.base?.ref.from ?? null;
  return {
    type: githubType(action, pr.merged === true, previousBase !== null),
    source: "github",
    action,
    repo: repository.full_name,
    branch: fork ? `${forkOwner}:${pr.head.ref}` : pr.head.ref,
    baseBranch: pr.base.ref,
    previousBaseBranch: previousBase,
    pullRequest: pr.number,
    pullRequestUrl: pr.html_url ?? null,
    headSha: pr.head.sha,
    // GitHub's `before` on `synchronize` is the previous head; other actions carry none.
    beforeSha: action === "synchronize" ? (event.before ?? null) : null,
    draft: pr.draft ?? false,
    at: pr.updated_at,
    author: pr.user ? { login: pr.user.login, name: null, email: null } : null,
    sender: sender?.login ?? null,
    commitMessage: null,
    mergeCommitSha: pr.merged === true ? (pr.merge_commit_sha ?? null) : null,
  };
}

/**
 * True when `payload` looks like a GitHub `pull_request` event (an `action` and a
 * `pull_request` object), before any validation.
 *
 * @example
 * if (looksLikeGitHubPullRequestEvent(body)) handle(parseGitHubPullRequestEvent(body));
 */
export function looksLikeGitHubPullRequestEvent(payload: unknown): boolean {
  return (
    typeof payload === "object" &&
    payload !== null &&
    "action" in payload &&
    "pull_request" in payload &&
    typeof payload.pull_request === "object" &&
    payload.pull_request !== null
  );
}

// --- internal ---

function githubType(action: string, merged: boolean, baseChanged: boolean): LifecycleEventType {
  switch (action) {
    case "opened":
      return "opened";
    case "reopened":
      return "reopened";
    case "synchronize":
      return "pushed";
    case "closed":
      return merged ? "merged" : "closed";
    case "edited":
      return baseChanged ? "retargeted" : "other";
    case "ready_for_review":
      return "ready_for_review";
    case "converted_to_draft":
      return "converted_to_draft";
    default:
      return "other";
  }
}

const user = z.object({ login: z.string() }).nullish();

const ref = z.object({
  ref: refSchema,
  sha: shaSchema,
  label: z.string().nullish(),
  // `null` when the fork was deleted.
  repo: z.object({ full_name: z.string() }).nullish(),
});

/** The part of GitHub's `pull_request` event the lifecycle reads; every other field is ignored. */
const githubPullRequestEventSchema = z.object({
  action: z.string(),
  pull_request: z.object({
    number: z.number().int().positive(),
    html_url: z.string().nullish(),
    state: z.string(),
    draft: z.boolean().nullish(),
    merged: z.boolean().nullish(),
    merge_commit_sha: shaSchema.nullish(),
    updated_at: timestampSchema,
    head: ref,
    base: ref,
    user,
  }),
  repository: z.object({ full_name: refSchema }),
  before: shaSchema.nullish(),
  changes: z.object({ base: z.object({ ref: z.object({ from: refSchema }) }).nullish() }).nullish(),
  sender: user,
});
