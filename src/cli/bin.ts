import { runCli } from "./main";

runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`asset-diff: internal error: ${String(error)}\n`);
    process.exitCode = 70;
  },
);
