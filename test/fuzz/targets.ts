import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import fc from "fast-check";
import { type CliIo, runCli } from "../../src/cli/main";
import type { ChangeSet } from "../../src/diff/change-set";
import { changeSetSchema } from "../../src/diff/change-set-schema";
import type { ChangeTypeMode } from "../../src/diff/change-types";
import { type DiffOptions, diffAssetGraphs } from "../../src/diff/diff";
import { isAssetDiffError } from "../../src/errors";
import { parseDagsterGraphql } from "../../src/load/dagster-graphql/parse";
import { parseDbtManifest } from "../../src/load/dbt/parse";
import { parseDgListDefs } from "../../src/load/dg/parse";
import { INPUT_FORMATS, type InputFormat, parseAssetGraph } from "../../src/load/index";
import { parseJsonText } from "../../src/load/json";
import { parseSnapshot, serializeSnapshot } from "../../src/load/snapshot/snapshot";
import type { AssetGraph } from "../../src/model/asset";
import { assetId } from "../../src/model/key";
import type { CodeReference } from "../../src/model/metadata";
import { normalize } from "../../src/normalize/normalize";
import { approveChanges, parseApprovals, serializeApprovals } from "../../src/policies/approvals";
import { parseConfig } from "../../src/policies/config";
import { withLineage } from "../../src/policies/lineage";
import { createPolicyContext } from "../../src/policies/policy";
import { reviewChanges } from "../../src/policies/review";
import { renderCodeQuality } from "../../src/report/codequality";
import { renderExplanation } from "../../src/report/explain";
import {
  formatGithubOutputs,
  githubOutputs,
  renderGithubAnnotations,
} from "../../src/report/github";
import { renderJson } from "../../src/report/json";
import { renderMarkdown } from "../../src/report/markdown";
import { renderLineageMermaid } from "../../src/report/mermaid";
import { renderText } from "../../src/report/text";
import { formatAssetGraph } from "../../src/testing/format";
import { builtCli } from "../cli/binary";
import { arbGraph } from "../helpers/arbitraries";
import {
  checkAnnotations,
  checkChangeSet,
  checkCodeQuality,
  checkExplanations,
  checkGithubOutputs,
  checkGraph,
  checkJson,
  checkMarkdown,
  checkMermaid,
  checkPipeline,
  invariant,
  must,
  readGithubOutputs,
} from "./checks";
import {
  applyMutations,
  arbJsonValue,
  arbMutations,
  arbUnusualString,
  cloneJson,
  type FuzzScale,
  type Mutation,
  setOwn,
  sliceDocument,
  stringifyJson,
} from "./mutate";
import { SEEDS, type Seed, seedGraph, seedNamed, seedsOf } from "./seeds";

/**
 * The fuzz targets: every parser, normalize, the differ, every policy step, every renderer and
 * the CLI. Shared by the test suite (`test/fuzz/*.test.ts`, fixed seeds, CI sizes) and
 * `scripts/fuzz.ts` (long runs). A target's `run` throws what the library throws; the runner
 * (`runner.ts`) classifies it.
 */

/** One fuzz target: how to make its inputs and how to run one. */
export interface FuzzTarget<T = unknown> {
  name: string;
  /** What a case exercises, in one line. */
  description: string;
  arbitrary: (scale: FuzzScale) => fc.Arbitrary<T>;
  /**
   * Runs one case; returns a label for an outcome the library reports without a typed error
   * (the CLI's exit 2).
   */
  run: (input: T, context: CaseContext) => undefined | string | Promise<undefined | string>;
  /** Added to the per-case time budget: what starting a process takes, say. */
  extraBudgetMs?: number;
  /**
   * This target's share of a long run's cases, against 1 for the others: a slow target (one
   * process a case) runs fewer.
   */
  weight?: number;
}

/** What a case runs with: the sizes, and the clock of its time budget. */
interface CaseContext {
  scale: FuzzScale;
  /**
   * Restarts the case's clock: called once the harness has built the inputs (cloning and
   * mutating seeds), so that the budget measures the library.
   */
  startClock: () => void;
}

function target<T>(definition: FuzzTarget<T>): FuzzTarget {
  return definition as unknown as FuzzTarget;
}

/** A made-up checkout root, the workspace that code references are made relative to. */
const CHECKOUT = "/checkout";

// --- inputs made from seeds ---

/** A case made from a real input: a seed, sliced or whole, mutated on each side. */
interface SeedCase {
  seed: string;
  /** Which windows of long lists are kept; `null`: the whole seed. */
  slice: number | null;
  /** Mutations of the first document. */
  a: Mutation[];
  /** Mutations of the second one (the branch of a comparison). */
  b: Mutation[];
  /** The second document starts from the seed's partner (its base or branch) when it has one. */
  partner: boolean;
}

function arbSeedCase(
  seeds: readonly Seed[],
  scale: FuzzScale,
  options: { soft?: boolean; maxMutations?: number } = {},
): fc.Arbitrary<SeedCase> {
  const soft = options.soft ?? false;
  return fc.record({
    seed: fc.constantFrom(...seeds.map((s) => s.name)),
    slice: fc.oneof(
      { weight: 1, arbitrary: fc.constant(null) },
      { weight: 4, arbitrary: fc.nat() },
    ),
    // Shape-breaking mutations mostly end in a typed error; half the cases keep shapes, to get
    // past validation into the pipeline.
    a: soft
      ? arbMutations(scale, true, options.maxMutations)
      : fc.oneof(
          arbMutations(scale, true, options.maxMutations),
          arbMutations(scale, false, options.maxMutations),
        ),
    b: arbMutations(scale, true, options.maxMutations),
    partner: fc.boolean(),
  });
}

/** The two documents of a seed case. A large seed is used whole only when `scale` allows it. */
function materialize(c: SeedCase, scale?: FuzzScale): { a: unknown; b: unknown } {
  const seed = seedNamed(c.seed);
  const other = c.partner && seed.partner !== undefined ? seedNamed(seed.partner) : seed;
  const slice = c.slice ?? (seed.large && scale?.wholeLarge !== true ? 0 : null);
  const start = (s: Seed) => (slice === null ? s.document() : sliceDocument(s.document(), slice));
  return { a: applyMutations(start(seed), c.a), b: applyMutations(start(other), c.b) };
}

/** Parses with a format's parser; a typed error gives `undefined`, anything else is thrown. */
function tryParse(document: unknown, format: InputFormat): AssetGraph | undefined {
  try {
    return parseAssetGraph(document, { format, source: "fuzz.json" });
  } catch (error) {
    if (isAssetDiffError(error) && error.code !== "INTERNAL") return undefined;
    throw error;
  }
}

/**
 * Two graphs to compare, from a seed case: each side parsed, or the unmutated seed (sliced as
 * the case says) when the mutations made it invalid.
 */
function seedPair(c: SeedCase, scale?: FuzzScale): { base: AssetGraph; branch: AssetGraph } {
  const seed = seedNamed(c.seed);
  const other = c.partner && seed.partner !== undefined ? seedNamed(seed.partner) : seed;
  const { a, b } = materialize(c, scale);
  const fallback = (s: Seed) =>
    (c.slice === null ? undefined : tryParse(sliceDocument(s.document(), c.slice), s.format)) ??
    seedGraph(s);
  return {
    base: tryParse(a, seed.format) ?? fallback(seed),
    branch: tryParse(b, other.format) ?? fallback(other),
  };
}

/** Two graphs: from real inputs (mostly), or generated by the model arbitraries. */
type PairCase =
  | { from: "seed"; case: SeedCase }
  | { from: "model"; base: AssetGraph; branch: AssetGraph };

function arbPair(scale: FuzzScale): fc.Arbitrary<PairCase> {
  return fc.oneof(
    {
      weight: 3,
      arbitrary: arbSeedCase(SEEDS, scale, { soft: true, maxMutations: 4 }).map(
        (c): PairCase => ({ from: "seed", case: c }),
      ),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(arbGraph, arbGraph)
        .map(([base, branch]): PairCase => ({ from: "model", base, branch })),
    },
  );
}

function pairOf(p: PairCase, scale?: FuzzScale): { base: AssetGraph; branch: AssetGraph } {
  return p.from === "seed" ? seedPair(p.case, scale) : { base: p.base, branch: p.branch };
}

// --- configurations ---

/** A configuration exercising substitutions, ignore rules and severity overrides. */
function baseConfig(pick: (i: number) => string): Record<string, unknown> {
  return {
    substitutions: [
      { from: "analytics_pr_{pr}", to: "analytics" },
      { from: pick(0), to: pick(1) },
      { from: pick(2), to: "", select: { keys: [`${pick(3)}*`] } },
    ],
    ignore: [
      { id: "ci-tags", tags: ["ci/*", pick(4)], reason: "set by CI" },
      { metadata: ["dagster/**", pick(5)], select: { keys: ["**"] }, reason: pick(6) || "r" },
      { changeTypes: ["OWNERS", "GROUP"], select: { tags: [`${pick(7)}=*`] }, reason: "owners" },
      { select: { kinds: [pick(8) || "dbt"], groups: [pick(9) || "g"] }, reason: "whole" },
    ],
    severity: [
      { select: { keys: ["marts/**", pick(10) || "x"] }, severity: "breaking" },
      { changeTypes: ["TAGS", "METADATA"], severity: "risky", reason: pick(11) || "why" },
      { select: { codeLocations: [pick(12) || "loc"] }, severity: "safe" },
    ],
  };
}

/** A configuration recipe: the base configuration, its strings taken from the graphs, mutated. */
interface ConfigCase {
  picks: number[];
  mutations: Mutation[];
  variables: { pr?: string; branch?: string };
  defaultRules: boolean | null;
  approvals: boolean;
}

function arbConfig(scale: FuzzScale): fc.Arbitrary<ConfigCase> {
  return fc.record({
    picks: fc.array(fc.nat(), { minLength: 17, maxLength: 17 }),
    mutations: fc.oneof(
      { weight: 2, arbitrary: arbMutations(scale, true, 3) },
      { weight: 1, arbitrary: arbMutations(scale, false, 3) },
    ),
    variables: fc.record(
      { pr: fc.oneof(fc.constant("42"), arbUnusualString), branch: arbUnusualString },
      { requiredKeys: [] },
    ),
    defaultRules: fc.option(fc.boolean()),
    approvals: fc.boolean(),
  });
}

/** Strings of a graph (keys, tag values, metadata texts): what substitutions and globs name. */
function graphStrings(graph: AssetGraph): string[] {
  const out: string[] = [];
  for (const asset of graph.assets.slice(0, 50)) {
    out.push(asset.key.join("/"), ...asset.key);
    for (const tag of asset.tags ?? []) out.push(tag.key, tag.value);
    for (const entry of asset.metadata ?? []) {
      out.push(entry.key);
      if (entry.value.type === "text") out.push(entry.value.text);
      if (entry.value.type === "url") out.push(entry.value.url);
    }
    if (asset.description) out.push(asset.description);
  }
  return out.length === 0 ? ["x"] : out;
}

/** The configuration JSON of a recipe, for the graphs it will review. */
function configJson(c: ConfigCase, graph: AssetGraph): unknown {
  const strings = graphStrings(graph);
  const pick = (i: number) => {
    const n = c.picks[i] ?? 0;
    const s = strings[n % strings.length] as string;
    // A piece of a value, so that substitutions and globs match something now and then.
    const start = Math.floor(n / 7) % (s.length + 1);
    return s.slice(start, start + 1 + (Math.floor(n / 13) % 12)) || "x";
  };
  // Declared moves: between two real keys of the graph now and then, else between pieces.
  const keys = graph.assets.map((a) => a.key.join("/"));
  const key = (i: number) => keys[(c.picks[i] ?? 0) % Math.max(1, keys.length)] ?? pick(i);
  const moves = [
    { from: key(13), to: key(14) },
    { from: pick(15), to: pick(16), fromCodeLocation: pick(12) || "loc" },
  ];
  return applyMutations({ ...baseConfig(pick), moves }, c.mutations);
}

// --- parser targets ---

/** A parser's input: a mutated seed (with a second document to compare), or any JSON. */
type ParserCase =
  | { from: "seed"; case: SeedCase; options: ParserOptions }
  | { from: "json"; value: unknown; options: ParserOptions };

interface ParserOptions {
  source?: string;
  codeLocation?: string | null;
  repository?: string | null;
}

const arbParserOptions: fc.Arbitrary<ParserOptions> = fc.record(
  {
    source: arbUnusualString,
    codeLocation: fc.option(arbUnusualString),
    repository: fc.option(arbUnusualString),
  },
  { requiredKeys: [] },
);

function arbParserCase(seeds: readonly Seed[], scale: FuzzScale): fc.Arbitrary<ParserCase> {
  return fc.oneof(
    {
      weight: 6,
      arbitrary: fc
        .tuple(arbSeedCase(seeds, scale), arbParserOptions)
        .map(([c, options]): ParserCase => ({ from: "seed", case: c, options })),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(arbSeedCase(SEEDS, scale), arbParserOptions)
        .map(([c, options]): ParserCase => ({ from: "seed", case: c, options })),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(arbJsonValue, arbParserOptions)
        .map(([value, options]): ParserCase => ({ from: "json", value, options })),
    },
  );
}

type Parse = (json: unknown, options: ParserOptions) => AssetGraph;

/**
 * Runs a parser over a parser case: the first document must parse or give a typed error; when it
 * parses, its graph passes {@link checkGraph}, and when the second document parses too, the whole
 * pipeline runs over the two.
 */
function runParser(
  parse: Parse,
  input: ParserCase,
  scale: FuzzScale,
  startClock: () => void,
): undefined {
  if (input.from === "json") {
    checkGraph(parse(input.value, input.options));
    return undefined;
  }
  const { a, b } = materialize(input.case, scale);
  startClock();
  const graph = parse(a, input.options);
  checkGraph(graph);
  let other: AssetGraph | undefined;
  try {
    other = parse(b, input.options);
  } catch (error) {
    if (!isAssetDiffError(error) || error.code === "INTERNAL") throw error;
  }
  if (other !== undefined) checkPipeline(graph, other);
  return undefined;
}

function parserTarget(name: string, format: InputFormat, parse: Parse): FuzzTarget {
  return target<ParserCase>({
    name,
    description: `${name}: mutated ${format} inputs, other formats and any JSON; the graph and the pipeline over two`,
    arbitrary: (scale) => arbParserCase(seedsOf(format), scale),
    run: (input, { scale, startClock }) => runParser(parse, input, scale, startClock),
  });
}

const parseAssetGraphOptions = (options: ParserOptions, format: InputFormat | "auto") => ({
  ...options,
  format,
});

// --- the text path ---

type TextMutation =
  | { op: "truncate"; at: number }
  | { op: "insert"; at: number; text: string }
  | { op: "bom" }
  | { op: "wrap"; depth: number; shape: "array" | "object" }
  | { op: "unclosed"; depth: number }
  | { op: "duplicateKey"; at: number }
  | { op: "replace"; text: string };

function arbTextMutation(scale: FuzzScale): fc.Arbitrary<TextMutation> {
  const at = fc.nat();
  const depth = fc.integer({ min: 1, max: scale.maxDepth });
  return fc.oneof(
    fc.record({ op: fc.constant("truncate" as const), at }),
    fc.record({ op: fc.constant("insert" as const), at, text: arbUnusualString }),
    fc.record({ op: fc.constant("bom" as const) }),
    fc.record({
      op: fc.constant("wrap" as const),
      depth,
      shape: fc.constantFrom("array" as const, "object" as const),
    }),
    fc.record({ op: fc.constant("unclosed" as const), depth }),
    fc.record({ op: fc.constant("duplicateKey" as const), at }),
    fc.record({
      op: fc.constant("replace" as const),
      text: fc.string({ unit: "binary", maxLength: 40 }),
    }),
  );
}

/** Applies text mutations to JSON text. */
function mutateText(text: string, mutations: readonly TextMutation[]): string {
  let out = text;
  for (const m of mutations) {
    switch (m.op) {
      case "truncate":
        out = out.slice(0, m.at % (out.length + 1));
        break;
      case "insert": {
        const at = m.at % (out.length + 1);
        out = `${out.slice(0, at)}${m.text}${out.slice(at)}`;
        break;
      }
      case "bom":
        out = `\uFEFF${out}`;
        break;
      case "wrap":
        out =
          m.shape === "array"
            ? `${"[".repeat(m.depth)}${out}${"]".repeat(m.depth)}`
            : `${'{"a":'.repeat(m.depth)}${out}${"}".repeat(m.depth)}`;
        break;
      case "unclosed":
        out = `${"[".repeat(m.depth)}${out}`;
        break;
      case "duplicateKey": {
        // `{"k": …` becomes `{"k": 1, "k": …`: JSON.parse keeps the last.
        const opens = [...out.matchAll(/\{"((?:[^"\\]|\\.)*)":/g)];
        const match = opens[m.at % Math.max(1, opens.length)];
        if (match?.index !== undefined) {
          const at = match.index + 1;
          out = `${out.slice(0, at)}"${match[1]}":1,${out.slice(at)}`;
        }
        break;
      }
      case "replace":
        out = m.text;
        break;
    }
  }
  return out;
}

interface TextCase {
  document: SeedCase | { value: unknown };
  pretty: boolean;
  mutations: TextMutation[];
}

function arbTextCase(scale: FuzzScale): fc.Arbitrary<TextCase> {
  return fc.record({
    document: fc.oneof(
      { weight: 4, arbitrary: arbSeedCase(SEEDS, scale, { maxMutations: 3 }) },
      { weight: 1, arbitrary: arbJsonValue.map((value) => ({ value })) },
    ),
    pretty: fc.boolean(),
    mutations: fc.array(arbTextMutation(scale), { maxLength: 3 }),
  });
}

/** The JSON text of a document: indented when asked and possible, else on one line. */
function jsonText(value: unknown, pretty: boolean): string {
  if (pretty) {
    try {
      return JSON.stringify(value, null, 2) ?? "null";
    } catch {
      // Too deep for JSON.stringify: written iteratively on one line.
    }
  }
  return stringifyJson(value);
}

function textOf(c: TextCase, scale?: FuzzScale): string {
  const value = "value" in c.document ? c.document.value : materialize(c.document, scale).a;
  return mutateText(jsonText(value, c.pretty), c.mutations);
}

// --- normalize ---

/** Values JSON cannot carry, put into a graph built in code. */
type JsMutation = {
  at: number;
  kind:
    | "NaN"
    | "Infinity"
    | "-0"
    | "undefined"
    | "nullPrototype"
    | "cycle"
    | "date"
    | "bigint"
    | "function"
    | "symbol"
    | "map";
};

interface NormalizeCase {
  case: SeedCase;
  js: JsMutation[];
}

function applyJsMutations(graph: unknown, mutations: readonly JsMutation[]): unknown {
  const holder: Record<string, unknown> = { v: graph };
  for (const m of mutations) {
    const slots: [Record<string, unknown> | unknown[], string | number][] = [];
    const stack: [Record<string, unknown> | unknown[], string | number][] = [[holder, "v"]];
    const seen = new Set<unknown>();
    while (stack.length > 0) {
      const [parent, key] = stack.pop() as [Record<string, unknown> | unknown[], string | number];
      slots.push([parent, key]);
      const v = (parent as Record<string | number, unknown>)[key];
      if (typeof v !== "object" || v === null || seen.has(v)) continue;
      seen.add(v);
      if (Array.isArray(v)) for (let i = 0; i < v.length; i++) stack.push([v, i]);
      else if (v instanceof Map || v instanceof Date) continue;
      else for (const k of Object.keys(v)) stack.push([v as Record<string, unknown>, k]);
    }
    const [parent, key] = slots[m.at % slots.length] as [
      Record<string, unknown> | unknown[],
      string | number,
    ];
    const old = (parent as Record<string | number, unknown>)[key];
    const values: Record<JsMutation["kind"], () => unknown> = {
      NaN: () => Number.NaN,
      Infinity: () => Number.POSITIVE_INFINITY,
      "-0": () => -0,
      undefined: () => undefined,
      nullPrototype: () =>
        typeof old === "object" && old !== null && !Array.isArray(old)
          ? Object.assign(Object.create(null), old)
          : Object.create(null),
      cycle: () => {
        if (typeof old === "object" && old !== null) {
          if (Array.isArray(old)) old.push(old);
          else setOwn(old, "self", old);
        }
        return old;
      },
      date: () => new Date(0),
      bigint: () => 10n,
      function: () => () => 1,
      symbol: () => Symbol("s"),
      map: () => new Map([["a", 1]]),
    };
    const value = values[m.kind]();
    if (Array.isArray(parent)) parent[key as number] = value;
    else setOwn(parent, String(key), value);
  }
  return holder.v;
}

/** A snapshot document as a graph built in code: the same object without `formatVersion`. */
function withoutVersion(document: unknown): unknown {
  if (typeof document !== "object" || document === null || Array.isArray(document)) return document;
  const graph: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(document)) if (k !== "formatVersion") setOwn(graph, k, v);
  return graph;
}

// --- renderer inputs ---

/** A change set to render: computed from two graphs, or a stored one (its JSON) mutated. */
interface ChangeSetCase {
  pair: PairCase;
  mode: ChangeTypeMode;
  includeUnchanged: boolean;
  reviewed: boolean;
  lineage: boolean;
  /** Mutations of the change set's JSON; kept only when the result still validates. */
  stored: Mutation[] | null;
  /** Code references given to assets before comparing (what annotations and reports read). */
  references: ReferenceEdit[];
}

/** Code references (`dagster/code_references`) set on one asset of one side. */
interface ReferenceEdit {
  side: "base" | "branch";
  asset: number;
  references: CodeReference[];
}

const arbPathPart = fc.oneof(
  fc.constantFrom("o", "acme", "main", "src/a.py", "dir/file name.py", "ü.py"),
  arbUnusualString,
  fc.constantFrom("%", "%zz", "%E0%A4%A", "%2F", "%ED%A0%80", "a%20b.py"),
);

/** GitHub blob URLs (what annotations turn into file positions), with odd parts and lines. */
const arbGithubUrl = fc
  .tuple(
    arbPathPart,
    arbPathPart,
    arbPathPart,
    arbPathPart,
    fc.oneof(
      fc.constant(""),
      fc.nat().map((n) => `#L${n}`),
      fc.constantFrom("#L99999999999999999999", "#L12-L20", "#L0", "?plain=1#L3"),
    ),
  )
  .map(
    ([owner, repo, ref, path, line]) =>
      `https://github.com/${owner}/${repo}/blob/${ref}/${path}${line}`,
  );

const arbCodeReference: fc.Arbitrary<CodeReference> = fc.oneof(
  fc.record({
    type: fc.constant("url" as const),
    url: fc.oneof(arbGithubUrl, arbUnusualString),
    label: fc.option(arbUnusualString),
  }),
  fc.record({
    type: fc.constant("localFile" as const),
    filePath: fc.oneof(
      arbPathPart,
      fc.constantFrom(`${CHECKOUT}/a.py`, `${CHECKOUT}/`, "./a.py", "/elsewhere/a.py", "/"),
    ),
    lineNumber: fc.option(fc.oneof(fc.nat(), fc.constantFrom(0, 2 ** 53 - 1))),
    label: fc.option(arbUnusualString),
  }),
);

const arbReferenceEdit: fc.Arbitrary<ReferenceEdit> = fc.record({
  side: fc.constantFrom("base" as const, "branch" as const),
  asset: fc.nat(),
  references: fc.array(arbCodeReference, { minLength: 1, maxLength: 3 }),
});

/** The graphs with the code references of the edits in place of their own. */
function withReferences(
  graphs: { base: AssetGraph; branch: AssetGraph },
  edits: readonly ReferenceEdit[],
): { base: AssetGraph; branch: AssetGraph } {
  const out = { ...graphs };
  for (const edit of edits) {
    const graph = out[edit.side];
    if (graph.assets.length === 0) continue;
    const at = edit.asset % graph.assets.length;
    const assets = graph.assets.map((asset, i) => {
      if (i !== at) return asset;
      const metadata = (asset.metadata ?? []).filter((m) => m.key !== "dagster/code_references");
      metadata.push({
        key: "dagster/code_references",
        value: { type: "codeReferences", codeReferences: edit.references },
      });
      return { ...asset, metadata };
    });
    out[edit.side] = { ...graph, assets };
  }
  return out;
}

function arbChangeSetCase(scale: FuzzScale): fc.Arbitrary<ChangeSetCase> {
  return fc.record({
    pair: arbPair(scale),
    mode: fc.constantFrom("all" as const, "dagster" as const),
    includeUnchanged: fc.boolean(),
    reviewed: fc.boolean(),
    lineage: fc.boolean(),
    stored: fc.option(arbMutations(scale, true, 4), { freq: 3 }),
    references: fc.oneof(
      { weight: 1, arbitrary: fc.constant<ReferenceEdit[]>([]) },
      { weight: 1, arbitrary: fc.array(arbReferenceEdit, { minLength: 1, maxLength: 3 }) },
    ),
  });
}

interface BuiltChangeSet {
  changeSet: ChangeSet;
  graphs: { base: AssetGraph; branch: AssetGraph };
}

function buildChangeSet(
  c: ChangeSetCase,
  scale: FuzzScale,
  startClock: () => void = () => {},
): BuiltChangeSet {
  const graphs = withReferences(pairOf(c.pair, scale), c.references);
  startClock();
  let changeSet = must("diffAssetGraphs", () =>
    diffAssetGraphs(graphs.base, graphs.branch, {
      changeTypes: c.mode,
      includeUnchanged: c.includeUnchanged,
    }),
  );
  if (c.reviewed) {
    const reviewedOnce = must("reviewChanges", () => reviewChanges(changeSet, graphs));
    // Approvals of the changes the other way round: ids that no longer match, so stale ones.
    const reversed = must("reviewChanges (reversed)", () =>
      reviewChanges(diffAssetGraphs(graphs.branch, graphs.base, { changeTypes: c.mode }), {
        base: graphs.branch,
        branch: graphs.base,
      }),
    );
    const approvals = approveChanges(reversed, {
      by: "fuzz",
      reason: "\u202Ereason",
      now: new Date(0),
    });
    const half = approveChanges(reviewedOnce, { by: "a\u0000b", reason: null, now: new Date(0) });
    changeSet = must("reviewChanges (approvals)", () =>
      reviewChanges(changeSet, graphs, {
        approvals: {
          formatVersion: 1,
          approvals: [...approvals.approvals, ...half.approvals.slice(0, 1)],
        },
      }),
    );
  }
  if (c.lineage) changeSet = must("withLineage", () => withLineage(changeSet, graphs));
  if (c.stored !== null && c.stored.length > 0) {
    const mutated = applyMutations(JSON.parse(renderJson(changeSet)), c.stored);
    if (changeSetSchema.safeParse(mutated).success) changeSet = mutated as ChangeSet;
  }
  return { changeSet, graphs };
}

// Options with edge values: numbers a caller could pass by mistake.
const arbCount = fc.oneof(
  fc.integer({ min: -5, max: 200 }),
  fc.constantFrom(0, 1, 1.5, 1e9, Number.NaN, Number.POSITIVE_INFINITY, -1),
);

// --- the CLI ---

interface CliCase {
  command: "diff" | "snapshot" | "explain";
  format: "text" | "json" | "markdown" | "codequality" | "gitlab" | "sarif" | "junit" | "html";
  documents: SeedCase;
  texts: { a: TextMutation[]; b: TextMutation[] };
  /** Bytes that are not UTF-8, put into the first file. */
  badBytes: number | null;
  flags: {
    changeTypes?: "all" | "dagster";
    includeUnchanged?: boolean;
    missingLocations?: "skip" | "removed";
    failOn?: string;
    reportId?: string;
    codeLocation?: string;
    defaultLocation?: string;
    inputFormat?: string;
    noDefaultRules?: boolean;
    allowFailedLocations?: boolean;
  };
  config: ConfigCase | null;
  stdin: "none" | "base" | "branch";
  github: boolean;
  explainKey: number | string;
}

/** A value now and then, else `undefined` (an option left out). */
function rarely<T>(arbitrary: fc.Arbitrary<T>, weight = 4): fc.Arbitrary<T | undefined> {
  return fc.oneof({ weight, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary });
}

/** Drops the members whose value is `undefined`, for options read with `exactOptionalPropertyTypes`. */
function defined<T extends object>(value: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}

function arbCliCase(scale: FuzzScale): fc.Arbitrary<CliCase> {
  return fc.record({
    command: fc.constantFrom(
      "diff" as const,
      "diff" as const,
      "snapshot" as const,
      "explain" as const,
    ),
    format: fc.constantFrom(
      "text" as const,
      "json" as const,
      "markdown" as const,
      "codequality" as const,
      "gitlab" as const,
      "sarif" as const,
      "junit" as const,
      "html" as const,
    ),
    documents: arbSeedCase(SEEDS, scale, { maxMutations: 3 }),
    texts: fc.record({
      a: rarely(arbTextMutation(scale), 3).map((m) => (m === undefined ? [] : [m])),
      b: rarely(arbTextMutation(scale), 3).map((m) => (m === undefined ? [] : [m])),
    }),
    badBytes: fc.option(fc.nat(), { freq: 8 }),
    flags: fc
      .record({
        changeTypes: rarely(fc.constantFrom("all" as const, "dagster" as const), 1),
        includeUnchanged: rarely(fc.boolean(), 1),
        missingLocations: rarely(fc.constantFrom("skip" as const, "removed" as const), 1),
        failOn: rarely(
          fc.oneof(
            fc.constantFrom("breaking", "risky,REMOVED", "safe", "TAGS", "OWNERS"),
            arbUnusualString,
          ),
          2,
        ),
        reportId: rarely(arbUnusualString, 1),
        codeLocation: rarely(arbUnusualString, 8),
        defaultLocation: rarely(arbUnusualString),
        inputFormat: rarely(fc.constantFrom("auto", ...Object.keys(INPUT_FORMATS), "nope")),
        noDefaultRules: rarely(fc.boolean(), 1),
        allowFailedLocations: rarely(fc.boolean(), 2),
      })
      .map(defined),
    config: fc.option(arbConfig(scale), { freq: 2 }),
    stdin: fc.constantFrom("none" as const, "none" as const, "base" as const, "branch" as const),
    github: fc.boolean(),
    explainKey: fc.oneof(fc.nat(), arbUnusualString),
  });
}

/** A stack trace: what users must never see. */
const STACK_TRACE = /^\s+at .+(:\d+:\d+\)?|\(native\))$/m;

/** What a CLI run printed and how it ended. */
interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI with arguments, standard input, environment and working directory. */
type CliInvoker = (
  args: string[],
  run: { stdin: string | undefined; env: Record<string, string>; cwd: string },
) => Promise<CliRun>;

/** The CLI in this process, through `runCli` (the clock fixed). */
const inProcess: CliInvoker = async (args, { stdin, env, cwd }) => {
  let stdout = "";
  let stderr = "";
  const io: CliIo = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    stdin: Readable.from(stdin === undefined ? [] : [Buffer.from(stdin)]),
    env,
    cwd,
    now: () => new Date(0),
  };
  const code = await runCli(args, io);
  return { code, stdout, stderr };
};

let binary: Promise<string> | undefined;

/** The built binary as a process (`node dist/cli.js`, built first when missing or stale). */
const asProcess: CliInvoker = async (args, { stdin, env, cwd }) => {
  binary ??= builtCli();
  const cli = await binary;
  // A process's arguments and environment are C strings: a NUL cannot be passed (nor typed in a
  // shell), so it is left out here; the in-process target passes it.
  const c = (text: string) => text.replaceAll("\0", "");
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args.map(c)], {
      cwd,
      env: {
        PATH: process.env.PATH ?? "",
        ...Object.fromEntries(Object.entries(env).map(([k, v]) => [c(k), c(v)])),
      },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code, signal) =>
      resolve({ code: code ?? (signal === null ? -1 : 128), stdout, stderr }),
    );
    // The CLI may exit before reading all of it (a usage error): that is no failure of the case.
    child.stdin.on("error", () => {});
    child.stdin.end(stdin ?? "");
  });
};

async function runCliCase(
  c: CliCase,
  scale: FuzzScale,
  startClock: () => void,
  invoke: CliInvoker,
): Promise<string | undefined> {
  const dir = mkdtempSync(join(tmpdir(), "asset-diff-fuzz-"));
  try {
    const { a, b } = materialize(c.documents, scale);
    const texts = {
      a: mutateText(stringifyJson(a), c.texts.a),
      b: mutateText(stringifyJson(b), c.texts.b),
    };
    const files = { base: join(dir, "base.json"), branch: join(dir, "branch.json") };
    let bytes = Buffer.from(texts.a, "utf8");
    if (c.badBytes !== null) {
      const at = c.badBytes % (bytes.length + 1);
      bytes = Buffer.concat([
        bytes.subarray(0, at),
        Buffer.from([0xed, 0xa0, 0x80, 0xff, 0xc3]),
        bytes.subarray(at),
      ]);
    }
    writeFileSync(files.base, bytes);
    writeFileSync(files.branch, texts.b);
    if (c.config !== null) {
      const graph = tryParse(a, seedNamed(c.documents.seed).format) ?? { assets: [] };
      writeFileSync(
        join(dir, "asset-diff.config.json"),
        stringifyJson(configJson(c.config, graph)),
      );
    }
    const stdinText = c.stdin === "base" ? texts.a : c.stdin === "branch" ? texts.b : undefined;
    const base = c.stdin === "base" ? "-" : files.base;
    const branch = c.stdin === "branch" ? "-" : files.branch;

    const flags: string[] = [];
    const f = c.flags;
    if (f.inputFormat !== undefined) flags.push("--input-format", f.inputFormat);
    if (f.defaultLocation !== undefined) flags.push(`--default-location=${f.defaultLocation}`);
    let args: string[];
    if (c.command === "snapshot") args = ["snapshot", base, ...flags];
    else {
      if (f.changeTypes !== undefined) flags.push("--change-types", f.changeTypes);
      if (f.missingLocations !== undefined) flags.push("--missing-locations", f.missingLocations);
      if (f.codeLocation !== undefined) flags.push(`--code-location=${f.codeLocation}`);
      if (f.noDefaultRules) flags.push("--no-default-rules");
      if (f.allowFailedLocations && c.command === "diff") flags.push("--allow-failed-locations");
      if (c.command === "explain") {
        const graph = tryParse(b, seedNamed(c.documents.seed).format);
        const keys = graph?.assets.map((x) => x.key.join("/")) ?? [];
        const key =
          typeof c.explainKey === "string"
            ? c.explainKey
            : (keys[c.explainKey % Math.max(1, keys.length)] ?? "x");
        args = ["explain", base, branch, key, ...flags];
      } else {
        flags.push("--format", c.format);
        if (f.includeUnchanged) flags.push("--include-unchanged");
        if (f.failOn !== undefined) flags.push(`--fail-on=${f.failOn}`);
        if (f.reportId !== undefined) flags.push(`--report-id=${f.reportId}`);
        args = ["diff", base, branch, ...flags];
      }
    }
    const env: Record<string, string> = c.github
      ? {
          GITHUB_ACTIONS: "true",
          GITHUB_OUTPUT: join(dir, "output.txt"),
          GITHUB_STEP_SUMMARY: join(dir, "summary.md"),
          GITHUB_WORKSPACE: dir,
          GITHUB_HEAD_REF: "feature/\u202Ex",
          GITHUB_REF: "refs/pull/42/merge",
        }
      : {};
    startClock();
    const { code, stdout, stderr } = await invoke(args, { stdin: stdinText, env, cwd: dir });
    const shown = `exit ${code}; stderr ${JSON.stringify(stderr.slice(0, 300))}`;
    invariant(code === 0 || code === 1 || code === 2, `the CLI gave ${shown}`);
    invariant(
      !STACK_TRACE.test(stdout) && !STACK_TRACE.test(stderr),
      `stack trace in the output: ${shown}`,
    );
    if (code === 2) {
      invariant(stderr.startsWith("asset-diff: "), `exit 2 without a message: ${shown}`);
      return "exit 2";
    }
    if (c.command === "snapshot") {
      must("parseSnapshot(asset-diff snapshot)", () => parseSnapshot(JSON.parse(stdout)));
    } else if (c.command === "diff") {
      // JSON reports keep standard output to themselves: workflow commands go to standard error.
      // Machine-read reports keep standard output to themselves: workflow commands go to stderr.
      const json = c.format !== "text" && c.format !== "markdown";
      const report = c.github && !json ? withoutCommands(stdout) : stdout;
      if (c.format === "json") checkJson(report);
      if (c.format === "markdown") checkMarkdown(report, {});
      if (c.format === "codequality" || c.format === "gitlab") checkCodeQuality(report);
      if (c.format === "sarif") {
        const sarif = must("JSON.parse(sarif)", () => JSON.parse(report)) as {
          version?: unknown;
          runs?: { results?: unknown }[];
        };
        invariant(sarif.version === "2.1.0", `SARIF version ${String(sarif.version)}`);
        invariant(Array.isArray(sarif.runs?.[0]?.results), "SARIF without results");
      }
      if (c.format === "junit") {
        invariant(
          report.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites'),
          "JUnit prolog",
        );
        // XML 1.0 cannot carry C0 controls other than tab, LF and CR.
        invariant(
          !Array.from(report).some((ch) => {
            const code = ch.charCodeAt(0);
            return code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d;
          }),
          "a control character in XML",
        );
      }
      if (c.format === "html") {
        invariant(/^<!doctype html>/i.test(report), "HTML doctype");
        invariant(
          report.match(/<\/script/gi)?.length === report.match(/<script/gi)?.length,
          "a script closed early",
        );
      }
      if (c.github) {
        readGithubOutputs(readFileSync(env.GITHUB_OUTPUT as string, "utf8"));
        const commands = (json ? stderr : stdout)
          .split(/(?<=\n)/)
          .filter((line) => line.startsWith("::"));
        checkAnnotations(commands);
      }
    }
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Standard output without the workflow commands GitHub mode writes after the report. */
function withoutCommands(stdout: string): string {
  const at = stdout.search(/^::(error|warning|notice) /m);
  return at < 0 ? stdout : stdout.slice(0, at);
}

/** A workspace option: the checkout, the root, or any text. */
const arbWorkspace = fc.oneof(arbUnusualString, fc.constantFrom("/", CHECKOUT, `${CHECKOUT}/`));

/** Options of the lineage picture, each at its edges or left out. */
const arbLineageOptions = fc.record(
  { maxNodes: arbCount, maxEdges: arbCount, maxLabelLength: arbCount, neighbours: fc.boolean() },
  { requiredKeys: [] },
);

// --- the targets ---

/** Every fuzz target, by entry point. */
export const TARGETS: readonly FuzzTarget[] = [
  parserTarget("parseDagsterGraphql", "dagster-graphql", parseDagsterGraphql),
  parserTarget("parseSnapshot", "snapshot", parseSnapshot),
  parserTarget("parseDgListDefs", "dg-list-defs", parseDgListDefs),
  parserTarget("parseDbtManifest", "dbt-manifest", parseDbtManifest),
  target<{ input: ParserCase; format: InputFormat | "auto" }>({
    name: "parseAssetGraph",
    description: "parseAssetGraph: any seed or JSON, detected or with a format named",
    arbitrary: (s) =>
      fc.record({
        input: arbParserCase(SEEDS, s),
        format: fc.constantFrom(
          "auto" as const,
          "auto" as const,
          ...(Object.keys(INPUT_FORMATS) as InputFormat[]),
        ),
      }),
    run: ({ input, format }, { scale, startClock }) =>
      runParser(
        (json, options) => parseAssetGraph(json, parseAssetGraphOptions(options, format)),
        input,
        scale,
        startClock,
      ),
  }),
  target<TextCase>({
    name: "parseJsonText",
    description:
      "parseJsonText then parseAssetGraph: JSON text truncated, wrapped, nested, with bytes inserted",
    arbitrary: (s) => arbTextCase(s),
    run: (c, { scale, startClock }) => {
      const text = textOf(c, scale);
      startClock();
      checkGraph(parseAssetGraph(parseJsonText(text, "fuzz.json"), { source: "fuzz.json" }));
      return undefined;
    },
  }),
  target<NormalizeCase>({
    name: "normalize",
    description:
      "normalize: graphs built in code from mutated snapshots, with values JSON cannot carry",
    arbitrary: (s) =>
      fc.record({
        case: arbSeedCase(seedsOf("snapshot"), s),
        js: fc.array(
          fc.record({
            at: fc.nat(),
            kind: fc.constantFrom(
              "NaN" as const,
              "Infinity" as const,
              "-0" as const,
              "undefined" as const,
              "nullPrototype" as const,
              "cycle" as const,
              "date" as const,
              "bigint" as const,
              "function" as const,
              "symbol" as const,
              "map" as const,
            ),
          }),
          { maxLength: 2 },
        ),
      }),
    run: (c, { scale, startClock }) => {
      const graph = withoutVersion(materialize(c.case, scale).a);
      const input = applyJsMutations(graph, c.js) as AssetGraph;
      const before = c.js.length === 0 ? stringifyJson(input) : undefined;
      startClock();
      const normalized = normalize(input);
      if (before !== undefined)
        invariant(stringifyJson(input) === before, "normalize modified its input");
      const again = must("normalize(copy of normalize(g))", () => normalize(cloneJson(normalized)));
      invariant(
        serializeSnapshot(again) === serializeSnapshot(normalized),
        "normalize is not idempotent",
      );
      checkGraph(normalized);
      return undefined;
    },
  }),
  target<{ pair: PairCase; options: DiffOptions & { location?: number } }>({
    name: "diffAssetGraphs",
    description:
      "diffAssetGraphs in both modes, with every option; change sets validate and render",
    arbitrary: (s) =>
      fc.record({
        pair: arbPair(s),
        options: fc.record(
          {
            changeTypes: fc.constantFrom("all" as const, "dagster" as const),
            includeUnchanged: fc.boolean(),
            missingLocations: fc.constantFrom("skip" as const, "removed" as const),
            codeLocation: arbUnusualString,
            location: fc.nat(),
          },
          { requiredKeys: ["changeTypes"] },
        ),
      }),
    run: ({ pair, options: { location, ...options } }, { scale, startClock }) => {
      const graphs = pairOf(pair, scale);
      startClock();
      const locations = [...new Set(graphs.branch.assets.map((a) => a.codeLocation))].filter(
        (l) => l !== null,
      );
      const chosen =
        location === undefined ? undefined : locations[location % Math.max(1, locations.length)];
      const diffOptions = chosen === undefined ? options : { ...options, codeLocation: chosen };
      const changeSet = diffAssetGraphs(graphs.base, graphs.branch, diffOptions);
      checkJson(renderJson(changeSet));
      if (diffOptions.codeLocation === undefined) {
        const back = must("diffAssetGraphs (reversed)", () =>
          diffAssetGraphs(graphs.branch, graphs.base, {
            ...diffOptions,
            missingLocations: "removed",
          }),
        );
        const forward = must("diffAssetGraphs (removed)", () =>
          diffAssetGraphs(graphs.base, graphs.branch, {
            ...diffOptions,
            missingLocations: "removed",
          }),
        );
        const ids = (cs: ChangeSet, type: string) =>
          cs.assets
            .filter((a) => a.changeTypes.includes(type as never))
            .map((a) =>
              assetId({ key: a.path, codeLocation: a.codeLocation, repository: a.repository }),
            )
            .sort()
            .join("\n");
        invariant(
          ids(forward, "NEW") === ids(back, "REMOVED"),
          "NEW one way is not REMOVED the other",
        );
      }
      checkChangeSet(changeSet, graphs);
      return undefined;
    },
  }),
  target<{ pair: PairCase; config: ConfigCase; mode: ChangeTypeMode }>({
    name: "reviewChanges",
    description:
      "parseConfig, reviewChanges (substitutions, ignore, severity, approvals); the result renders",
    arbitrary: (s) =>
      fc.record({
        pair: arbPair(s),
        config: arbConfig(s),
        mode: fc.constantFrom("all" as const, "dagster" as const),
      }),
    run: ({ pair, config, mode }, { scale, startClock }) => {
      const graphs = pairOf(pair, scale);
      const json = configJson(config, graphs.branch);
      startClock();
      const parsed = parseConfig(json, { source: "config.json" });
      const raw = must("diffAssetGraphs", () =>
        diffAssetGraphs(graphs.base, graphs.branch, { changeTypes: mode, includeUnchanged: true }),
      );
      const context = createPolicyContext(graphs);
      const options = {
        config: parsed,
        variables: Object.fromEntries(
          Object.entries(config.variables).filter(([, v]) => v !== undefined),
        ) as Record<string, string>,
        ...(config.defaultRules === null ? {} : { defaultRules: config.defaultRules }),
      };
      let reviewed = reviewChanges(raw, context, options);
      if (config.approvals) {
        const approved = approveChanges(reviewed, { by: "fuzz", reason: "ok", now: new Date(0) });
        const file = parseApprovals(JSON.parse(serializeApprovals(approved)), { source: "a.json" });
        const reversed = reviewChanges(
          diffAssetGraphs(graphs.branch, graphs.base, { changeTypes: mode }),
          { base: graphs.branch, branch: graphs.base },
          options,
        );
        const stale = approveChanges(reversed, { by: null, reason: "\u0000", now: new Date(0) });
        reviewed = reviewChanges(raw, context, {
          ...options,
          approvals: {
            formatVersion: 1,
            approvals: [...file.approvals.slice(0, 2), ...stale.approvals],
          },
        });
      }
      checkChangeSet(reviewed, graphs);
      checkExplanations(raw, reviewed, context);
      return undefined;
    },
  }),
  target<{ pair: PairCase; third: PairCase; mergeBase: number; asOf: number; config: ConfigCase }>({
    name: "threeWay",
    description:
      "reviewChanges with a merge base (drift, conflicts), declared moves and a reference time; the result renders, and a merge base equal to the base makes every change the branch's",
    arbitrary: (s) =>
      fc.record({
        pair: arbPair(s),
        third: arbPair(s),
        mergeBase: fc.nat({ max: 3 }),
        // Any time from 1900 to 2100, and the edges of what a Date holds.
        asOf: fc.oneof(
          fc.integer({ min: -2_208_988_800_000, max: 4_102_444_800_000 }),
          fc.constantFrom(-8.64e15, 8.64e15, 0),
        ),
        config: arbConfig(s),
      }),
    run: ({ pair, third, mergeBase, asOf, config }, { scale, startClock }) => {
      const graphs = pairOf(pair, scale);
      const other = pairOf(third, scale);
      const merge = [graphs.base, graphs.branch, other.base, other.branch][mergeBase] as AssetGraph;
      // A valid configuration half the time (the reviewChanges target fuzzes invalid ones).
      const json = configJson(
        config.approvals ? config : { ...config, mutations: [] },
        graphs.branch,
      );
      startClock();
      const parsed = parseConfig(json, { source: "config.json" });
      const raw = must("diffAssetGraphs", () => diffAssetGraphs(graphs.base, graphs.branch));
      const context = createPolicyContext(graphs);
      const reviewed = reviewChanges(raw, context, {
        config: parsed,
        variables: { pr: "42", branch: "feature" },
        mergeBase: merge,
        asOf: new Date(asOf),
      });
      const origins = new Set(
        reviewed.assets.flatMap((a) => (a.origins ?? []).map((o) => o.origin)),
      );
      if (mergeBase === 0 && [...origins].some((o) => o !== "branch"))
        throw new Error(`a merge base equal to the base gave origins ${[...origins].join(", ")}`);
      checkChangeSet(reviewed, graphs);
      return undefined;
    },
  }),
  target<ChangeSetCase>({
    name: "withLineage",
    description: "withLineage over raw and reviewed change sets; neighbours sorted and unique",
    arbitrary: (s) => arbChangeSetCase(s),
    run: (c, { scale, startClock }) => {
      const { changeSet, graphs } = buildChangeSet(
        { ...c, lineage: false, stored: null },
        scale,
        startClock,
      );
      const lined = withLineage(changeSet, graphs);
      for (const asset of lined.assets) {
        invariant(asset.lineage !== undefined, `${asset.key} has no lineage`);
        for (const list of [asset.lineage.upstream, asset.lineage.downstream]) {
          const sorted = [...new Set(list)].sort();
          invariant(
            JSON.stringify(sorted) === JSON.stringify(list),
            `${asset.key}: lineage not sorted and unique`,
          );
        }
      }
      checkMermaid(must("renderLineageMermaid", () => renderLineageMermaid(lined)));
      checkJson(renderJson(lined));
      return undefined;
    },
  }),
  rendererTarget(
    "renderText",
    fc.record({ width: arbCount, color: fc.boolean() }, { requiredKeys: [] }),
    ({ changeSet }, options) => {
      const text = renderText(changeSet, options);
      invariant(text.endsWith("\n"), "renderText output does not end with a line break");
    },
  ),
  rendererTarget("renderJson", fc.constant(undefined), ({ changeSet }) => {
    const text = renderJson(changeSet);
    checkJson(text);
    invariant(renderJson(JSON.parse(text)) === text, "renderJson of its own output differs");
  }),
  rendererTarget(
    "renderMarkdown",
    fc.record(
      {
        id: arbUnusualString,
        title: arbUnusualString,
        lineage: fc.oneof(fc.boolean(), arbLineageOptions),
        maxLength: fc.oneof(arbCount, fc.integer({ min: 6000, max: 70_000 })),
        foldAfter: arbCount,
        maxDetailsPerAsset: arbCount,
        maxValueLength: arbCount,
      },
      { requiredKeys: [] },
    ),
    ({ changeSet }, options) => checkMarkdown(renderMarkdown(changeSet, options), options),
  ),
  rendererTarget(
    "renderCodeQuality",
    fc.record(
      {
        workspace: arbWorkspace,
        fallbackPath: arbUnusualString,
        graphs: fc.boolean(),
      },
      { requiredKeys: [] },
    ),
    ({ changeSet, graphs }, { graphs: withGraphs, ...options }) => {
      const text = renderCodeQuality(changeSet, withGraphs ? { ...options, graphs } : options);
      checkCodeQuality(text);
    },
  ),
  rendererTarget("renderLineageMermaid", arbLineageOptions, ({ changeSet, graphs }, options) => {
    const lined = changeSet.assets.some((a) => a.lineage)
      ? changeSet
      : withLineage(changeSet, graphs);
    checkMermaid(renderLineageMermaid(lined, options));
  }),
  rendererTarget(
    "renderGithubAnnotations",
    fc.record(
      {
        workspace: arbWorkspace,
        limit: arbCount,
        graphs: fc.boolean(),
        // Code references changed in the graphs given to the renderer only, as a caller holding
        // graphs built in code could: sometimes not valid references at all.
        late: fc.array(
          fc.record({
            side: fc.constantFrom("base" as const, "branch" as const),
            asset: fc.nat(),
            references: fc.array(
              fc.oneof(
                { weight: 2, arbitrary: arbCodeReference as fc.Arbitrary<unknown> },
                { weight: 1, arbitrary: arbJsonValue },
                {
                  weight: 1,
                  arbitrary: fc.record(
                    {
                      type: fc.constantFrom("localFile", "url", "unknown"),
                      filePath: arbJsonValue,
                      url: arbJsonValue,
                      lineNumber: arbJsonValue,
                    },
                    { requiredKeys: ["type"] },
                  ),
                },
              ),
              { minLength: 1, maxLength: 2 },
            ),
          }),
          { maxLength: 1 },
        ),
      },
      { requiredKeys: [] },
    ),
    ({ changeSet, graphs }, { graphs: withGraphs, late, ...options }) => {
      const given = withReferences(graphs, (late ?? []) as ReferenceEdit[]);
      checkAnnotations(
        renderGithubAnnotations(
          changeSet,
          withGraphs === false ? options : { ...options, graphs: given },
        ),
      );
    },
  ),
  target<{
    outputs: Record<string, string> | null;
    delimiter: string | null;
    changeSet: ChangeSetCase;
  }>({
    name: "githubOutputs",
    description: "githubOutputs and formatGithubOutputs: any names and values read back as written",
    arbitrary: (s) =>
      fc.record({
        outputs: fc.option(
          fc
            .array(
              fc.tuple(
                fc.oneof(arbUnusualString, fc.constantFrom("new", "has-changes")),
                arbUnusualString,
              ),
              {
                maxLength: 4,
              },
            )
            .map((entries) => {
              const out: Record<string, string> = {};
              for (const [k, v] of entries) setOwn(out, k, v);
              return out;
            }),
        ),
        delimiter: fc.option(fc.oneof(arbUnusualString, fc.constant("EOF"))),
        changeSet: arbChangeSetCase(s),
      }),
    run: ({ outputs, delimiter, changeSet }, { scale, startClock }) => {
      const values =
        outputs ?? githubOutputs(buildChangeSet(changeSet, scale, startClock).changeSet);
      if (outputs !== null) startClock();
      const text =
        delimiter === null ? formatGithubOutputs(values) : formatGithubOutputs(values, delimiter);
      checkGithubOutputs(values, text);
      return undefined;
    },
  }),
  rendererTarget(
    "renderExplanation",
    fc.record({
      asset: fc.nat(),
      approvals: fc.boolean(),
      mode: fc.option(fc.constantFrom("all" as const, "dagster" as const)),
    }),
    ({ graphs, changeSet: _ }, { asset, approvals, mode }, c) => {
      const raw = diffAssetGraphs(graphs.base, graphs.branch, {
        changeTypes: c.mode,
        includeUnchanged: true,
      });
      const context = createPolicyContext(graphs);
      const reviewed = reviewChanges(raw, context);
      const change = raw.assets[asset % Math.max(1, raw.assets.length)];
      if (change === undefined) return;
      const same = (b: { key: string; codeLocation: string | null; repository: string | null }) =>
        b.key === change.key &&
        b.codeLocation === change.codeLocation &&
        b.repository === change.repository;
      const text = renderExplanation({
        base: change.changeTypes.includes("NEW") ? undefined : context.sideOf("base", change),
        branch: change.changeTypes.includes("REMOVED")
          ? undefined
          : context.sideOf("branch", change),
        raw: change,
        reviewed: reviewed.assets.find(same),
        suppressed: reviewed.suppressed.filter(same),
        staleApprovals: [],
        approvals,
        ...(mode === null ? {} : { changeTypes: mode }),
      });
      invariant(text.startsWith(change.key), "the explanation does not start with the asset key");
    },
  ),
  target<{
    input: NormalizeCase | PairCase;
    options: {
      maskLineNumbers?: boolean;
      omitMetadata?: string[];
      patterns?: string[];
      showUnknown?: boolean;
    };
  }>({
    name: "formatAssetGraph",
    description:
      "formatAssetGraph (asset-diff/testing): graphs built in code and parsed ones, every option",
    arbitrary: (s) =>
      fc.record({
        input: fc.oneof(
          arbPair(s),
          fc.record({
            case: arbSeedCase(seedsOf("snapshot"), s),
            js: fc.constant<JsMutation[]>([]),
          }),
        ),
        options: fc.record(
          {
            maskLineNumbers: fc.boolean(),
            omitMetadata: fc.array(arbUnusualString, { maxLength: 3 }),
            patterns: fc.array(arbUnusualString, { maxLength: 2 }),
            showUnknown: fc.boolean(),
          },
          { requiredKeys: [] },
        ),
      }),
    run: ({ input, options: { patterns, ...options } }, { scale, startClock }) => {
      let graph: AssetGraph;
      if ("from" in input) graph = pairOf(input, scale).branch;
      else graph = withoutVersion(materialize(input.case, scale).a) as AssetGraph;
      startClock();
      const omit = [
        ...(options.omitMetadata ?? []),
        ...(patterns ?? []).map((p) => new RegExp(p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "u")),
      ];
      const text = formatAssetGraph(graph, { ...options, omitMetadata: omit });
      invariant(text.startsWith("asset graph: "), "formatAssetGraph output lacks its header");
      return undefined;
    },
  }),
  target<CliCase>({
    name: "cli",
    description:
      "runCli in-process: diff (text, json, markdown), snapshot and explain over temp files",
    arbitrary: (s) => arbCliCase(s),
    run: (c, { scale, startClock }) => runCliCase(c, scale, startClock, inProcess),
  }),
  target<CliCase>({
    name: "cliBinary",
    description:
      "node dist/cli.js as a process: the cases of cli, exit codes and stderr as a user sees them",
    arbitrary: (s) => arbCliCase(s),
    run: (c, { scale, startClock }) => runCliCase(c, scale, startClock, asProcess),
    extraBudgetMs: 3000,
    weight: 0.1,
  }),
];

/** A renderer's target: a change set (computed, reviewed, with lineage, or stored and mutated) and options. */
function rendererTarget<O>(
  name: string,
  options: fc.Arbitrary<O>,
  render: (built: BuiltChangeSet, options: O, c: ChangeSetCase) => void,
): FuzzTarget {
  return target<{ changeSet: ChangeSetCase; options: O }>({
    name,
    description: `${name}: change sets computed, reviewed, with lineage or stored and mutated; edge options`,
    arbitrary: (scale) => fc.record({ changeSet: arbChangeSetCase(scale), options }),
    run: ({ changeSet, options: o }, { scale, startClock }) => {
      render(buildChangeSet(changeSet, scale, startClock), o, changeSet);
      return undefined;
    },
  });
}

/** The target of that name. */
export function targetNamed(name: string): FuzzTarget {
  const found = TARGETS.find((t) => t.name === name);
  if (found === undefined)
    throw new Error(
      `no fuzz target ${name}; the targets are ${TARGETS.map((t) => t.name).join(", ")}`,
    );
  return found;
}
