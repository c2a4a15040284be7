import definitions from "@octokit/webhooks-examples";

/**
 * GitHub's own `pull_request` webhook payloads, from the npm package `@octokit/webhooks-examples`
 * (api.github.com plus each GitHub Enterprise Server version it ships), and adaptations of them.
 *
 * GitHub ships one pull request (#2 of `Codertocat/Hello-World`, branch `changes` into `master`)
 * seen through many actions, all at head `ec26c3e…`, and no example of a merged close or of an
 * `edited` with a changed base. The adapters below `structuredClone` a real payload and change
 * only the fields a scenario needs (head sha, `before`/`after`, `updated_at`, merge and base
 * fields), each named in its doc comment; every other field stays as GitHub wrote it.
 */

/** The fields of a `pull_request` payload the adapters change. */
export interface GitHubPullRequestPayload {
  action: string;
  before?: string;
  after?: string;
  changes?: unknown;
  pull_request: {
    number: number;
    state: string;
    draft: boolean;
    updated_at: string;
    closed_at: string | null;
    merged: boolean | null;
    merged_at: string | null;
    merge_commit_sha: string | null;
    head: { ref: string; sha: string; label: string; repo: { full_name: string } | null };
    base: { ref: string; sha: string };
  };
  repository: { full_name: string };
}

interface Definition {
  name: string;
  examples: unknown[];
}

const hosts = ["api.github.com", "ghes-31", "ghes-32", "ghes-33", "ghes-34", "ghes-35"] as const;

/** Every `pull_request` example of the package, labelled by host and index, untouched. */
export async function allPullRequestExamples(): Promise<
  { label: string; payload: GitHubPullRequestPayload }[]
> {
  const all: { label: string; payload: GitHubPullRequestPayload }[] = [];
  for (const host of hosts) {
    const list =
      host === "api.github.com"
        ? (definitions as unknown as Definition[])
        : (
            (await import(`@octokit/webhooks-examples/${host}/index.json`)) as {
              default: Definition[];
            }
          ).default;
    const examples = list.find((d) => d.name === "pull_request")?.examples ?? [];
    examples.forEach((payload, i) => {
      const p = payload as GitHubPullRequestPayload;
      all.push({ label: `${host}#${i} ${p.action}`, payload: p });
    });
  }
  return all;
}

/** A deep copy of the first api.github.com `pull_request` example with this action. */
export function githubExample(action: string): GitHubPullRequestPayload {
  const list = definitions as unknown as Definition[];
  const examples = (list.find((d) => d.name === "pull_request")?.examples ??
    []) as GitHubPullRequestPayload[];
  const example = examples.find((e) => e.action === action);
  if (!example) throw new Error(`@octokit/webhooks-examples has no pull_request ${action} example`);
  return structuredClone(example);
}

/** The first example of another event (not a pull request), e.g. `issues`. */
export function otherGitHubExample(name: string): unknown {
  const list = definitions as unknown as Definition[];
  return structuredClone(list.find((d) => d.name === name)?.examples[0]);
}

/** The real head of GitHub's example pull request, and two later heads for scenarios. */
export const SHA = {
  /** The head in every example (`pull_request.head.sha`). */
  a: "ec26c3e57ca3a959ca5aad62de7213c562f8c821",
  b: "2a5b3f7c9d1e4f60718293a4b5c6d7e8f9012345",
  c: "3c6d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f809",
  /** The base sha of the examples (`pull_request.base.sha`, also their `before`). */
  base: "f95f852bd8fca8fcc58a9a2d6c842781e32a215e",
  merge: "4d8e1f2a3b4c5d6e7f8091a2b3c4d5e6f7a8b9c0",
} as const;

/** The real `opened` example; only `updated_at` changes, when given. */
export function opened(at?: string): GitHubPullRequestPayload {
  const payload = githubExample("opened");
  if (at) payload.pull_request.updated_at = at;
  return payload;
}

/**
 * The real `synchronize` example moved to another push: `before`, `after`, `pull_request.head.sha`
 * and `pull_request.updated_at`. (GitHub's example has `before` = the base sha; a real push has
 * the previous head there.)
 */
export function synchronize(before: string, after: string, at: string): GitHubPullRequestPayload {
  const payload = githubExample("synchronize");
  payload.before = before;
  payload.after = after;
  payload.pull_request.head.sha = after;
  payload.pull_request.updated_at = at;
  return payload;
}

/**
 * The real `closed` example at another head and time: `pull_request.head.sha`, `updated_at`,
 * `closed_at`; with `merged`, also `merged`, `merged_at` and `merge_commit_sha`, as GitHub sends
 * a merge (`action: "closed"`, `merged: true`).
 */
export function closed(
  head: string,
  at: string,
  options: { merged?: boolean } = {},
): GitHubPullRequestPayload {
  const payload = githubExample("closed");
  payload.pull_request.head.sha = head;
  payload.pull_request.updated_at = at;
  payload.pull_request.closed_at = at;
  if (options.merged) {
    payload.pull_request.merged = true;
    payload.pull_request.merged_at = at;
    payload.pull_request.merge_commit_sha = SHA.merge;
  }
  return payload;
}

/**
 * An `edited` event that changed the base branch, made from the real `opened` example: `action`,
 * `changes.base` (GitHub's documented shape: `{ ref: { from }, sha: { from } }`),
 * `pull_request.base.ref` and `updated_at`.
 */
export function retargeted(from: string, to: string, at: string): GitHubPullRequestPayload {
  const payload = githubExample("opened");
  payload.action = "edited";
  payload.changes = { base: { ref: { from }, sha: { from: SHA.base } } };
  payload.pull_request.base.ref = to;
  payload.pull_request.updated_at = at;
  return payload;
}
