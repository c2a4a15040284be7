// The `expect.extend` protocol that vitest and jest share, typed loosely enough that both
// frameworks' matcher contexts are assignable to it, with fallbacks for what may be missing.

/**
 * The part of a matcher's `this` (the `expect.extend` matcher context) that the asset-graph
 * matchers read. Vitest's and jest's contexts both fit it; the frameworks' own snapshot state and
 * test identity are read at run time through `snapshotState` and friends.
 *
 * @example
 * // Calling a matcher outside a framework, e.g. to check a message:
 * const context: AssetGraphMatcherContext = { isNot: false };
 * assetGraphMatchers.toHaveAssetChanges.call(context, branch, base).message();
 */
export interface AssetGraphMatcherContext {
  /** True under `.not`. */
  isNot?: boolean | undefined;
  /** The framework's matcher utilities (`matcherHint`, colours, `diff`). */
  utils?: unknown;
  /** The framework's snapshot state for the running test file. */
  snapshotState?: unknown;
  /** The running test's full name. */
  currentTestName?: string | undefined;
}

/**
 * What a matcher returns, in the shape both frameworks read.
 *
 * @example
 * const { pass, message } = assetGraphMatchers.toHaveAssetChanges.call({}, branch, base);
 * if (!pass) console.log(message());
 */
export interface AssetGraphMatcherResult {
  pass: boolean;
  message: () => string;
  /** The received value, for reporters that show a diff. */
  actual?: unknown;
  /** The expected value, for reporters that show a diff. */
  expected?: unknown;
}

/** The matcher utilities used here; both frameworks provide them under `this.utils`. */
export interface MatcherUtils {
  matcherHint(
    matcherName: string,
    received?: string,
    expected?: string,
    options?: { isNot?: boolean; secondArgument?: string; promise?: string },
  ): string;
  EXPECTED_COLOR(text: string): string;
  RECEIVED_COLOR(text: string): string;
  DIM_COLOR(text: string): string;
  BOLD_WEIGHT(text: string): string;
  diff(a: unknown, b: unknown, options?: Record<string, unknown>): string | null | undefined;
}

/**
 * The context's utilities, each falling back to plain text when absent (a matcher called
 * directly, or by a framework that provides fewer).
 */
export function matcherUtils(context: AssetGraphMatcherContext): MatcherUtils {
  const given = (
    typeof context.utils === "object" && context.utils !== null ? context.utils : {}
  ) as Partial<MatcherUtils>;
  const plain = (text: string) => text;
  return {
    matcherHint: bound(given.matcherHint, given) ?? fallbackHint,
    EXPECTED_COLOR: bound(given.EXPECTED_COLOR, given) ?? plain,
    RECEIVED_COLOR: bound(given.RECEIVED_COLOR, given) ?? plain,
    DIM_COLOR: bound(given.DIM_COLOR, given) ?? plain,
    BOLD_WEIGHT: bound(given.BOLD_WEIGHT, given) ?? plain,
    diff: bound(given.diff, given) ?? (() => undefined),
  };
}

/** A field of the context that is not part of the shared protocol (read defensively). */
export function contextField(context: AssetGraphMatcherContext, name: string): unknown {
  return (context as Record<string, unknown>)[name];
}

/**
 * True inside vitest, whose context carries the chai assertion and the running task; jest's
 * carries neither. The two differ in how they name hinted snapshots and show diffs.
 */
export function isVitestContext(context: AssetGraphMatcherContext): boolean {
  return (
    contextField(context, "assertion") !== undefined || contextField(context, "task") !== undefined
  );
}

// --- internal ---

// biome-ignore lint/suspicious/noExplicitAny: binds any utility function as given
function bound<F extends (...args: any[]) => unknown>(
  fn: F | undefined,
  self: object,
): F | undefined {
  return typeof fn === "function" ? (fn.bind(self) as F) : undefined;
}

function fallbackHint(
  matcherName: string,
  received = "received",
  expected = "expected",
  options: { isNot?: boolean; secondArgument?: string } = {},
): string {
  const args = [expected, options.secondArgument].filter((a) => a !== undefined && a !== "");
  return `expect(${received})${options.isNot ? ".not" : ""}.${matcherName}(${args.join(", ")})`;
}
