import { expect, test } from "vitest";
import {
  describeLifecycleAction,
  eventFromGit,
  LIFECYCLE_ACTION_TYPES,
  replayEvents,
} from "../../src/lifecycle/index";

test("every action reads as one line, derived from its type and meta", () => {
  const event = (type: "opened" | "pushed" | "merged", sha: string, minute: number) =>
    eventFromGit({
      repo: "acme/data",
      branch: "feature-1",
      headSha: sha.repeat(40),
      type,
      at: `2024-05-01T10:0${minute}:00Z`,
      pullRequest: 7,
      baseBranch: "main",
    });
  const { actions } = replayEvents(
    [event("opened", "a", 1), event("pushed", "b", 2), event("merged", "b", 3)],
    {
      schemas: [{ dialect: "snowflake", schema: "ANALYTICS" }],
      snapshotBase: "ON_CREATE",
      deleteAfterMs: 0,
    },
  );
  expect(new Set(actions.map((a) => a.type))).toEqual(new Set(LIFECYCLE_ACTION_TYPES));
  expect(actions.map(describeLifecycleAction)).toEqual([
    "create deployment feature-1 for acme/data@feature-1 (#7), base prod",
    "clone schemas into snowflake:ANALYTICS__FEATURE_1",
    "capture the base snapshot of prod as prod@2024-05-01T10:01:00.000Z",
    "deploy aaaaaaaaaaaa to feature-1",
    `capture the branch snapshot of feature-1 as feature-1@${"a".repeat(40)}`,
    `diff feature-1@${"a".repeat(40)} against prod@2024-05-01T10:01:00.000Z`,
    "create the report on #7",
    "deploy bbbbbbbbbbbb to feature-1",
    `capture the branch snapshot of feature-1 as feature-1@${"b".repeat(40)}`,
    `diff feature-1@${"b".repeat(40)} against prod@2024-05-01T10:01:00.000Z`,
    "update the report on #7",
    "mark feature-1 MERGED",
    "drop snowflake:ANALYTICS__FEATURE_1",
    "delete deployment feature-1 (merged)",
  ]);
});
