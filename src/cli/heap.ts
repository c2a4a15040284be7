/**
 * The heap a comparison of huge inputs needs. V8 caps a process's heap at about 4 GiB by
 * default, which the assets of two 500,000-asset graphs outgrow; the cap can only be set when a
 * process starts. So, when the files a command reads add up to more than {@link LARGE_INPUT_BYTES}
 * and the heap was not sized by the user (`--max-old-space-size` in `NODE_OPTIONS` or the node
 * command line), the CLI runs itself again in a child process with a heap of three quarters of
 * the machine's memory, passing its arguments, standard streams, exit code and signals through.
 */
import { spawn } from "node:child_process";
import { statSync } from "node:fs";
import { totalmem } from "node:os";
import { getHeapStatistics } from "node:v8";

/** Inputs larger than this in all (1 GiB) get a larger heap. */
const LARGE_INPUT_BYTES = 1024 ** 3;

/** Set in the child, so that it never starts another. */
const CHILD_MARK = "ASSET_DIFF_SIZED_HEAP";

/**
 * The heap size (in MiB) to run `argv` with, or `undefined` to run in this process: for inputs
 * over {@link LARGE_INPUT_BYTES} when the machine has more memory than the heap may use.
 *
 * @example
 * heapFor(["diff", "prod.json", "branch.json"], process.env, process.execArgv); // undefined for small files
 */
export function heapFor(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  execArgv: readonly string[],
): number | undefined {
  if (env[CHILD_MARK] !== undefined) return undefined;
  const sized = (flags: string) => flags.includes("--max-old-space-size");
  if (sized(env.NODE_OPTIONS ?? "") || execArgv.some(sized)) return undefined;
  let bytes = 0;
  for (const arg of argv) {
    if (arg.startsWith("-")) continue;
    try {
      const info = statSync(arg, { throwIfNoEntry: false });
      if (info?.isFile()) bytes += info.size;
    } catch {
      // Not a file: an asset key, a URL, a format.
    }
  }
  if (bytes <= LARGE_INPUT_BYTES) return undefined;
  const wanted = Math.floor((totalmem() * 0.75) / 1024 ** 2);
  const current = getHeapStatistics().heap_size_limit / 1024 ** 2;
  return wanted > current ? wanted : undefined;
}

/**
 * Runs this CLI again with a heap of `megabytes`, passing arguments, standard streams and
 * signals through; resolves to the child's exit code (128 + the signal's number when a signal
 * ended it).
 */
export function runWithHeap(megabytes: number): Promise<number> {
  const child = spawn(
    process.execPath,
    [...process.execArgv, `--max-old-space-size=${megabytes}`, ...process.argv.slice(1)],
    { stdio: "inherit", env: { ...process.env, [CHILD_MARK]: "1" } },
  );
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  for (const signal of SIGNALS) process.on(signal, forward);
  return new Promise((done) => {
    child.on("error", () => done(70));
    child.on("exit", (code, signal) => {
      for (const s of SIGNALS) process.off(s, forward);
      done(code ?? 128 + (signal === null ? 0 : signalNumber(signal)));
    });
  });
}

// --- internal ---

const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

function signalNumber(signal: NodeJS.Signals): number {
  return { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 }[signal as string] ?? 0;
}
