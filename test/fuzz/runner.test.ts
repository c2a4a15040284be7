import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { UsageError } from "../../src/errors";
import { invariant } from "./checks";
import { CI_SCALE } from "./mutate";
import { fuzzTarget } from "./runner";
import type { FuzzTarget } from "./targets";

/** The fuzz runner tells every outcome class apart: a failing case must not pass unseen. */

function targetOf(run: (n: number) => undefined | string | Promise<undefined>): FuzzTarget {
  return {
    name: "probe",
    description: "a probe of the runner",
    arbitrary: () => fc.nat(1000) as fc.Arbitrary<unknown>,
    run: (n) => run(n as number),
  };
}

const run = (target: FuzzTarget, budgetMs = 1000) =>
  fuzzTarget(target, { seed: 7, numRuns: 20, budgetMs, scale: CI_SCALE, noShrink: true });

describe("fuzz runner", () => {
  test("counts successes, typed errors by code and the labels targets return", async () => {
    const report = await run(
      targetOf((n) => {
        if (n % 3 === 0) throw new UsageError("bad");
        return n % 3 === 1 ? "exit 2" : undefined;
      }),
    );
    expect(report.failure).toBeUndefined();
    expect(report.cases).toBe(20);
    expect([...report.outcomes.keys()].sort()).toEqual(["USAGE", "exit 2", "success"]);
    const counted = [...report.outcomes.values()].reduce((a, b) => a + b, 0);
    expect(counted).toBe(20);
  });

  test("an untyped exception fails, named by its class", async () => {
    const report = await run(
      targetOf(() => {
        (undefined as unknown as { x: number }).x;
        return undefined;
      }),
    );
    expect(report.failure?.outcome).toBe("untyped TypeError");
    expect(report.outcomes.get("failure: untyped TypeError")).toBe(1);
  });

  test("a broken invariant fails", async () => {
    const report = await run(
      targetOf((n) => {
        invariant(n < 0, "self-diff is not empty");
        return undefined;
      }),
    );
    expect(report.failure?.outcome).toBe("invariant");
    expect(report.failure?.message).toBe("self-diff is not empty");
  });

  test("a polluted prototype fails, and is cleaned before the next case", async () => {
    const report = await run(
      targetOf(() => {
        (Object.prototype as Record<string, unknown>).polluted = true;
        return undefined;
      }),
    );
    expect(report.failure?.outcome).toBe("prototype polluted");
    expect(report.failure?.message).toContain("Object.prototype.polluted");
    expect(Object.hasOwn(Object.prototype, "polluted")).toBe(false);
  });

  test("a case over the time budget fails", async () => {
    const report = await run(
      targetOf(async () => {
        await new Promise((done) => setTimeout(done, 60));
      }),
      20,
    );
    expect(report.failure?.outcome).toBe("over the time budget");
  });

  test("a target's extra budget (a process starting) is added to the case's", async () => {
    const slow = targetOf(async () => {
      await new Promise((done) => setTimeout(done, 60));
    });
    const report = await run({ ...slow, extraBudgetMs: 1000 }, 20);
    expect(report.failure).toBeUndefined();
  });
});
