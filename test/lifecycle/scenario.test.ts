import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  cloneSchemaSql,
  dropSchemaSql,
  type LifecycleAction,
  type LifecycleActionOf,
  parseLifecycleEvent,
  replayEvents,
  type TransitionOptions,
} from "../../src/lifecycle/index";
import { SETUP_TIMEOUT_MS } from "../helpers/timeouts";
import {
  contentsOf,
  ENGINES,
  PRODUCTION,
  resetDatabase,
  runAll,
  type SqlEngine,
  schemasOf,
  tablesOf,
} from "./engines";
import { closed, opened, SHA, synchronize } from "./github-payloads";

/**
 * The scripted scenario: pull request #2 of Codertocat/Hello-World (GitHub's own example
 * payloads) is opened, pushed to twice and closed. Only the head shas, `before`/`after` and
 * `updated_at` are changed from GitHub's payloads (see github-payloads.ts).
 */
const payloads = [
  opened(), // head a, 15:20:33 (as GitHub wrote it)
  synchronize(SHA.a, SHA.b, "2019-05-15T15:25:00Z"),
  synchronize(SHA.b, SHA.c, "2019-05-15T15:30:00Z"),
  closed(SHA.c, "2019-05-15T15:35:00Z"),
];
const events = payloads.map((payload) => parseLifecycleEvent(structuredClone(payload)));

const options: TransitionOptions = {
  schemas: [
    { dialect: "postgres", schema: PRODUCTION },
    { dialect: "duckdb", schema: PRODUCTION },
  ],
  snapshotBase: "ON_CREATE",
  deleteAfterMs: 0,
};

const NAME = "changes";
const created = "2019-05-15T15:20:33.000Z";
const schemas = [
  { dialect: "postgres", catalog: null, source: PRODUCTION, target: "analytics__changes" },
  { dialect: "duckdb", catalog: null, source: PRODUCTION, target: "analytics__changes" },
] as const;
const report = (headSha: string, mode: "create" | "update"): LifecycleAction => ({
  type: "post_report",
  deployment: NAME,
  meta: {
    mode,
    pullRequest: 2,
    reportId: "branch-deployment-changes",
    marker: "<!-- asset-diff:report:branch-deployment-changes -->",
    headSha,
  },
});
/** A deploy of `sha` (replacing `previousSha`), its snapshot, the diff and the report. */
const deploy = (
  sha: string,
  previousSha: string | null,
  at: string,
  mode: "create" | "update",
): LifecycleAction[] => [
  {
    type: "deploy_commit",
    deployment: NAME,
    meta: {
      sha,
      previousSha,
      message: null,
      author: { login: "Codertocat", name: null, email: null },
      committedAt: at,
    },
  },
  {
    type: "capture_snapshot",
    deployment: NAME,
    meta: { role: "branch", of: NAME, ref: `${NAME}@${sha}`, sha },
  },
  {
    type: "diff_against_base",
    deployment: NAME,
    meta: {
      baseDeployment: "prod",
      baseSnapshot: `prod@${created}`,
      snapshotBase: "ON_CREATE",
      branchSnapshot: `${NAME}@${sha}`,
      headSha: sha,
    },
  },
  report(sha, mode),
];

/** Exactly what each event plans, in order. */
const EXPECTED: LifecycleAction[][] = [
  [
    {
      type: "create_deployment",
      deployment: NAME,
      meta: {
        repo: "Codertocat/Hello-World",
        branch: "changes",
        pullRequest: 2,
        pullRequestUrl: "https://github.com/Codertocat/Hello-World/pull/2",
        baseDeployment: "prod",
        snapshotBase: "ON_CREATE",
        status: "OPEN",
        recreate: false,
      },
    },
    {
      type: "clone_schemas",
      deployment: NAME,
      meta: { schemas: [...schemas], copy: "data", replace: true },
    },
    {
      type: "capture_snapshot",
      deployment: NAME,
      meta: { role: "base", of: "prod", ref: `prod@${created}`, sha: null },
    },
    ...deploy(SHA.a, null, created, "create"),
  ],
  deploy(SHA.b, SHA.a, "2019-05-15T15:25:00.000Z", "update"),
  deploy(SHA.c, SHA.b, "2019-05-15T15:30:00.000Z", "update"),
  [
    { type: "mark_closed", deployment: NAME, meta: { status: "CLOSED", deleteAfter: null } },
    {
      type: "drop_schemas",
      deployment: NAME,
      meta: {
        schemas: schemas.map(({ dialect, catalog, target }) => ({
          dialect,
          catalog,
          schema: target,
        })),
      },
    },
    { type: "delete_deployment", deployment: NAME, meta: { reason: "closed" } },
  ],
];

describe("scenario: open → push → push → close, from GitHub's payloads", () => {
  const run = replayEvents(events, options);

  test("yields exactly the expected actions, event by event", () => {
    expect(run.results.map((r) => r.ignored)).toEqual([null, null, null, null]);
    expect(run.results.map((r) => r.actions)).toEqual(EXPECTED);
    expect(run.state).toMatchObject({
      name: NAME,
      status: "CLOSED",
      phase: "deleted",
      headSha: SHA.c,
      deployedShas: [SHA.a, SHA.b, SHA.c],
      baseSnapshot: `prod@${created}`,
      createdAt: created,
      closedAt: "2019-05-15T15:35:00.000Z",
      deletedAt: "2019-05-15T15:35:00.000Z",
    });
  });

  test("replaying the whole list again plans nothing and changes nothing", () => {
    const again = replayEvents(events, options, run.state);
    expect(again.actions).toEqual([]);
    expect(again.results.map((r) => r.ignored?.reason)).toEqual([
      "duplicate",
      "duplicate",
      "duplicate",
      "duplicate",
    ]);
    expect(again.state).toEqual(run.state);
  });

  test("shuffled duplicates (redeliveries in any order) plan nothing and change nothing", () => {
    fc.assert(
      fc.property(fc.shuffledSubarray([...events, ...events], { minLength: 1 }), (redelivered) => {
        const again = replayEvents(redelivered, options, run.state);
        expect(again.actions).toEqual([]);
        expect(again.state).toEqual(run.state);
      }),
      { numRuns: 200, seed: 20261129 },
    );
  });

  test("each payload delivered twice in a row plans what it plans once", () => {
    const twice = replayEvents(
      events.flatMap((e) => [e, parseLifecycleEvent(structuredClone(payloads[events.indexOf(e)]))]),
      options,
    );
    expect(twice.actions).toEqual(EXPECTED.flat());
    expect(twice.state).toEqual(run.state);
  });
});

describe.each(ENGINES)("scenario SQL on $name", (factory) => {
  let engine: SqlEngine;
  beforeAll(async () => {
    engine = await factory.open();
    await resetDatabase(engine);
  }, SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await engine?.close();
  }, SETUP_TIMEOUT_MS);

  const { results } = replayEvents(events, options);
  const only = <T extends LifecycleAction["type"]>(type: T, index: number) =>
    results[index]?.actions.find((a): a is LifecycleActionOf<T> => a.type === type);

  test("the planned clone runs, and holds production's tables, columns and rows", async () => {
    const production = await contentsOf(engine, PRODUCTION);
    const clone = only("clone_schemas", 0);
    const mine = clone?.meta.schemas.filter((s) => s.dialect === factory.dialect) ?? [];
    expect(mine).toHaveLength(1);
    for (const schema of mine) {
      const tables = await tablesOf(engine, schema.source);
      await runAll(
        engine,
        cloneSchemaSql(factory.dialect, {
          source: schema.source,
          target: schema.target,
          tables,
          copy: clone?.meta.copy ?? "data",
          replace: clone?.meta.replace ?? true,
          protect: [PRODUCTION],
        }),
      );
      expect(await contentsOf(engine, schema.target)).toEqual(production);
    }
    expect(await contentsOf(engine, PRODUCTION)).toEqual(production);
  });

  test("the planned drop removes the branch schema and nothing else", async () => {
    const production = await contentsOf(engine, PRODUCTION);
    const drop = only("drop_schemas", 3);
    const mine = drop?.meta.schemas.filter((s) => s.dialect === factory.dialect) ?? [];
    expect(mine.map((s) => s.schema)).toEqual(["analytics__changes"]);
    for (const schema of mine) {
      await runAll(
        engine,
        dropSchemaSql(factory.dialect, schema.schema, { protect: [PRODUCTION] }),
      );
    }
    expect(await schemasOf(engine)).not.toContain("analytics__changes");
    expect(await contentsOf(engine, PRODUCTION)).toEqual(production);
  });
});
