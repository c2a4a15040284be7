import { execFileSync, spawn } from "node:child_process";
import {
  chmodSync,
  closeSync,
  createReadStream,
  existsSync,
  linkSync,
  openSync,
  readFileSync,
  statSync,
  symlinkSync,
} from "node:fs";
import { join, relative } from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type CliIo, runCli } from "../../src/cli/main";
import { changeSetSchema } from "../../src/diff/change-set-schema";
import { gqlWorkspace } from "../helpers/builders";
import { EXAMPLE_AS_OF_ARGS } from "../helpers/example";
import { SETUP_TIMEOUT_MS } from "../helpers/timeouts";
import { builtCli, removeBuilds } from "./binary";
import { node, production, tempDir } from "./graphs";
import { run } from "./run";

/**
 * The gates of the CLI never pass by mistake: a branch code location that did not load fails the
 * run, `--fail-on` adds up, `--code-location` on inputs without locations is refused, `--output`
 * never replaces an input, and writing (to a closed pipe, a full disk, a directory) ends in one
 * line and a meaningful exit code, never a stack trace. Each in-process, and through the built
 * CLI as a user runs it.
 */

const files = tempDir("gates");
const BASE = "fixtures/example/base.json";
const STACK = /\n\s+at |node:internal|Error: /;

let links = 0;
/** A new symlink to `target`, in the test's directory. */
function symlinkTo(target: string): string {
  const link = join(files.dir, `link-${links++}.json`);
  symlinkSync(target, link);
  return link;
}

const base = files.write(
  "base.json",
  gqlWorkspace({ analytics: production(), ingest: [node("raw/events")] }),
);
const failedBranch = files.write(
  "failed.json",
  gqlWorkspace({
    analytics: production({ marts: { codeVersion: "2" } }),
    ingest: {
      error: "SyntaxError: invalid syntax (defs.py, line 3)\nTraceback (most recent call last):",
    },
  }),
);
const loadingBranch = (() => {
  const response = gqlWorkspace({ analytics: production(), ingest: [] }) as {
    data: { workspaceOrError: { locationEntries: Record<string, unknown>[] } };
  };
  const entry = response.data.workspaceOrError.locationEntries[1] as Record<string, unknown>;
  entry.loadStatus = "LOADING";
  entry.locationOrLoadError = null;
  return files.write("loading.json", response);
})();
const failedBaseOnly = files.write(
  "failed-base.json",
  gqlWorkspace({ analytics: production(), ingest: { error: "ImportError: no module x" } }),
);

const FAILED_WARNING =
  "asset-diff: warning (branch): code location ingest failed to load: SyntaxError: invalid syntax (defs.py, line 3); its assets are unknown\n";
const FAILED_LINE =
  'asset-diff: failed: code location "ingest" of the branch did not load, so its assets were not compared (--allow-failed-locations accepts this)\n';

describe("a code location of the branch that did not load", () => {
  let failedSnapshot: string;
  beforeAll(async () => {
    failedSnapshot = join(files.dir, "failed.snapshot.json");
    const made = await run(["snapshot", failedBranch, "-o", failedSnapshot]);
    expect(made.code).toBe(0);
    // The snapshot command warns too, and the snapshot records the failure.
    expect(made.stderr).toBe(FAILED_WARNING.replace(" (branch)", ""));
    expect(JSON.parse(readFileSync(failedSnapshot, "utf8")).codeLocations).toContainEqual(
      expect.objectContaining({ name: "ingest", status: "failed" }),
    );
  }, SETUP_TIMEOUT_MS);

  test.each([
    ["a GraphQL response with a PythonError location", () => failedBranch, "failed to load"],
    ["a GraphQL response with a LOADING location", () => loadingBranch, "is still loading"],
    ["a snapshot that records a failed location", () => failedSnapshot, "failed to load"],
  ])("in %s: a warning, the report, then exit 1", async (_name, branch, how) => {
    const { code, stdout, stderr } = await run(["diff", base, branch()]);
    expect(code).toBe(1);
    const lines = stderr.split("\n");
    expect(lines[0]).toMatch(
      new RegExp(
        `^asset-diff: warning \\(branch\\): code location ingest ${how}.*; its assets are unknown$`,
      ),
    );
    expect(lines[1]).toBe(FAILED_LINE.trimEnd());
    expect(lines).toHaveLength(3);
    // The summary says it, and the locations not compared come first, before any change.
    const text = stdout.split("\n");
    expect(text[1]).toMatch(
      /; 1 code location of the branch did not load, its assets not compared\.?$/,
    );
    expect(text.slice(2, 5)).toEqual([
      "",
      "Code locations not compared",
      expect.stringMatching(/^ {2}! ingest: (failed to load|still loading) in the branch/),
    ]);
  });

  test("with no other change, the summary does not say no changes", async () => {
    const branch = files.write(
      "failed-unchanged.json",
      gqlWorkspace({ analytics: production(), ingest: { error: "boom" } }),
    );
    const { code, stdout } = await run(["diff", base, branch]);
    expect(code).toBe(1);
    expect(stdout.split("\n")[1]).toBe(
      "No changes in what was compared (2 unchanged); 1 code location of the branch did not load, its assets not compared.",
    );
    expect(stdout).not.toContain("No changes (");
  });

  test("every report format shows it first", async () => {
    const json = await run(["diff", base, failedBranch, "--format", "json"]);
    expect(json.code).toBe(1);
    const changeSet = changeSetSchema.parse(JSON.parse(json.stdout));
    expect(changeSet.locations).toContainEqual({
      codeLocation: "ingest",
      status: "notLoadedInBranch",
      baseAssets: 1,
      branchAssets: 0,
      message:
        "failed to load in the branch: DagsterUserCodeLoadError: SyntaxError: invalid syntax (defs.py, line 3)",
    });

    const markdown = await run(["diff", base, failedBranch, "--format", "markdown"]);
    expect(markdown.code).toBe(1);
    const verdict = markdown.stdout.split("\n\n")[2] ?? "";
    expect(verdict).toMatch(
      /^⚠️ \*\*A code location of the branch did not load\*\* \(`ingest`\): its assets are unknown, not unchanged\. /,
    );
    const notCompared = markdown.stdout.indexOf("### Code locations not compared (1)");
    expect(notCompared).toBeGreaterThan(-1);
    for (const later of ["### Lineage", "### Modified"]) {
      const at = markdown.stdout.indexOf(later);
      if (later === "### Modified" || at !== -1) expect(at).toBeGreaterThan(notCompared);
    }
  });

  test("--allow-failed-locations accepts it: the same report and warning, exit 0", async () => {
    const failing = await run(["diff", base, failedBranch]);
    const allowed = await run(["diff", base, failedBranch, "--allow-failed-locations"]);
    expect(allowed.code).toBe(0);
    expect(allowed.stderr).toBe(FAILED_WARNING);
    expect(allowed.stdout).toBe(failing.stdout);
  });

  test("with --fail-on: both reasons are given, exit 1; allowed, only the policy decides", async () => {
    const both = await run(["diff", base, failedBranch, "--fail-on", "CODE_VERSION"]);
    expect(both.code).toBe(1);
    expect(both.stderr).toBe(
      `${FAILED_WARNING}${FAILED_LINE}asset-diff: policy failed: 1 asset with CODE_VERSION (marts/orders)\n`,
    );
    const allowed = ["--allow-failed-locations", "--fail-on"];
    expect((await run(["diff", base, failedBranch, ...allowed, "NEW"])).code).toBe(0);
    expect((await run(["diff", base, failedBranch, ...allowed, "CODE_VERSION"])).code).toBe(1);
  });

  test("a location that failed in the base only is a warning: the branch's side is complete", async () => {
    const { code, stderr, stdout } = await run(["diff", failedBaseOnly, base]);
    expect(code).toBe(0);
    expect(stderr).toBe(
      "asset-diff: warning (base): code location ingest failed to load: ImportError: no module x; its assets are unknown\n",
    );
    expect(stdout).toContain(
      "! ingest: failed to load in the base: DagsterUserCodeLoadError: ImportError: no module x",
    );
  });
});

describe("standard output that cannot be written", () => {
  const io = (write: (text: string) => unknown) => {
    let stderr = "";
    const value: CliIo = {
      stdout: { write },
      stderr: { write: (text: string) => (stderr += text) },
      stdin: Readable.from([]),
      env: {},
    };
    return { value, stderr: () => stderr };
  };
  const errno = (code: string) => Object.assign(new Error(`write ${code}`), { code });

  test.each([
    [
      "throws",
      (e: Error) => () => {
        throw e;
      },
    ],
    ["rejects", (e: Error) => () => Promise.reject(e)],
    [
      "resolves with the error (as the process's stdout does)",
      (e: Error) => () => Promise.resolve(e),
    ],
  ])("a reader that went away (EPIPE) is no error, whether the write %s", async (_how, fails) => {
    const out = io(fails(errno("EPIPE")));
    expect(await runCli(["diff", BASE, BASE], out.value)).toBe(0);
    expect(out.stderr()).toBe("");
    // The gates still decide the exit code.
    const gated = io(fails(errno("EPIPE")));
    expect(
      await runCli(["diff", BASE, "fixtures/example/branch.json", "--fail-on", "NEW"], gated.value),
    ).toBe(1);
    expect(gated.stderr()).toMatch(/^asset-diff: policy failed: 4 assets with NEW /);
  });

  test.each(["ENOSPC", "EIO", "EBADF"])(
    "any other failure (%s) is one line and exit 2",
    async (code) => {
      const out = io(() => Promise.resolve(errno(code)));
      expect(await runCli(["diff", BASE, BASE, "--fail-on", "NEW"], out.value)).toBe(2);
      expect(out.stderr()).toBe(`asset-diff: <stdout>: cannot be written (${code})\n`);
    },
  );
});

describe("through the built CLI", () => {
  let cli: string;
  beforeAll(async () => {
    cli = await builtCli();
  }, SETUP_TIMEOUT_MS);
  afterAll(() => removeBuilds());

  /** Runs the built CLI to the end; `stdout` is a file descriptor to write to, else a pipe. */
  const exec = (args: string[], options: { stdout?: number } = {}) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [cli, ...args], {
        env: { PATH: process.env.PATH ?? "" },
        stdio: ["ignore", options.stdout ?? "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout?.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
      child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
      child.on("close", (code) => resolve({ code, stdout, stderr }));
    });

  /** Runs the built CLI with a reader that closes standard output after the first chunk. */
  const execClosingAfterFirstChunk = (args: string[]) =>
    new Promise<{ code: number | null; chunks: number; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [cli, ...args], {
        env: { PATH: process.env.PATH ?? "" },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let chunks = 0;
      let stderr = "";
      child.stdout.once("data", () => {
        chunks++;
        child.stdout.destroy();
      });
      child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
      child.on("close", (code) => resolve({ code, chunks, stderr }));
    });

  /** A report of several MB: 4,000 modified assets, each with a long detail. */
  const bigNodes = (version: string) =>
    Array.from({ length: 4000 }, (_, i) =>
      node(`big/asset_${i}`, { codeVersion: version, text: { notes: `${version} `.repeat(100) } }),
    );
  const bigBase = files.write("big-base.json", gqlWorkspace({ analytics: bigNodes("1") }));
  const bigBranch = files.write("big-branch.json", gqlWorkspace({ analytics: bigNodes("2") }));

  test("a branch location that failed to load: exit 1, the warning and the failure, no stack", async () => {
    const { code, stdout, stderr } = await exec(["diff", base, failedBranch]);
    expect(code).toBe(1);
    expect(stderr).toBe(`${FAILED_WARNING}${FAILED_LINE}`);
    expect(stdout.split("\n")[3]).toBe("Code locations not compared");
    expect((await exec(["diff", base, failedBranch, "--allow-failed-locations"])).code).toBe(0);
  });

  test("--code-location on dbt manifests: exit 2 naming the option and the inputs", async () => {
    const { code, stdout, stderr } = await exec([
      "diff",
      "fixtures/dbt/shop-v12-base.json",
      "fixtures/dbt/shop-v12-branch.json",
      "--code-location",
      "analytics",
    ]);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toMatch(
      /^asset-diff: --code-location "analytics": neither input says which code location its assets are in: <base> fixtures\/dbt\/shop-v12-base\.json \(read from a dbt manifest\.json\), <branch> fixtures\/dbt\/shop-v12-branch\.json/,
    );
  });

  test("a repeated --fail-on adds up; an unknown value is exit 2 naming it", async () => {
    const branch = "fixtures/example/branch.json";
    const both = await exec(["diff", BASE, branch, "--fail-on", "breaking", "--fail-on", "NEW"]);
    expect(both.code).toBe(1);
    expect(both.stderr).toMatch(/^asset-diff: policy failed: 9 assets with breaking or NEW \(/);
    const bad = await exec(["diff", BASE, branch, "--fail-on", "breaking", "--fail-on", "nope"]);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe("");
    expect(bad.stderr).toMatch(
      /^asset-diff: --fail-on: unknown change type, severity or condition "nope"; severities: breaking, risky, safe; conditions: impacted-breaking, conflict; change types: NEW, /,
    );
  });

  describe("--output naming an input is refused before anything is written", () => {
    const input = readFileSync(base, "utf8");
    const symlink = join(files.dir, "link-to-base.json");
    const hardLink = join(files.dir, "hard-link-to-base.json");
    symlinkSync(base, symlink);
    linkSync(base, hardLink);
    const through = join(files.dir, "sub", "..", "base.json");
    files.sub("sub");

    test.each([
      ["the input itself", base],
      ["a path through ..", through],
      ["a relative path", relative(process.cwd(), base)],
      ["a symlink to it", symlink],
      ["a hard link to it", hardLink],
    ])("%s", async (_name, output) => {
      for (const command of [
        ["diff", base, BASE],
        ["snapshot", base],
        ["explain", BASE, base, "raw/orders"],
      ]) {
        const { code, stdout, stderr } = await exec([...command, "-o", output]);
        expect(code, command.join(" ")).toBe(2);
        expect(stdout).toBe("");
        expect(stderr).toMatch(/^asset-diff: --output .* is the <(base|branch|source)> input/);
        expect(stderr).not.toMatch(STACK);
      }
      expect(readFileSync(base, "utf8")).toBe(input);
      expect(statSync(symlink).ino).toBe(statSync(base).ino);
    });
  });

  test("--output naming the configuration, and approve's approvals file naming an input, are refused too", async () => {
    const config = files.write("gate.config.json", { severity: [] });
    const configText = readFileSync(config, "utf8");
    const input = readFileSync(base, "utf8");
    const viaDots = join(files.dir, "sub", "..", "gate.config.json");
    const output = await exec(["diff", base, BASE, "--config", config, "-o", viaDots]);
    expect(output.code).toBe(2);
    expect(output.stderr).toMatch(/^asset-diff: --output .* is the configuration/);
    const approvals = await exec(["approve", BASE, base, "--approvals", symlinkTo(base)]);
    expect(approvals.code).toBe(2);
    expect(approvals.stderr).toMatch(/^asset-diff: the approvals file .* is the <branch> input/);
    expect(readFileSync(config, "utf8")).toBe(configText);
    expect(readFileSync(base, "utf8")).toBe(input);
  });

  test("-o - is standard output, for every command with --output", async () => {
    // Both runs list time-window partition keys as of the same time.
    const example = [BASE, "fixtures/example/branch.json", ...EXAMPLE_AS_OF_ARGS];
    const report = await exec(["diff", ...example]);
    expect(report.code).toBe(0);
    expect((await exec(["diff", ...example, "-o", "-"])).stdout).toBe(report.stdout);
    const snapshot = await exec(["snapshot", BASE, "--output=-"]);
    expect(snapshot.code).toBe(0);
    expect(JSON.parse(snapshot.stdout).formatVersion).toBe(2);
    const explain = await exec(["explain", BASE, BASE, "raw/stripe/customers", "-o", "-"]);
    expect(explain.code).toBe(0);
    expect(explain.stdout).toMatch(/^raw\/stripe\/customers /);
    expect(existsSync("-")).toBe(false);
  });

  test.each([
    ["text", []],
    ["json", ["--format", "json"]],
    ["a snapshot", null],
  ])(
    "a reader that closes the pipe after the first chunk (%s): exit 0, nothing on stderr",
    async (_name, flags) => {
      const args =
        flags === null ? ["snapshot", bigBranch] : ["diff", bigBase, bigBranch, ...flags];
      const { code, chunks, stderr } = await execClosingAfterFirstChunk(args);
      expect(chunks).toBe(1);
      expect(stderr).toBe("");
      expect(code).toBe(0);
    },
    SETUP_TIMEOUT_MS,
  );

  test(
    "a closed pipe does not hide a failed gate",
    async () => {
      const { code, stderr } = await execClosingAfterFirstChunk([
        "diff",
        bigBase,
        bigBranch,
        "--fail-on",
        "CODE_VERSION",
      ]);
      expect(code).toBe(1);
      expect(stderr).toMatch(/^asset-diff: policy failed: 4,?000 assets with CODE_VERSION \(/);
      expect(stderr).not.toMatch(STACK);
    },
    SETUP_TIMEOUT_MS,
  );

  describe.runIf(existsSync("/dev/full"))("a full disk", () => {
    test("--output /dev/full: one line, exit 2, and /dev/full is still the device", async () => {
      const { code, stdout, stderr } = await exec(["snapshot", BASE, "-o", "/dev/full"]);
      expect(code).toBe(2);
      expect(stdout).toBe("");
      expect(stderr).toBe("asset-diff: /dev/full: cannot be written (ENOSPC)\n");
      expect(statSync("/dev/full").isCharacterDevice()).toBe(true);
    });

    test.each([["diff", BASE, "fixtures/example/branch.json"], ["snapshot", BASE], ["--help"]])(
      "standard output on /dev/full (%s): one line, exit 2",
      async (...args) => {
        const fd = openSync("/dev/full", "w");
        try {
          const { code, stderr } = await exec(args, { stdout: fd });
          expect(stderr).toBe("asset-diff: <stdout>: cannot be written (ENOSPC)\n");
          expect(code).toBe(2);
        } finally {
          closeSync(fd);
        }
      },
    );
  });

  test.runIf(process.platform !== "win32")(
    "--output naming a FIFO is written into, not replaced by a file",
    async () => {
      const fifo = join(files.dir, "report.fifo");
      execFileSync("mkfifo", [fifo]);
      const reader = new Promise<string>((resolve, reject) => {
        let text = "";
        createReadStream(fifo, "utf8")
          .on("data", (chunk) => (text += chunk))
          .on("end", () => resolve(text))
          .on("error", reject);
      });
      const { code, stderr } = await exec(["snapshot", BASE, "-o", fifo]);
      expect(stderr).toBe("");
      expect(code).toBe(0);
      expect(JSON.parse(await reader).formatVersion).toBe(2);
      expect(statSync(fifo).isFIFO()).toBe(true);
    },
  );

  test("--output that cannot be written: one line, exit 2, no stack", async () => {
    const cases: [string, RegExp][] = [
      [files.sub("a-directory"), /cannot be written \(EISDIR\)/],
      [join(base, "under-a-file.json"), /cannot be written \(ENOTDIR\)/],
      [join(files.dir, "no", "such", "dir", "x.json"), /cannot be written \(ENOENT\)/],
    ];
    for (const [output, message] of cases) {
      const { code, stdout, stderr } = await exec(["diff", BASE, BASE, "-o", output]);
      expect(code, output).toBe(2);
      expect(stdout).toBe("");
      expect(stderr).toMatch(new RegExp(`^asset-diff: .*: ${message.source}\\n$`));
    }
  });

  test.skipIf(process.getuid?.() === 0)(
    "--output in a directory that is not writable: one line, exit 2",
    async () => {
      const locked = files.sub("locked");
      chmodSync(locked, 0o555);
      try {
        const { code, stderr } = await exec(["diff", BASE, BASE, "-o", join(locked, "x.json")]);
        expect(code).toBe(2);
        expect(stderr).toMatch(/^asset-diff: .*x\.json: cannot be written \(EACCES\)\n$/);
      } finally {
        chmodSync(locked, 0o755);
      }
    },
  );
});
