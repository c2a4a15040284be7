/**
 * Benchmark of asset-diff against the floor every approach pays: reading the two input files and
 * `JSON.parse`-ing them. Inputs come from `scripts/bench-generate.ts`: deterministic pairs of
 * Dagster GraphQL responses (three code locations; multi-part keys, 0-4 parents, partitions,
 * tags, five metadata entries, owners, kinds, checks...) with about 5% of the branch's assets
 * changed (every change type the GraphQL input can express but MOVED, which needs a declared
 * move) and 5% more rewritten in another order only (which must not count), plus a pair of dbt
 * manifests (v12, 20,000 models).
 *
 * Every measurement is a fresh `node` process; its wall time is taken by this process from spawn
 * to exit (so Node's start-up and module loading count), its peak RSS is the child's `maxRSS`
 * (written on exit by a preload file; the largest of the process tree, as the CLI runs itself
 * again with a larger heap for inputs over 1 GiB). Measurements alternate (floor, CLI json, library, CLI text,
 * CLI markdown, microdiff, jsondiffpatch, floor, ...) and the median of the rounds is reported:
 *
 * - floor: read both files (`readFileSync` utf8) and `JSON.parse` them;
 * - CLI: `node dist/cli.js diff base branch --format json|text|markdown --output FILE`; the json
 *   report's counts are checked against the planted ones;
 * - library: `loadAssetGraphs`, `diffAssetGraphs`, `reviewChanges` (what the CLI runs without a
 *   configuration) and `renderJson` from `dist/index.cjs`, written to a file; counts checked too;
 * - generic JSON diffs (microdiff, jsondiffpatch) over the two parsed documents: time and the
 *   number of differences they report (order-only rewrites count there). Not at 500,000.
 * - dbt: floor and CLI json for the manifest pair, counts checked.
 *
 * Then the targets are stated with PASS or FAIL for the sizes that ran. Exit code: 1 on a count
 * mismatch or a crash (a process that failed for another reason than refusing an input too
 * large), else 0: a missed target is reported, not fatal.
 *
 *   npm run bench                                  # 1,000 / 10,000 / 100,000 assets
 *   npm run bench -- --sizes 1000,10000 --runs 3
 *   npm run bench -- --huge --json bench.json
 *
 * Options:
 *   --sizes N,N,...  assets per graph (default 1000,10000,100000)
 *   --huge           add 500,000 assets per graph (~1.2 GiB per file)
 *   --runs N         rounds per size (default 5; 3 at 100,000 and more; 1 at 500,000)
 *   --dbt-models N   models of the dbt pair (default 20000; 0 skips dbt)
 *   --json FILE      also write the raw results as JSON
 *
 * Inputs are written to `<tmpdir>/asset-diff-bench/<n>/` (and `dbt-<n>/`) and reused while the
 * generator version in their stamp file matches.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus, freemem, loadavg, tmpdir, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { dagsterPair, dbtPair, type ExpectedCounts, type GeneratedPair } from "./bench-generate";

const { values } = parseArgs({
  options: {
    sizes: { type: "string", default: "1000,10000,100000" },
    huge: { type: "boolean", default: false },
    runs: { type: "string" },
    "dbt-models": { type: "string", default: "20000" },
    json: { type: "string" },
  },
});

const HUGE = 500_000;
const sizes = values.sizes
  .split(",")
  .map((s) => Number(s.trim().replace(/_/g, "")))
  .filter((n) => n > 0);
if (values.huge && !sizes.includes(HUGE)) sizes.push(HUGE);
sizes.sort((a, b) => a - b);
const dbtModels = Number(values["dbt-models"]);
const runsFor = (n: number): number =>
  values.runs !== undefined
    ? Math.max(1, Number(values.runs))
    : n >= HUGE
      ? 1
      : n >= 100_000
        ? 3
        : 5;

const root = resolve(import.meta.dirname, "..");
const cli = join(root, "dist", "cli.js");
const library = join(root, "dist", "index.cjs");
const work = join(tmpdir(), "asset-diff-bench");
/** Above this, one file cannot be one string in V8: the floor cannot run. */
const STRING_LIMIT = 512 * 1024 * 1024;
/** A generic differ that takes longer is stopped and reported as such. */
const GENERIC_TIMEOUT_MS = 180_000;

// --- processes ---

interface Sample {
  ms: number;
  /** Peak RSS in KiB, when the child lived to report it. */
  rssKiB?: number;
  status: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

const preload = join(work, "rss-preload.cjs");
const rssFile = join(work, `rss-${process.pid}.txt`);

/** Runs `node <args>` in a fresh process, timed from spawn to exit. */
function run(args: readonly string[], timeout?: number): Sample {
  rmSync(rssFile, { force: true });
  const start = performance.now();
  const child = spawnSync(process.execPath, ["--require", preload, ...args], {
    cwd: root,
    env: { ...process.env, ASSET_DIFF_BENCH_RSS: rssFile },
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
    ...(timeout === undefined ? {} : { timeout }),
  });
  const ms = performance.now() - start;
  const sample: Sample = {
    ms,
    status: child.status,
    signal: child.signal,
    stdout: child.stdout ?? "",
    stderr: child.stderr ?? "",
    timedOut: (child.error as NodeJS.ErrnoException | undefined)?.code === "ETIMEDOUT",
  };
  if (existsSync(rssFile)) sample.rssKiB = Number(readFileSync(rssFile, "utf8"));
  return sample;
}

const FLOOR = `
const { readFileSync } = require("node:fs");
const a = JSON.parse(readFileSync(process.argv[1], "utf8"));
const b = JSON.parse(readFileSync(process.argv[2], "utf8"));
if (!a || !b) process.exit(2);
`;
// What the CLI's compare() runs when there is no configuration and no approvals file.
const LIBRARY = `
const { writeFileSync } = require("node:fs");
const { loadAssetGraphs, diffAssetGraphs, createPolicyContext, reviewChanges, renderJson } = require(process.argv[3]);
(async () => {
  const { base, branch } = await loadAssetGraphs(process.argv[1], process.argv[2]);
  const raw = diffAssetGraphs(base, branch, { changeTypes: "all", includeUnchanged: false, missingLocations: "skip" });
  const reviewed = reviewChanges(raw, createPolicyContext({ base, branch }), { variables: {}, asOf: new Date() });
  writeFileSync(process.argv[4], renderJson(reviewed));
})().catch((error) => { console.error(error); process.exit(1); });
`;
const MICRODIFF = `
const { readFileSync } = require("node:fs");
const diff = require("microdiff").default;
const a = JSON.parse(readFileSync(process.argv[1], "utf8"));
const b = JSON.parse(readFileSync(process.argv[2], "utf8"));
console.log(diff(a, b).length);
`;
// Counts the leaf deltas (arrays) of jsondiffpatch's delta; "_t" marks an array delta.
const JSONDIFFPATCH = `
const { readFileSync } = require("node:fs");
import("jsondiffpatch").then(({ create }) => {
  const a = JSON.parse(readFileSync(process.argv[1], "utf8"));
  const b = JSON.parse(readFileSync(process.argv[2], "utf8"));
  const delta = create().diff(a, b);
  const count = (d) => Array.isArray(d) ? 1 : d && typeof d === "object"
    ? Object.entries(d).reduce((n, [k, v]) => n + (k === "_t" ? 0 : count(v)), 0) : 0;
  console.log(count(delta));
});
`;

// --- checks ---

interface ChangeSetJson {
  assets: { changeTypes: string[]; extraChangeTypes?: string[] }[];
  summary: {
    assets: { new: number; removed: number; modified: number };
    changeTypes: Record<string, number>;
    extraChangeTypes?: Record<string, number>;
    suppressed: number;
  };
}

/** The differences between a change set's counts and the planted ones (empty: all right). */
function checkCounts(path: string, expected: ExpectedCounts): string[] {
  const out: string[] = [];
  let report: ChangeSetJson;
  try {
    report = JSON.parse(readFileSync(path, "utf8")) as ChangeSetJson;
  } catch (error) {
    return [`cannot read the report ${path}: ${String(error)}`];
  }
  const compare = (what: string, got: number | undefined, want: number) => {
    if (got !== want) out.push(`${what}: got ${got}, expected ${want}`);
  };
  compare("changed assets", report.assets.length, expected.changed);
  compare("summary.assets.new", report.summary.assets.new, expected.new);
  compare("summary.assets.removed", report.summary.assets.removed, expected.removed);
  compare("summary.assets.modified", report.summary.assets.modified, expected.modified);
  compare("summary.suppressed", report.summary.suppressed, 0);
  const listed: Record<string, number> = {};
  for (const asset of report.assets) {
    for (const t of [...asset.changeTypes, ...(asset.extraChangeTypes ?? [])])
      listed[t] = (listed[t] ?? 0) + 1;
  }
  for (const [t, want] of Object.entries(expected.changeTypes)) {
    compare(`summary.changeTypes.${t}`, report.summary.changeTypes[t], want);
    compare(`assets with ${t}`, listed[t] ?? 0, want);
  }
  for (const [t, want] of Object.entries(expected.extraChangeTypes)) {
    compare(`summary.extraChangeTypes.${t}`, report.summary.extraChangeTypes?.[t], want);
    compare(`assets with ${t}`, listed[t] ?? 0, want);
  }
  return out;
}

// --- measurement ---

type Measure = "floor" | "json" | "library" | "text" | "markdown" | "microdiff" | "jsondiffpatch";

interface Result {
  ms: number;
  rssMiB?: number;
  /** Differences reported, for the generic differs. */
  diffs?: number;
  /** Why there is no figure: "n/a ...", "refused: ...", "timeout", "crashed: ...". */
  note?: string;
  runs: number;
}

interface SizeResult {
  kind: "dagster" | "dbt";
  assets: number;
  inputMiB: number;
  bytesPerAsset: number;
  expected: ExpectedCounts;
  results: Partial<Record<Measure, Result>>;
  mismatches: string[];
  crashes: string[];
}

const median = (xs: readonly number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

/** The telling line of a failed process's stderr: an out-of-memory or error line, else the first. */
function firstLine(text: string): string {
  const lines = text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "");
  if (/heap out of memory|Allocation failed/i.test(text)) return "out of memory (V8 heap limit)";
  return lines.find((l) => /^(asset-diff:|\w*Error\b)/.test(l)) ?? lines[0] ?? "";
}

/** An input refused for its size: reported, not a crash. */
const REFUSAL = /512 MiB|too large|larger than|exceeds? the|string length|Cannot create a string/i;

async function measureSize(
  kind: "dagster" | "dbt",
  n: number,
  pair: GeneratedPair,
  runs: number,
): Promise<SizeResult> {
  const baseBytes = statSync(pair.base).size;
  const branchBytes = statSync(pair.branch).size;
  const overLimit = Math.max(baseBytes, branchBytes) > STRING_LIMIT;
  const measures: Measure[] =
    kind === "dbt"
      ? ["floor", "json"]
      : n >= HUGE
        ? ["floor", "json", "library", "text", "markdown"]
        : ["floor", "json", "library", "text", "markdown", "microdiff", "jsondiffpatch"];
  const samples: Partial<Record<Measure, { ms: number[]; rss: number[]; diffs?: number }>> = {};
  const notes: Partial<Record<Measure, string>> = {};
  const mismatches = new Set<string>();
  const crashes: string[] = [];
  const out = (m: Measure) => join(work, `out-${process.pid}.${m}`);
  for (let round = 0; round < runs; round++) {
    for (const m of measures) {
      if (notes[m] !== undefined) continue;
      if (m === "floor" && overLimit) {
        notes[m] = "n/a (over the 512 MiB string limit)";
        continue;
      }
      const args: string[] =
        m === "floor"
          ? ["-e", FLOOR, pair.base, pair.branch]
          : m === "library"
            ? ["-e", LIBRARY, pair.base, pair.branch, library, out(m)]
            : m === "microdiff"
              ? ["-e", MICRODIFF, pair.base, pair.branch]
              : m === "jsondiffpatch"
                ? ["-e", JSONDIFFPATCH, pair.base, pair.branch]
                : [cli, "diff", pair.base, pair.branch, "--format", m, "--output", out(m)];
      const generic = m === "microdiff" || m === "jsondiffpatch";
      process.stderr.write(
        `  ${kind} ${n.toLocaleString("en-US")} round ${round + 1}/${runs}: ${m}... `,
      );
      const sample = run(args, generic ? GENERIC_TIMEOUT_MS : undefined);
      process.stderr.write(`${sample.ms.toFixed(0)} ms\n`);
      if (sample.timedOut) {
        notes[m] = `timeout (> ${GENERIC_TIMEOUT_MS / 1000} s)`;
        continue;
      }
      if (sample.status !== 0) {
        const message = firstLine(sample.stderr) || `signal ${sample.signal}`;
        if (REFUSAL.test(sample.stderr)) notes[m] = `refused: ${message}`;
        else if (generic) notes[m] = `crashed: ${message}`;
        else {
          notes[m] = `crashed: ${message}`;
          crashes.push(
            `${kind} ${n} ${m}: exit ${sample.status ?? sample.signal}: ${sample.stderr.slice(0, 2000)}`,
          );
        }
        continue;
      }
      const s = samples[m] ?? { ms: [], rss: [] };
      samples[m] = s;
      s.ms.push(sample.ms);
      if (sample.rssKiB !== undefined) s.rss.push(sample.rssKiB / 1024);
      if (generic) s.diffs = Number(sample.stdout.trim());
      if (m === "json" || m === "library") {
        for (const problem of checkCounts(out(m), pair.expected))
          mismatches.add(`${m}: ${problem}`);
      }
    }
  }
  const results: Partial<Record<Measure, Result>> = {};
  for (const m of measures) {
    const s = samples[m];
    const note = notes[m];
    if (s === undefined || s.ms.length === 0) {
      results[m] = { ms: Number.NaN, runs: 0, note: note ?? "not run" };
      continue;
    }
    const r: Result = { ms: median(s.ms), runs: s.ms.length };
    if (s.rss.length > 0) r.rssMiB = median(s.rss);
    if (s.diffs !== undefined) r.diffs = s.diffs;
    if (note !== undefined) r.note = note;
    results[m] = r;
  }
  for (const m of measures) rmSync(out(m), { force: true });
  const inputMiB = (baseBytes + branchBytes) / 1024 / 1024;
  return {
    kind,
    assets: n,
    inputMiB,
    bytesPerAsset: (baseBytes + branchBytes) / 2 / n,
    expected: pair.expected,
    results,
    mismatches: [...mismatches],
    crashes,
  };
}

// --- output ---

const int = (x: number) => Math.round(x).toLocaleString("en-US");
const ratio = (x: number) => `${x.toFixed(2)}×`;
const ok = (r: Result | undefined): r is Result & { rssMiB: number } =>
  r !== undefined && Number.isFinite(r.ms) && r.rssMiB !== undefined;
const cell = (r: Result | undefined, show: (r: Result & { rssMiB: number }) => string) =>
  r === undefined ? "–" : ok(r) ? show(r) : (r.note ?? "–");

function table(rows: readonly SizeResult[]): string {
  const header = [
    "assets",
    "input MiB (two files)",
    "floor ms / RSS MiB",
    "CLI json ms (× floor) / RSS MiB (× floor)",
    "library ms (vs CLI)",
    "text (vs json)",
    "markdown (vs json)",
    "microdiff ms (diffs)",
    "jsondiffpatch ms (diffs)",
    "bytes per asset node",
    "counts",
  ];
  const lines = [`| ${header.join(" | ")} |`, `|${header.map(() => " ---: ").join("|")}|`];
  for (const row of rows) {
    const { floor, json, library: lib, text, markdown, microdiff, jsondiffpatch } = row.results;
    const vsJson = (r: Result | undefined) =>
      cell(r, (x) => (ok(json) ? `${int(x.ms)} ms (${pct(x.ms / json.ms)})` : `${int(x.ms)} ms`));
    const cells = [
      int(row.assets),
      row.inputMiB.toFixed(1),
      cell(floor, (f) => `${int(f.ms)} / ${int(f.rssMiB)}`),
      cell(json, (j) =>
        ok(floor)
          ? `${int(j.ms)} (${ratio(j.ms / floor.ms)}) / ${int(j.rssMiB)} (${ratio(j.rssMiB / floor.rssMiB)})`
          : `${int(j.ms)} / ${int(j.rssMiB)}`,
      ),
      vsJson(lib),
      vsJson(text),
      vsJson(markdown),
      cell(microdiff, (m) => `${int(m.ms)} (${int(m.diffs ?? 0)})`),
      cell(jsondiffpatch, (m) => `${int(m.ms)} (${int(m.diffs ?? 0)})`),
      int(row.bytesPerAsset),
      row.mismatches.length === 0 && ok(json) ? "OK" : row.mismatches.length > 0 ? "MISMATCH" : "–",
    ];
    lines.push(`| ${cells.join(" | ")} |`);
  }
  return lines.join("\n");
}

const pct = (x: number) => `${x >= 1 ? "+" : "−"}${Math.abs((x - 1) * 100).toFixed(1)}%`;

interface Target {
  target: string;
  pass: boolean | undefined;
  detail: string;
}

function targets(rows: readonly SizeResult[]): Target[] {
  const out: Target[] = [];
  const at = (n: number) => rows.find((r) => r.kind === "dagster" && r.assets === n);
  const add = (target: string, pass: boolean | undefined, detail: string) =>
    out.push({ target, pass, detail });
  for (const [n, limit] of [
    [100_000, 1.5],
    [10_000, 2.0],
  ] as const) {
    const row = at(n);
    if (row === undefined) continue;
    const { floor, json } = row.results;
    if (ok(floor) && ok(json)) {
      add(
        `CLI json ≤ ${limit}× floor at ${int(n)}`,
        json.ms / floor.ms <= limit,
        ratio(json.ms / floor.ms),
      );
    } else add(`CLI json ≤ ${limit}× floor at ${int(n)}`, undefined, "not measured");
  }
  for (const row of rows) {
    if (row.kind !== "dagster" || row.assets < 10_000) continue;
    const { json, library: lib, text, markdown, floor } = row.results;
    if (ok(json) && ok(lib)) {
      const d = lib.ms / json.ms;
      add(`library within 5% of CLI at ${int(row.assets)}`, Math.abs(d - 1) <= 0.05, pct(d));
    }
    for (const [name, r] of [
      ["text", text],
      ["markdown", markdown],
    ] as const) {
      if (ok(json) && ok(r))
        add(
          `${name} ≤ +5% over json at ${int(row.assets)}`,
          r.ms / json.ms <= 1.05,
          pct(r.ms / json.ms),
        );
    }
    if (ok(json) && ok(floor)) {
      add(
        `peak RSS ≤ 2× floor's at ${int(row.assets)}`,
        json.rssMiB / floor.rssMiB <= 2,
        `${int(floor.rssMiB)} → ${int(json.rssMiB)} MiB (${ratio(json.rssMiB / floor.rssMiB)})`,
      );
    }
  }
  const ten = at(10_000)?.results.json;
  const hundred = at(100_000)?.results.json;
  if (ok(ten) && ok(hundred)) {
    add(
      "linear: CLI at 100,000 ≤ 11× CLI at 10,000",
      hundred.ms / ten.ms <= 11,
      ratio(hundred.ms / ten.ms),
    );
  }
  const huge = at(HUGE);
  if (huge !== undefined) {
    const json = huge.results.json;
    add(
      `counts right at ${int(HUGE)}`,
      ok(json) ? huge.mismatches.length === 0 : false,
      ok(json) ? (huge.mismatches.length === 0 ? "OK" : "MISMATCH") : (json?.note ?? "not run"),
    );
    if (ok(json)) {
      add(`peak RSS ≤ 16 GiB at ${int(HUGE)}`, json.rssMiB <= 16 * 1024, `${int(json.rssMiB)} MiB`);
      if (ok(hundred)) {
        const per = (r: Result, n: number) => r.ms / n;
        const x = per(json, HUGE) / per(hundred, 100_000);
        add(
          `time per asset at ${int(HUGE)} ≤ 2× that at 100,000`,
          x <= 2,
          `${(per(json, HUGE) * 1000).toFixed(1)} µs vs ${(per(hundred, 100_000) * 1000).toFixed(1)} µs (${ratio(x)})`,
        );
      }
      add(
        `memory per asset at ${int(HUGE)} (peak RSS / assets)`,
        undefined,
        `${((json.rssMiB * 1024 * 1024) / HUGE / 1024).toFixed(1)} KiB`,
      );
    } else add(`peak RSS ≤ 16 GiB at ${int(HUGE)}`, false, json?.note ?? "not run");
  }
  return out;
}

// --- main ---

async function main(): Promise<number> {
  if (!existsSync(cli) || !existsSync(library)) {
    console.error("dist is missing: building it (npx tsup --silent)");
    execFileSync("npx", ["tsup", "--silent"], { cwd: root, stdio: "inherit" });
  }
  mkdirSync(work, { recursive: true });
  writeFileSync(
    preload,
    // The largest maxRSS of the process tree: the CLI runs itself again, with a larger heap, for
    // large inputs, and the child (which inherits --require) exits before its parent.
    `process.on("exit", () => {
  const fs = require("node:fs");
  const file = process.env.ASSET_DIFF_BENCH_RSS;
  let prior = 0;
  try { prior = Number(fs.readFileSync(file, "utf8")) || 0; } catch {}
  try { fs.writeFileSync(file, String(Math.max(prior, process.resourceUsage().maxRSS))); } catch {}
});
`,
  );
  const cpu = cpus();
  const gib = (b: number) => `${(b / 1024 ** 3).toFixed(1)} GiB`;
  console.log(
    `machine: ${cpu[0]?.model ?? "unknown CPU"}, ${cpu.length} cores, ${gib(totalmem())} (${gib(freemem())} free), Node.js ${process.version}, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
  const rows: SizeResult[] = [];
  for (const n of sizes) {
    const started = performance.now();
    const pair = await dagsterPair(join(work, String(n)), n);
    console.error(
      `${int(n)} assets: ${pair.written ? `generated in ${int(performance.now() - started)} ms` : "reused"} (${pair.base})`,
    );
    rows.push(await measureSize("dagster", n, pair, runsFor(n)));
  }
  if (dbtModels > 0) {
    const started = performance.now();
    const pair = await dbtPair(join(work, `dbt-${dbtModels}`), dbtModels);
    console.error(
      `dbt ${int(dbtModels)} models: ${pair.written ? `generated in ${int(performance.now() - started)} ms` : "reused"}`,
    );
    rows.push(await measureSize("dbt", dbtModels, pair, runsFor(dbtModels)));
  }

  const dagsterRows = rows.filter((r) => r.kind === "dagster");
  console.log(
    `\nDagster GraphQL, medians (${dagsterRows.map((r) => `${r.results.json?.runs ?? 0} run${r.results.json?.runs === 1 ? "" : "s"} at ${int(r.assets)}`).join(", ")}):\n`,
  );
  console.log(table(dagsterRows));
  for (const row of rows) {
    const e = row.expected;
    const planted = Object.entries({ ...e.changeTypes, ...e.extraChangeTypes })
      .filter(([, c]) => c > 0)
      .map(([t, c]) => `${t} ${c}`)
      .join(", ");
    console.log(
      `\n${row.kind} ${int(row.assets)}: planted ${e.changed} changed assets (${e.new} new, ${e.removed} removed, ${e.modified} modified; ${planted})${e.orderOnly ? `, ${e.orderOnly} order-only rewrites` : ""}`,
    );
  }
  const dbtRows = rows.filter((r) => r.kind === "dbt");
  if (dbtRows.length > 0) {
    console.log("\ndbt manifest (v12), medians:\n");
    const header =
      "| models | input MiB (two files) | floor ms / RSS MiB | CLI json ms (× floor) / RSS MiB (× floor) | counts |";
    console.log(`${header}\n| ---: | ---: | ---: | ---: | ---: |`);
    for (const row of dbtRows) {
      const { floor, json } = row.results;
      console.log(
        `| ${int(row.assets)} | ${row.inputMiB.toFixed(1)} | ${cell(floor, (f) => `${int(f.ms)} / ${int(f.rssMiB)}`)} | ${cell(json, (j) => (ok(floor) ? `${int(j.ms)} (${ratio(j.ms / floor.ms)}) / ${int(j.rssMiB)} (${ratio(j.rssMiB / floor.rssMiB)})` : `${int(j.ms)} / ${int(j.rssMiB)}`))} | ${row.mismatches.length === 0 && ok(json) ? "OK" : row.mismatches.length ? "MISMATCH" : "–"} |`,
      );
    }
  }

  console.log("\nTargets:");
  const results = targets(rows);
  for (const t of results) {
    console.log(
      `  ${t.pass === undefined ? "INFO" : t.pass ? "PASS" : "FAIL"}  ${t.target}: ${t.detail}`,
    );
  }
  let failed = false;
  for (const row of rows) {
    if (row.mismatches.length > 0) {
      failed = true;
      console.log(`\nMISMATCH (${row.kind} ${int(row.assets)}):\n  ${row.mismatches.join("\n  ")}`);
    } else if (ok(row.results.json)) console.log(`counts OK (${row.kind} ${int(row.assets)})`);
    for (const crash of row.crashes) {
      failed = true;
      console.log(`\nCRASH: ${crash}`);
    }
  }
  if (values.json !== undefined) {
    writeFileSync(
      values.json,
      `${JSON.stringify(
        {
          date: new Date().toISOString(),
          machine: {
            cpu: cpu[0]?.model,
            cores: cpu.length,
            totalMemory: totalmem(),
            node: process.version,
            loadavg: loadavg(),
          },
          rows,
          targets: results,
        },
        (_, v) => (typeof v === "number" && !Number.isFinite(v) ? null : v),
        2,
      )}\n`,
    );
  }
  rmSync(rssFile, { force: true });
  return failed ? 1 : 0;
}

process.exitCode = await main();
