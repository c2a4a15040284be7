import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { build } from "tsup";

const root = join(import.meta.dirname, "..", "..");
const dist = join(root, "dist", "cli.js");

/** The newest modification time of a file under `dir`. */
function newest(dir: string): number {
  let time = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) time = Math.max(time, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return time;
}

/**
 * The built CLI, as `npm run build` makes it: `dist/cli.js`, built first when missing (as the
 * package test does). When it is older than the sources (they are being edited), the same
 * build of the CLI entry goes to a directory of the tests instead, so that dist is never
 * replaced under another test that reads it.
 */
export async function builtCli(): Promise<string> {
  if (!existsSync(dist)) execFileSync("npm", ["run", "build", "--silent"], { cwd: root });
  if (statSync(dist).mtimeMs >= newest(join(root, "src"))) return dist;
  // In the repository, so that the bundle finds the dependencies it leaves external.
  mkdirSync(join(root, "node_modules", ".cache"), { recursive: true });
  const outDir = mkdtempSync(join(root, "node_modules", ".cache", "asset-diff-cli-test-"));
  builds.push(outDir);
  await build({
    entry: { cli: join(root, "src/cli/bin.ts") },
    format: ["esm"],
    outDir,
    target: "node20",
    platform: "node",
    banner: { js: "#!/usr/bin/env node" },
    config: false,
    silent: true,
  });
  return join(outDir, "cli.js");
}

const builds: string[] = [];

/** Removes the builds {@link builtCli} made (not dist). */
export function removeBuilds(): void {
  for (const dir of builds.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** A CLI process: its output so far, and how it ended. */
export interface CliProcess {
  pid: number;
  /** Standard error so far. */
  stderr(): string;
  /** Resolves when standard error has a line matching `pattern` (at most `ms`, then rejects). */
  line(pattern: RegExp, ms?: number): Promise<RegExpExecArray>;
  /** Resolves with the exit code or the signal that ended the process. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): void;
}

/** The processes {@link startCli} started that have not exited. */
const running = new Set<ChildProcess>();

/** Kills (SIGKILL) every process {@link startCli} started that still runs. */
export function stopRunning(): void {
  for (const child of running) child.kill("SIGKILL");
}

/** Starts `node <cli> ...args` in `cwd`. */
export function startCli(
  cli: string,
  args: string[],
  options: { cwd: string; env?: Record<string, string> },
): CliProcess {
  const child = spawn(process.execPath, [cli, ...args], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? "", ...options.env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  running.add(child);
  child.on("exit", () => running.delete(child));
  let stderr = "";
  const waiting = new Set<() => void>();
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk: string) => {
    stderr += chunk;
    for (const check of waiting) check();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.on("close", (code, signal) => done({ code, signal })),
  );
  return {
    pid: child.pid as number,
    stderr: () => stderr,
    line(pattern, ms = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = new RegExp(pattern.source, `${pattern.flags.replace("g", "")}m`).exec(
            stderr,
          );
          if (match === null) return;
          clearTimeout(timer);
          waiting.delete(check);
          resolve(match);
        };
        const timer = setTimeout(() => {
          waiting.delete(check);
          reject(new Error(`no line matching ${pattern} within ${ms} ms; stderr: ${stderr}`));
        }, ms);
        waiting.add(check);
        void exited.then(() => {
          if (!waiting.has(check)) return;
          clearTimeout(timer);
          waiting.delete(check);
          reject(new Error(`exited without a line matching ${pattern}; stderr: ${stderr}`));
        });
        check();
      });
    },
    exited,
    kill: (signal) => child.kill(signal),
  };
}
