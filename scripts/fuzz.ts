/**
 * Long fuzz runs over the targets of the fuzz suite (`test/fuzz/targets.ts`): per target, how
 * many cases ran and how they ended (success, each typed error code, failures). `--cases` is the
 * total, shared by the targets run (by weight: a slow target runs fewer). Exits 1 on any
 * failure, printing the seed, fast-check's path and the shrunk counterexample, which replays with
 * `--seed S --path P --target NAME`.
 *
 *   npm run fuzz -- --cases 100000 --seed 1 [--target parseDbtManifest] [--scale 4]
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Worker } from "node:worker_threads";
import { GROWTH_SHAPES, growth } from "../test/fuzz/growth";
import { CI_SCALE, type FuzzScale } from "../test/fuzz/mutate";
import type { FuzzReport, FuzzRunOptions } from "../test/fuzz/runner";
import { TARGETS, targetNamed } from "../test/fuzz/targets";
import type { WorkerMessage } from "./fuzz-worker";

const { values } = parseArgs({
  options: {
    cases: { type: "string", default: "1000" },
    seed: { type: "string" },
    target: { type: "string", multiple: true },
    path: { type: "string" },
    budget: { type: "string", default: "5000" },
    minutes: { type: "string" },
    scale: { type: "string", default: "1" },
    depth: { type: "string" },
    "no-shrink": { type: "boolean", default: false },
    "keep-going": { type: "boolean", default: false },
    verbose: { type: "boolean", short: "v", default: false },
    growth: { type: "string" },
    shape: { type: "string", multiple: true },
    out: { type: "string", default: ".scratch/fuzz-failures" },
    list: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
});

if (values.help || values.list) {
  console.log(
    values.help
      ? "npm run fuzz -- [--cases N] [--seed S] [--target NAME]... [--path P] [--budget MS] [--minutes M] [--scale K] [--depth D] [--no-shrink] [--keep-going] [--verbose] [--out DIR] [--list]\n       npm run fuzz -- --growth N [--shape NAME]...\n\n--cases is the total, shared by the targets (default: all of them) by weight (the CLI as a process: a tenth); --minutes caps the time per target; --scale multiplies the longest strings and most entries of the CI run; --depth sets the deepest nesting (default 3000). --growth times every pipeline step with one list of N and then 4N entries (or one string of 100N and 400N characters), per shape, and fails on a step that grows over 10 times.\n\nTargets:"
      : "Targets:",
  );
  for (const t of TARGETS) console.log(`  ${t.name.padEnd(24)} ${t.description}`);
  process.exit(0);
}

if (values.growth !== undefined) {
  const n = Number(values.growth);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`fuzz: --growth must be a whole number of entries; got ${values.growth}`);
    process.exit(2);
  }
  const shapes = values.shape ?? Object.keys(GROWTH_SHAPES);
  console.log(
    `fuzz: growth from ${n} to ${4 * n} entries (strings: ${100 * n} to ${400 * n} characters)`,
  );
  const started = Date.now();
  const { results, superLinear } = growth(n, { shapes });
  for (const shape of shapes) {
    const worst = results
      .filter((r) => r.shape === shape)
      .sort((a, b) => b.ms4 / Math.max(b.ms, 1) - a.ms4 / Math.max(a.ms, 1))
      .slice(0, 3)
      .map(
        (r) =>
          `${r.step} ${Math.round(r.ms)} → ${Math.round(r.ms4)} ms (×${(r.ms4 / Math.max(r.ms, 1)).toFixed(1)})`,
      );
    console.log(`${shape.padEnd(16)} ${worst.join("; ")}`);
  }
  for (const r of superLinear)
    console.log(
      `  SUPER-LINEAR: ${r.shape} ${r.step}: ${Math.round(r.ms)} ms at ${r.n}, ${Math.round(r.ms4)} ms at ${4 * r.n}`,
    );
  console.log(
    `fuzz: growth of ${shapes.length} shapes in ${((Date.now() - started) / 1000).toFixed(1)} s; ${superLinear.length === 0 ? "every step linear" : `${superLinear.length} super-linear`}`,
  );
  process.exit(superLinear.length === 0 ? 0 : 1);
}

const seed = values.seed === undefined ? Date.now() % 2 ** 31 : Number(values.seed);
const cases = Number(values.cases);
const budgetMs = Number(values.budget);
const factor = Number(values.scale);
const scale: FuzzScale = {
  maxString: Math.round(CI_SCALE.maxString * factor),
  maxEntries: Math.round(CI_SCALE.maxEntries * factor),
  maxDepth: values.depth === undefined ? CI_SCALE.maxDepth : Number(values.depth),
  wholeLarge: factor > 1,
};
for (const [name, n] of [
  ["--cases", cases],
  ["--seed", seed],
  ["--budget", budgetMs],
  ["--scale", factor],
  ["--depth", scale.maxDepth],
] as const) {
  if (!Number.isFinite(n) || n < 0) {
    console.error(`fuzz: ${name} must be a number; got ${n}`);
    process.exit(2);
  }
}
const targets =
  (values.target ?? []).length === 0 ? TARGETS : (values.target ?? []).map(targetNamed);

console.log(
  `fuzz: seed ${seed}, ${cases} cases over ${targets.length} targets, budget ${budgetMs} ms per case, strings up to ${scale.maxString}, entries up to ${scale.maxEntries}, nesting up to ${scale.maxDepth}`,
);
const started = Date.now();
const reports: FuzzReport[] = [];
// Each target's share of the cases follows its weight (1, or less for a slow one); rounding
// leftovers go to the first targets, so that the shares add up to --cases.
const weights = targets.map((t) => t.weight ?? 1);
const total = weights.reduce((a, b) => a + b, 0);
const shares = weights.map((w) => Math.floor((cases * w) / total));
for (let i = 0, left = cases - shares.reduce((a, b) => a + b, 0); left > 0; i++, left--)
  shares[i % shares.length] = (shares[i % shares.length] as number) + 1;
for (const [i, target] of targets.entries()) {
  const share = shares[i] as number;
  const report = await inWorker(target.name, {
    seed,
    numRuns: share,
    budgetMs: budgetMs + (target.extraBudgetMs ?? 0),
    scale,
    ...(values.path === undefined ? {} : { path: values.path }),
    noShrink: values["no-shrink"],
    ...(values.minutes === undefined ? {} : { maxMs: Number(values.minutes) * 60_000 }),
  });
  reports.push(report);
  const outcomes = [...report.outcomes]
    .sort(([a, m], [b, n]) => n - m || (a < b ? -1 : 1))
    .map(([label, n]) => `${label} ${n}`)
    .join(", ");
  console.log(
    `${target.name.padEnd(24)} ${String(report.cases).padStart(7)} cases in ${(report.ms / 1000).toFixed(1).padStart(7)} s (slowest ${Math.round(report.slowestMs)} ms)${report.interrupted ? ` [stopped at ${values.minutes} min]` : ""}: ${outcomes}`,
  );
  if (report.failure) {
    const f = report.failure;
    const file = join(values.out, `${target.name}-${f.seed}.json`);
    mkdirSync(values.out, { recursive: true });
    writeFileSync(file, `${JSON.stringify({ target: target.name, ...f }, null, 2)}\n`);
    console.log(`  FAILED (${f.outcome}): ${f.message}`);
    console.log(`  first failure before shrinking: ${f.first.slice(0, 300)}`);
    console.log(`  seed ${f.seed}, path ${JSON.stringify(f.path)}`);
    console.log(
      `  replay: npm run fuzz -- --target ${target.name} --seed ${f.seed} --path ${JSON.stringify(f.path)} --cases 1`,
    );
    console.log(`  minimal counterexample (also in ${file}):`);
    console.log(`  ${String(f.counterexample).slice(0, 4000)}`);
    if (!values["keep-going"]) break;
  }
}
const failed = reports.filter((r) => r.failure !== undefined);
const ran = reports.reduce((n, r) => n + r.cases, 0);
console.log(
  `fuzz: ${ran} cases over ${reports.length} targets in ${((Date.now() - started) / 1000).toFixed(1)} s; ${failed.length === 0 ? "no failures" : `${failed.length} failing: ${failed.map((r) => r.target).join(", ")}`}`,
);
process.exit(failed.length === 0 ? 0 : 1);

/**
 * Runs a target in a worker thread and watches it: a worker silent for {@link hangMs} (no case
 * ended) is stuck in a case that never ends. It is stopped, and the case is the failure.
 */
function inWorker(name: string, options: Omit<FuzzRunOptions, "onCase">): Promise<FuzzReport> {
  // Ten budgets, at least a minute: shrinking runs cases back to back, each within its budget.
  const hangMs = Math.max(60_000, 10 * options.budgetMs);
  return new Promise((resolve, reject) => {
    // The worker loads TypeScript as this script does, through tsx.
    const entry = JSON.stringify(new URL("./fuzz-worker.ts", import.meta.url).href);
    const worker = new Worker(
      `import { register } from "tsx/esm/api"; register(); await import(${entry});`,
      { eval: true, workerData: { target: name, options, verbose: values.verbose } },
    );
    const start = Date.now();
    let last = start;
    let cases = 0;
    let ended = false;
    const outcomes = new Map<string, number>();
    const watch = setInterval(() => {
      if (Date.now() - last <= hangMs) return;
      ended = true;
      clearInterval(watch);
      void worker.terminate();
      const index = cases;
      resolve({
        target: name,
        cases: index + 1,
        outcomes: new Map([...outcomes, ["failure: hang", 1]]),
        slowestMs: Date.now() - last,
        interrupted: false,
        ms: Date.now() - start,
        failure: {
          seed: options.seed,
          // Replaying a path, the first case is the one of that path.
          path: options.path === undefined ? String(index) : options.path,
          counterexample: "(not shrunk: the case never ended)",
          outcome: "hang",
          message: `case ${index} did not end within ${Math.round(hangMs / 1000)} s`,
          first: `hang: case ${index} did not end`,
        },
      });
    }, 1000);
    worker.on("message", (message: WorkerMessage) => {
      last = Date.now();
      if (message.type === "case") {
        if (message.verbose)
          process.stderr.write(
            `${name} #${message.index}: ${message.label} ${Math.round(message.ms)} ms\n`,
          );
        cases = message.index + 1;
        return;
      }
      ended = true;
      clearInterval(watch);
      void worker.terminate();
      resolve(message.report);
    });
    worker.on("error", (error) => {
      clearInterval(watch);
      if (!ended) reject(error);
    });
  });
}
