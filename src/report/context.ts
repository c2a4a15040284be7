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
