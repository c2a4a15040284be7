import {
  type AssetChange,
  allChangeTypes,
  assetChangeKind,
  type ChangeSet,
  type ChangeVerdict,
} from "../diff/change-set";
import type { ChangeType } from "../diff/change-types";
import type { Severity } from "../diff/verdicts";
import type { AssetGraph } from "../model/asset";
import { locationLabel } from "../model/key";
import { changeId } from "../policies/fingerprint";
import { definitionsOf, type SourcePosition, sourcePosition } from "./code-references";
import type { DetailStyle } from "./details";
import { changeTypeFindings, isDriftOnly } from "./findings";
import { bySeverity, describeVerdict } from "./verdicts";

/**
 * Severities of GitLab's Code Quality format, least severe first; the single source for
 * {@link CodeQualitySeverity}.
 *
 * @internal Exported for the test that holds it to GitLab's list.
 */
export const CODE_QUALITY_SEVERITIES = ["info", "minor", "major", "critical", "blocker"] as const;

/** See {@link CODE_QUALITY_SEVERITIES}. */
type CodeQualitySeverity = (typeof CODE_QUALITY_SEVERITIES)[number];

/** One issue of a GitLab Code Quality report, with the fields GitLab reads. */
interface CodeQualityIssue {
  description: string;
  /** `asset-diff/` and the change type, e.g. `asset-diff/CODE_VERSION`. */
  check_name: string;
  /** The change's stable id (as approvals know it), so an issue keeps its identity across pipelines. */
  fingerprint: string;
  severity: CodeQualitySeverity;
  /** A file of the repository, relative to its root, and a line (1 when none is known). */
  location: { path: string; lines: { begin: number } };
}

/** Options of {@link renderCodeQuality}. */
export interface CodeQualityOptions {
  /**
   * The graphs the change set came from: code references (`dagster/code_references`) are read
   * from them, to place each issue at its asset's definition.
   */
  graphs?: { base: AssetGraph; branch: AssetGraph };
  /**
   * The checkout's root (`CI_PROJECT_DIR`): absolute code-reference paths under it are made
   * relative, as GitLab needs.
   */
  workspace?: string;
  /**
   * Where an issue goes when its asset has no usable code reference: a file of the repository
   * (default, also for an empty or absolute path: {@link CODE_QUALITY_FALLBACK_PATH}, the
   * pipeline's configuration, which runs asset-diff). A leading `./` is dropped.
   */
  fallbackPath?: string;
}

/**
 * The file an issue without a code reference is placed in (line 1), unless told otherwise.
 *
 * @internal Exported for the test of the fallback.
 */
export const CODE_QUALITY_FALLBACK_PATH = ".gitlab-ci.yml";

/**
 * A GitLab Code Quality report (`artifacts:reports:codequality`) as JSON text: one issue per change
 * (asset and change type), worst asset first, placed at the asset's definition when it has code
 * references (a local file, a GitLab or GitHub blob URL). The fingerprint is the change's id, the
 * one approvals use, so the merge request widget tells new changes from those already reported.
 * Once the severity policy ran, each issue's severity follows its change's verdict (breaking:
 * critical, risky: minor, safe: info; approved: info, the description saying by whom); otherwise
 * REMOVED and PARTITIONS_DEFINITION are minor and the rest info. A description adds what explains
 * the change: column changes (on METADATA), the partition keys added and removed, where a moved
 * asset was, dependencies that follow a move, and whether production changed it too (a
 * conflict). In a three-way comparison, production's own changes since the merge base (base
 * drift) are not the branch's doing and are not reported as issues.
 *
 * @example
 * await writeFile("gl-code-quality-report.json", renderCodeQuality(changeSet, { graphs: { base, branch } }));
 */
export function renderCodeQuality(changeSet: ChangeSet, options: CodeQualityOptions = {}): string {
  const definitionOf = definitionsOf(options.graphs);
  // GitLab needs a path relative to the repository: one that is not is taken as none given.
  const fallback = repositoryPath(options.fallbackPath) ?? CODE_QUALITY_FALLBACK_PATH;
  const issues: CodeQualityIssue[] = [];
  for (const change of bySeverity(
    changeSet.assets.filter((a) => assetChangeKind(a) !== "unchanged" && !isDriftOnly(a)),
  )) {
    const asset = definitionOf(change);
    const position = asset
      ? sourcePosition(asset, { workspace: options.workspace, hosts: ["gitlab", "github"] })
      : undefined;
    const location = issueLocation(position, fallback);
    const verdicts = new Map((change.reasons ?? []).map((v) => [v.changeType, v]));
    const origins = new Map((change.origins ?? []).map((o) => [o.changeType, o.origin]));
    const types = allChangeTypes(change).filter((t) => origins.get(t) !== "drift");
    for (const type of issueOrder(types, verdicts)) {
      const verdict = verdicts.get(type);
      issues.push({
        description: describe(change, type, verdict, origins.get(type) === "conflict"),
        check_name: `asset-diff/${type}`,
        fingerprint: verdict?.id ?? changeId(change, type),
        severity: verdict ? severityOf(verdict) : unratedSeverity(type),
        location,
      });
    }
  }
  return `${JSON.stringify(issues, null, 2)}\n`;
}

// --- internal ---

/** GitLab's severity of each asset-diff severity. */
const SEVERITY_MAP: Record<Severity, CodeQualitySeverity> = {
  breaking: "critical",
  risky: "minor",
  safe: "info",
};

function severityOf(verdict: ChangeVerdict): CodeQualitySeverity {
  return verdict.approved === undefined ? SEVERITY_MAP[verdict.severity] : "info";
}

/** Without the severity policy: what a removed asset or a new partitioning can break is minor. */
function unratedSeverity(type: ChangeType): CodeQualitySeverity {
  return type === "REMOVED" || type === "PARTITIONS_DEFINITION" ? "minor" : "info";
}

/** An asset's change types, worst verdict first (change-type order otherwise). */
function issueOrder(types: ChangeType[], verdicts: Map<ChangeType, ChangeVerdict>): ChangeType[] {
  const rank = (type: ChangeType) => {
    const verdict = verdicts.get(type);
    return verdict === undefined ? 0 : -CODE_QUALITY_SEVERITIES.indexOf(severityOf(verdict));
  };
  // Array#sort is stable: equal ranks keep the change set's order.
  return [...types].sort((a, b) => rank(a) - rank(b));
}

/** Values in a description are plain text, shortened as in a terminal of 100 columns. */
const DESCRIPTION_STYLE: DetailStyle = { value: (text) => text, maxValueLength: 60 };

/** Most findings (column changes, partition keys, moves) one description lists. */
const MAX_FINDINGS = 5;

function describe(
  change: AssetChange,
  type: ChangeType,
  verdict: ChangeVerdict | undefined,
  conflict: boolean,
): string {
  const location = locationLabel(change);
  const asset = `${change.key}${location ? ` (${location})` : ""}`;
  const head =
    verdict === undefined ? `${asset}: ${type}` : `${asset}: ${type}: ${describeVerdict(verdict)}`;
  const findings = changeTypeFindings(change, type, DESCRIPTION_STYLE);
  const shown = findings.slice(0, MAX_FINDINGS);
  if (findings.length > MAX_FINDINGS) shown.push(`and ${findings.length - MAX_FINDINGS} more`);
  const conflictText = conflict
    ? " (conflict: production changed it too since the merge base)"
    : "";
  return `${head}${conflictText}${shown.length === 0 ? "" : ` — ${shown.join("; ")}`}`;
}

function issueLocation(
  position: SourcePosition | undefined,
  fallback: string,
): CodeQualityIssue["location"] {
  // GitLab wants a path relative to the repository, not prefixed with ./, and a line from 1.
  const path = repositoryPath(position?.file);
  if (position === undefined || path === undefined) return { path: fallback, lines: { begin: 1 } };
  const line = position.line !== null && position.line >= 1 ? Math.floor(position.line) : 1;
  return { path, lines: { begin: line } };
}

/** The path without leading `./`; `undefined` when that leaves nothing or an absolute path. */
function repositoryPath(path: string | undefined): string | undefined {
  const relative = path?.replace(/^(?:\.\/)+/, "");
  return relative === undefined || relative === "" || relative.startsWith("/")
    ? undefined
    : relative;
}
