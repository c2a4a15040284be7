import type { ChangeSet, MissingLocationsMode } from "../diff/change-set";
import type { ChangeType, ChangeTypeMode } from "../diff/change-types";
import { type DiffOptions, diffAssetGraphs } from "../diff/diff";
import { UsageError } from "../errors";
import { parseAssetGraph } from "../load/index";
import type { AssetGraph } from "../model/asset";
import { renderText, summaryLine } from "../report/text";
import {
  type ChangeMismatch,
  compareChanges,
  type ExpectedAssetChanges,
  foundChanges,
  labelsFor,
} from "./_changes";
import {
  type AssetGraphMatcherContext,
  type AssetGraphMatcherResult,
  type MatcherUtils,
  matcherUtils,
} from "./_context";
import { bareText, matchSnapshot } from "./_snapshot";
import { type FormatAssetGraphOptions, formatAssetGraph } from "./format";
import { isAssetGraph } from "./serializer";

/**
 * Options of `toHaveAssetChanges`: how the base and the received graph are compared.
 *
 * @example
 * expect(branch).toHaveAssetChanges(base, { "raw/orders": ["TAGS"] }, { codeLocation: "ingestion", changeTypes: "dagster" });
 */
export interface AssetChangesOptions {
  /**
   * `all` (default): Dagster's change types and asset-diff's extra ones (`GROUP`, `OWNERS`...),
   * so an expectation lists every kind of change; `dagster`: Dagster's seven only.
   */
  changeTypes?: ChangeTypeMode;
  /** Compare only this code location, as Dagster's branch deployments do. */
  codeLocation?: string;
  /**
   * A code location in the base but not in the received graph: `skip` (default, as Dagster) or
   * `removed` (each of its assets is REMOVED).
   */
  missingLocations?: MissingLocationsMode;
}

/**
 * Options of `toMatchAssetGraphSnapshot`: the text options plus a hint naming the snapshot.
 *
 * @example
 * expect(graph).toMatchAssetGraphSnapshot({ hint: "prod", omitMetadata: ["dagster/row_count"] });
 */
export interface AssetGraphSnapshotOptions extends FormatAssetGraphOptions {
  /** Added to the snapshot's name, as the hint of `toMatchSnapshot(hint)`. */
  hint?: string;
}

/**
 * Defaults of the matchers made by {@link createAssetGraphMatchers}; per-call options win.
 *
 * @example
 * const options: AssetGraphMatchersOptions = {
 *   format: { omitMetadata: ["dagster/row_count"] },
 *   changes: { changeTypes: "dagster" },
 * };
 * expect.extend(createAssetGraphMatchers(options));
 */
export interface AssetGraphMatchersOptions {
  /** Text options of `toMatchAssetGraphSnapshot`. */
  format?: FormatAssetGraphOptions;
  /** Comparison options of `toHaveAssetChanges`. */
  changes?: AssetChangesOptions;
}

/**
 * The matchers as seen on `expect(received)`, for declaration merging with the framework's own
 * matcher interface (see docs/testing.md); `R` is what a matcher returns there.
 *
 * @example
 * declare module "vitest" {
 *   interface Matchers<T = any> extends AssetGraphMatchers<T> {}
 * }
 */
export interface AssetGraphMatchers<R = void> {
  /**
   * Snapshot-tests an asset graph (or any document `parseAssetGraph` reads) as the text of
   * `formatAssetGraph`, in the framework's snapshot file; a string argument is a hint.
   */
  toMatchAssetGraphSnapshot(options?: AssetGraphSnapshotOptions | string): R;
  /**
   * Passes when the changes from `base` to the received graph are exactly `expected` (asset →
   * change types); without `expected`, when anything changed (so `.not` asserts no change).
   */
  toHaveAssetChanges(
    base: unknown,
    expected?: ExpectedAssetChanges,
    options?: AssetChangesOptions,
  ): R;
}

/**
 * The matcher functions that `expect.extend` takes, in the protocol vitest and jest share
 * (`this.isNot`, `this.utils`, `this.snapshotState`; `{ pass, message }` returned).
 *
 * @example
 * const matchers: AssetGraphMatcherFunctions = createAssetGraphMatchers();
 * expect.extend(matchers);
 */
export type AssetGraphMatcherFunctions = {
  toMatchAssetGraphSnapshot(
    this: AssetGraphMatcherContext,
    received: unknown,
    options?: AssetGraphSnapshotOptions | string,
  ): AssetGraphMatcherResult;
  toHaveAssetChanges(
    this: AssetGraphMatcherContext,
    received: unknown,
    base: unknown,
    expected?: ExpectedAssetChanges,
    options?: AssetChangesOptions,
  ): AssetGraphMatcherResult;
};

/**
 * Makes the asset-graph matchers with default options, for `expect.extend`.
 *
 * @example
 * expect.extend(createAssetGraphMatchers({ changes: { changeTypes: "dagster" } }));
 * expect(branch).toHaveAssetChanges(base, { "marts/fct_revenue": ["CODE_VERSION"] });
 */
export function createAssetGraphMatchers(
  defaults: AssetGraphMatchersOptions = {},
): AssetGraphMatcherFunctions {
  return {
    toMatchAssetGraphSnapshot(received, options) {
      const matcherName = "toMatchAssetGraphSnapshot";
      if (this.isNot) throw new UsageError(`${matcherName} cannot be used with .not`);
      const { hint, ...format } = typeof options === "string" ? { hint: options } : (options ?? {});
      const graph = toAssetGraph(received, "received");
      const text = formatAssetGraph(graph, { ...defaults.format, ...format }).replace(/\n$/, "");
      return matchSnapshot(this, bareText(text), { matcherName, hint });
    },

    toHaveAssetChanges(received, base, expected, options) {
      const utils = matcherUtils(this);
      const isNot = this.isNot === true;
      const branchGraph = toAssetGraph(received, "received");
      const baseGraph = toAssetGraph(base, "base");
      const changeSet = diffAssetGraphs(baseGraph, branchGraph, {
        ...diffOptions(defaults.changes),
        ...diffOptions(options),
      });
      assertCompared(changeSet);
      const hint = utils.matcherHint("toHaveAssetChanges", "received", "base", {
        isNot,
        ...(expected === undefined ? {} : { secondArgument: "expected" }),
      });
      const report = () => `Change set:\n${indent(capLines(renderText(changeSet).trimEnd()))}`;

      if (expected === undefined) {
        const pass = changeSet.assets.length > 0;
        return {
          pass,
          message: () =>
            pass
              ? `${hint}\n\nExpected no asset changes, but found ${utils.RECEIVED_COLOR(summaryLine(changeSet))}.\n\n${report()}`
              : `${hint}\n\nExpected asset changes, but found none.\n\n${report()}`,
        };
      }

      const mismatches = compareChanges(changeSet, expected, baseGraph, branchGraph);
      const found = foundChanges(changeSet, labelsFor(baseGraph, branchGraph));
      const pass = mismatches.length === 0;
      const differences = () => mismatches.map((m) => describeMismatch(m, utils)).join("\n");
      return {
        pass,
        message: () =>
          pass
            ? `${hint}\n\nExpected other asset changes than these, but found exactly them:\n${literal(found)}\n\n${report()}`
            : `${hint}\n\nThe asset changes differ from the expected ones:\n${differences()}\n\nThe changes found, as an expectation:\n${literal(found)}\n\n${report()}`,
      };
    },
  };
}

/**
 * The asset-graph matchers with default options, for `expect.extend` in vitest or jest.
 *
 * @example
 * expect.extend(assetGraphMatchers);
 * expect(graph).toMatchAssetGraphSnapshot();
 * expect(branch).not.toHaveAssetChanges(base);
 */
export const assetGraphMatchers: AssetGraphMatcherFunctions = createAssetGraphMatchers();

// --- internal ---

/** A graph as given, or read from any document {@link parseAssetGraph} reads. */
function toAssetGraph(value: unknown, what: string): AssetGraph {
  return isAssetGraph(value) ? value : parseAssetGraph(value, { source: what });
}

function diffOptions(options: AssetChangesOptions | undefined): DiffOptions {
  const out: DiffOptions = {};
  if (options?.changeTypes !== undefined) out.changeTypes = options.changeTypes;
  if (options?.codeLocation !== undefined) out.codeLocation = options.codeLocation;
  if (options?.missingLocations !== undefined) out.missingLocations = options.missingLocations;
  return out;
}

/** A code location that failed or was loading makes "what changed" unanswerable. */
function assertCompared(changeSet: ChangeSet): void {
  const skipped = changeSet.locations.filter(
    (l) => l.status === "notLoadedInBase" || l.status === "notLoadedInBranch",
  );
  if (skipped.length === 0) return;
  throw new UsageError(
    `toHaveAssetChanges cannot tell what changed: ${skipped
      .map((l) => `code location ${l.codeLocation ?? "(unknown)"} ${l.message ?? l.status}`)
      .join("; ")} (pass { codeLocation } to compare another location)`,
  );
}

function describeMismatch(mismatch: ChangeMismatch, utils: MatcherUtils): string {
  const { label, expected, found } = mismatch;
  const expectedText = utils.EXPECTED_COLOR(expected.length ? expected.join(", ") : "no change");
  const foundText = utils.RECEIVED_COLOR(found.length ? found.join(", ") : "no change");
  const missing = expected.filter((t) => !found.includes(t));
  const extra = found.filter((t) => !expected.includes(t));
  const notes =
    expected.length > 0 && found.length > 0
      ? ` (${[
          ...(missing.length ? [`missing ${missing.join(", ")}`] : []),
          ...(extra.length ? [`unexpected ${extra.join(", ")}`] : []),
        ].join("; ")})`
      : "";
  return `  ${label}: expected ${expectedText}, found ${foundText}${notes}`;
}

/** The found changes as an object literal to paste into the test. */
function literal(found: [string, ChangeType[]][]): string {
  if (found.length === 0) return "  {}";
  const lines = found.map(
    ([label, types]) =>
      `    ${JSON.stringify(label)}: [${types.map((t) => JSON.stringify(t)).join(", ")}],`,
  );
  return `  {\n${lines.join("\n")}\n  }`;
}

/** Most lines of the change-set report in a failure message (a huge graph stays readable). */
const MAX_REPORT_LINES = 150;

function capLines(text: string): string {
  const lines = text.split("\n");
  if (lines.length <= MAX_REPORT_LINES) return text;
  return [
    ...lines.slice(0, MAX_REPORT_LINES),
    `… ${lines.length - MAX_REPORT_LINES} more lines (renderText(diffAssetGraphs(base, received)) prints them all)`,
  ].join("\n");
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((line) => (line === "" ? line : `  ${line}`))
    .join("\n");
}
