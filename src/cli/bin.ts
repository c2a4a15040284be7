import { escapeControls } from "../report/text";
import { heapFor, runWithHeap } from "./heap";
import { runCli } from "./main";

// The last resort, for what escapes runCli (a callback of a dependency that throws, say): one
// line, never a stack trace, and the exit code of an internal error.
const internalError = (error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(
    `asset-diff: internal error: ${escapeControls(message.replace(/\s*\n\s*/g, " "))}\n`,
  );
  process.exit(70);
};
process.on("uncaughtException", internalError);
process.on("unhandledRejection", internalError);

const argv = process.argv.slice(2);
const heap = heapFor(argv, process.env, process.execArgv);
(heap === undefined ? runCli(argv) : runWithHeap(heap)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`asset-diff: internal error: ${String(error)}\n`);
    process.exitCode = 70;
  },
);
