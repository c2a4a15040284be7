import type { ChangeSet } from "../../src/diff/change-set";
import { diffAssetGraphs } from "../../src/diff/diff";
import { loadAssetGraph } from "../../src/load/index";
import type { AssetGraph } from "../../src/model/asset";
import { withLineage } from "../../src/policies/lineage";
import { reviewChanges } from "../../src/policies/review";

/**
 * The reference time the bundled example's reviewed reports list time-window partition keys up to,
 * so that its goldens read the same on every day they run (the CLI's `--partitions-as-of`).
 */
export const EXAMPLE_AS_OF = new Date("2026-12-01T00:00:00Z");

/** The same, as the CLI's option. */
export const EXAMPLE_AS_OF_ARGS = ["--partitions-as-of", "2026-12-01"] as const;

/**
 * Where the example's reports link to and what they say they reflect, as the CLI fills them in a
 * pull request's CI run: a Dagster+ branch deployment and production, a head commit and a run.
 */
export const EXAMPLE_LINKS = {
  base: "https://acme.dagster.cloud/prod",
  branch: "https://acme.dagster.cloud/pr-7",
} as const;

/** See {@link EXAMPLE_LINKS}. */
export const EXAMPLE_CONTEXT = {
  commit: "4f2c9e1a7b3d5c8e9f0a1b2c3d4e5f6a7b8c9d0e",
  commitUrl: "https://github.com/acme/data/commit/4f2c9e1a7b3d5c8e9f0a1b2c3d4e5f6a7b8c9d0e",
  runUrl: "https://github.com/acme/data/actions/runs/42",
  generatedAt: "2026-12-01T09:30:00Z",
} as const;

/**
 * The bundled example as the CLI reports it: both graphs, and the change set after the default
 * policies at {@link EXAMPLE_AS_OF}, with lineage.
 */
export async function loadExample(): Promise<{
  base: AssetGraph;
  branch: AssetGraph;
  reviewed: ChangeSet;
}> {
  const base = await loadAssetGraph("fixtures/example/base.json");
  const branch = await loadAssetGraph("fixtures/example/branch.json");
  const graphs = { base, branch };
  const raw = diffAssetGraphs(base, branch);
  const reviewed = withLineage(reviewChanges(raw, graphs, { asOf: EXAMPLE_AS_OF }), graphs);
  return { base, branch, reviewed };
}
