import type { ChangeSet } from "../diff/change-set";
import type { ChangeTypeMode } from "../diff/change-types";
import { type ApprovalsFile, approvalRules } from "./approvals";
import type { AssetDiffConfig } from "./config";
import { environmentRules } from "./environment";
import { ignoreRules } from "./ignore";
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
 * The one composition of the policy steps: which run, in which order. Suppressing steps first
 * (environment rules, substitutions, ignore rules), so that severity and the change ids it gives
 * describe what is left; approvals last, since they match those ids.
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
}

/**
 * The policy steps for a mode, in order. In `dagster` mode (Dagster parity) nothing that
 * suppresses runs: only severity and approvals, which add to the change types without altering
 * them.
 *
 * @example
 * const policies = createPolicies("all", { config });
 * applyPolicies(changeSet, policies, createPolicyContext({ base, branch }));
 */
export function createPolicies(mode: ChangeTypeMode, options: ReviewOptions = {}): Policy[] {
  const { config = {} } = options;
  const policies: Policy[] = [];
  if (mode === "all") {
    if (options.defaultRules ?? config.defaultRules ?? true) policies.push(environmentRules());
    if ((config.substitutions?.length ?? 0) > 0) {
      policies.push(substitutionRules(config.substitutions ?? [], options.variables ?? {}));
    }
    if ((config.ignore?.length ?? 0) > 0) policies.push(ignoreRules(config.ignore ?? []));
  }
  policies.push(severityRules(config.severity ?? []));
  if (options.approvals !== undefined) policies.push(approvalRules(options.approvals));
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
