/**
 * The time a setup or teardown hook that starts something (an SQL engine, a parser, a build, a
 * server, a run of the CLI) may take. Generous on purpose: on a loaded 2-core machine starting
 * PGlite or DuckDB alone takes longer than vitest's default 10 s hook timeout. A hook that hangs
 * still fails, only later; what the tests assert does not change.
 */
export const SETUP_TIMEOUT_MS = 120_000;
