import { describe, expect, test } from "vitest";
import { diffAssetGraphs } from "../../src/diff/diff";
import {
  eventFromGit,
  type LifecycleAction,
  type LifecycleActionOf,
  replayEvents,
  reportMarker,
  type TransitionOptions,
} from "../../src/lifecycle/index";
import { renderMarkdown } from "../../src/report/markdown";
import { markdownMarker } from "../../src/report/marker";
import { asset, dep, graph } from "../helpers/builders";

// The post_report action names the report id to render with and the marker that report starts
// with, so the comment the caller posts is the one the lifecycle finds again.

const base = graph(asset("raw/orders"), asset("orders", { dependencies: [dep("raw/orders")] }));
const branch = graph(
  asset("raw/orders"),
  asset("orders", { dependencies: [dep("raw/orders")], codeVersion: "2" }),
  asset("orders_daily", { dependencies: [dep("orders")] }),
);
const changeSet = diffAssetGraphs(base, branch);

const event = (type: "opened" | "pushed", sha: string, minute: number) =>
  eventFromGit({
    repo: "acme/data",
    branch: "feature/orders",
    headSha: sha.repeat(40),
    type,
    at: `2024-05-01T10:0${minute}:00Z`,
    pullRequest: 7,
    baseBranch: "main",
  });

function reports(options: TransitionOptions = {}): LifecycleActionOf<"post_report">[] {
  const { actions } = replayEvents([event("opened", "a", 1), event("pushed", "b", 2)], options);
  return actions.filter(
    (a: LifecycleAction): a is LifecycleActionOf<"post_report"> => a.type === "post_report",
  );
}

describe("post_report", () => {
  test("the report rendered with the action's reportId starts with the action's marker", () => {
    const [created, updated] = reports();
    if (created === undefined || updated === undefined) throw new Error("no post_report");
    expect(created.meta).toMatchObject({
      mode: "create",
      reportId: "branch-deployment-feature-orders-862c7853ce",
      marker: "<!-- asset-diff:report:branch-deployment-feature-orders-862c7853ce -->",
    });
    const body = renderMarkdown(changeSet, { id: created.meta.reportId });
    expect(body.startsWith(`${created.meta.marker}\n`)).toBe(true);
    expect(body).toContain("orders_daily");

    // The update edits the same comment: same id, same marker.
    expect(updated.meta.mode).toBe("update");
    expect(updated.meta.reportId).toBe(created.meta.reportId);
    expect(updated.meta.marker).toBe(created.meta.marker);
  });

  test("the marker is markdownMarker(reportId), and reportMarker(name) returns it", () => {
    for (const deploymentName of ["feature-1", "Team A/feature --> <b>", "a--b", "ünï"]) {
      const [action] = reports({ deploymentName });
      if (action === undefined) throw new Error("no post_report");
      expect(action.deployment).toBe(deploymentName);
      expect(action.meta.reportId).toBe(`branch-deployment-${deploymentName}`);
      expect(action.meta.marker).toBe(markdownMarker(action.meta.reportId));
      expect(reportMarker(deploymentName)).toBe(action.meta.marker);
      const firstLine = renderMarkdown(changeSet, { id: action.meta.reportId }).split("\n")[0];
      expect(firstLine).toBe(action.meta.marker);
    }
  });

  test("distinct deployments get distinct markers", () => {
    const names = ["a-b", "a--b", "a", "b"];
    expect(new Set(names.map(reportMarker)).size).toBe(names.length);
  });

  test("the action is plain data: it survives JSON", () => {
    const [action] = reports();
    expect(JSON.parse(JSON.stringify(action))).toEqual(action);
  });
});
