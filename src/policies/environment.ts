import type { AssetChange, MetadataValueChange } from "../diff/change-set";
import { DEFAULT_RULES, type DefaultRuleId } from "../diff/verdicts";
import { sameData } from "../model/json";
import type { CodeReference, MetadataValue } from "../model/metadata";
import type { Policy } from "./policy";
import { type Suppression, suppress } from "./suppress";

/**
 * The default environment rules: a branch deployment writes to a cloned database or schema and
 * runs code whose lines have moved, so some metadata always differs from production without the
 * definition changing. These two rules suppress exactly those differences, and nothing that could
 * also be a real change.
 */

/** The metadata keys that name an asset's table, as `database.schema.table` (or fewer parts). */
const TABLE_NAME_KEYS: ReadonlySet<string> = new Set([
  "dagster/table_name",
  "dagster/relation_identifier",
]);

/** The metadata key of an asset's source-code references. */
const CODE_REFERENCES_KEY = "dagster/code_references";

/**
 * The default environment rules as one policy: `environment-table-name` and
 * `environment-code-references` (ids and reasons from `DEFAULT_RULES`).
 *
 * `environment-table-name` suppresses a changed `dagster/table_name` or
 * `dagster/relation_identifier` when both values are of the same type, `text` or a `json` string
 * (a JSON-encoded name some loaders write; `path` and other types name no table), and name the
 * same table: the last dotted part is equal and only the qualifiers before it differ, however
 * many there are on each side (`db.schema.t` → `schema.t` or → `t` is suppressed: the table is
 * the same, only where it lives differs). Dots inside `"…"`, `` `…` `` and `[…]` do not split
 * (`"my.db".schema."tbl"` has three parts; doubled closing quotes are escapes). Parts compare as
 * written, without case folding: quoted identifiers are case-sensitive and unquoted folding
 * depends on the warehouse (Snowflake upper-cases, Postgres lower-cases), so a change of case may
 * be a real rename. A changed table part, an empty table part, unbalanced quotes, a type change,
 * or a key added or removed (the asset starts or stops naming a table) stays a real change.
 *
 * `environment-code-references` suppresses a changed `dagster/code_references` when both sides
 * list the same references in the same order apart from line numbers: local files with equal
 * `filePath` and `label` (any `lineNumber`), URLs with equal `label` that are equal once a line
 * anchor is removed from the fragment (GitHub `#L12`, `#L12-L20`, `#L12C3-L14C9`, GitLab
 * `#L12-20`, Bitbucket `#lines-12:20`), references of a type this version does not know equal as
 * they are. A changed path, label or any other part of a URL (a branch name or commit in it
 * included: declare a substitution for those), or an added or removed reference stays real.
 *
 * In `dagster` mode the change set is returned unchanged: that mode is Dagster parity, and
 * Dagster reports these METADATA changes.
 *
 * @example
 * const reviewed = applyPolicies(diffAssetGraphs(prod, branch), [environmentRules()], createPolicyContext({ base: prod, branch }));
 * reviewed.suppressed.map((s) => s.rule); // ["environment-table-name", "environment-code-references"]
 */
export function environmentRules(): Policy {
  return (changeSet) => {
    // Dagster parity: nothing is suppressed (and `suppress` refuses to) in dagster mode.
    if (changeSet.options.changeTypes === "dagster") return changeSet;
    const suppressions: Suppression[] = [];
    for (const asset of changeSet.assets) suppressions.push(...environmentSuppressions(asset));
    return suppress(changeSet, suppressions);
  };
}

// --- internal ---

/** The character that closes each opening quote of an identifier. */
const OPENING: Readonly<Record<string, string>> = { '"': '"', "`": "`", "[": "]" };

/** GitHub `L12`, `L12-L20`, `L12C3-L14C9`; GitLab `L12-20`; Bitbucket `lines-12`, `lines-12:20`. */
const LINE_ANCHOR = /^(?:L\d+(?:C\d+)?(?:-L?\d+(?:C\d+)?)?|lines-\d+(?::\d+)?)$/;

/**
 * Splits a relation name into its dotted parts, keeping dots inside `"…"`, `` `…` `` and `[…]`
 * (a doubled closing character inside is an escape); `undefined` when a quote is not closed.
 * `'"my.db".schema."tbl"'` → `['"my.db"', "schema", '"tbl"']`. A path quoted whole in backticks,
 * as BigQuery writes them, is split inside when it is the whole name: `` `proj.ds.tbl` `` → `["proj", "ds", "tbl"]`.
 */
function splitRelationName(name: string): string[] | undefined {
  const parts: string[] = [];
  let current = "";
  let closing: string | undefined;
  for (let i = 0; i < name.length; i++) {
    const char = name.charAt(i);
    current += char;
    if (closing !== undefined) {
      if (char !== closing) continue;
      // `""`, ``` `` ``` and `]]` inside a quoted identifier stand for the character itself.
      if (name.charAt(i + 1) === closing) {
        current += closing;
        i++;
      } else closing = undefined;
      continue;
    }
    if (char === ".") {
      parts.push(current.slice(0, -1));
      current = "";
    } else closing = OPENING[char];
  }
  if (closing !== undefined) return undefined;
  parts.push(current);
  // BigQuery quotes a whole path in one pair of backticks: `project.dataset.table`. Elsewhere a
  // backticked part with a dot is one name (MySQL's `a.orders`), so only a whole name is split.
  const [only] = parts;
  return parts.length === 1 && only !== undefined && /^`[^`]*\.[^`]*`$/.test(only)
    ? only.slice(1, -1).split(".")
    : parts;
}

/** True when two URLs are equal once a line anchor is removed from each one's fragment. */
function sameUrlButLines(a: string, b: string): boolean {
  return withoutLineAnchor(a) === withoutLineAnchor(b);
}

function environmentSuppressions(asset: AssetChange): Suppression[] {
  const metadata = asset.details.metadata;
  if (metadata === undefined) return [];
  const changed = new Set(metadata.changedKeys);
  const out: Suppression[] = [];
  for (const value of metadata.values) {
    // Added and removed keys have a null side: never an environment difference.
    if (!changed.has(value.key)) continue;
    const rule = ruleFor(value);
    if (rule === undefined) continue;
    out.push({
      asset,
      changeType: "METADATA",
      keys: [value.key],
      rule,
      reason: DEFAULT_RULES[rule],
    });
  }
  return out;
}

function ruleFor(change: MetadataValueChange): DefaultRuleId | undefined {
  const { old, new: next } = change;
  if (old === null || next === null) return undefined;
  if (TABLE_NAME_KEYS.has(change.key)) {
    return sameTableElsewhere(old, next) ? "environment-table-name" : undefined;
  }
  if (change.key === CODE_REFERENCES_KEY) {
    return sameReferencesButLines(old, next) ? "environment-code-references" : undefined;
  }
  return undefined;
}

function sameTableElsewhere(old: MetadataValue, next: MetadataValue): boolean {
  const a = relationName(old);
  const b = relationName(next);
  if (a === undefined || b === undefined || old.type !== next.type) return false;
  const aParts = splitRelationName(a);
  const bParts = splitRelationName(b);
  if (aParts === undefined || bParts === undefined) return false;
  const table = aParts.at(-1);
  return table !== undefined && table !== "" && table === bParts.at(-1);
}

/** The name a table-name value holds: a text, or a JSON string. */
function relationName(value: MetadataValue): string | undefined {
  if (value.type === "text") return value.text;
  if (value.type === "json" && typeof value.value === "string") return value.value;
  return undefined;
}

function sameReferencesButLines(old: MetadataValue, next: MetadataValue): boolean {
  if (old.type !== "codeReferences" || next.type !== "codeReferences") return false;
  const a = old.codeReferences;
  const b = next.codeReferences;
  return a.length === b.length && a.every((ref, i) => sameReferenceButLines(ref, b[i]));
}

function sameReferenceButLines(a: CodeReference, b: CodeReference | undefined): boolean {
  if (b === undefined) return false;
  if (a.type === "localFile" && b.type === "localFile") {
    return a.filePath === b.filePath && a.label === b.label;
  }
  if (a.type === "url" && b.type === "url") {
    return a.label === b.label && sameUrlButLines(a.url, b.url);
  }
  return sameData(a, b);
}

function withoutLineAnchor(url: string): string {
  const hash = url.indexOf("#");
  if (hash < 0) return url;
  return LINE_ANCHOR.test(url.slice(hash + 1)) ? url.slice(0, hash) : url;
}
