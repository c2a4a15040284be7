import { type InputIssue, isInputError, UnknownFormatError } from "../errors";
import type { LifecycleEvent } from "./event";
import {
  looksLikeGitHubPullRequestEvent,
  type ParseEventOptions,
  parseGitHubPullRequestEvent,
} from "./github";
import { looksLikeGitLabMergeRequestEvent, parseGitLabMergeRequestEvent } from "./gitlab";

/**
 * Reads a GitHub `pull_request` or GitLab merge request payload, whichever it is, into a
 * {@link LifecycleEvent}. Throws an `UnknownFormatError` for any other JSON and a
 * `ValidationError` (with JSON paths) for a recognised payload of the wrong shape.
 *
 * @example
 * const event = parseLifecycleEvent(JSON.parse(body), { source: `delivery ${deliveryId}` });
 */
export function parseLifecycleEvent(
  payload: unknown,
  options: ParseEventOptions = {},
): LifecycleEvent {
  if (looksLikeGitLabMergeRequestEvent(payload)) {
    return parseGitLabMergeRequestEvent(payload, options);
  }
  if (looksLikeGitHubPullRequestEvent(payload)) {
    return parseGitHubPullRequestEvent(payload, options);
  }
  throw new UnknownFormatError(
    options.source,
    "expected a GitHub pull_request event or a GitLab merge request event",
  );
}

/** The outcome of {@link safeParseLifecycleEvent}. */
export type SafeParseEventResult =
  | { ok: true; value: LifecycleEvent }
  | { ok: false; issues: readonly InputIssue[]; message: string };

/**
 * Like {@link parseLifecycleEvent}, but returns the problems instead of throwing them, for a
 * webhook receiver that answers every delivery.
 *
 * @example
 * const result = safeParseLifecycleEvent(body);
 * if (!result.ok) return new Response(result.message, { status: 422 });
 */
export function safeParseLifecycleEvent(
  payload: unknown,
  options: ParseEventOptions = {},
): SafeParseEventResult {
  try {
    return { ok: true, value: parseLifecycleEvent(payload, options) };
  } catch (error) {
    if (isInputError(error)) return { ok: false, issues: error.issues, message: error.message };
    throw error;
  }
}
