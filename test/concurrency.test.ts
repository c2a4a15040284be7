import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import type { CliIo } from "../src/cli/main";
import type { LoadAssetGraphOptions } from "../src/load/index";
import type { AssetGraph } from "../src/model/asset";
import type { ApprovalsFile } from "../src/policies/approvals";
import type { AssetDiffConfig } from "../src/policies/config";
import {
  fixtureData,
  graphqlEndpoint,
  startServer,
  type TestServer,
} from "./helpers/dagster-server";
import { EXAMPLE_AS_OF, EXAMPLE_AS_OF_ARGS } from "./helpers/example";
import { SETUP_TIMEOUT_MS } from "./helpers/timeouts";

/**
 * Many diffs in one process at once, as a Node service runs them: 50 different comparisons, each
 * loading its inputs (files, streams, live GraphQL endpoints), diffing, reviewing with its own
 * configuration, placeholder values and approvals, and rendering every report, all interleaved.
 * They share no mutable state: each result is byte-identical to the same comparison run alone,
 * in a fresh copy of the library (its modules evaluated anew), so that state a module keeps
 * from one call to the next shows even when it would be the same in every run.
 */

/** The library's functions the comparisons use, from one evaluation of its modules. */
async function freshLibrary() {
  vi.resetModules();
  const [explain, main, diff, load, snapshot, approvals, lineage, policy, review, reports] =
    await Promise.all([
      import("../src/cli/explain"),
      import("../src/cli/main"),
      import("../src/diff/diff"),
      import("../src/load/index"),
      import("../src/load/snapshot/snapshot"),
      import("../src/policies/approvals"),
      import("../src/policies/lineage"),
      import("../src/policies/policy"),
      import("../src/policies/review"),
      Promise.all([
        import("../src/report/explain"),
        import("../src/report/github"),
        import("../src/report/json"),
        import("../src/report/markdown"),
        import("../src/report/mermaid"),
        import("../src/report/text"),
      ]),
    ]);
  const [explainReport, github, json, markdown, mermaid, text] = reports;
  return {
    ...explain,
    ...main,
    ...diff,
    ...load,
    ...snapshot,
    ...approvals,
    ...lineage,
    ...policy,
    ...review,
    ...explainReport,
    ...github,
    ...json,
    ...markdown,
    ...mermaid,
    ...text,
  };
}
type Library = Awaited<ReturnType<typeof freshLibrary>>;

const CASES = 50;
const dir = mkdtempSync(join(tmpdir(), "asset-diff-concurrency-"));

type Node = Record<string, unknown> & { assetKey: { path: string[] } };
type Data = { workspaceOrError: { locationEntries: Record<string, unknown>[] } };

/** Every asset node of a GraphQL response's data, in order. */
function nodesOf(data: Data): Node[] {
  const nodes: Node[] = [];
  for (const entry of data.workspaceOrError.locationEntries) {
    const location = entry.locationOrLoadError as { repositories?: { assetNodes: Node[] }[] };
    for (const repository of location.repositories ?? []) nodes.push(...repository.assetNodes);
  }
  return nodes;
}

/** Case `i`'s production and branch: the bundled example, changed differently for each case. */
function caseData(i: number): { base: Data; branch: Data } {
  const base = structuredClone(fixtureData("fixtures/example/base.json")) as Data;
  const branch = structuredClone(fixtureData("fixtures/example/branch.json")) as Data;
  nodesOf(branch).forEach((node, k) => {
    if ((k + i) % 5 === 0) node.opVersion = `v${i}`;
    if (k % 7 === i % 7) {
      node.tags = [...((node.tags as unknown[]) ?? []), { key: "run", value: `${i}` }];
    }
    // A table name built in the case's branch schema: the substitution with {pr} undoes it.
    if (k % 4 === i % 4) {
      node.metadataEntries = [
        ...((node.metadataEntries as unknown[]) ?? []),
        {
          __typename: "TextMetadataEntry",
          label: "warehouse",
          description: null,
          text: `prod.analytics_pr_${i}.${node.assetKey.path.join("_")}`,
        },
      ];
    }
  });
  nodesOf(base).forEach((node, k) => {
    if (k % 4 === i % 4) {
      node.metadataEntries = [
        ...((node.metadataEntries as unknown[]) ?? []),
        {
          __typename: "TextMetadataEntry",
          label: "warehouse",
          description: null,
          text: `prod.analytics.${node.assetKey.path.join("_")}`,
        },
      ];
    }
  });
  if (i % 3 === 0) {
    const [first] = base.workspaceOrError.locationEntries;
    const location = first?.locationOrLoadError as { repositories: { assetNodes: Node[] }[] };
    location.repositories[0]?.assetNodes.splice(i % 4, 1);
  }
  return { base, branch };
}

/** Case `i`'s configuration: substitutions with a placeholder, ignore and severity rules. */
function caseConfig(i: number): AssetDiffConfig {
  return {
    substitutions: [{ from: "analytics_pr_{pr}", to: "analytics" }],
    ignore: i % 2 === 0 ? [{ tags: ["run"], reason: `case ${i} ignores run tags` }] : [],
    severity: [
      {
        select: { keys: [i % 3 === 0 ? "marts/**" : "ml/**"] },
        changeTypes: ["CODE_VERSION"],
        severity: "breaking",
        reason: `case ${i}`,
      },
    ],
  } as AssetDiffConfig;
}

interface Case {
  i: number;
  /** How each side is read: a file path, `-` (a stream), or a URL. */
  base: string;
  branch: string;
  stdin?: string;
  changeTypes: "all" | "dagster";
}

let servers: TestServer[] = [];
const cases: Case[] = [];

beforeAll(async () => {
  for (let i = 0; i < CASES; i++) {
    const { base, branch } = caseData(i);
    const baseText = JSON.stringify({ data: base });
    const branchText = JSON.stringify({ data: branch }, null, i % 2 === 0 ? 2 : undefined);
    const basePath = join(dir, `base-${i}.json`);
    writeFileSync(basePath, baseText);
    const changeTypes = i % 4 === 3 ? "dagster" : "all";
    if (i % 3 === 0) {
      const branchPath = join(dir, `branch-${i}.json`);
      writeFileSync(branchPath, branchText);
      cases.push({ i, base: basePath, branch: branchPath, changeTypes });
    } else if (i % 3 === 1) {
      cases.push({ i, base: basePath, branch: "-", stdin: branchText, changeTypes });
    } else {
      const server = await startServer(graphqlEndpoint(branch));
      servers.push(server);
      cases.push({ i, base: basePath, branch: server.url, changeTypes });
    }
  }
}, SETUP_TIMEOUT_MS);

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
}, SETUP_TIMEOUT_MS);

/** A stream that hands out the text in small chunks, a turn of the event loop apart. */
function chunked(text: string): AsyncIterable<Uint8Array> {
  const bytes = Buffer.from(text);
  return Readable.from(
    (async function* () {
      for (let at = 0; at < bytes.length; at += 4096) {
        await new Promise((done) => setImmediate(done));
        yield bytes.subarray(at, at + 4096);
      }
    })(),
  );
}

/** A deterministic pseudo-random source (mulberry32), so that interleavings are reproducible. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Gives way to the other comparisons: 0 to 3 turns of the event loop. */
async function yieldTo(next: () => number): Promise<void> {
  const turns = Math.floor(next() * 4);
  for (let t = 0; t < turns; t++) await new Promise((done) => setImmediate(done));
}

/**
 * `capturedAt` of a graph read from a URL is the time it was read: the one thing that differs
 * between runs (and it goes into the change set's `branch.source`), so it is left out.
 */
function withoutCaptureTime(graph: AssetGraph): AssetGraph {
  if (graph.source?.capturedAt === undefined) return graph;
  const { capturedAt: _c, ...source } = graph.source;
  return { ...graph, source };
}

/** Everything one comparison produces, as text. */
async function compare(
  lib: Library,
  c: Case,
  seed: number,
  given: { base?: AssetGraph } = {},
): Promise<Record<string, string>> {
  const {
    approveChanges,
    createPolicyContext,
    diffAssetGraphs,
    explanationInput,
    formatGithubOutputs,
    githubOutputs,
    loadAssetGraph,
    renderExplanation,
    renderGithubAnnotations,
    renderJson,
    renderLineageMermaid,
    renderMarkdown,
    renderText,
    reviewChanges,
    serializeSnapshot,
    withLineage,
  } = lib;
  const next = random(seed);
  const load = (location: string): Promise<AssetGraph> => {
    const options: LoadAssetGraphOptions = { retries: 0 };
    if (location === "-" && c.stdin !== undefined) options.stdin = chunked(c.stdin);
    return loadAssetGraph(location, options).then(withoutCaptureTime);
  };
  const [base, branch] = await Promise.all([given.base ?? load(c.base), load(c.branch)]);
  await yieldTo(next);
  const raw = diffAssetGraphs(base, branch, { changeTypes: c.changeTypes, includeUnchanged: true });
  await yieldTo(next);
  const config = caseConfig(c.i);
  const variables = { pr: String(c.i), branch: `feature-${c.i}` };
  const context = createPolicyContext({ base, branch });
  // The time-window partition keys are listed up to a fixed reference time, not up to now: a
  // run alone and a run among others, seconds apart, must list the same keys.
  const asOf = EXAMPLE_AS_OF;
  const first = reviewChanges(raw, context, { config, variables, asOf });
  // Approve half of the changes, then review again with those approvals.
  const approvals: ApprovalsFile = approveChanges(first, {
    by: `reviewer-${c.i}`,
    reason: null,
    now: new Date(Date.UTC(2026, 0, 1 + c.i)),
    select: (change) => change.key.length % 2 === c.i % 2,
  });
  await yieldTo(next);
  const reviewed = reviewChanges(raw, context, { config, variables, approvals, asOf });
  await yieldTo(next);
  const key = reviewed.assets.find((a) => a.changeTypes.length > 0)?.key ?? "shared/currency_rates";
  const out: Record<string, string> = {
    text: renderText(reviewed),
    color: renderText(reviewed, { color: true, width: 60 + c.i }),
    json: renderJson(reviewed),
    raw: renderJson(raw),
  };
  await yieldTo(next);
  out.markdown = renderMarkdown(withLineage(reviewed, { base, branch }), { id: `case-${c.i}` });
  out.github = `${renderGithubAnnotations(reviewed, { graphs: { base, branch } }).join("")}${formatGithubOutputs(githubOutputs(reviewed))}`;
  await yieldTo(next);
  out.mermaid = renderLineageMermaid(withLineage(reviewed, { base, branch }));
  const locations = raw.assets.filter((a) => a.key === key).map((a) => a.codeLocation);
  out.explain = renderExplanation(
    explanationInput(
      { base, branch, raw, reviewed, context },
      key,
      locations.length > 1 ? (locations[0] ?? undefined) : undefined,
    ),
  );
  out.snapshot = serializeSnapshot(branch);
  out.approvals = JSON.stringify(approvals);
  return out;
}

describe("50 comparisons at once give what each gives alone", () => {
  let concurrent: Record<string, string>[][];
  let alone: Record<string, string>[];
  let shared: Library;

  beforeAll(async () => {
    // Concurrently first, in one copy of the library, before anything else ran in it.
    shared = await freshLibrary();
    concurrent = [];
    for (const run of [1, 2])
      concurrent.push(await Promise.all(cases.map((c) => compare(shared, c, c.i * 7919 + run))));
    // Then each alone, in a copy of its own.
    alone = [];
    for (const c of cases) alone.push(await compare(await freshLibrary(), c, c.i));
  }, 240_000);

  test("the comparisons differ from one another (so that a mix-up would show)", () => {
    expect(new Set(alone.map((r) => r.json)).size).toBe(CASES);
    expect(new Set(alone.map((r) => r.text)).size).toBeGreaterThan(CASES / 2);
    expect(alone.every((r) => r.approvals?.includes("reviewer-"))).toBe(true);
  });

  test.each([1, 2])("interleaved, run %i: byte-identical to each alone", (run) => {
    for (const [index, result] of (concurrent[run - 1] ?? []).entries()) {
      const expected = alone[index] as Record<string, string>;
      expect(Object.keys(result)).toEqual(Object.keys(expected));
      for (const [name, text] of Object.entries(result))
        expect(text, `case ${index}, ${name}`).toBe(expected[name]);
    }
  });

  test("one after the other in the copy the concurrent runs used: still the same", async () => {
    for (const c of cases.slice(0, 10))
      expect(await compare(shared, c, c.i + 1)).toEqual(alone[c.i]);
  }, 60_000);
});

/** Freezes a value and everything in it, so that any write to it throws (modules are strict). */
function deepFreeze<T>(value: T): T {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const next = stack.pop();
    if (typeof next !== "object" || next === null || Object.isFrozen(next)) continue;
    Object.freeze(next);
    stack.push(...Object.values(next));
  }
  return value;
}

describe("one production graph, frozen, shared by 50 comparisons at once", () => {
  test("nothing writes to it, and each result is the one of its comparison alone", async () => {
    const shared = await freshLibrary();
    const base = deepFreeze(await shared.loadAssetGraph("fixtures/example/base.json"));
    const together = await Promise.all(cases.map((c) => compare(shared, c, c.i * 31, { base })));
    for (const c of cases.slice(0, 12)) {
      const lib = await freshLibrary();
      const alone = await compare(lib, c, c.i, {
        base: await lib.loadAssetGraph("fixtures/example/base.json"),
      });
      expect(together[c.i]).toEqual(alone);
    }
  }, 120_000);
});

describe("the CLI, run concurrently in one process", () => {
  let lib: Library;
  beforeAll(async () => {
    lib = await freshLibrary();
  }, SETUP_TIMEOUT_MS);

  /** Runs the CLI in-process; returns the code, the output and what it wrote. */
  async function cli(args: string[], stdin?: string) {
    let stdout = "";
    let stderr = "";
    const io: CliIo = {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
      stdin: stdin === undefined ? Readable.from([]) : chunked(stdin),
      env: {},
      cwd: dir,
      // Reports name the time they were made: runs compared with each other share one.
      now: () => new Date("2026-12-01T00:00:00Z"),
    };
    const code = await lib.runCli(args, io);
    return { code, stdout, stderr };
  }

  const argsOf = (c: Case, output: string) => [
    "diff",
    c.base,
    c.branch,
    "--format",
    ["text", "json", "markdown"][c.i % 3] as string,
    "--pr",
    String(c.i),
    "--retries=0",
    ...EXAMPLE_AS_OF_ARGS,
    "-o",
    output,
  ];

  test("diff --output of 50 comparisons, and 50 snapshots written to one target", async () => {
    const listeners = process.listenerCount("SIGINT");
    const alone = [];
    for (const c of cases) {
      const result = await cli(argsOf(c, join(dir, `alone-${c.i}.out`)), c.stdin);
      alone.push({ ...result, written: readFileSync(join(dir, `alone-${c.i}.out`), "utf8") });
    }
    const snapshots = cases.filter((c) => c.stdin === undefined).slice(0, 10);
    const [together] = await Promise.all([
      Promise.all(
        cases.map(async (c) => {
          const result = await cli(argsOf(c, join(dir, `together-${c.i}.out`)), c.stdin);
          return { ...result, written: readFileSync(join(dir, `together-${c.i}.out`), "utf8") };
        }),
      ),
      Promise.all(
        snapshots.map((c) => cli(["snapshot", c.base, "-o", join(dir, "shared.snapshot.json")])),
      ),
    ]);
    expect(together).toEqual(alone);
    expect(alone.every((r) => r.code === 0 && r.stdout === "" && r.stderr === "")).toBe(true);
    // The shared target holds one of the snapshots whole; no temporary file is left anywhere.
    const shared = readFileSync(join(dir, "shared.snapshot.json"), "utf8");
    const candidates = await Promise.all(
      snapshots.map(async (c) => lib.serializeSnapshot(await lib.loadAssetGraph(c.base))),
    );
    expect(candidates).toContain(shared);
    expect(readdirSync(dir).filter((n) => n.includes(".asset-diff-"))).toEqual([]);
    // The signal handlers of the writes are all gone.
    expect(process.listenerCount("SIGINT")).toBe(listeners);
  }, 120_000);
});
