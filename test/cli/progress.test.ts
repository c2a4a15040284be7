import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { gunzipSync } from "node:zlib";
import { afterAll, describe, expect, test } from "vitest";
import { type CliIo, runCli } from "../../src/cli/main";
import { progressReporter } from "../../src/cli/progress";
import { loadAssetGraph } from "../../src/load/index";
import { parseSnapshot, serializeSnapshot } from "../../src/load/snapshot/snapshot";

const BASE = "fixtures/example/base.json";
const BRANCH = "fixtures/example/branch.json";
const dir = mkdtempSync(join(tmpdir(), "asset-diff-progress-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the CLI with stdout and stderr as terminals or not. */
async function runWith(args: string[], terminals: { stdout: boolean; stderr: boolean }) {
  let stdout = "";
  let stderr = "";
  const io: CliIo = {
    stdout: { write: (text: string) => (stdout += text), isTTY: terminals.stdout },
    stderr: { write: (text: string) => (stderr += text), isTTY: terminals.stderr },
    stdin: Readable.from([]),
    env: {},
  };
  const code = await runCli(args, io);
  return { code, stdout, stderr };
}

describe("progress on stderr", () => {
  test("on terminals, one line rewritten in place and cleared at the end; stdout has none", async () => {
    const out = join(dir, "report.txt");
    const { code, stdout, stderr } = await runWith(["diff", BASE, BRANCH, "-o", out], {
      stdout: true,
      stderr: true,
    });
    expect(code).toBe(0);
    expect(stdout).toBe("");
    expect(stderr).toContain("\r\u001b[Kasset-diff: reading base: 37 of 37 assets");
    expect(stderr).toContain("asset-diff: reading branch: 39 of 39 assets");
    expect(stderr).not.toContain("\n");
    expect(stderr.endsWith("\r\u001b[K")).toBe(true);
  });

  test("never when stdout is piped, or gets JSON, unless asked", async () => {
    const piped = await runWith(["diff", BASE, BRANCH], { stdout: false, stderr: true });
    expect(piped.stderr).toBe("");
    const json = await runWith(["diff", BASE, BRANCH, "--format", "json"], {
      stdout: true,
      stderr: true,
    });
    expect(json.stderr).toBe("");
    expect(() => JSON.parse(json.stdout)).not.toThrow();
    const snapshot = await runWith(["snapshot", BASE], { stdout: true, stderr: true });
    expect(snapshot.stderr).toBe("");
  });

  test("--progress into a log: one line per input and step once done, JSON output untouched", async () => {
    const { code, stdout, stderr } = await runWith(
      ["diff", BASE, BRANCH, "--format", "json", "--progress"],
      { stdout: false, stderr: false },
    );
    expect(code).toBe(0);
    expect(JSON.parse(stdout).summary).toBeDefined();
    const lines = stderr.trimEnd().split("\n").sort();
    expect(lines).toHaveLength(4);
    expect(
      lines.filter((l) => /^asset-diff: reading (base|branch): [\d.]+ MiB of [\d.]+ MiB$/.test(l)),
    ).toHaveLength(2);
    expect(lines).toContain("asset-diff: reading base: 37 of 37 assets");
    expect(lines).toContain("asset-diff: reading branch: 39 of 39 assets");
  });

  test("the terminal line is updated at most every 100 ms, except when a step completes", () => {
    let clock = 0;
    const written: string[] = [];
    const reporter = progressReporter(
      { write: (t: string) => written.push(t), isTTY: true },
      () => clock,
    );
    reporter.onProgress({ step: "parse", done: 0, total: 3000 }, "base");
    clock = 50;
    reporter.onProgress({ step: "parse", done: 1000, total: 3000 }, "base");
    clock = 150;
    reporter.onProgress({ step: "parse", done: 2000, total: 3000 }, "base");
    clock = 160;
    reporter.onProgress({ step: "parse", done: 3000, total: 3000 }, "base");
    reporter.end();
    expect(written).toEqual([
      "\r\u001b[Kasset-diff: reading base: 0 of 3,000 assets",
      "\r\u001b[Kasset-diff: reading base: 2,000 of 3,000 assets",
      "\r\u001b[Kasset-diff: reading base: 3,000 of 3,000 assets",
      "\r\u001b[K",
    ]);
  });
});

describe("gzip outputs and the snapshot layout", () => {
  test("snapshot -o NAME.gz writes gzip that reads back to the same graph; diff reads it", async () => {
    const gz = join(dir, "prod.json.gz");
    const plain = join(dir, "prod.json");
    const { run } = await import("./run");
    expect((await run(["snapshot", BASE, "-o", gz])).code).toBe(0);
    expect((await run(["snapshot", BASE, "-o", plain])).code).toBe(0);
    const bytes = readFileSync(gz);
    expect([bytes[0], bytes[1]]).toEqual([0x1f, 0x8b]);
    expect(gunzipSync(bytes).toString("utf8")).toBe(readFileSync(plain, "utf8"));
    const fromGz = await run(["diff", gz, BRANCH, "--format", "json"]);
    const fromPlain = await run(["diff", plain, BRANCH, "--format", "json"]);
    expect(fromGz.code).toBe(fromPlain.code);
    expect(JSON.parse(fromGz.stdout).summary).toEqual(JSON.parse(fromPlain.stdout).summary);
  });

  test("diff --output report.json.gz is gzip of the report", async () => {
    const { run } = await import("./run");
    const gz = join(dir, "report.json.gz");
    const now = new Date("2026-12-01T00:00:00Z");
    await run(["diff", BASE, BRANCH, "--format", "json", "-o", gz], { now });
    const direct = await run(["diff", BASE, BRANCH, "--format", "json"], { now });
    expect(gunzipSync(readFileSync(gz)).toString("utf8")).toBe(direct.stdout);
  });

  test("a snapshot has one asset per line and is no larger than the compact GraphQL response", async () => {
    const graph = await loadAssetGraph(BASE);
    const text = serializeSnapshot(graph);
    const lines = text.trimEnd().split("\n");
    expect(lines).toHaveLength(graph.assets.length + 2);
    expect(lines[0]?.endsWith('"assets":[')).toBe(true);
    expect(lines.at(-1)).toBe("]}");
    for (const line of lines.slice(1, -1))
      expect(() => JSON.parse(line.replace(/,$/, ""))).not.toThrow();
    expect(parseSnapshot(JSON.parse(text))).toEqual(
      parseSnapshot(JSON.parse(serializeSnapshot(graph, { indent: 2 }))),
    );
    const response = JSON.stringify(JSON.parse(readFileSync(BASE, "utf8")));
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(Buffer.byteLength(response));
  });

  test("a snapshot larger than one piece is written in pieces that join to the same text", async () => {
    const { snapshotChunks } = await import("../../src/load/snapshot/snapshot");
    const graph = await loadAssetGraph(BASE);
    // Enough assets for several megabyte pieces.
    const many = {
      ...graph,
      assets: Array.from({ length: 40 }, (_, i) =>
        graph.assets.map((a) => ({ ...a, key: [...a.key, `copy_${i}`] })),
      ).flat(),
    };
    for (const indent of [undefined, 0, 2]) {
      const pieces = [...snapshotChunks(many, indent === undefined ? {} : { indent })];
      expect(pieces.length).toBeGreaterThan(1);
      const joined = pieces.join("");
      expect(joined).toBe(serializeSnapshot(many, indent === undefined ? {} : { indent }));
      expect(JSON.parse(joined).assets).toHaveLength(many.assets.length);
    }
  });
});
