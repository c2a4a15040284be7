import fc from "fast-check";
import { describe, test } from "vitest";
import { CI_SCALE } from "./mutate";
import { fuzzProperty } from "./runner";
import { targetNamed } from "./targets";

/**
 * The CI run of fuzz targets: fixed seeds, CI sizes, a 5 s budget per case. On a failure,
 * fast-check reports the seed, the path and the shrunk counterexample; replay it with
 * `npm run fuzz -- --target NAME --seed S --path P`, then keep it as a fixture and a test in
 * `regressions.test.ts`.
 */

/** The seed of the CI run; each target's cases differ by its own offset. */
const CI_SEED = 20261201;

/**
 * Per-case time budget of the CI run: the slowest case takes under 1 s on an idle machine, so
 * this leaves room for a loaded one, while a super-linear path on the CI sizes (strings of
 * 200,000 characters, lists of 2,000 entries) takes far longer.
 */
const CI_BUDGET_MS = 5000;

/** Runs each target for its number of cases, one test per target. */
export function fuzzSuite(title: string, cases: Readonly<Record<string, number>>): void {
  describe(title, () => {
    Object.entries(cases).forEach(([name, numRuns], i) => {
      test(`${name}: ${numRuns} cases end in success or a typed error`, async () => {
        const property = fuzzProperty(targetNamed(name), {
          budgetMs: CI_BUDGET_MS,
          scale: CI_SCALE,
          shrinkMs: 20_000,
        });
        await fc.assert(property, { seed: CI_SEED + i, numRuns });
      }, 120_000);
    });
  });
}
