/**
 * Errors of the GitHub Action's own steps (the CLI's are asset-diff errors and reach the step's
 * log as its one-line messages).
 */
export class ActionError extends Error {
  override name: string = "ActionError";
}

/** An input the action cannot use, e.g. `comment: maybe`. */
export class ActionInputError extends ActionError {
  override name = "ActionInputError" as const;
}

/** A GitHub REST API call failed: which call, its HTTP status when there was one, and why. */
export class GithubApiError extends ActionError {
  override name = "GithubApiError" as const;
  readonly status: number | undefined;

  constructor(what: string, status: number | undefined, reason: string, cause: unknown) {
    super(
      `cannot ${what}: ${status === undefined ? "" : `GitHub answered HTTP ${status}: `}${reason}`,
      { cause },
    );
    this.status = status;
  }
}

/** True for an error of the action's own steps. */
export function isActionError(error: unknown): error is ActionError {
  return (
    error instanceof Error &&
    (error.name === "ActionError" ||
      error.name === "ActionInputError" ||
      error.name === "GithubApiError")
  );
}
