import {
  type AssetChange,
  allChangeTypes,
  assetChangeKind,
  branchLocationsNotLoaded,
  type ChangeSet,
  type LocationComparison,
} from "../diff/change-set";
import { compareNullableStrings, locationLabel } from "../model/key";
import { assetsFailing, type FailOnRule } from "../policies/fail-on";
import type { ReportContext } from "./context";
import type { DetailStyle } from "./details";
import {
  changeTypeLines,
  impactByChange,
  impactLines,
  isDriftOnly,
  partitionKeyLines,
} from "./findings";
import { assetLink, type DagsterLinks } from "./links";
import { escapeControls, truncate } from "./values";
import { describeVerdict, shownVerdicts } from "./verdicts";

/** Options of {@link renderJunit}. */
export interface JunitOptions {
  /**
   * The `--fail-on` policy: an asset it fails (see `assetsFailing`) is a failing test case. None:
   * no asset fails.
   */
  failOn?: readonly FailOnRule[];
  /**
   * `--allow-failed-locations`: a branch code location that did not load is a skipped test case
   * instead of an error.
   */
  allowFailedLocations?: boolean;
  /** Where the Dagster UIs are: each test case's output then names its asset's page. */
  links?: DagsterLinks;
  /** The commit, CI run and time the report reflects: each suite's `properties` (and `timestamp`). */
  context?: ReportContext;
}

/**
 * A JUnit XML report of a change set, for CI test-report views (GitLab's `artifacts:reports:junit`,
 * Jenkins' JUnit plugin, GitHub test-report actions): one `testsuite` per code location and one
 * `testcase` per listed asset (classname: the code location, name: the asset key). A test case
 * fails exactly where the `failOn` policy fails (the same `assetsFailing` the CLI's gate uses),
 * its `failure` naming the rules it fails and listing the asset's changes; an asset whose every
 * change is approved, or that only production changed (base drift, three-way), is skipped; any
 * other asset passes, with its changes as `system-out`. A branch code location that did not load
 * is an `error` test case (skipped with `allowFailedLocations`), as the CLI fails on it. Text from
 * the inputs is escaped for XML, and characters XML 1.0 cannot carry (control characters, lone
 * surrogates, U+FFFE, U+FFFF) are written as visible escapes such as `\u0001`. See
 * docs/ci-formats.md.
 *
 * @example
 * await writeFile("asset-diff.junit.xml", renderJunit(changeSet, { failOn: ["breaking"] }));
 */
export function renderJunit(changeSet: ChangeSet, options: JunitOptions = {}): string {
  const rules = options.failOn ?? [];
  const failing = new Set(assetsFailing(changeSet, rules));
  // Which rules each failing asset fails, for the failure's type: the gate's own function, per rule.
  const byRule = rules.map((rule) => [rule, new Set(assetsFailing(changeSet, [rule]))] as const);
  const impact = impactByChange(changeSet);
  const suites = new Map<string, { label: string | null; cases: TestCase[] }>();
  const suiteOf = (label: string | null) => {
    const id = JSON.stringify(label);
    let suite = suites.get(id);
    if (suite === undefined) {
      suite = { label, cases: [] };
      suites.set(id, suite);
    }
    return suite;
  };
  for (const location of branchLocationsNotLoaded(changeSet)) {
    suiteOf(location.codeLocation).cases.push(
      locationCase(location, options.allowFailedLocations === true),
    );
  }
  for (const asset of changeSet.assets) {
    const label = locationLabel(asset);
    const body = assetLines(asset, impact.get(asset.key) ?? [], options.links);
    const alone = byRule.filter(([, assets]) => assets.has(asset)).map(([rule]) => rule);
    // Each rule fails its own assets, so one of them names a failing asset; all, should none.
    const matched = failing.has(asset) ? (alone.length > 0 ? alone : [...rules]) : undefined;
    const outcome = assetOutcome(asset, matched, body);
    suiteOf(label).cases.push({ classname: label ?? NO_LOCATION, name: asset.key, outcome });
  }
  const ordered = [...suites.values()].sort((a, b) => compareNullableStrings(a.label, b.label));
  const all = ordered.flatMap((s) => s.cases);
  const properties = contextProperties(options.context);
  const lines = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name="asset-diff"${countAttributes(all)}>`,
  ];
  for (const suite of ordered) {
    const timestamp =
      options.context?.generatedAt === undefined
        ? ""
        : ` timestamp="${attr(options.context.generatedAt)}"`;
    lines.push(
      `  <testsuite name="${attr(escapeControls(suite.label ?? NO_LOCATION))}"${countAttributes(suite.cases)}${timestamp}>`,
    );
    if (properties.length > 0) {
      lines.push("    <properties>");
      for (const [name, value] of properties)
        lines.push(`      <property name="${name}" value="${attr(value)}"/>`);
      lines.push("    </properties>");
    }
    for (const testCase of suite.cases) lines.push(...caseLines(testCase));
    lines.push("  </testsuite>");
  }
  lines.push("</testsuites>");
  return `${lines.join("\n")}\n`;
}

// --- internal ---

/** The suite and classname of assets whose code location the inputs do not say. */
const NO_LOCATION = "(no code location)";

/** Values in a test case's text are plain, control characters shown as escapes. */
const TEXT_STYLE: DetailStyle = { value: escapeControls, maxValueLength: 80 };

/** Longest line of a test case's text or message (a key or an approval's reason can be any length). */
const MAX_LINE_LENGTH = 1000;

/** Most impacted assets a test case names. */
const MAX_IMPACTED = 5;

/** How a test case ended; the single source for {@link OutcomeKind}. */
const OUTCOME_KINDS = ["passed", "failure", "error", "skipped"] as const;

/** See {@link OUTCOME_KINDS}. */
type OutcomeKind = (typeof OUTCOME_KINDS)[number];

/** A test case's outcome: a failure or an error says its type and message, a skip its message. */
type Outcome =
  | { kind: Extract<OutcomeKind, "passed">; body: string[] }
  | {
      kind: Extract<OutcomeKind, "failure" | "error">;
      type: string;
      message: string;
      body: string[];
    }
  | { kind: Extract<OutcomeKind, "skipped">; message: string; body: string[] };

interface TestCase {
  classname: string;
  name: string;
  outcome: Outcome;
}

/** How an asset's test case ends: `matched` names the rules it fails, when it fails. */
function assetOutcome(
  asset: AssetChange,
  matched: FailOnRule[] | undefined,
  body: string[],
): Outcome {
  if (matched !== undefined) {
    const verdict = shownVerdicts(asset).find((v) => v.approved === undefined);
    const worst = verdict
      ? `; worst unapproved change: ${verdict.changeType}: ${describeVerdict(verdict)}`
      : "";
    return {
      kind: "failure",
      type: matched.join(","),
      message: `fails --fail-on ${matched.join(",")}${worst}`,
      body,
    };
  }
  if (isDriftOnly(asset))
    return {
      kind: "skipped",
      message: "base drift: only production changed it since the merge base",
      body,
    };
  const reasons = asset.reasons ?? [];
  if (reasons.length > 0 && reasons.every((v) => v.approved !== undefined))
    return { kind: "skipped", message: "every change is approved", body };
  return { kind: "passed", body };
}

function locationCase(location: LocationComparison, allowed: boolean): TestCase {
  const name = location.codeLocation ?? NO_LOCATION;
  const message = `code location ${name} did not load in the branch: its assets were not compared`;
  const body = location.message === undefined ? [] : [escapeControls(location.message)];
  return {
    classname: name,
    name: "(code location loads in the branch)",
    outcome: allowed
      ? { kind: "skipped", message: `${message} (allowed by --allow-failed-locations)`, body }
      : { kind: "error", type: "LOCATION_NOT_LOADED", message, body },
  };
}

/** An asset's changes as lines: what kind of change, its link, each change type with its details. */
function assetLines(
  asset: AssetChange,
  impacted: Parameters<typeof impactLines>[0],
  links: DagsterLinks | undefined,
): string[] {
  const kind = assetChangeKind(asset);
  const types = allChangeTypes(asset);
  const lines = [
    escapeControls(
      `${asset.key}${locationLabel(asset) ? ` (${locationLabel(asset)})` : ""}: ${kind}${types.length > 0 ? ` (${types.join(", ")})` : ""}${asset.origin ? `, origin ${asset.origin}` : ""}`,
    ),
  ];
  const link = assetLink(links, asset);
  if (link !== undefined) lines.push(`Dagster: ${link}`);
  const verdicts = new Map((asset.reasons ?? []).map((v) => [v.changeType, v]));
  const origins = new Map((asset.origins ?? []).map((o) => [o.changeType, o.origin]));
  for (const type of types) {
    const verdict = verdicts.get(type);
    const origin = origins.get(type);
    lines.push(
      escapeControls(
        `${type}${verdict ? `: ${describeVerdict(verdict)}` : ""}${origin && origin !== "branch" ? ` [${origin}]` : ""}`,
      ),
    );
    const details = changeTypeLines(asset, type, TEXT_STYLE);
    if (type === "PARTITIONS_DEFINITION" && asset.partitionKeys)
      details.push(...partitionKeyLines(asset.partitionKeys, TEXT_STYLE));
    for (const line of details) lines.push(`  ${escapeControls(line)}`);
  }
  for (const line of impactLines(impacted, TEXT_STYLE, MAX_IMPACTED))
    lines.push(escapeControls(line));
  return lines;
}

function caseLines({ classname, name, outcome }: TestCase): string[] {
  const open = `    <testcase classname="${attr(escapeControls(classname))}" name="${attr(escapeControls(name))}" time="0"`;
  const body = text(outcome.body.map((line) => truncate(line, MAX_LINE_LENGTH)).join("\n"));
  switch (outcome.kind) {
    case "passed":
      return outcome.body.length === 0
        ? [`${open}/>`]
        : [`${open}>`, `      <system-out>${body}</system-out>`, "    </testcase>"];
    case "skipped":
      return [
        `${open}>`,
        `      <skipped message="${attr(truncate(escapeControls(outcome.message), MAX_LINE_LENGTH))}"/>`,
        ...(outcome.body.length === 0 ? [] : [`      <system-out>${body}</system-out>`]),
        "    </testcase>",
      ];
    case "failure":
    case "error":
      return [
        `${open}>`,
        `      <${outcome.kind} message="${attr(truncate(escapeControls(outcome.message), MAX_LINE_LENGTH))}" type="${attr(outcome.type)}">${body}</${outcome.kind}>`,
        "    </testcase>",
      ];
  }
}

function countAttributes(cases: readonly TestCase[]): string {
  const counts: Record<OutcomeKind, number> = { passed: 0, failure: 0, error: 0, skipped: 0 };
  for (const c of cases) counts[c.outcome.kind]++;
  // No test ran for a duration: time is 0, written because stricter readers (the Ant schema) require it.
  return ` tests="${cases.length}" failures="${counts.failure}" errors="${counts.error}" skipped="${counts.skipped}" time="0"`;
}

/** The report context as suite properties, in a fixed order. */
function contextProperties(context: ReportContext | undefined): [string, string][] {
  if (context === undefined) return [];
  const fields = ["commit", "commitUrl", "runUrl", "generatedAt"] as const;
  return fields
    .filter((f) => context[f] !== undefined)
    .map((f) => [`asset-diff.${f}`, context[f] as string]);
}

/** Text content: markup characters as entities, characters XML cannot carry as escapes. */
function text(value: string): string {
  return xml(value, false);
}

/** An attribute value (double-quoted): also quotes, and tab, LF and CR kept as references. */
function attr(value: string): string {
  return xml(value, true);
}

function xml(value: string, attribute: boolean): string {
  let out = "";
  for (const ch of value) {
    const code = ch.codePointAt(0) as number;
    if (ch === "&") out += "&amp;";
    else if (ch === "<") out += "&lt;";
    else if (ch === ">") out += "&gt;";
    else if (attribute && ch === '"') out += "&quot;";
    else if (attribute && ch === "'") out += "&apos;";
    else if (code === 0x09 || code === 0x0a || code === 0x0d) out += attribute ? `&#${code};` : ch;
    else if (!isXmlChar(code)) out += `\\u${code.toString(16).padStart(4, "0")}`;
    else out += ch;
  }
  return out;
}

/**
 * True for a character XML 1.0 can carry (its `Char` production) and that is not a C1 control or
 * DEL, which it allows but discourages. Iterating by code point, a lone surrogate comes alone.
 */
function isXmlChar(code: number): boolean {
  return (
    (code >= 0x20 && code < 0x7f) ||
    (code > 0x9f && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    code >= 0x10000
  );
}
