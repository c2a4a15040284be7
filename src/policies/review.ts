import type { ChangeSet } from "../diff/change-set";
import type { ChangeTypeMode } from "../diff/change-types";
import type { AssetGraph } from "../model/asset";
import { type ApprovalsFile, approvalRules } from "./approvals";
import { columnImpactRules, columnRules } from "./columns";
import type { AssetDiffConfig } from "./config";
import { driftRules } from "./drift";
import { environmentRules } from "./environment";
import { ignoreRules } from "./ignore";
import { impactRules } from "./impact";
import { movedDependencyRules, moveRules } from "./moves";
import { partitionKeyRules } from "./partition-keys";
import {
  applyPolicies,
  createPolicyContext,
  type Policy,
  type PolicyContext,
  type PolicyGraphs,
} from "./policy";
import { severityRules } from "./severity";
import { substitutionRules } from "./substitutions";

/**
 * The one composition of the policy steps: which run, in which order.
 *
 * 1. Moves first, so every later step sees a moved asset as one asset with its real changes.
 * 2. The suppressing steps (environment rules, substitutions, ignore rules), so that severity and
 *    the change ids it gives describe what is left.
 * 3. Severity, then the steps that know more than its default rules and refine its verdicts:
 *    columns, partition keys, dependencies that only follow a move.
 * 4. Base drift (with a merge base) and approvals, which label changes without altering them.
 * 5. Impact last, over the final verdicts, approvals and origins; column impact after it.
 */

/** Options of {@link createPolicies} and {@link reviewChanges}. */
export interface ReviewOptions {
  /** The configuration (see `parseConfig`); none: the defaults only. */
  config?: AssetDiffConfig;
  /**
   * Run the default environment rules; default: the configuration's `defaultRules`, else `true`.
   * `false` is what `--no-default-rules` passes.
   */
  defaultRules?: boolean;
  /** Values of the substitutions' placeholders, e.g. `{ branch: "feature-x", pr: "42" }`. */
  variables?: Readonly<Record<string, string>>;
  /** Approved changes (see `parseApprovals`). */
  approvals?: ApprovalsFile;
  /**
   * The reference time time-window partition keys are listed up to (`--partitions-as-of`);
   * default: now.
   */
  asOf?: Date;
  /**
   * Production at the branch's merge base (`--merge-base`): labels every change as the branch's,
   * base drift or a conflict (see `driftRules`).
   */
  mergeBase?: AssetGraph;
}

/**
 * The policy steps for a mode, in order. In `dagster` mode (Dagster parity) only severity,
 * base drift (with a merge base) and approvals run: they add to Dagster's change types without
 * altering them. Moves, suppression, column changes, partition keys and impact run in `all` mode.
 *
 * @example
 * const policies = createPolicies("all", { config });
 * applyPolicies(changeSet, policies, createPolicyContext({ base, branch }));
 */
export function createPolicies(mode: ChangeTypeMode, options: ReviewOptions = {}): Policy[] {
  const { config = {} } = options;
  const all = mode === "all";
  const policies: Policy[] = [];
  if (all) {
    // Declared moves, and probable renames found whether or not any move is declared.
    policies.push(moveRules(config.moves ?? []));
    if (options.defaultRules ?? config.defaultRules ?? true) policies.push(environmentRules());
    if ((config.substitutions?.length ?? 0) > 0) {
      policies.push(substitutionRules(config.substitutions ?? [], options.variables ?? {}));
    }
    if ((config.ignore?.length ?? 0) > 0) policies.push(ignoreRules(config.ignore ?? []));
  }
  policies.push(severityRules(config.severity ?? []));
  if (all) {
    policies.push(
      columnRules(),
      partitionKeyRules(options.asOf === undefined ? {} : { asOf: options.asOf }),
      movedDependencyRules(config.moves ?? []),
    );
  }
  if (options.mergeBase !== undefined) policies.push(driftRules(options.mergeBase));
  if (options.approvals !== undefined) policies.push(approvalRules(options.approvals));
  if (all) policies.push(impactRules(), columnImpactRules());
  return policies;
}

/**
 * Runs the policy steps over a raw change set (from `diffAssetGraphs`): what matters, with
 * severities, and what the rules suppressed kept in `suppressed`. `graphs` are the two graphs the
 * change set was computed from (or an already built {@link PolicyContext}).
 *
 * @example
 * const reviewed = reviewChanges(diffAssetGraphs(base, branch), { base, branch }, { config });
 * reviewed.assets.filter((a) => a.severity === "breaking");
 */
export function reviewChanges(
  changeSet: ChangeSet,
  graphs: PolicyGraphs | PolicyContext,
  options: ReviewOptions = {},
): ChangeSet {
  const context = "sideOf" in graphs ? graphs : createPolicyContext(graphs);
  return applyPolicies(changeSet, createPolicies(changeSet.options.changeTypes, options), context);
}
