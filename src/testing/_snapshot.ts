import { UsageError } from "../errors";
import {
  type AssetGraphMatcherContext,
  type AssetGraphMatcherResult,
  contextField,
  isVitestContext,
  matcherUtils,
} from "./_context";

/**
 * Matches text against the running test's stored snapshot through the framework's own snapshot
 * state (`this.snapshotState`), which vitest and jest both put on the matcher context with the
 * same `match({ testName, received, ... })` method: the snapshot is named, counted, stored,
 * written (`-u`, or new outside CI), reported obsolete and summarized exactly as one of the
 * framework's own `toMatchSnapshot` calls.
 */
export function matchSnapshot(
  context: AssetGraphMatcherContext,
  received: unknown,
  options: { matcherName: string; hint?: string | undefined },
): AssetGraphMatcherResult {
  const { matcherName, hint } = options;
  if (context.isNot) throw new UsageError(`${matcherName} cannot be used with .not`);
  const state = context.snapshotState as SnapshotStateLike | null | undefined;
  if (typeof state?.match !== "function") {
    throw new UsageError(
      `${matcherName} needs a snapshot state on the matcher context: call it inside a vitest or jest test, after expect.extend(assetGraphMatchers)`,
    );
  }
  const testFailing = contextField(context, "testFailing") === true;
  // As jest's own snapshot matchers: report every failed snapshot of a test, not the first only.
  const dontThrow = contextField(context, "dontThrow");
  if (!testFailing && typeof dontThrow === "function") dontThrow();
  const vitest = isVitestContext(context);
  const concurrentName = contextField(context, "currentConcurrentTestName");
  const currentName =
    (typeof concurrentName === "function" ? (concurrentName() as string | undefined) : undefined) ??
    context.currentTestName ??
    "";
  // Each framework joins a hint to the test name its own way; keep to it so keys look native.
  const testName = hint ? `${currentName}${vitest ? " > " : ": "}${hint}` : currentName;
  const testIdentity = contextField(context, "currentTestIdentity");
  const task = contextField(context, "task") as { id?: unknown } | undefined;
  const result = state.match({
    testName,
    received,
    isInline: false,
    // jest
    error: contextField(context, "error"),
    testFailing,
    testIdentity: typeof testIdentity === "function" ? testIdentity() : undefined,
    // vitest
    testId: typeof task?.id === "string" ? task.id : testName,
    assertionName: matcherName,
  });
  if (result.pass) return { pass: true, message: () => "" };

  const utils = matcherUtils(context);
  const name = result.key ?? `${testName} ${result.count ?? 1}`;
  const head = `${utils.matcherHint(matcherName, "received", hint ? "hint" : "")}\n\n`;
  if (result.expected === undefined || result.expected === null) {
    return {
      pass: false,
      message: () =>
        `${head}Snapshot ${utils.BOLD_WEIGHT(`\`${name}\``)} is not stored, and new snapshots are not written in CI (or with --ci): run the tests with -u to write it.\n\nReceived:\n${utils.RECEIVED_COLOR(result.actual ?? "")}`,
      actual: result.actual,
    };
  }
  const expected = result.expected;
  const actual = result.actual ?? "";
  return {
    pass: false,
    // vitest prints the diff of `expected` and `actual` itself; jest prints only the message.
    message: () =>
      `${head}Snapshot ${utils.BOLD_WEIGHT(`\`${name}\``)} mismatched${
        vitest
          ? ""
          : `\n\n${
              utils.diff(expected, actual, {
                aAnnotation: "Snapshot",
                bAnnotation: "Received",
                includeChangeCounts: true,
                expand: (state as { expand?: unknown }).expand === true,
              }) ?? `Snapshot:\n${expected}\n\nReceived:\n${actual}`
            }`
      }`,
    actual,
    expected,
  };
}

/**
 * The text as a value the frameworks' snapshot printer (pretty-format) stores bare, without the
 * quotes of a string: an asymmetric matcher for the text, which pretty-format prints through its
 * built-in plugin as what `toAsymmetricMatcher()` returns. A snapshot so stored is the same as
 * the serializer's: `toMatchAssetGraphSnapshot()` and `toMatchSnapshot()` with the serializer
 * registered write the same entry.
 */
export function bareText(text: string): object {
  return {
    $$typeof: Symbol.for("jest.asymmetricMatcher"),
    asymmetricMatch: (other: unknown) => other === text,
    toString: () => "AssetGraphText",
    toAsymmetricMatcher: () => text,
  };
}

// --- internal ---

/** What `SnapshotState#match` returns in both frameworks. */
interface SnapshotMatch {
  pass: boolean;
  actual?: string;
  expected?: string | null;
  key?: string;
  count?: number;
}

interface SnapshotStateLike {
  match(options: Record<string, unknown>): SnapshotMatch;
}
