import { z } from "zod";
import { validate } from "../errors";
import { canonicalTime } from "./_time";

/**
 * What happened to a pull request (or merge request, or plain branch), in one shape whatever the
 * platform. The single source for {@link LifecycleEventType}:
 * - `opened`, `reopened`: the pull request was opened or reopened;
 * - `pushed`: its head moved (GitHub `synchronize`, GitLab `update` with `oldrev`, a git push);
 * - `closed`, `merged`: closed without or with merging;
 * - `retargeted`: its base branch changed (GitHub `edited` with `changes.base`, GitLab `update`
 *   with `changes.target_branch`);
 * - `ready_for_review`, `converted_to_draft`: its draft flag changed;
 * - `other`: anything else (labels, assignees, approvals, title edits): never deploys anything.
 */
export const LIFECYCLE_EVENT_TYPES = [
  "opened",
  "pushed",
  "reopened",
  "closed",
  "merged",
  "retargeted",
  "ready_for_review",
  "converted_to_draft",
  "other",
] as const;

/** One of {@link LIFECYCLE_EVENT_TYPES}. */
export type LifecycleEventType = (typeof LIFECYCLE_EVENT_TYPES)[number];

/** Where an event came from; the single source for {@link EventSource}. */
export const EVENT_SOURCES = ["github", "gitlab", "git"] as const;

/** One of {@link EVENT_SOURCES}. */
export type EventSource = (typeof EVENT_SOURCES)[number];

/** Who wrote the change, as far as the event tells; `null` where it does not. */
export interface EventAuthor {
  /** The platform user name (GitHub login, GitLab username). */
  login: string | null;
  name: string | null;
  email: string | null;
}

/**
 * A lifecycle event: plain JSON data (absent values are `null`), built by
 * {@link parseLifecycleEvent} from a webhook payload or by {@link eventFromGit} from git facts.
 */
export interface LifecycleEvent {
  type: LifecycleEventType;
  source: EventSource;
  /** The platform's own action, e.g. `synchronize` or `update`. */
  action: string;
  /** `owner/name` (GitHub), `group/project` (GitLab), or as given. */
  repo: string;
  /**
   * The branch the deployment is for: the head branch, prefixed with the fork's `owner:` (GitHub)
   * or `group/project:` (GitLab) when the pull request comes from a fork, so that a fork's
   * `main` is never the repository's `main`.
   */
  branch: string;
  /** The branch the pull request merges into. */
  baseBranch: string | null;
  /** On `retargeted`: the base branch before the change. */
  previousBaseBranch: string | null;
  /** The pull request number (GitLab: the merge request `iid`). */
  pullRequest: number | null;
  pullRequestUrl: string | null;
  /** The head commit after the event (lower-case hex). */
  headSha: string;
  /** On `pushed`: the head before the push (GitHub `before`, GitLab `oldrev`), when known. */
  beforeSha: string | null;
  draft: boolean;
  /**
   * When the platform recorded the event (GitHub `pull_request.updated_at`, GitLab
   * `object_attributes.updated_at`), canonical ISO-8601 UTC: the key that orders events.
   */
  at: string | null;
  author: EventAuthor | null;
  /** The user who triggered the event. */
  sender: string | null;
  commitMessage: string | null;
  /** On `merged`: the merge commit, when known. */
  mergeCommitSha: string | null;
}

/** Git facts for {@link eventFromGit}: what any CI system (or a laptop) knows about a push. */
export interface GitFacts {
  repo: string;
  branch: string;
  headSha: string;
  /** Default `pushed`. */
  type?: Exclude<LifecycleEventType, "other"> | undefined;
  /** When it happened: an ISO-8601 text with a zone, a `Date` or epoch milliseconds. */
  at?: string | Date | number | undefined;
  /** A name, or parts of the author. */
  author?: string | Partial<EventAuthor> | undefined;
  message?: string | undefined;
  baseBranch?: string | undefined;
  previousBaseBranch?: string | undefined;
  pullRequest?: number | undefined;
  pullRequestUrl?: string | undefined;
  beforeSha?: string | undefined;
  draft?: boolean | undefined;
}

/**
 * Builds an event from plain git facts (repository, branch, head sha, author, message, time),
 * for local use and CI systems other than GitHub and GitLab. Throws a `ValidationError` naming
 * each bad fact.
 *
 * @example
 * const event = eventFromGit({
 *   repo: "acme/data", branch: "feature-1", headSha: "4b825dc642cb6eb9a060e54bf8d69288fbee4904",
 *   author: "Ada", message: "Add orders", at: "2024-05-01T10:00:00Z",
 * });
 */
export function eventFromGit(facts: GitFacts): LifecycleEvent {
  const f = validate(gitFactsSchema, facts, "git facts");
  const type = f.type ?? "pushed";
  const author =
    f.author === undefined
      ? null
      : typeof f.author === "string"
        ? { login: null, name: f.author, email: null }
        : {
            login: f.author.login ?? null,
            name: f.author.name ?? null,
            email: f.author.email ?? null,
          };
  return {
    type,
    source: "git",
    action: type,
    repo: f.repo,
    branch: f.branch,
    baseBranch: f.baseBranch ?? null,
    previousBaseBranch: f.previousBaseBranch ?? null,
    pullRequest: f.pullRequest ?? null,
    pullRequestUrl: f.pullRequestUrl ?? null,
    headSha: f.headSha,
    beforeSha: f.beforeSha ?? null,
    draft: f.draft ?? false,
    at: f.at ?? null,
    author,
    sender: author?.login ?? author?.name ?? null,
    commitMessage: f.message ?? null,
    mergeCommitSha: null,
  };
}

// --- internal ---

/** A commit id: 7 to 64 hex digits (abbreviated, SHA-1 or SHA-256), lower-cased. */
export const shaSchema = z
  .string()
  .regex(/^[0-9a-f]{7,64}$/i, "expected a commit sha (7 to 64 hex digits)")
  .transform((sha) => sha.toLowerCase());

/** A branch or repository name: git forbids NUL in refs, and an empty one names nothing. */
export const refSchema = z
  .string()
  .min(1, "expected a non-empty name")
  .refine((s) => !s.includes("\u0000"), "a NUL byte cannot be part of a git name");

/** A timestamp text (ISO-8601 with a zone, or GitLab's `… UTC`), made canonical. */
export const timestampSchema = z.string().transform((text, ctx) => {
  const time = canonicalTime(text);
  if (time === null) {
    ctx.addIssue({ code: "custom", message: "expected an ISO-8601 timestamp with a time zone" });
    return z.NEVER;
  }
  return time;
});

const gitTime = z.union([z.string(), z.date(), z.number()]).transform((value, ctx) => {
  const time = canonicalTime(value);
  if (time === null) {
    ctx.addIssue({ code: "custom", message: "expected an ISO-8601 timestamp with a time zone" });
    return z.NEVER;
  }
  return time;
});

const optionalText = z.string().optional();

const gitFactsSchema = z.object({
  repo: refSchema,
  branch: refSchema,
  headSha: shaSchema,
  type: z.enum(LIFECYCLE_EVENT_TYPES).exclude(["other"]).optional(),
  at: gitTime.optional(),
  author: z
    .union([
      z.string(),
      z.object({
        login: z.string().nullish(),
        name: z.string().nullish(),
        email: z.string().nullish(),
      }),
    ])
    .optional(),
  message: optionalText,
  baseBranch: refSchema.optional(),
  previousBaseBranch: refSchema.optional(),
  pullRequest: z.number().int().positive().optional(),
  pullRequestUrl: optionalText,
  beforeSha: shaSchema.optional(),
  draft: z.boolean().optional(),
});
