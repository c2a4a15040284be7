/**
 * Runs one fuzz target in a worker thread for `scripts/fuzz.ts`, which watches it: a case that
 * never ends (a synchronous endless loop, which no timer in the same thread can stop) is found
 * by the silence of this worker and ended with it.
 */
import { parentPort, workerData } from "node:worker_threads";
import fc from "fast-check";
import { removeBuilds } from "../test/cli/binary";
import { type FuzzRunOptions, fuzzTarget } from "../test/fuzz/runner";
import { targetNamed } from "../test/fuzz/targets";

/** What the watching thread hears: a case ended, or the run did. */
export type WorkerMessage =
  | { type: "case"; index: number; label: string; ms: number; verbose: boolean }
  | { type: "done"; report: import("../test/fuzz/runner").FuzzReport };

const { target, options, verbose } = workerData as {
  target: string;
  options: Omit<FuzzRunOptions, "onCase">;
  verbose: boolean;
};
const port = parentPort;
if (port === null) throw new Error("scripts/fuzz-worker.ts runs as a worker of scripts/fuzz.ts");

const report = await fuzzTarget(targetNamed(target), {
  ...options,
  onCase: (outcome, index) =>
    port.postMessage({
      type: "case",
      index,
      label: outcome.label,
      ms: outcome.ms ?? 0,
      verbose,
    } satisfies WorkerMessage),
});
// The counterexample as fast-check writes it: it may hold values a message cannot carry.
if (report.failure) report.failure.counterexample = fc.stringify(report.failure.counterexample);
removeBuilds();
port.postMessage({ type: "done", report } satisfies WorkerMessage);
