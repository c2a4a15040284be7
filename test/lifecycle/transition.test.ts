import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { UsageError } from "../../src/errors";
import {
  type BranchDeploymentState,
  eventFromGit,
  type GitFacts,
  type LifecycleAction,
  type LifecycleEvent,
  parseBranchDeploymentState,
  replayEvents,
  type TransitionOptions,
  transition,
} from "../../src/lifecycle/index";

const REPO = "acme/data";
const BRANCH = "feature/orders";
const NAME = "feature-orders-862c7853ce";
const SCHEMA = "analytics__feature_orders_862c7853ce";
const A = "a".repeat(40);
const B = "b".repeat(40);
const C = "c".repeat(40);

/** Minute `m` of a fixed day, as the canonical timestamp events carry. */
const at = (m: number) => `2024-05-01T10:${String(m).padStart(2, "0")}:00.000Z`;

/** An event of pull request #7 of `acme/data`, branch `feature/orders` into `main`. */
const event = (
  type: NonNullable<GitFacts["type"]>,
  headSha: string,
  minute: number | null,
  extra: Partial<GitFacts> = {},
): LifecycleEvent =>
  eventFromGit({
    repo: REPO,
    branch: BRANCH,
    headSha,
    type,
    pullRequest: 7,
    baseBranch: "main",
    ...(minute === null ? {} : { at: at(minute) }),
    ...extra,
  });

const labeled = (minute: number): LifecycleEvent => ({
  ...event("pushed", A, minute),
  type: "other",
  action: "labeled",
});

const options: TransitionOptions = { schemas: [{ dialect: "postgres", schema: "analytics" }] };

const types = (actions: readonly LifecycleAction[]) => actions.map((a) => a.type);

/** The state after some events, checking none of them was refused. */
function stateAfter(events: LifecycleEvent[], opts: TransitionOptions = options) {
  return replayEvents(events, opts).state;
}

describe("opening", () => {
  test("opened plans exactly: create, clone, deploy, capture, diff, post", () => {
    const { state, actions, ignored } = transition(undefined, event("opened", A, 1), options);
    expect(ignored).toBeNull();
    expect(actions).toEqual([
      {
        type: "create_deployment",
        deployment: NAME,
        meta: {
          repo: REPO,
          branch: BRANCH,
          pullRequest: 7,
          pullRequestUrl: null,
          baseDeployment: "prod",
          snapshotBase: "LIVE",
          status: "OPEN",
          recreate: false,
        },
      },
      {
        type: "clone_schemas",
        deployment: NAME,
        meta: {
          schemas: [{ dialect: "postgres", catalog: null, source: "analytics", target: SCHEMA }],
          copy: "data",
          replace: true,
        },
      },
      {
        type: "deploy_commit",
        deployment: NAME,
        meta: { sha: A, previousSha: null, message: null, author: null, committedAt: at(1) },
      },
      {
        type: "capture_snapshot",
        deployment: NAME,
        meta: { role: "branch", of: NAME, ref: `${NAME}@${A}`, sha: A },
      },
      {
        type: "diff_against_base",
        deployment: NAME,
        meta: {
          baseDeployment: "prod",
          baseSnapshot: null,
          snapshotBase: "LIVE",
          branchSnapshot: `${NAME}@${A}`,
          headSha: A,
        },
      },
      {
        type: "post_report",
        deployment: NAME,
        meta: {
          mode: "create",
          pullRequest: 7,
          reportId: `branch-deployment-${NAME}`,
          marker: `<!-- asset-diff:report:branch-deployment-${NAME} -->`,
          headSha: A,
        },
      },
    ] satisfies LifecycleAction[]);
    expect(state).toEqual({
      formatVersion: 1,
      name: NAME,
      repo: REPO,
      branch: BRANCH,
      pullRequest: 7,
      pullRequestUrl: null,
      status: "OPEN",
      phase: "active",
      headSha: A,
      deployedShas: [A],
      baseBranch: "main",
      baseDeployment: "prod",
      snapshotBase: "LIVE",
      baseSnapshot: null,
      branchSnapshot: `${NAME}@${A}`,
      schemas: [{ dialect: "postgres", catalog: null, source: "analytics", target: SCHEMA }],
      reportPosted: true,
      createdAt: at(1),
      updatedAt: at(1),
      closedAt: null,
      deleteAfter: null,
      deletedAt: null,
      lastEventAt: at(1),
      history: [
        {
          at: at(1),
          recordedAt: at(1),
          event: "opened",
          action: "opened",
          headSha: A,
          beforeSha: null,
          baseBranch: "main",
          ignored: null,
          actions: [
            "create_deployment",
            "clone_schemas",
            "deploy_commit",
            "capture_snapshot",
            "diff_against_base",
            "post_report",
          ],
        },
      ],
    } satisfies BranchDeploymentState);
  });

  test("a push, a reopen or a ready_for_review for an unknown branch creates it (the open was missed)", () => {
    for (const type of ["pushed", "reopened", "ready_for_review", "retargeted"] as const) {
      expect(types(transition(undefined, event(type, A, 1), options).actions)).toEqual([
        "create_deployment",
        "clone_schemas",
        "deploy_commit",
        "capture_snapshot",
        "diff_against_base",
        "post_report",
      ]);
    }
  });
});

/**
 * The transition table: events applied in order from nothing; the last one's actions (by type)
 * and ignore reason. Every earlier event must have been applied or ignored as listed in `before`.
 */
const TABLE: {
  name: string;
  events: LifecycleEvent[];
  options?: TransitionOptions;
  actions: LifecycleAction["type"][];
  ignored: string | null;
}[] = [
  {
    name: "a push redeploys and updates the report",
    events: [event("opened", A, 1), event("pushed", B, 2, { beforeSha: A })],
    actions: ["deploy_commit", "capture_snapshot", "diff_against_base", "post_report"],
    ignored: null,
  },
  {
    name: "the same push twice plans nothing the second time",
    events: [event("opened", A, 1), event("pushed", B, 2), event("pushed", B, 2)],
    actions: [],
    ignored: "duplicate",
  },
  {
    name: "the same open twice plans nothing the second time",
    events: [event("opened", A, 1), event("opened", A, 1)],
    actions: [],
    ignored: "duplicate",
  },
  {
    name: "a push older than the last applied event is stale",
    events: [event("opened", A, 1), event("pushed", C, 3), event("pushed", B, 2)],
    actions: [],
    ignored: "stale",
  },
  {
    name: "a push of a head deployed before the current one, at the same time, is stale",
    events: [event("opened", A, 1), event("pushed", B, 2), event("pushed", A, 2)],
    actions: [],
    ignored: "stale",
  },
  {
    name: "two pushes in the same second, delivered in reverse: the earlier one is stale (before → after)",
    events: [
      event("opened", A, 1),
      event("pushed", C, 2, { beforeSha: B }),
      event("pushed", B, 2, { beforeSha: A }),
    ],
    actions: [],
    ignored: "stale",
  },
  {
    name: "without timestamps, a push of a head deployed before is stale (sha history)",
    events: [event("opened", A, null), event("pushed", B, null), event("pushed", A, null)],
    options: { ...options, now: at(9) },
    actions: [],
    ignored: "stale",
  },
  {
    name: "without timestamps, a new head deploys",
    events: [event("opened", A, null), event("pushed", B, null)],
    options: { ...options, now: at(9) },
    actions: ["deploy_commit", "capture_snapshot", "diff_against_base", "post_report"],
    ignored: null,
  },
  {
    name: "a force-push back to an earlier commit, newer than everything, deploys it again",
    events: [event("opened", A, 1), event("pushed", B, 2), event("pushed", A, 3)],
    actions: ["deploy_commit", "capture_snapshot", "diff_against_base", "post_report"],
    ignored: null,
  },
  {
    name: "an event for the deployed head changes nothing",
    events: [event("opened", A, 1), event("ready_for_review", A, 2)],
    actions: [],
    ignored: "already_deployed",
  },
  {
    name: "reopened while open changes nothing",
    events: [event("opened", A, 1), event("reopened", A, 2)],
    actions: [],
    ignored: "already_open",
  },
  {
    name: "close only marks it closed, as Dagster+'s CI (CI never deletes)",
    events: [event("opened", A, 1), event("closed", A, 2)],
    actions: ["mark_closed"],
    ignored: null,
  },
  {
    name: "close with deleteAfterMs: 0 also drops the schemas and deletes the deployment",
    events: [event("opened", A, 1), event("closed", A, 2)],
    options: { ...options, deleteAfterMs: 0 },
    actions: ["mark_closed", "drop_schemas", "delete_deployment"],
    ignored: null,
  },
  {
    name: "merge marks it merged",
    events: [event("opened", A, 1), event("merged", A, 2)],
    actions: ["mark_closed"],
    ignored: null,
  },
  {
    name: "a push after close is ignored",
    events: [event("opened", A, 1), event("closed", A, 2), event("pushed", B, 3)],
    actions: [],
    ignored: "closed",
  },
  {
    name: "a second close (another delivery, later) is ignored",
    events: [event("opened", A, 1), event("closed", A, 2), event("closed", A, 3)],
    actions: [],
    ignored: "already_closed",
  },
  {
    name: "reopen recreates everything, and updates the report posted before",
    events: [event("opened", A, 1), event("closed", A, 2), event("reopened", B, 3)],
    actions: [
      "create_deployment",
      "clone_schemas",
      "deploy_commit",
      "capture_snapshot",
      "diff_against_base",
      "post_report",
    ],
    ignored: null,
  },
  {
    name: "an opened of the same pull request after its close is stale",
    events: [event("opened", A, 1), event("closed", A, 2), event("opened", A, 2)],
    actions: [],
    ignored: "stale",
  },
  {
    name: "a new pull request for a closed branch recreates it",
    events: [
      event("opened", A, 1),
      event("closed", A, 2),
      event("opened", B, 3, { pullRequest: 8 }),
    ],
    actions: [
      "create_deployment",
      "clone_schemas",
      "deploy_commit",
      "capture_snapshot",
      "diff_against_base",
      "post_report",
    ],
    ignored: null,
  },
  {
    name: "a close of a branch never deployed is ignored (and remembered)",
    events: [event("closed", A, 2)],
    actions: [],
    ignored: "not_deployed",
  },
  {
    name: "a merge after that close marks nothing: there is no deployment",
    events: [event("closed", A, 2), event("merged", A, 3)],
    actions: [],
    ignored: "not_deployed",
  },
  {
    name: "a late open after that close is stale",
    events: [event("closed", A, 2), event("opened", A, 1)],
    actions: [],
    ignored: "stale",
  },
  {
    name: "a reopen after that close creates it",
    events: [event("closed", A, 2), event("reopened", A, 3)],
    actions: [
      "create_deployment",
      "clone_schemas",
      "deploy_commit",
      "capture_snapshot",
      "diff_against_base",
      "post_report",
    ],
    ignored: null,
  },
  {
    name: "labels and other events never deploy",
    events: [event("opened", A, 1), labeled(2)],
    actions: [],
    ignored: "irrelevant",
  },
  {
    name: "a retarget to a branch with its own base deployment re-diffs against it",
    events: [event("opened", A, 1), event("retargeted", A, 2, { baseBranch: "release-1" })],
    options: { ...options, baseDeployments: { "release-1": "release-1" } },
    actions: ["diff_against_base", "post_report"],
    ignored: null,
  },
  {
    name: "a retarget to a branch with the same base deployment only records the new base",
    events: [event("opened", A, 1), event("retargeted", A, 2, { baseBranch: "develop" })],
    actions: [],
    ignored: null,
  },
  {
    name: "a retarget to the base it has is irrelevant",
    events: [event("opened", A, 1), event("retargeted", A, 2)],
    actions: [],
    ignored: "irrelevant",
  },
  {
    name: "ON_CREATE: the base is captured at creation, and the diff uses that snapshot",
    events: [event("opened", A, 1)],
    options: { ...options, snapshotBase: "ON_CREATE" },
    actions: [
      "create_deployment",
      "clone_schemas",
      "capture_snapshot",
      "deploy_commit",
      "capture_snapshot",
      "diff_against_base",
      "post_report",
    ],
    ignored: null,
  },
  {
    name: "ON_CREATE: a push does not capture the base again",
    events: [event("opened", A, 1), event("pushed", B, 2)],
    options: { ...options, snapshotBase: "ON_CREATE" },
    actions: ["deploy_commit", "capture_snapshot", "diff_against_base", "post_report"],
    ignored: null,
  },
  {
    name: "ON_UPDATE: every push captures the base first",
    events: [event("opened", A, 1), event("pushed", B, 2)],
    options: { ...options, snapshotBase: "ON_UPDATE" },
    actions: [
      "capture_snapshot",
      "deploy_commit",
      "capture_snapshot",
      "diff_against_base",
      "post_report",
    ],
    ignored: null,
  },
  {
    name: "drafts, when not deployed, are ignored",
    events: [event("opened", A, 1, { draft: true })],
    options: { ...options, deployDrafts: false },
    actions: [],
    ignored: "draft",
  },
  {
    name: "…and deploy once ready for review",
    events: [event("opened", A, 1, { draft: true }), event("ready_for_review", A, 2)],
    options: { ...options, deployDrafts: false },
    actions: [
      "create_deployment",
      "clone_schemas",
      "deploy_commit",
      "capture_snapshot",
      "diff_against_base",
      "post_report",
    ],
    ignored: null,
  },
  {
    name: "…and pushes to a pull request converted to draft wait",
    events: [
      event("opened", A, 1),
      event("converted_to_draft", A, 2, { draft: true }),
      event("pushed", B, 3, { draft: true }),
    ],
    options: { ...options, deployDrafts: false },
    actions: [],
    ignored: "draft",
  },
  {
    name: "without a pull request number there is no report to post",
    events: [eventFromGit({ repo: REPO, branch: BRANCH, headSha: A, at: at(1) })],
    actions: [
      "create_deployment",
      "clone_schemas",
      "deploy_commit",
      "capture_snapshot",
      "diff_against_base",
    ],
    ignored: null,
  },
  {
    name: "report: false posts nothing; no schemas clones nothing",
    events: [event("opened", A, 1)],
    options: { report: false },
    actions: ["create_deployment", "deploy_commit", "capture_snapshot", "diff_against_base"],
    ignored: null,
  },
];

describe("transitions", () => {
  test.each(TABLE)("$name", ({ events, options: opts = options, actions, ignored }) => {
    const { results } = replayEvents(events, opts);
    const last = results.at(-1);
    expect(types(last?.actions ?? [])).toEqual(actions);
    expect(last?.ignored?.reason ?? null).toBe(ignored);
    if (ignored !== null) expect(last?.ignored?.message).toMatch(/\w/);
  });

  test("an event ignored for what it is, as a duplicate or as older returns the very state it was given", () => {
    const state = stateAfter([event("opened", A, 1), event("pushed", B, 3)]);
    const ignored = [
      labeled(4),
      event("opened", A, 1),
      event("pushed", C, 2),
      event("pushed", C, 5, { draft: true }),
    ];
    for (const e of ignored) {
      expect(transition(state, e, { ...options, deployDrafts: false }).state).toBe(state);
    }
  });

  test("an event confirming the state is remembered: its redelivery is a duplicate, older events are stale", () => {
    const opened = stateAfter([event("opened", C, 0)]);
    const confirmed = transition(opened, event("opened", C, 2), options);
    expect(confirmed.ignored?.reason).toBe("already_open");
    expect(confirmed.state).toMatchObject({ headSha: C, lastEventAt: at(2), updatedAt: at(0) });
    expect(confirmed.state?.history.at(-1)).toMatchObject({ at: at(2), ignored: "already_open" });
    expect(transition(confirmed.state, event("opened", C, 2), options).ignored?.reason).toBe(
      "duplicate",
    );
    // Without the confirmation this older head would replace C, which the t2 event showed is current.
    expect(transition(confirmed.state, event("pushed", A, 1), options).ignored?.reason).toBe(
      "stale",
    );
  });

  test("a push ignored after close does not outdate a reopen that was delivered late", () => {
    const { state, results } = replayEvents(
      [
        event("opened", A, 1),
        event("closed", A, 2),
        event("pushed", C, 4),
        event("reopened", B, 3),
      ],
      options,
    );
    expect(results.map((r) => r.ignored?.reason ?? null)).toEqual([null, null, "closed", null]);
    expect(state).toMatchObject({ status: "OPEN", headSha: B });
    expect(transition(state, event("pushed", C, 4), options).ignored?.reason).toBe("duplicate");
  });

  test("the deployed head and the base snapshot follow the events", () => {
    const state = stateAfter(
      [event("opened", A, 1), event("pushed", B, 2), event("pushed", C, 3)],
      {
        ...options,
        snapshotBase: "ON_UPDATE",
      },
    );
    expect(state).toMatchObject({
      headSha: C,
      deployedShas: [A, B, C],
      baseSnapshot: `prod@${at(3)}`,
      branchSnapshot: `${NAME}@${C}`,
    });
  });

  test("a push's deploy names the head it replaces", () => {
    const { actions } = replayEvents([event("opened", A, 1), event("pushed", B, 2)], options);
    expect(actions.filter((a) => a.type === "deploy_commit").map((a) => a.meta)).toMatchObject([
      { sha: A, previousSha: null },
      { sha: B, previousSha: A },
    ]);
  });

  test("a retention records when a sweep may delete, on the state and on the mark", () => {
    const { state, actions } = replayEvents([event("opened", A, 1), event("closed", A, 2)], {
      ...options,
      deleteAfterMs: 24 * 3600_000,
    });
    expect(state).toMatchObject({
      status: "CLOSED",
      phase: "active",
      closedAt: at(2),
      deleteAfter: "2024-05-02T10:02:00.000Z",
    });
    expect(actions.at(-1)).toEqual({
      type: "mark_closed",
      deployment: NAME,
      meta: { status: "CLOSED", deleteAfter: "2024-05-02T10:02:00.000Z" },
    });
  });

  test("deleting at once drops exactly the schemas that were cloned", () => {
    const { state, actions } = replayEvents([event("opened", A, 1), event("merged", A, 2)], {
      ...options,
      deleteAfterMs: 0,
    });
    expect(actions.slice(-3)).toEqual([
      { type: "mark_closed", deployment: NAME, meta: { status: "MERGED", deleteAfter: null } },
      {
        type: "drop_schemas",
        deployment: NAME,
        meta: { schemas: [{ dialect: "postgres", catalog: null, schema: SCHEMA }] },
      },
      { type: "delete_deployment", deployment: NAME, meta: { reason: "merged" } },
    ]);
    expect(state).toMatchObject({ status: "MERGED", phase: "deleted", deletedAt: at(2) });
  });

  test("a name given by the platform is used instead of the derived one", () => {
    const { state, actions } = transition(undefined, event("opened", A, 1), {
      deploymentName: "from-dagster",
    });
    expect(state?.name).toBe("from-dagster");
    expect(new Set(actions.map((a) => a.deployment))).toEqual(new Set(["from-dagster"]));
  });

  test("time comes from options.now over the event's own", () => {
    const { state } = transition(undefined, event("opened", A, 1), { now: at(5) });
    expect(state).toMatchObject({ createdAt: at(5), updatedAt: at(5), lastEventAt: at(1) });
  });

  test("history keeps the last historyLimit applied events", () => {
    const state = stateAfter(
      [event("opened", A, 1), event("pushed", B, 2), event("pushed", C, 3)],
      {
        historyLimit: 2,
      },
    );
    expect(state?.history.map((h) => h.headSha)).toEqual([B, C]);
  });
});

describe("misuse is a UsageError", () => {
  test.each<[string, () => unknown]>([
    [
      "an event of another branch",
      () =>
        transition(
          stateAfter([event("opened", A, 1)]),
          event("pushed", B, 2, { branch: "other" }),
          options,
        ),
    ],
    ["no time at all", () => transition(undefined, event("opened", A, null), options)],
    ["a bad now", () => transition(undefined, event("opened", A, 1), { now: "soon" })],
    [
      "a negative retention",
      () => transition(undefined, event("opened", A, 1), { deleteAfterMs: -1 }),
    ],
    ["a zero history", () => transition(undefined, event("opened", A, 1), { historyLimit: 0 })],
  ])("%s", (_name, run) => {
    expect(run).toThrow(UsageError);
  });
});

describe("state is plain JSON", () => {
  test("it survives JSON and parseBranchDeploymentState, and carries on the same", () => {
    const events = [event("opened", A, 1), event("pushed", B, 2), event("closed", B, 3)];
    const state = stateAfter(events.slice(0, 2));
    const stored = parseBranchDeploymentState(JSON.parse(JSON.stringify(state)));
    expect(stored).toEqual(state);
    const next = events[2] as LifecycleEvent;
    expect(transition(stored, next, options)).toEqual(transition(state, next, options));
  });

  test("a damaged state is a ValidationError with JSON paths", () => {
    const state = stateAfter([event("opened", A, 1)]) as BranchDeploymentState;
    const damaged = { ...state, status: "DONE", history: [{ ...state.history[0], at: 1 }] };
    expect(() => parseBranchDeploymentState(damaged, { source: "state.json" })).toThrow(
      /^state\.json: \$\.status: Invalid option: expected one of "OPEN"\|"CLOSED"\|"MERGED"; \$\.history\[0\]\.at: expected string, received number$/,
    );
  });
});

describe("properties", () => {
  const runs = { numRuns: 300, seed: 20261129 };
  const shas = [A, B, C];
  /** Events at distinct minutes, of every kind, in any order. */
  const arbEvents = fc
    .uniqueArray(
      fc.record({
        minute: fc.integer({ min: 0, max: 59 }),
        type: fc.constantFrom(
          "opened",
          "pushed",
          "pushed",
          "reopened",
          "closed",
          "merged",
          "retargeted",
          "ready_for_review",
          "other",
        ),
        sha: fc.constantFrom(...shas),
        base: fc.constantFrom("main", "release-1"),
      }),
      { selector: (e) => e.minute, minLength: 1, maxLength: 12 },
    )
    .map((list) =>
      list.map(({ minute, type, sha, base }) =>
        type === "other"
          ? labeled(minute)
          : event(type as NonNullable<GitFacts["type"]>, sha, minute, { baseBranch: base }),
      ),
    );
  const opts: TransitionOptions = {
    ...options,
    snapshotBase: "ON_UPDATE",
    deleteAfterMs: 0,
    baseDeployments: { "release-1": "release-1" },
  };

  test("replaying every event again, in any order, plans nothing and changes nothing", () => {
    fc.assert(
      fc.property(arbEvents, fc.func(fc.nat()), (events, order) => {
        const first = replayEvents(events, opts);
        const again = [...events].sort((x, y) => order(x) - order(y));
        const second = replayEvents(again, opts, first.state);
        expect(second.actions).toEqual([]);
        expect(second.state).toEqual(first.state);
      }),
      runs,
    );
  });

  test("open → push → push → close in any order ends closed, and never deploys an older head after a newer one", () => {
    const script = [
      event("opened", A, 1),
      event("pushed", B, 2),
      event("pushed", C, 3),
      event("closed", C, 4),
    ];
    fc.assert(
      fc.property(fc.shuffledSubarray(script, { minLength: 4, maxLength: 4 }), (events) => {
        const { state, actions } = replayEvents(events, opts);
        expect(state?.status).toBe("CLOSED");
        const deployed = actions
          .filter((a) => a.type === "deploy_commit")
          .map((a) => shas.indexOf(a.meta.sha));
        expect(deployed).toEqual([...deployed].sort());
        expect(actions.findIndex((a) => a.type === "delete_deployment")).toBeGreaterThanOrEqual(
          actions.findLastIndex((a) => a.type === "deploy_commit"),
        );
      }),
      runs,
    );
  });
});
