import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { builtCli, type CliProcess, removeBuilds, startCli, stopRunning } from "./binary";
import { node, production, tempDir, workspace } from "./graphs";

/**
 * No data lost when the CLI is stopped: the built binary, writing a large snapshot, report or
 * approvals file, is sent SIGINT, SIGTERM or SIGKILL at several points. The target is then
 * either as it was (absent, or the previous content) or complete, never partial; no temporary
 * file is left after SIGINT and SIGTERM, and one left by SIGKILL is removed by the next run that
 * writes the same target.
 */

const files = tempDir("signals");
/** A few MB of GraphQL: loading it takes a while, and so does writing its snapshot. */
const big = files.write(
  "big.json",
  workspace(
    Array.from({ length: 6000 }, (_, i) =>
      node(`big/part_${i % 97}/asset_${i}`, {
        line: i,
        deps: i > 0 ? [`big/part_${(i - 1) % 97}/asset_${i - 1}`] : [],
        tags: { team: `t${i % 7}` },
        text: { notes: `${i} `.repeat(60) },
      }),
    ),
  ),
);
const small = files.write("small.json", workspace(production()));

let cli: string;
/** The complete snapshot of `big`, from a run that was not stopped, and how long that run took. */
let snapshot: string;
let runMs: number;
/** The complete JSON report of small → big. */
let report: string;

let dirs = 0;
const freshDir = () => files.sub(`run-${dirs++}`);
const temporaries = (dir: string) => readdirSync(dir).filter((n) => n.includes(".asset-diff-"));
/** A pause of the test run, so that every run sees the write stopped half-way. */
const PAUSE = { ASSET_DIFF_TEST_PAUSE_WRITE: "60000" };

beforeAll(async () => {
  cli = await builtCli();
  const dir = freshDir();
  const started = Date.now();
  const run = startCli(cli, ["snapshot", big, "-o", "snapshot.json"], { cwd: dir });
  expect(await run.exited).toEqual({ code: 0, signal: null });
  runMs = Date.now() - started;
  snapshot = readFileSync(join(dir, "snapshot.json"), "utf8");
  const diff = startCli(cli, ["diff", small, big, "--format=json", "-o", "report.json"], {
    cwd: dir,
  });
  expect(await diff.exited).toEqual({ code: 0, signal: null });
  report = readFileSync(join(dir, "report.json"), "utf8");
  expect(snapshot.length).toBeGreaterThan(5_000_000);
}, 120_000);

// A test that fails half-way leaves no paused CLI behind.
afterEach(() => stopRunning());
afterAll(() => removeBuilds());

/** Waits for the write to be half-way: the temporary file exists and is partial. */
async function halfWritten(run: CliProcess, dir: string, complete: string): Promise<string> {
  const [, written] = await run.line(/^asset-diff: test: half written: (.*)$/);
  // Relative to the working directory, or absolute (beside a target that exists).
  const temporary = basename(written as string);
  const path = join(dir, temporary);
  expect(resolve(dir, written as string)).toBe(path);
  expect(temporary).toMatch(/^\.[\w.]+\.asset-diff-\d+-[0-9a-f]{12}\.tmp$/);
  expect(temporary).toContain(`-${run.pid}-`);
  const size = statSync(path).size;
  expect(size).toBeGreaterThan(0);
  expect(size).toBeLessThan(Buffer.byteLength(complete));
  return path;
}

describe.each(["SIGINT", "SIGTERM"] as const)("%s while the output is being written", (signal) => {
  test("snapshot --output: the target stays absent, the temporary file is removed", async () => {
    const dir = freshDir();
    const run = startCli(cli, ["snapshot", big, "-o", "out.json"], { cwd: dir, env: PAUSE });
    const temporary = await halfWritten(run, dir, snapshot);
    expect(existsSync(join(dir, "out.json"))).toBe(false);
    run.kill(signal);
    // The signal's default behaviour, re-raised once the temporary file is gone.
    expect(await run.exited).toEqual({ code: null, signal });
    expect(existsSync(temporary)).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });

  test("diff --output: the previous report stays as it was", async () => {
    const dir = freshDir();
    const target = files.write(join(dir, "report.json"), "previous report");
    const run = startCli(cli, ["diff", small, big, "--format", "json", "-o", "report.json"], {
      cwd: dir,
      env: PAUSE,
    });
    await halfWritten(run, dir, report);
    run.kill(signal);
    expect(await run.exited).toEqual({ code: null, signal });
    expect(readFileSync(target, "utf8")).toBe("previous report");
    expect(readdirSync(dir)).toEqual(["report.json"]);
  });

  test("approve: the approvals file is not created", async () => {
    const dir = freshDir();
    const run = startCli(cli, ["approve", small, big, "--by", "ana"], { cwd: dir, env: PAUSE });
    await run.line(
      /^asset-diff: test: half written: .*\/\.asset-diff\.approvals\.json\.asset-diff-/,
    );
    run.kill(signal);
    expect(await run.exited).toEqual({ code: null, signal });
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe("SIGKILL while the output is being written", () => {
  test("leaves the temporary file, which the next run writing the target removes", async () => {
    const dir = freshDir();
    const target = files.write(join(dir, "out.json"), "previous");
    const killed = startCli(cli, ["snapshot", big, "-o", "out.json"], { cwd: dir, env: PAUSE });
    const temporary = await halfWritten(killed, dir, snapshot);
    killed.kill("SIGKILL");
    expect(await killed.exited).toEqual({ code: null, signal: "SIGKILL" });
    // Nothing can run on SIGKILL: the partial temporary file stays, the target is untouched.
    expect(existsSync(temporary)).toBe(true);
    expect(readFileSync(target, "utf8")).toBe("previous");

    // A run writing another file leaves it; the next one writing out.json removes it.
    const other = startCli(cli, ["snapshot", small, "-o", "other.json"], { cwd: dir });
    expect(await other.exited).toEqual({ code: 0, signal: null });
    expect(existsSync(temporary)).toBe(true);
    const next = startCli(cli, ["snapshot", big, "-o", "out.json"], { cwd: dir });
    expect(await next.exited).toEqual({ code: 0, signal: null });
    expect(readFileSync(target, "utf8")).toBe(snapshot);
    expect(temporaries(dir)).toEqual([]);
  });
});

describe("a signal at any point of the run: the target is as it was or complete", () => {
  // Points spread over a run that is not paused: while Node starts, while the input is read
  // and normalized, while the snapshot is written, and after it is done.
  const fractions = [0, 0.4, 0.75, 0.95, 1.3];

  test.each(["SIGINT", "SIGTERM", "SIGKILL"] as const)(
    "%s",
    async (signal) => {
      const outcomes = new Set<string>();
      for (const fraction of fractions) {
        const dir = freshDir();
        const target = files.write(join(dir, "out.json"), "previous");
        const run = startCli(cli, ["snapshot", big, "-o", "out.json"], { cwd: dir });
        await new Promise((done) => setTimeout(done, Math.round(runMs * fraction)));
        run.kill(signal);
        const { code, signal: ended } = await run.exited;
        const content = readFileSync(target, "utf8");
        expect(content === "previous" || content === snapshot, `at ${fraction}`).toBe(true);
        if (ended === null) expect(code, `at ${fraction}: ${run.stderr()}`).toBe(0);
        else expect(ended).toBe(signal);
        if (signal !== "SIGKILL") expect(temporaries(dir), `at ${fraction}`).toEqual([]);
        else {
          const next = startCli(cli, ["snapshot", small, "-o", "out.json"], { cwd: dir });
          expect(await next.exited).toEqual({ code: 0, signal: null });
          expect(temporaries(dir)).toEqual([]);
        }
        outcomes.add(ended === null ? "finished" : content === "previous" ? "stopped" : "renamed");
      }
      // The earliest points stop the run; the last one comes after it finished.
      expect(outcomes).toContain("stopped");
    },
    120_000,
  );
});
