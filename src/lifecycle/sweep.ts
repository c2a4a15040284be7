import { UsageError } from "../errors";
import { addMs, canonicalTime, compareTime } from "./_time";
import type { LifecycleAction, SchemaRef, TeardownReason } from "./actions";
import { branchSchemaName, deploymentName } from "./naming";
import type { PullRequestStatus } from "./state";
import { deploymentKey, type SchemaSource } from "./transition";
import type { SqlDialect } from "./vocabulary";

/** A branch deployment the platform lists. */
export interface LiveDeployment {
  name: string;
  repo: string;
  /** Its branch, or `null` when the platform does not say (such a deployment is never swept). */
  branch: string | null;
  /** Its last activity, to age the deployment of a deleted branch; unknown counts as old. */
  updatedAt?: string | null;
}

/** A schema (BigQuery: dataset) the warehouse lists. */
export interface LiveSchema {
  dialect: SqlDialect;
  schema: string;
  catalog?: string | null;
}

/** A pull request the platform knows, with its status. */
export interface KnownPullRequest {
  repo: string;
  branch: string;
  number: number;
  status: PullRequestStatus;
  /** When it was closed or merged; unknown counts as long ago. */
  closedAt?: string | null;
}

/** What {@link sweep} looks at. */
export interface SweepInput {
  deployments: readonly LiveDeployment[];
  /** Live schemas; those of swept branches are dropped. */
  schemas?: readonly LiveSchema[];
  pullRequests: readonly KnownPullRequest[];
  /**
   * The branches that exist. When given, a deployment (or schema) whose branch is gone and that
   * no pull request explains is an orphan; when absent, such ones are kept.
   */
  branches?: readonly { repo: string; branch: string }[];
  /** The production schemas branches clone (as in {@link TransitionOptions.schemas}). */
  sources?: readonly SchemaSource[];
}

/** Options of {@link sweep}. */
export interface SweepOptions {
  /** The current time (ISO-8601 with a zone, a `Date` or epoch ms). */
  now: string | Date | number;
  /** How long after a close (or after the last activity of a deleted branch) to keep things. */
  retentionMs: number;
  /** Deployment names never deleted; default `["prod"]`. */
  protect?: readonly string[];
}

/** Why the sweep kept or tore down something; the single source for {@link SweepReason}. */
export const SWEEP_REASONS = [
  "protected",
  "production_schema",
  "unknown_branch",
  "open",
  "within_retention",
  "no_pull_request",
  "unattributed",
  "closed",
  "merged",
  "branch_deleted",
] as const;

/** One of {@link SWEEP_REASONS}. */
export type SweepReason = (typeof SWEEP_REASONS)[number];

/** The sweep's verdict on one deployment or schema. */
export interface SweepDecision {
  kind: "deployment" | "schema";
  /** The deployment name or the schema name. */
  name: string;
  dialect: SqlDialect | null;
  teardown: boolean;
  reason: SweepReason;
  message: string;
}

/** What {@link sweep} returns: the teardown actions and a verdict for everything it looked at. */
export interface SweepPlan {
  actions: LifecycleAction[];
  decisions: SweepDecision[];
}

/**
 * Plans the teardown of orphans: branch deployments (and their schemas) whose pull requests are
 * all closed or merged, or whose branch is gone with no pull request, for longer than the
 * retention; and live branch schemas left without a deployment for the same reasons. Open pull
 * requests, protected names, production schemas and anything it cannot attribute to a branch
 * are kept, each with a reason. Pure: `now` is an input.
 *
 * @example
 * const { actions, decisions } = sweep(
 *   { deployments, schemas, pullRequests, sources: [{ dialect: "postgres", schema: "analytics" }] },
 *   { now: new Date(), retentionMs: 7 * 24 * 3600_000 },
 * );
 */
export function sweep(input: SweepInput, options: SweepOptions): SweepPlan {
  const now = canonicalTime(options.now);
  if (now === null) throw new UsageError(`now is not a valid time: ${String(options.now)}`);
  if (!(Number.isFinite(options.retentionMs) && options.retentionMs >= 0)) {
    throw new UsageError("retentionMs must be a number of milliseconds ≥ 0");
  }
  const protect = new Set(options.protect ?? ["prod"]);
  const sources = input.sources ?? [];
  const judge = judgeWith(input, now, options.retentionMs);
  const actions: LifecycleAction[] = [];
  const decisions: SweepDecision[] = [];
  const live = new Map((input.schemas ?? []).map((s) => [schemaKey(s), s]));
  const claimed = new Set<string>();

  /** The live schemas of a branch, each claimed once, with a decision that follows `verdict`. */
  const liveSchemasOf = (branch: string, verdict: Verdict): SchemaRef[] => {
    const found: SchemaRef[] = [];
    for (const source of sources) {
      const ref: SchemaRef = {
        dialect: source.dialect,
        catalog: source.catalog ?? null,
        schema: branchSchemaName(source.dialect, source.schema, branch),
      };
      const key = schemaKey(ref);
      if (!live.has(key) || claimed.has(key)) continue;
      claimed.add(key);
      found.push(ref);
      decisions.push({
        kind: "schema",
        name: ref.schema,
        dialect: ref.dialect,
        teardown: verdict.teardown,
        reason: verdict.reason,
        message: `schema of branch ${branch}: ${verdict.message}`,
      });
    }
    return found;
  };

  const withDeployment = new Set<string>();
  for (const deployment of input.deployments) {
    if (protect.has(deployment.name)) {
      const verdict: Verdict = { teardown: false, reason: "protected", message: "protected name" };
      decisions.push(decision("deployment", deployment.name, false, "protected", verdict.message));
      if (deployment.branch !== null) {
        // A protected deployment shields its schemas too, whatever its pull requests say.
        withDeployment.add(deploymentKey({ repo: deployment.repo, branch: deployment.branch }));
        liveSchemasOf(deployment.branch, verdict);
      }
      continue;
    }
    if (deployment.branch === null) {
      decisions.push(
        decision("deployment", deployment.name, false, "unknown_branch", "its branch is unknown"),
      );
      continue;
    }
    const { repo, branch } = deployment;
    withDeployment.add(deploymentKey({ repo, branch }));
    const verdict = judge(repo, branch, deployment.updatedAt ?? null);
    decisions.push(
      decision("deployment", deployment.name, verdict.teardown, verdict.reason, verdict.message),
    );
    const schemas = liveSchemasOf(branch, verdict);
    if (verdict.teardown) {
      if (schemas.length > 0) actions.push(dropSchemas(deployment.name, schemas));
      actions.push({
        type: "delete_deployment",
        deployment: deployment.name,
        meta: { reason: verdict.reason as TeardownReason },
      });
    }
  }

  // Schemas whose deployment is gone: attributed to a known branch by their expected names.
  const known = new Map<string, { repo: string; branch: string }>();
  for (const b of [...input.pullRequests, ...(input.branches ?? [])]) {
    known.set(deploymentKey(b), { repo: b.repo, branch: b.branch });
  }
  for (const [key, { repo, branch }] of known) {
    if (withDeployment.has(key)) continue;
    const verdict = judge(repo, branch, null);
    const schemas = liveSchemasOf(branch, verdict);
    if (verdict.teardown && schemas.length > 0) {
      actions.push(dropSchemas(deploymentName(branch), schemas));
    }
  }

  for (const [key, schema] of live) {
    if (claimed.has(key)) continue;
    const production = sources.some(
      (s) =>
        schemaKey({ dialect: s.dialect, catalog: s.catalog ?? null, schema: s.schema }) === key,
    );
    decisions.push(
      decision(
        "schema",
        schema.schema,
        false,
        production ? "production_schema" : "unattributed",
        production ? "a production schema" : "no known branch has a schema of this name",
        schema.dialect,
      ),
    );
  }
  return { actions, decisions };
}

// --- internal ---

interface Verdict {
  teardown: boolean;
  reason: SweepReason;
  message: string;
}

function dropSchemas(deployment: string, schemas: SchemaRef[]): LifecycleAction {
  return { type: "drop_schemas", deployment, meta: { schemas } };
}

function judgeWith(input: SweepInput, now: string, retentionMs: number) {
  const pullRequests = new Map<string, KnownPullRequest[]>();
  for (const pr of input.pullRequests) {
    const key = deploymentKey(pr);
    pullRequests.set(key, [...(pullRequests.get(key) ?? []), pr]);
  }
  const existing = input.branches ? new Set(input.branches.map(deploymentKey)) : null;
  const expired = (since: string | null): string | null => {
    if (since === null) return null;
    const until = addMs(since, retentionMs);
    return compareTime(now, until) >= 0 ? null : until;
  };

  return (repo: string, branch: string, lastActivity: string | null): Verdict => {
    const key = deploymentKey({ repo, branch });
    const prs = pullRequests.get(key) ?? [];
    const open = prs.find((pr) => pr.status === "OPEN");
    if (open) return { teardown: false, reason: "open", message: `#${open.number} is open` };
    if (prs.length > 0) {
      const last = latestClosed(prs);
      const until = expired(canonicalOrNull(last.closedAt));
      if (until !== null) {
        return {
          teardown: false,
          reason: "within_retention",
          message: `#${last.number} was ${last.status.toLowerCase()}; kept until ${until}`,
        };
      }
      const reason = last.status === "MERGED" ? "merged" : "closed";
      return {
        teardown: true,
        reason,
        message: `#${last.number} was ${reason} longer ago than the retention`,
      };
    }
    if (existing !== null && !existing.has(key)) {
      const until = expired(canonicalOrNull(lastActivity));
      if (until !== null) {
        return {
          teardown: false,
          reason: "within_retention",
          message: `branch ${branch} is deleted; kept until ${until}`,
        };
      }
      return {
        teardown: true,
        reason: "branch_deleted",
        message: `branch ${branch} is deleted and no pull request is known`,
      };
    }
    return {
      teardown: false,
      reason: "no_pull_request",
      message: `no pull request is known for ${branch}${existing === null ? "" : ", and the branch exists"}`,
    };
  };
}

/** The pull request closed last; one with an unknown close time counts as closed long ago. */
function latestClosed(prs: readonly KnownPullRequest[]): KnownPullRequest {
  let latest = prs[0] as KnownPullRequest;
  for (const pr of prs) {
    const a = canonicalOrNull(pr.closedAt);
    const b = canonicalOrNull(latest.closedAt);
    if (a !== null && (b === null || compareTime(a, b) > 0)) latest = pr;
  }
  return latest;
}

function canonicalOrNull(time: string | null | undefined): string | null {
  return time === null || time === undefined ? null : canonicalTime(time);
}

function schemaKey(schema: {
  dialect: SqlDialect;
  catalog?: string | null;
  schema: string;
}): string {
  return JSON.stringify([schema.dialect, schema.catalog ?? null, schema.schema]);
}

function decision(
  kind: SweepDecision["kind"],
  name: string,
  teardown: boolean,
  reason: SweepReason,
  message: string,
  dialect: SqlDialect | null = null,
): SweepDecision {
  return { kind, name, dialect, teardown, reason, message };
}
