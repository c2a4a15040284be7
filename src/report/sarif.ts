import packageJson from "../../package.json" with { type: "json" };
import {
  type AssetChange,
  allChangeTypes,
  assetChangeKind,
  branchLocationsNotLoaded,
  type ChangeSet,
  type ChangeVerdict,
  type ImpactedAsset,
} from "../diff/change-set";
import { CHANGE_TYPES, type ChangeType } from "../diff/change-types";
import type { Severity } from "../diff/verdicts";
import type { AssetGraph } from "../model/asset";
import { locationLabel } from "../model/key";
import { changeId } from "../policies/fingerprint";
import { definitionsOf, type SourcePosition, sourcePosition } from "./code-references";
import type { DetailStyle } from "./details";
import { changeTypeLines, impactByChange, impactLines, isDriftOnly } from "./findings";
import { assetLink, type DagsterLinks } from "./links";
import { escapeControls, truncate } from "./values";
import { bySeverity, describeVerdict } from "./verdicts";

/**
 * The levels of a SARIF result (SARIF 2.1.0, §3.27.10), most severe first; the single source for
 * {@link SarifLevel}.
 *
 * @internal Exported for the test that holds it to the SARIF schema's list.
 */
export const SARIF_LEVELS = ["error", "warning", "note", "none"] as const;

/** See {@link SARIF_LEVELS}. */
type SarifLevel = (typeof SARIF_LEVELS)[number];

/** Options of {@link renderSarif}. */
export interface SarifOptions {
  /**
   * The graphs the change set came from: code references (`dagster/code_references`) are read
   * from them, to place each result at its asset's definition.
   */
  graphs?: { base: AssetGraph; branch: AssetGraph };
  /**
   * The checkout's root (`GITHUB_WORKSPACE`): absolute code-reference paths under it are made
   * relative to the repository, as code scanning needs.
   */
  workspace?: string;
  /**
   * Where a result goes when its asset has no usable code reference: a file of the repository,
   * relative to its root (default, also for an empty or absolute path:
   * {@link SARIF_FALLBACK_PATH}). GitHub code scanning rejects a result without a file; the CLI
   * passes the workflow file that runs asset-diff. A leading `./` is dropped.
   */
  fallbackPath?: string;
  /** Where the Dagster UIs are: each result then carries its asset's page (`properties.dagsterUrl`). */
  links?: DagsterLinks;
}

/**
 * The file a result without a code reference is placed in (line 1), unless told otherwise: the
 * workflow that runs asset-diff, as the documentation names it.
 *
 * @internal Exported for the test of the fallback.
 */
export const SARIF_FALLBACK_PATH = ".github/workflows/asset-diff.yml";

/**
 * The `partialFingerprints` key that holds a change's id (its approvals id), versioned so that a
 * new way of computing it would be a new key, not a silently different value.
 *
 * @internal Exported for the tests and the documentation's example.
 */
export const SARIF_FINGERPRINT_KEY = "assetDiff/v1";

/**
 * A SARIF 2.1.0 log as JSON text, for GitHub code scanning (`github/codeql-action/upload-sarif`)
 * and any SARIF viewer: one run of the tool `asset-diff`, one rule per change type that occurs
 * (`asset-diff/CODE_VERSION`, …, in change-type order) and one result per change (asset and
 * change type), worst asset first. A result's level follows its verdict (breaking: `error`, risky:
 * `warning`, safe: `note`); before the severity policy ran every result is a `warning`. An
 * approved change keeps its level and is suppressed (`suppressions`, kind `external`, with who
 * approved it and why), so it is reported, not lost. The message is the verdict and the change's
 * value-level details (and the column changes, moves and downstream impact the policies found); the
 * `partialFingerprints` hold the change's id, the one approvals use, so an alert keeps its
 * identity across pushes. Each result is placed at its asset's definition when the asset has a code
 * reference (a local file, a GitHub or GitLab blob URL), else in `fallbackPath`, line 1; its
 * logical location is the asset key. Changes of base drift (three-way) are production's, not the
 * branch's: they give no result. Branch code locations that did not load are error notifications
 * of the run's invocation, which is then not successful. See docs/ci-formats.md.
 *
 * @example
 * await writeFile("asset-diff.sarif", renderSarif(changeSet, { graphs: { base, branch }, workspace: process.env.GITHUB_WORKSPACE }));
 */
export function renderSarif(changeSet: ChangeSet, options: SarifOptions = {}): string {
  const definitionOf = definitionsOf(options.graphs);
  const fallback = repositoryPath(options.fallbackPath) ?? SARIF_FALLBACK_PATH;
  const impact = impactByChange(changeSet);
  const listed = bySeverity(
    changeSet.assets.filter((a) => assetChangeKind(a) !== "unchanged" && !isDriftOnly(a)),
  );
  const used = new Set(listed.flatMap(branchChangeTypes));
  const ruleTypes = CHANGE_TYPES.filter((t) => used.has(t));
  const ruleIndex = new Map(ruleTypes.map((t, i) => [t, i]));
  const results: SarifResult[] = [];
  for (const change of listed) {
    const asset = definitionOf(change);
    const position = asset
      ? sourcePosition(asset, { workspace: options.workspace, hosts: ["github", "gitlab"] })
      : undefined;
    const context: ResultContext = {
      location: resultLocation(change, position, fallback),
      impacted: impact.get(change.key) ?? [],
      link: assetLink(options.links, change),
      conflicts: new Set(
        (change.origins ?? []).filter((o) => o.origin === "conflict").map((o) => o.changeType),
      ),
    };
    const verdicts = new Map((change.reasons ?? []).map((v) => [v.changeType, v]));
    for (const type of resultOrder(branchChangeTypes(change), verdicts)) {
      const verdict = verdicts.get(type);
      results.push(result(change, type, verdict, ruleIndex.get(type) as number, context));
    }
  }
  const notLoaded = branchLocationsNotLoaded(changeSet);
  const log = {
    $schema: SARIF_SCHEMA,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "asset-diff",
            version: packageJson.version,
            semanticVersion: packageJson.version,
            informationUri: packageJson.homepage,
            rules: ruleTypes.map(rule),
          },
        },
        ...(notLoaded.length === 0
          ? {}
          : {
              invocations: [
                {
                  executionSuccessful: false,
                  toolExecutionNotifications: notLoaded.map((l) => ({
                    descriptor: { id: LOCATION_NOT_LOADED_ID },
                    level: "error",
                    message: {
                      text: truncate(
                        escapeControls(
                          `code location ${l.codeLocation ?? "(unknown)"} did not load in the branch: its assets were not compared${l.message ? ` (${l.message})` : ""}`,
                        ),
                        MAX_LINE_LENGTH,
                      ),
                    },
                  })),
                },
              ],
            }),
        results,
        properties: { suppressedByRules: changeSet.suppressed.length },
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

// --- internal ---

/** The schema a log names, as GitHub and the SARIF tooling recognize it. */
const SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";

/** Where the documentation of the rules is. */
const RULES_HELP_URI =
  "https://github.com/asset-diff/asset-diff/blob/main/docs/ci-formats.md#sarif-rules";

/** The id of the notification for a branch code location that did not load. */
const LOCATION_NOT_LOADED_ID = "asset-diff/LOCATION_NOT_LOADED";

/** The SARIF level of each asset-diff severity. */
const LEVELS: Record<Severity, SarifLevel> = { breaking: "error", risky: "warning", safe: "note" };

/** The level of a change the severity policy did not rate: it deserves a look, nothing more. */
const UNRATED_LEVEL: SarifLevel = "warning";

/** Values in a message are plain text, control characters shown as escapes. */
const MESSAGE_STYLE: DetailStyle = { value: escapeControls, maxValueLength: 80 };

/** Longest line of a message (a key or an approval's reason can be any length). */
const MAX_LINE_LENGTH = 1000;

/** Most detail lines (value-level details and findings) one message lists. */
const MAX_DETAILS = 8;

/** Most impacted assets a message names. */
const MAX_IMPACTED = 3;

/** Most impacted asset keys a result's properties list. */
const MAX_IMPACTED_KEYS = 10;

/** What each change type's rule says: a mapped type, so no change type is left without a rule. */
const RULES: Record<ChangeType, { name: string; short: string; full: string }> = {
  NEW: {
    name: "NewAsset",
    short: "A new asset",
    full: "The branch defines an asset production does not have.",
  },
  REMOVED: {
    name: "RemovedAsset",
    short: "A removed asset",
    full: "Production defines an asset the branch no longer does: whatever reads it loses its input.",
  },
  CODE_VERSION: {
    name: "CodeVersionChanged",
    short: "The code version changed",
    full: "The asset's code version differs from production's: its data may be computed differently.",
  },
  DEPENDENCIES: {
    name: "DependenciesChanged",
    short: "Upstream dependencies or partition mappings changed",
    full: "The asset's upstream dependencies were added or removed, or a partition mapping on one changed.",
  },
  PARTITIONS_DEFINITION: {
    name: "PartitionsDefinitionChanged",
    short: "The partitions definition changed",
    full: "The asset's partitions definition differs from production's: partitions may be added or removed.",
  },
  TAGS: {
    name: "TagsChanged",
    short: "Tags changed",
    full: "Tags of the asset were added, removed or changed.",
  },
  METADATA: {
    name: "MetadataChanged",
    short: "Definition metadata changed",
    full: "Definition metadata of the asset was added, removed or changed, its table schema (columns) included.",
  },
  MOVED: {
    name: "AssetMoved",
    short: "The asset moved to a new key or code location",
    full: "A declared move: the asset is defined under a new key or in another code location; whatever reads the old key must follow.",
  },
  GROUP: {
    name: "GroupChanged",
    short: "The group changed",
    full: "The asset belongs to another group.",
  },
  OWNERS: {
    name: "OwnersChanged",
    short: "Owners changed",
    full: "Owners of the asset were added or removed.",
  },
  DESCRIPTION: {
    name: "DescriptionChanged",
    short: "The description changed",
    full: "The asset's description differs from production's.",
  },
  KINDS: {
    name: "KindsChanged",
    short: "Kinds changed",
    full: "Kinds of the asset were added or removed.",
  },
  AUTOMATION_CONDITION: {
    name: "AutomationConditionChanged",
    short: "The automation condition changed",
    full: "The automation condition or auto-materialize policy, which decides when the asset runs, changed.",
  },
  FRESHNESS_POLICY: {
    name: "FreshnessPolicyChanged",
    short: "The freshness policy changed",
    full: "The asset's freshness policy differs from production's.",
  },
  BACKFILL_POLICY: {
    name: "BackfillPolicyChanged",
    short: "The backfill policy changed",
    full: "The asset's backfill policy, which decides how many partitions a run covers, changed.",
  },
  EXECUTION_TYPE: {
    name: "ExecutionTypeChanged",
    short: "The execution type changed",
    full: "Whether the asset is materializable, observable or executable changed.",
  },
  CHECKS: {
    name: "AssetChecksChanged",
    short: "Asset checks changed",
    full: "Asset checks of the asset were added or removed, or a check's blocking, automation condition, description or other assets read changed.",
  },
};

/** A SARIF `location`: a file of the repository and a line, and the asset as a logical location. */
interface SarifLocation {
  physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } };
  logicalLocations: { name: string; fullyQualifiedName: string; kind: string }[];
}

/** A SARIF `result`, with the fields this renderer writes. */
interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: SarifLevel;
  message: { text: string };
  locations: SarifLocation[];
  partialFingerprints: Record<string, string>;
  suppressions?: { kind: "external"; status: "accepted"; justification: string }[];
  properties: Record<string, unknown>;
}

function ruleId(type: ChangeType): string {
  return `asset-diff/${type}`;
}

function rule(type: ChangeType) {
  const { name, short, full } = RULES[type];
  return {
    id: ruleId(type),
    name,
    shortDescription: { text: short },
    fullDescription: { text: full },
    help: {
      text: `${full} A result's level follows the change's severity: breaking is an error, risky a warning, safe a note (a warning before the severity policy ran). An approved change is suppressed.`,
    },
    helpUri: RULES_HELP_URI,
    defaultConfiguration: { level: UNRATED_LEVEL },
    properties: { tags: ["asset-diff", "dagster"] },
  };
}

/** An asset's change types, worst verdict first (change-type order otherwise). */
function resultOrder(types: ChangeType[], verdicts: Map<ChangeType, ChangeVerdict>): ChangeType[] {
  const rank = (type: ChangeType) => {
    const verdict = verdicts.get(type);
    return verdict === undefined ? 0 : SARIF_LEVELS.indexOf(LEVELS[verdict.severity]);
  };
  // Array#sort is stable: equal ranks keep the change set's order.
  return [...types].sort((a, b) => rank(a) - rank(b));
}

/** The change types of a listed asset that the branch made: all but those of base drift. */
function branchChangeTypes(change: AssetChange): ChangeType[] {
  const drift = new Set(
    (change.origins ?? []).filter((o) => o.origin === "drift").map((o) => o.changeType),
  );
  return allChangeTypes(change).filter((t) => !drift.has(t));
}

/** What every result of one asset shares. */
interface ResultContext {
  location: SarifLocation;
  impacted: ImpactedAsset[];
  link: string | undefined;
  /** Its change types that production changed too, differently (three-way). */
  conflicts: ReadonlySet<ChangeType>;
}

function result(
  change: AssetChange,
  type: ChangeType,
  verdict: ChangeVerdict | undefined,
  ruleIndex: number,
  { location, impacted, link, conflicts }: ResultContext,
): SarifResult {
  const lines = messageLines(change, type, verdict, conflicts.has(type));
  for (const line of impactLines(impacted, MESSAGE_STYLE, MAX_IMPACTED))
    lines.push(truncate(line, MAX_LINE_LENGTH));
  return {
    ruleId: ruleId(type),
    ruleIndex,
    level: verdict ? LEVELS[verdict.severity] : UNRATED_LEVEL,
    message: { text: lines.join("\n") },
    locations: [location],
    partialFingerprints: { [SARIF_FINGERPRINT_KEY]: verdict?.id ?? changeId(change, type) },
    ...(verdict?.approved
      ? {
          suppressions: [
            {
              kind: "external",
              status: "accepted",
              justification: truncate(escapeControls(describeVerdict(verdict)), MAX_LINE_LENGTH),
            },
          ],
        }
      : {}),
    properties: {
      assetKey: change.key,
      codeLocation: change.codeLocation,
      repository: change.repository,
      changeType: type,
      ...(verdict ? { severity: verdict.severity, reason: verdict.reason } : {}),
      ...(impacted.length > 0
        ? { impacted: impacted.slice(0, MAX_IMPACTED_KEYS).map((i) => i.key) }
        : {}),
      ...(link === undefined ? {} : { dagsterUrl: link }),
    },
  };
}

/** The message of one change: a head line, then its details and findings, each a line. */
function messageLines(
  change: AssetChange,
  type: ChangeType,
  verdict: ChangeVerdict | undefined,
  conflict: boolean,
): string[] {
  const location = locationLabel(change);
  const asset = escapeControls(`${change.key}${location ? ` (${location})` : ""}`);
  const head =
    verdict === undefined
      ? `${asset}: ${type}`
      : `${asset}: ${type}: ${escapeControls(describeVerdict(verdict))}`;
  const conflictText = conflict
    ? " (conflict: production changed it too since the merge base)"
    : "";
  // Partition keys are the verdict's to name: its message says which go and come.
  const details = changeTypeLines(change, type, MESSAGE_STYLE);
  const shown = details.slice(0, MAX_DETAILS);
  if (details.length > MAX_DETAILS) shown.push(`… and ${details.length - MAX_DETAILS} more`);
  return [`${head}${conflictText}`, ...shown].map((line) =>
    truncate(escapeControls(line), MAX_LINE_LENGTH),
  );
}

function resultLocation(
  change: AssetChange,
  position: SourcePosition | undefined,
  fallback: string,
): SarifLocation {
  const path = repositoryPath(position?.file);
  const file = position === undefined || path === undefined ? fallback : path;
  const line =
    path !== undefined && position?.line != null && position.line >= 1
      ? Math.floor(position.line)
      : 1;
  const label = locationLabel(change);
  return {
    physicalLocation: { artifactLocation: { uri: fileUri(file) }, region: { startLine: line } },
    logicalLocations: [
      {
        name: change.key,
        fullyQualifiedName: label === null ? change.key : `${change.key} (${label})`,
        kind: "resource",
      },
    ],
  };
}

/** The path without leading `./`; `undefined` when that leaves nothing or an absolute path. */
function repositoryPath(path: string | undefined): string | undefined {
  const relative = path?.replace(/^(?:\.\/)+/, "");
  return relative === undefined || relative === "" || relative.startsWith("/")
    ? undefined
    : relative;
}

/**
 * A relative path as a URI reference: each segment percent-encoded (a space, `#`, `?` or `%` in a
 * file name would otherwise change what the URI names), a lone surrogate as U+FFFD.
 */
function fileUri(path: string): string {
  return path
    .split("/")
    .map((segment) => encodeURIComponent(wellFormed(segment)))
    .join("/");
}

/** The text with each lone surrogate replaced by U+FFFD (`encodeURIComponent` throws on one). */
function wellFormed(text: string): string {
  return text.replace(
    /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
    "\ufffd",
  );
}
