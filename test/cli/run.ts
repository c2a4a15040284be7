import { Readable } from "node:stream";
import { type CliIo, runCli } from "../../src/cli/main";

/** What {@link run} passes to the CLI besides the arguments. */
export interface RunOptions {
  stdin?: string;
  env?: Record<string, string>;
  /** The working directory the CLI sees (`CliIo.cwd`). */
  cwd?: string;
  /** The time approvals are stamped with. */
  now?: Date;
}

/** Runs the CLI in-process with captured output, in a working directory and at a time of the test's choosing. */
export async function run(args: string[], options: RunOptions = {}) {
  let stdout = "";
  let stderr = "";
  const io: CliIo = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    stdin: Readable.from(options.stdin === undefined ? [] : [Buffer.from(options.stdin)]),
    env: options.env ?? {},
  };
  if (options.cwd !== undefined) io.cwd = options.cwd;
  const { now } = options;
  if (now !== undefined) io.now = () => now;
  const code = await runCli(args, io);
  return { code, stdout, stderr };
}
