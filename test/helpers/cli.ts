import { Readable } from "node:stream";
import { runCli } from "../../src/cli/main";

/** Runs the CLI in-process with captured output. */
export async function cli(
  args: string[],
  options: { stdin?: string; env?: Record<string, string>; fetch?: typeof globalThis.fetch } = {},
) {
  let stdout = "";
  let stderr = "";
  const code = await runCli(args, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    stdin: Readable.from(options.stdin === undefined ? [] : [Buffer.from(options.stdin)]),
    env: options.env ?? {},
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  return { code, stdout, stderr };
}
