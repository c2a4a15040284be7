import { z } from "zod";
import { validate } from "../errors";
import {
  type LifecycleEvent,
  type LifecycleEventType,
  refSchema,
  shaSchema,
  timestampSchema,
} from "./event";
import type { ParseEventOptions } from "./github";

/**
 * Reads a GitLab merge request webhook payload (`object_kind: "merge_request"`, header
 * `X-Gitlab-Event: Merge Request Hook`) into a {@link LifecycleEvent}. `object_attributes.action`
 * `open`, `reopen`, `close` and `merge` map to `opened`, `reopened`, `closed` and `merged`;
 * `update` maps to `pushed` when it carries `oldrev` (new commits), to `retargeted` when
 * `changes.target_branch` is present, to `ready_for_review` / `converted_to_draft` when
 * `changes.draft` is; approvals and every other update are `other`. Timestamps in GitLab's
 * `2013-12-03 17:23:34 UTC` form are accepted. A bad payload throws a `ValidationError` with the
 * JSON path of each problem.
 *
 * @example
 * const event = parseGitLabMergeRequestEvent(await request.json(), { source: "gitlab webhook" });
 */
export function parseGitLabMergeRequestEvent(
  payload: unknown,
  options: ParseEventOptions = {},
): LifecycleEvent {
  const {
    object_attributes: mr,
    project,
    changes,
    user,
  } = validate(
    gitlabMergeRequestEventSchema,
    payload,
    options.source ?? "GitLab merge request event",
  );
  const action = mr.action ?? "update";
  const fork =
    mr.source_project_id != null &&
    mr.target_project_id != null &&
    mr.source_project_id !== mr.target_project_id;
  const forkPath = mr.source?.path_with_namespace ?? `project-${mr.source_project_id}`;
  const draft = mr.draft ?? mr.work_in_progress ?? false;
  const commitAuthor = mr.last_commit.author;
  return {
    type: gitlabType(action, {
      pushed: mr.oldrev != null,
      retargeted: changes?.target_branch != null,
      draftChanged: changes?.draft != null,
      draft,
    }),
    source: "gitlab",
    action,
    repo: project.path_with_namespace,
    branch: fork ? `${forkPath}:${mr.source_branch}` : mr.source_branch,
    baseBranch: mr.target_branch,
    previousBaseBranch: changes?.target_branch?.previous ?? null,
    pullRequest: mr.iid,
    pullRequestUrl: mr.url ?? null,
    headSha: mr.last_commit.id,
    beforeSha: mr.oldrev ?? null,
    draft,
    at: mr.updated_at,
    author: commitAuthor
      ? { login: null, name: commitAuthor.name ?? null, email: commitAuthor.email ?? null }
      : null,
    sender: user?.username ?? null,
    commitMessage: mr.last_commit.message ?? null,
    mergeCommitSha: action === "merge" ? (mr.merge_commit_sha ?? null) : null,
  };
}

/**
 * True when `payload` looks like a GitLab merge request event (`object_kind: "merge_request"`),
 * before any validation.
 *
 * @example
 * if (looksLikeGitLabMergeRequestEvent(body)) handle(parseGitLabMergeRequestEvent(body));
 */
export function looksLikeGitLabMergeRequestEvent(payload: unknown): boolean {
  return (
    typeof payload === "object" &&
    payload !== null &&
    "object_kind" in payload &&
    payload.object_kind === "merge_request"
  );
}

// --- internal ---

function gitlabType(
  action: string,
  update: { pushed: boolean; retargeted: boolean; draftChanged: boolean; draft: boolean },
): LifecycleEventType {
  switch (action) {
    case "open":
      return "opened";
    case "reopen":
      return "reopened";
    case "close":
      return "closed";
    case "merge":
      return "merged";
    case "update":
      if (update.pushed) return "pushed";
      if (update.retargeted) return "retargeted";
      if (update.draftChanged) return update.draft ? "converted_to_draft" : "ready_for_review";
      return "other";
    default:
      return "other";
  }
}

const change = <T extends z.ZodType>(value: T) =>
  z.object({ previous: value.nullish(), current: value.nullish() }).nullish();

/** The part of GitLab's merge request event the lifecycle reads; every other field is ignored. */
const gitlabMergeRequestEventSchema = z.object({
  object_kind: z.literal("merge_request"),
  user: z.object({ username: z.string().nullish() }).nullish(),
  project: z.object({ path_with_namespace: refSchema }),
  object_attributes: z.object({
    iid: z.number().int().positive(),
    source_branch: refSchema,
    target_branch: refSchema,
    source_project_id: z.number().int().nullish(),
    target_project_id: z.number().int().nullish(),
    source: z.object({ path_with_namespace: z.string() }).nullish(),
    state: z.string().nullish(),
    // Payloads from before GitLab 8.x carry no action; they are updates.
    action: z.string().nullish(),
    updated_at: timestampSchema,
    url: z.string().nullish(),
    draft: z.boolean().nullish(),
    work_in_progress: z.boolean().nullish(),
    oldrev: shaSchema.nullish(),
    merge_commit_sha: shaSchema.nullish(),
    last_commit: z.object({
      id: shaSchema,
      message: z.string().nullish(),
      author: z.object({ name: z.string().nullish(), email: z.string().nullish() }).nullish(),
    }),
  }),
  changes: z.object({ target_branch: change(z.string()), draft: change(z.boolean()) }).nullish(),
});
