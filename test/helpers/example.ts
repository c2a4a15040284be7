/**
 * The reference time the bundled example's reviewed reports list time-window partition keys up to,
 * so that its goldens read the same on every day they run (the CLI's `--partitions-as-of`).
 */
export const EXAMPLE_AS_OF = new Date("2026-12-01T00:00:00Z");

/** The same, as the CLI's option. */
export const EXAMPLE_AS_OF_ARGS = ["--partitions-as-of", "2026-12-01"] as const;
