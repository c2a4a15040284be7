import { execFile, execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stripVTControlCharacters } from "node:util";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

// The built package, used the way a project uses it: the consumer projects in
// fixtures/testing/ import `asset-diff` and `asset-diff/testing` by name, and run under jest
// (CommonJS) and under vitest (ESM), each in a child process in CI mode.

const root = join(import.meta.dirname, "..", "..");
const fixtures = join(root, "fixtures", "testing");
const scratch = mkdtempSync(join(tmpdir(), "asset-diff-testing-"));

beforeAll(async () => {
  // CI builds before testing; a fresh clone builds here.
  if (!existsSync(join(root, "dist", "testing.cjs")))
    execFileSync("npm", ["run", "build", "--silent"], { cwd: root });
  // test/package builds too when dist/ is missing: wait until a concurrent build has written all.
  const files = ["index.js", "index.cjs", "testing.js", "testing.cjs", "testing.d.ts"];
  const deadline = Date.now() + 120_000;
  while (!files.every((f) => existsSync(join(root, "dist", f)))) {
    if (Date.now() > deadline) throw new Error("dist/ is incomplete: run npm run build");
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}, 180_000);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The tests of consumer.fail.* and what each one's failure must say. */
const MUST_FAIL: Record<string, string[]> = {
  "toHaveAssetChanges: an unexpected change": [
    "The asset changes differ from the expected ones:",
    "ml/forecast: expected no change, found NEW",
    '"ml/forecast": ["NEW"],',
  ],
  "toHaveAssetChanges: a missing change type": [
    "marts/finance/fct_revenue: expected CODE_VERSION, found CODE_VERSION, DEPENDENCIES, METADATA, CHECKS (unexpected DEPENDENCIES, METADATA, CHECKS)",
    "4 new, 2 removed, 20 modified, 15 unchanged",
  ],
  "not.toHaveAssetChanges: the branch changes something": [
    "expect(received).not.toHaveAssetChanges(base)",
    "Expected no asset changes, but found 1 new, 0 removed, 1 modified, 1 unchanged.",
    "+ ml/forecast  [analytics]",
  ],
  "toHaveAssetChanges: nothing changed": ["Expected asset changes, but found none."],
  "toMatchAssetGraphSnapshot: the stored snapshot is stale": ["mismatched"],
  "toMatchAssetGraphSnapshot: no stored snapshot, and CI does not write one": [
    "is not stored, and new snapshots are not written in CI",
  ],
};

describe.each([
  {
    runner: "jest",
    dir: "jest",
    passing: "consumer.test.cjs",
    failing: "consumer.fail.cjs",
    tests: 10,
    snapshots: 7,
    sameText: [
      "asset-diff/testing in jest toMatchAssetGraphSnapshot and toMatchSnapshot store the same text 1",
      "asset-diff/testing in jest toMatchAssetGraphSnapshot and toMatchSnapshot store the same text 2",
    ],
  },
  {
    runner: "vitest",
    dir: "vitest",
    passing: "consumer.test.mjs",
    failing: "consumer.fail.mjs",
    tests: 11,
    snapshots: 8,
    sameText: [
      "asset-diff/testing in vitest > toMatchAssetGraphSnapshot and toMatchSnapshot store the same text 1",
      "asset-diff/testing in vitest > toMatchAssetGraphSnapshot and toMatchSnapshot store the same text 2",
    ],
  },
] as const)("the built package under $runner", (project) => {
  const snapshotFile = (file: string) =>
    join(fixtures, project.dir, "__snapshots__", `${file}.snap`);

  test("every consumer test passes, each snapshot matched and none obsolete", async () => {
    const before = readFileSync(snapshotFile(project.passing), "utf8");
    const { code, report, output } = await runProject(project.runner, "pass");
    expect(code, output).toBe(0);
    expect(report.numTotalTests).toBe(project.tests);
    expect(report.numPassedTests).toBe(project.tests);
    expect(report.snapshot).toMatchObject({
      matched: project.snapshots,
      unmatched: 0,
      added: 0,
      updated: 0,
      unchecked: 0,
    });
    expect(readFileSync(snapshotFile(project.passing), "utf8")).toBe(before);
    // toMatchAssetGraphSnapshot() stores exactly what toMatchSnapshot() does with the serializer.
    const [a, b] = project.sameText.map((name) => snapshotEntry(before, name));
    expect(a).toContain("asset marts/revenue (location analytics, repository __repository__)");
    expect(a).toBe(b);
  }, 120_000);

  test("the matchers fail when they should, saying why", async () => {
    const before = readFileSync(snapshotFile(project.failing), "utf8");
    const { code, report, output } = await runProject(project.runner, "fail");
    expect(code, output).toBe(1);
    expect(report.numPassedTests, output).toBe(0);
    const failures = Object.fromEntries(
      report.testResults
        .flatMap((file) => file.assertionResults)
        .map((a) => [a.title, stripVTControlCharacters(a.failureMessages.join("\n"))]),
    );
    expect(Object.keys(failures).sort()).toEqual(Object.keys(MUST_FAIL).sort());
    for (const [title, phrases] of Object.entries(MUST_FAIL)) {
      for (const phrase of phrases) expect(failures[title], title).toContain(phrase);
    }
    if (project.runner === "jest") {
      // jest prints only the message, so it carries the diff (vitest's reporter diffs itself).
      expect(failures["toMatchAssetGraphSnapshot: the stored snapshot is stale"]).toMatch(
        /- {3}code version: "2"\n\s*\+ {3}code version: "3"/,
      );
    }
    // CI mode: neither the stale snapshot is updated nor the missing one written.
    expect(readFileSync(snapshotFile(project.failing), "utf8")).toBe(before);
  }, 120_000);
});

// --- internal ---

interface JsonReport {
  numTotalTests: number;
  numPassedTests: number;
  numFailedTests: number;
  snapshot: Record<string, unknown>;
  testResults: { assertionResults: { title: string; failureMessages: string[] }[] }[];
}

let runs = 0;

/** Runs a consumer project in a child process, in CI mode, with a JSON report. */
async function runProject(
  runner: "jest" | "vitest",
  which: "pass" | "fail",
): Promise<{ code: number; report: JsonReport; output: string }> {
  const dir = join(fixtures, runner);
  const reportFile = join(scratch, `${runner}-${which}-${runs++}.json`);
  const args =
    runner === "jest"
      ? [
          join(root, "node_modules", "jest", "bin", "jest.js"),
          "--config",
          join(dir, which === "pass" ? "jest.config.cjs" : "jest.fail.config.cjs"),
          "--ci",
          "--json",
          "--outputFile",
          reportFile,
        ]
      : [
          join(root, "node_modules", "vitest", "vitest.mjs"),
          "run",
          "--root",
          dir,
          "--config",
          join(dir, which === "pass" ? "vitest.config.mjs" : "vitest.fail.config.mjs"),
          "--reporter=json",
          `--outputFile=${reportFile}`,
        ];
  // A clean environment: not this vitest worker's, and CI so that snapshots are never written.
  const env: NodeJS.ProcessEnv = { CI: "true", NO_COLOR: "1", FORCE_COLOR: "0" };
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith("VITEST") && !(name in env)) env[name] = value;
  }
  const { code, output } = await new Promise<{ code: number; output: string }>((resolve) => {
    execFile(
      process.execPath,
      args,
      { cwd: root, env, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const status = error === null ? 0 : typeof error.code === "number" ? error.code : -1;
        resolve({ code: status, output: `${stdout}\n${stderr}` });
      },
    );
  });
  if (!existsSync(reportFile)) throw new Error(`${runner} wrote no report:\n${output}`);
  return { code, report: JSON.parse(readFileSync(reportFile, "utf8")) as JsonReport, output };
}

/** The stored text of one entry of a snapshot file. */
function snapshotEntry(file: string, name: string): string | undefined {
  const start = file.indexOf(`exports[\`${name}\`] = \``);
  if (start < 0) return undefined;
  const body = file.slice(file.indexOf("`", start + `exports[\`${name}\`]`.length) + 1);
  return body.slice(0, body.indexOf("`;"));
}
