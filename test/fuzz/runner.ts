import { performance } from "node:perf_hooks";
import fc from "fast-check";
import { isAssetDiffError } from "../../src/errors";
import { InvariantError } from "./checks";
import type { FuzzScale } from "./mutate";
import type { FuzzTarget } from "./targets";

/**
 * Runs fuzz cases and classifies their outcomes: `success`, a typed error (by code), or a
 * failure: an untyped exception, an `INTERNAL` error, a broken invariant (exit 70 and stack
 * traces through the CLI included), a case over the time budget, a polluted prototype.
 */

/** How one case ended. */
export type Outcome = (
  | { failed: false; label: string }
  | { failed: true; label: string; message: string; error?: unknown }
) & {
  /** Time the library took, in ms (from the case's `startClock`). */
  ms?: number;
};

/** The prototypes a case must leave as it found them. */
const PROTOTYPES: readonly [string, object][] = [
  ["Object.prototype", Object.prototype],
  ["Array.prototype", Array.prototype],
  ["String.prototype", String.prototype],
  ["Function.prototype", Function.prototype],
];

const keysOf = (o: object) => new Set(Reflect.ownKeys(o));
const PRISTINE = PROTOTYPES.map(([name, proto]) => [name, proto, keysOf(proto)] as const);

/** The members added to a built-in prototype since the start, removed again (so one case cannot spoil the next). */
function pollution(): string[] {
  const found: string[] = [];
  for (const [name, proto, keys] of PRISTINE) {
    for (const key of Reflect.ownKeys(proto)) {
      if (keys.has(key)) continue;
      found.push(`${name}.${String(key)}`);
      delete (proto as Record<PropertyKey, unknown>)[key];
    }
  }
  return found;
}

/** Runs one case of a target within a time budget and classifies how it ended. */
async function runCase<T>(
  target: FuzzTarget<T>,
  input: T,
  options: { budgetMs: number; scale: FuzzScale },
): Promise<Outcome> {
  let start = performance.now();
  let outcome: Outcome;
  try {
    const label = await target.run(input, {
      scale: options.scale,
      startClock: () => {
        start = performance.now();
      },
    });
    outcome = { failed: false, label: label ?? "success" };
  } catch (error) {
    outcome = classify(error);
  }
  const ms = performance.now() - start;
  const polluted = pollution();
  if (polluted.length > 0) {
    return {
      failed: true,
      label: "prototype polluted",
      message: `polluted ${polluted.join(", ")}`,
      ms,
    };
  }
  const budgetMs = options.budgetMs + (target.extraBudgetMs ?? 0);
  if (!outcome.failed && ms > budgetMs) {
    return {
      failed: true,
      label: "over the time budget",
      message: `took ${Math.round(ms)} ms, over the ${budgetMs} ms budget (${outcome.label})`,
      ms,
    };
  }
  return { ...outcome, ms };
}

function classify(error: unknown): Outcome {
  if (isAssetDiffError(error) && error.code !== "INTERNAL")
    return { failed: false, label: error.code };
  if (error instanceof InvariantError) {
    const cause = error.cause as Error | undefined;
    const label = cause?.name ? `invariant: ${cause.name}` : "invariant";
    return { failed: true, label, message: error.message, error };
  }
  const e = error as Error | undefined;
  const name = isAssetDiffError(error) ? "InternalError" : (e?.name ?? typeof error);
  return {
    failed: true,
    label: `untyped ${name}`,
    message: `${name}: ${String(e?.message ?? error).slice(0, 500)}`,
    error,
  };
}

/** The error a failing case throws inside fast-check, so that its report names the outcome. */
class FuzzCaseFailure extends Error {
  override name = "FuzzCaseFailure";
  readonly outcome: Outcome;

  constructor(outcome: Outcome & { failed: true }) {
    super(`${outcome.label}: ${outcome.message}`, { cause: outcome.error });
    this.outcome = outcome;
    const stack = (outcome.error as Error | undefined)?.stack;
    if (stack)
      this.stack = `${this.name}: ${this.message}\n${stack.split("\n").slice(1).join("\n")}`;
  }
}

/** Options of a fuzz run. */
export interface FuzzRunOptions {
  seed: number;
  numRuns: number;
  /** Per-case time budget. */
  budgetMs: number;
  scale: FuzzScale;
  /** Replays a reported case: fast-check's `path` of a failure. */
  path?: string;
  /** Stop at the first failure without shrinking it. */
  noShrink?: boolean;
  /** Stop starting new cases after this long (the report counts the cases that ran). */
  maxMs?: number;
  /** Called after each case (shrinking runs included), e.g. to print progress. */
  onCase?: (outcome: Outcome, index: number) => void;
}

/** What a run found: how many cases ended how, and the first failure, shrunk. */
export interface FuzzReport {
  target: string;
  cases: number;
  outcomes: Map<string, number>;
  /** The slowest case's time, in ms. */
  slowestMs: number;
  /** True when the run stopped at `maxMs` before its number of cases. */
  interrupted: boolean;
  failure?: {
    seed: number;
    path: string;
    counterexample: unknown;
    outcome: string;
    message: string;
    /** The original (unshrunk) failure's message. */
    first: string;
  };
  ms: number;
}

/** How long a failure is shrunk before the smallest case found so far is reported. */
const SHRINK_MS = 60_000;

/**
 * The fast-check property of a target: classifies every case and throws on failures. Shrinking
 * stops after {@link SHRINK_MS} (slow cases shrink slowly): later candidates pass unrun.
 */
export function fuzzProperty<T>(
  target: FuzzTarget<T>,
  options: Pick<FuzzRunOptions, "budgetMs" | "scale"> & { shrinkMs?: number },
  record?: (outcome: Outcome) => void,
): fc.IAsyncPropertyWithHooks<[T]> {
  let failedAt: number | undefined;
  return fc.asyncProperty(target.arbitrary(options.scale), async (input) => {
    if (failedAt !== undefined && performance.now() - failedAt > (options.shrinkMs ?? SHRINK_MS))
      return;
    const outcome = await runCase(target, input, options);
    record?.(outcome);
    if (outcome.failed) {
      failedAt ??= performance.now();
      throw new FuzzCaseFailure(outcome);
    }
  });
}

/** Runs a target and counts its outcomes; a failure is shrunk to a minimal case. */
export async function fuzzTarget<T>(
  target: FuzzTarget<T>,
  options: FuzzRunOptions,
): Promise<FuzzReport> {
  const outcomes = new Map<string, number>();
  let cases = 0;
  let runs = 0;
  let slowestMs = 0;
  let first: string | undefined;
  const start = performance.now();
  const property = fuzzProperty(target, options, (outcome) => {
    options.onCase?.(outcome, runs++);
    // After the first failure, fast-check only shrinks it: those runs are not new cases.
    if (first !== undefined) return;
    cases++;
    slowestMs = Math.max(slowestMs, outcome.ms ?? 0);
    const label = outcome.failed ? `failure: ${outcome.label}` : outcome.label;
    outcomes.set(label, (outcomes.get(label) ?? 0) + 1);
    if (outcome.failed) first = `${outcome.label}: ${outcome.message}`;
  });
  const parameters: fc.Parameters<[T]> = {
    seed: options.seed,
    numRuns: options.numRuns,
    ...(options.path === undefined ? {} : { path: options.path }),
    ...(options.noShrink ? { endOnFailure: true } : {}),
    ...(options.maxMs === undefined
      ? {}
      : { plugins: [fc.interruptAfterTimeLimit(options.maxMs)] }),
  };
  const details = await fc.check(property, parameters);
  const report: FuzzReport = {
    target: target.name,
    cases,
    outcomes,
    slowestMs,
    interrupted: details.interrupted,
    ms: performance.now() - start,
  };
  if (details.failed) {
    const error = details.errorInstance;
    const outcome = error instanceof FuzzCaseFailure ? error.outcome : undefined;
    report.failure = {
      seed: details.seed,
      path: details.counterexamplePath ?? "",
      counterexample: details.counterexample?.[0],
      outcome: outcome?.label ?? "error",
      message:
        outcome?.failed === true
          ? outcome.message
          : String((error as Error | undefined)?.message ?? error),
      first: first ?? "",
    };
  }
  return report;
}
