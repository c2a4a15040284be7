/** Exit codes of the CLI. */
export const EXIT_CODES = {
  /** Success. */
  ok: 0,
  /**
   * A `--fail-on` policy failed, or a code location of the branch did not load (without
   * `--allow-failed-locations`); the report was still written.
   */
  policy: 1,
  /** Bad usage or bad input. */
  usage: 2,
  /** A bug in asset-diff. */
  internal: 70,
} as const;

/** What each exit code means, as the help says it. */
export const EXIT_CODE_MEANINGS = {
  ok: "success",
  policy: "a gate failed",
  usage: "bad usage or input",
  internal: "internal error",
} as const satisfies Record<keyof typeof EXIT_CODES, string>;
