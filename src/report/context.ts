/**
 * What a report reflects, for its reader: the commit, the CI run and when it was made. The CLI
 * fills it from the CI's environment (GitHub Actions, GitLab CI) and its options; every field is
 * optional, and a report shows only what it is given.
 */
export interface ReportContext {
  /** The head commit the branch graph was built from (a full or short SHA). */
  commit?: string;
  /** A link to the commit's page, e.g. `https://github.com/OWNER/REPO/commit/SHA`. */
  commitUrl?: string;
  /** A link to the CI run that made the report. */
  runUrl?: string;
  /** When the report was made (ISO 8601). */
  generatedAt?: string;
}

/**
 * A commit as reports show it: a SHA (8 or more hexadecimal digits) as its first 7, anything
 * else (a tag, a ref) as it is.
 *
 * @example
 * shortCommit("4f2c9e1a7b3d5c8e9f0a1b2c3d4e5f6a7b8c9d0e"); // "4f2c9e1"
 */
export function shortCommit(commit: string): string {
  return /^[0-9a-f]{8,}$/i.test(commit) ? commit.slice(0, 7) : commit;
}
