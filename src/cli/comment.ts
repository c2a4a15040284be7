import { UsageError } from "../errors";
import { readInputText, STDIN_NAME } from "../load/read";
import { escapeControls } from "../report/text";
import {
  GITLAB_NOTE_MAX_LENGTH,
  type MergeRequestTarget,
  upsertMergeRequestNote,
} from "./gitlab-notes";

/**
 * `asset-diff comment <report>`: the Markdown report `diff --format markdown` wrote, posted as the
 * one note of the pipeline's merge request (GitLab), found again on every run by the marker on its
 * first line.
 */

/** The variable the GitLab access token is read from; a flag would show it in process lists and logs. */
export const GITLAB_TOKEN_VARIABLE = "ASSET_DIFF_GITLAB_TOKEN";

/** The values of `comment`'s options, as the parser returns them. */
export interface CommentValues {
  "gitlab-api"?: string | undefined;
  project?: string | undefined;
  "merge-request"?: string | undefined;
}

/** What `comment` reads besides its options. */
export interface CommentIo {
  stdin: AsyncIterable<Uint8Array | string>;
  env: Record<string, string | undefined>;
  fetch?: typeof globalThis.fetch | undefined;
}

/**
 * Posts or updates the note and returns the line the CLI prints, e.g.
 * `asset-diff: updated note 17 on merge request !42`.
 */
export async function commentOnMergeRequest(
  report: string,
  values: CommentValues,
  io: CommentIo,
  timeoutMs: number,
): Promise<string> {
  if (report === "") throw new UsageError("comment needs a <report> file, or - for stdin");
  const target = mergeRequestTarget(values, io.env);
  const shown = report === "-" ? STDIN_NAME : report;
  const body = (await readInputText(report, { stdin: io.stdin })).replace(/^\uFEFF/, "");
  const marker = reportMarker(body);
  if (marker === undefined) {
    throw new UsageError(
      `${shown}: is not an asset-diff Markdown report (its first line is not an <!-- asset-diff:report --> marker); write it with asset-diff diff --format markdown`,
    );
  }
  if (body.length > GITLAB_NOTE_MAX_LENGTH) {
    throw new UsageError(
      `${shown}: has ${body.length} characters, more than the ${GITLAB_NOTE_MAX_LENGTH} of a GitLab note; asset-diff diff --format markdown keeps a report far below that`,
    );
  }
  const result = await upsertMergeRequestNote(target, body, marker, {
    fetch: io.fetch ?? globalThis.fetch,
    timeoutMs,
  });
  const where = `merge request !${target.mergeRequest}`;
  const action =
    result.action === "unchanged"
      ? `note ${result.noteId} on ${where} is up to date`
      : `${result.action} note ${result.noteId} on ${where}`;
  return `asset-diff: ${action}\n`;
}

// --- internal ---

/** The marker `markdownMarker` writes: the default one, or one with a percent-encoded id. */
const MARKER = /^<!-- asset-diff:report(?::[^\s>]+)? -->$/;

/** The report's marker: its first line, when that is one. */
function reportMarker(body: string): string | undefined {
  const end = body.search(/\r?\n/);
  const first = (end === -1 ? body : body.slice(0, end)).trim();
  return MARKER.test(first) ? first : undefined;
}

/** The merge request from the options, else from GitLab CI's predefined variables. */
function mergeRequestTarget(
  values: CommentValues,
  env: Record<string, string | undefined>,
): MergeRequestTarget {
  const api = values["gitlab-api"] ?? env.CI_API_V4_URL;
  if (!api)
    throw new UsageError(
      "comment needs the GitLab API's address: --gitlab-api URL, or CI_API_V4_URL (set in GitLab CI)",
    );
  const project = values.project ?? env.CI_PROJECT_ID;
  if (!project)
    throw new UsageError(
      "comment needs the project: --project ID, or CI_PROJECT_ID (set in GitLab CI)",
    );
  const iid = values["merge-request"] ?? env.CI_MERGE_REQUEST_IID;
  if (!iid)
    throw new UsageError(
      'comment needs the merge request: --merge-request IID, or CI_MERGE_REQUEST_IID (set in merge request pipelines only: run the job with rules: - if: $CI_PIPELINE_SOURCE == "merge_request_event")',
    );
  if (!/^[1-9]\d{0,15}$/.test(iid))
    throw new UsageError(
      `the merge request must be its number (IID), e.g. 42; got ${JSON.stringify(escapeControls(iid))}`,
    );
  const token = env[GITLAB_TOKEN_VARIABLE];
  if (!token)
    throw new UsageError(
      `comment needs a GitLab access token with the api scope in ${GITLAB_TOKEN_VARIABLE} (a masked CI/CD variable); CI_JOB_TOKEN cannot post merge request notes`,
    );
  // GitLab's tokens are printable ASCII; anything else cannot travel in a header.
  if (!/^[\x21-\x7e]+$/.test(token))
    throw new UsageError(
      `${GITLAB_TOKEN_VARIABLE} must hold the token alone: printable characters, without spaces or line breaks`,
    );
  return { api, project, mergeRequest: Number(iid), token, tokenName: GITLAB_TOKEN_VARIABLE };
}
