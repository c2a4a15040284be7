import {
  formatJsonPath,
  type InputIssue,
  type JsonPath,
  UnknownFormatError,
  ValidationError,
  zodIssues,
} from "../../errors";
import type {
  Asset,
  AssetCheck,
  AssetGraph,
  AssetOwner,
  AutomationCondition,
} from "../../model/asset";
import { isJsonObject, type JsonValue } from "../../model/json";
import { keyId, keyToString } from "../../model/key";
import type { Tag } from "../../model/metadata";
import { normalizeValidated } from "../../normalize/normalize";
import { plural } from "../../text";
import { checkAssetCount } from "../limits";
import {
  DG_DEFINITION_TYPES,
  DG_LIST_DEFS_SECTIONS,
  type DgAssetCheckEntry,
  type DgAssetEntry,
  dgAssetCheckEntrySchema,
  dgAssetEntrySchema,
} from "./schema";

/**
 * Options of {@link parseDgListDefs}. The output of `dg list defs` does not name its code
 * location or repository, so the caller supplies them (both `null`, unknown, by default).
 *
 * @example
 * const options: ParseDgListDefsOptions = { source: "branch.json", codeLocation: "analytics", repository: "__repository__" };
 */
export interface ParseDgListDefsOptions {
  /** Names the input in error messages, e.g. a file name. */
  source?: string;
  /** The code location the definitions belong to; `null` (the default) when unknown. */
  codeLocation?: string | null;
  /**
   * The repository the definitions belong to (`__repository__` for a `Definitions` project, as
   * every `dg` project is); `null` (the default) when unknown.
   */
  repository?: string | null;
  /** Receives what was read with a caveat: asset checks left out because their asset is not listed. */
  onWarning?: (message: string) => void;
}

/**
 * Reads the output of Dagster's `dg list defs --json` into an asset graph. Accepts every variant
 * Dagster has written: the newest object (`asset_key`, `dependency_keys`, `{key, value}` tags,
 * `{email}` / `{team}` owners, `{label, expanded_label}` automation conditions), the 2025 object
 * (`key`, `deps`, `"key"="value"` tag strings, `email` / `team:name` owner strings, a label),
 * and the early-2025 list of definitions from `dagster-components definitions list` (tagged with
 * `type`). Assets and asset checks are read; jobs, resources, schedules and sensors are ignored.
 *
 * The object variants' `asset_checks` list gives every listed asset its `checks` (`[]` when it has
 * none), each attached to its asset by `asset_key` with its `name`, `description` and
 * `additionalAssetKeys` (Dagster's `additional_deps` less the check's own asset, which Dagster
 * lists too); `blocking` and the automation condition are not in the output and stay absent. A
 * check whose asset the listing does not hold (a listing cut by `--assets`, say) is left out, and
 * `onWarning` is told once. The early-2025 list, and an object without `asset_checks`, leave
 * checks unknown.
 *
 * Keys are taken from `asset_key_parts` when present, otherwise by splitting the user string
 * (`asset_key` or `key`) on `/`, which is ambiguous when a key component itself contains `/`
 * (`asset_key_parts` avoids that only when its writer filled it from the real key; Dagster's own
 * schema splits `asset_key` too). Dependencies are user strings, and take the key parts of the
 * listed asset they name.
 * Every variant drops the `dagster/kind/*` tags (the kinds are in `kinds`), so tags here never
 * hold kinds. The output carries no code version, metadata, partitions definition, partition
 * mappings, freshness or backfill policy and no materializable/observable flags: those sections
 * stay absent (unknown), so a diff lists them under `limitations` instead of calling them
 * unchanged. An automation condition given as a bare label gets an empty `expandedLabel`, and
 * its `null` means "none or unlabeled" (Dagster writes no label for composed conditions).
 *
 * Throws a {@link ValidationError} naming the JSON path of each problem (a wrong type, a
 * malformed tag string, an asset listed twice) and an {@link UnknownFormatError} for JSON that
 * is not `dg list defs` output.
 *
 * @example
 * const graph = parseDgListDefs(JSON.parse(text), { source: "branch.json", codeLocation: "analytics" });
 */
export function parseDgListDefs(json: unknown, options: ParseDgListDefsOptions = {}): AssetGraph {
  const reader = new Reader(options.source);
  const entries: ReadEntry[] = [];
  const items = reader.collect(json);
  const checks = reader.checks(json);
  checkAssetCount(items.length, options.source, []);
  for (const item of items) {
    if (item.problem !== undefined) reader.issue(item.problem.path, item.problem.message);
    else {
      const entry = reader.entry(item.raw, item.path);
      if (entry) entries.push(entry);
    }
  }

  // Dependencies are user strings; one that names a listed asset takes that asset's key parts.
  const partsByUserString = new Map<string, string[] | null>();
  for (const { key } of entries) {
    const text = keyToString(key);
    const known = partsByUserString.get(text);
    if (known === undefined) partsByUserString.set(text, key);
    else if (known !== null && keyId(known) !== keyId(key)) partsByUserString.set(text, null);
  }
  const resolveKey = (text: string) => partsByUserString.get(text) ?? text.split("/");

  const location = {
    codeLocation: options.codeLocation ?? null,
    repository: options.repository ?? null,
  };
  const firstPath = new Map<string, JsonPath>();
  const assets: Asset[] = [];
  for (const entry of entries) {
    const id = keyId(entry.key);
    const first = firstPath.get(id);
    if (first !== undefined) {
      reader.issue(
        entry.path,
        `asset ${JSON.stringify(keyToString(entry.key))} is listed twice (also at ${formatJsonPath(first)})`,
      );
      continue;
    }
    firstPath.set(id, entry.path);
    assets.push(reader.asset(entry, location, resolveKey));
  }
  const orphans = checks === undefined ? [] : attachChecks(assets, checks, resolveKey);
  reader.throwIfIssues();
  if (orphans.length > 0) options.onWarning?.(orphanWarning(orphans));

  const graph: AssetGraph = {
    assets,
    source:
      options.source === undefined ? { format: FORMAT } : { format: FORMAT, name: options.source },
  };
  return normalizeValidated(graph, options.source === undefined ? {} : { source: options.source });
}

/**
 * True when `json` looks like the output of `dg list defs --json`: an object with an `assets`
 * list and at least one of the other sections (`asset_checks`, `jobs`, `resources`, `schedules`,
 * `sensors`), or a list of definitions tagged with `type` (early 2025; a few releases left the
 * tag out, so a list holding an entry with `deps` counts too). Never true for an asset-diff
 * snapshot (`formatVersion`) or a Dagster GraphQL response.
 *
 * @example
 * looksLikeDgListDefs({ assets: [], asset_checks: [], jobs: [] }); // true
 * looksLikeDgListDefs({ formatVersion: 1, assets: [] }); // false
 */
export function looksLikeDgListDefs(json: unknown): boolean {
  if (Array.isArray(json)) {
    return (
      json.length > 0 &&
      json.every((item) => isJsonObject(item) && !("assetKey" in item)) &&
      json.some(
        (item) =>
          isAssetItem(item as Record<string, unknown>) ||
          (DG_DEFINITION_TYPES as readonly unknown[]).includes((item as { type?: unknown }).type),
      )
    );
  }
  if (!isJsonObject(json) || "formatVersion" in json) return false;
  return Array.isArray(json.assets) && DG_LIST_DEFS_SECTIONS.some((section) => section in json);
}

// --- internal ---

/** The format name recorded in `graph.source`. */
const FORMAT = "dg-list-defs";

/** Most issues collected before giving up on a badly wrong input. */
const MAX_ISSUES = 50;

/**
 * A tag string of the 2025 variant, written by Dagster as `"<key>"="<value>"` without escaping.
 * Dagster's tag keys never hold `"`, so the first `"="` ends the key and the value runs to the
 * final quote, whatever quotes or `=` it holds.
 */
const TAG_STRING = /^"([^"]+)"="(.*)"$/s;

interface CollectedItem {
  raw: unknown;
  path: JsonPath;
  /** Set for a list item that cannot be a definition. */
  problem?: InputIssue;
}

interface ReadEntry {
  entry: DgAssetEntry;
  path: JsonPath;
  key: string[];
}

/** Most check names one warning quotes. */
const MAX_NAMED_ORPHANS = 5;

/**
 * Gives every asset its checks (`[]` when none) and returns the user strings of the checks whose
 * asset is not among them.
 */
function attachChecks(
  assets: Asset[],
  checks: DgAssetCheckEntry[],
  resolveKey: (text: string) => string[],
): string[] {
  const byKey = new Map<string, AssetCheck[]>();
  for (const asset of assets) {
    asset.checks = [];
    byKey.set(keyId(asset.key), asset.checks);
  }
  const orphans: string[] = [];
  for (const entry of checks) {
    const assetKey = resolveKey(entry.asset_key);
    const own = keyId(assetKey);
    const target = byKey.get(own);
    if (target === undefined) {
      orphans.push(entry.key ?? `${entry.asset_key}:${entry.name}`);
      continue;
    }
    const check: AssetCheck = { name: entry.name };
    if (entry.description !== undefined) check.description = entry.description;
    if (entry.additional_deps !== undefined) {
      // Dagster lists every asset the check reads, its own among them.
      check.additionalAssetKeys = (entry.additional_deps ?? [])
        .map(resolveKey)
        .filter((key) => keyId(key) !== own);
    }
    target.push(check);
  }
  return orphans;
}

function orphanWarning(orphans: string[]): string {
  const named = orphans
    .slice(0, MAX_NAMED_ORPHANS)
    .map((name) => JSON.stringify(name))
    .join(", ");
  const more =
    orphans.length > MAX_NAMED_ORPHANS ? ` and ${orphans.length - MAX_NAMED_ORPHANS} more` : "";
  const what =
    orphans.length === 1
      ? "1 asset check targets an asset"
      : `${plural(orphans.length, "asset check")} target assets`;
  return `${what} the listing does not hold, so ${orphans.length === 1 ? "it is" : "they are"} left out: ${named}${more}`;
}

class Reader {
  private readonly issues: InputIssue[] = [];

  constructor(private readonly source: string | undefined) {}

  issue(path: JsonPath, message: string): void {
    if (this.issues.length < MAX_ISSUES) this.issues.push({ path, message });
  }

  throwIfIssues(): void {
    if (this.issues.length > 0) throw new ValidationError(this.source, this.issues);
  }

  /** The raw asset entries with their JSON paths, and list items that are not definitions. */
  collect(json: unknown): CollectedItem[] {
    if (Array.isArray(json)) {
      const items: CollectedItem[] = [];
      json.forEach((item, i) => {
        if (!isJsonObject(item)) {
          items.push({
            raw: item,
            path: [i],
            problem: { path: [i], message: "expected a definition object" },
          });
        } else if ("type" in item && typeof item.type !== "string") {
          const problem = { path: [i, "type"], message: "expected a definition type string" };
          items.push({ raw: item, path: [i], problem });
        } else if (isAssetItem(item)) items.push({ raw: item, path: [i] });
      });
      return items;
    }
    if (!isJsonObject(json)) {
      throw new UnknownFormatError(
        this.source,
        "expected the output of dg list defs --json: an object with an assets list, or a list of definitions",
      );
    }
    if ("formatVersion" in json) {
      throw new UnknownFormatError(
        this.source,
        "is an asset-diff snapshot, not the output of dg list defs --json",
      );
    }
    if (!("assets" in json)) {
      throw new UnknownFormatError(
        this.source,
        "expected an object with an assets list (the output of dg list defs --json)",
      );
    }
    if (!Array.isArray(json.assets)) {
      throw new ValidationError(this.source, [{ path: ["assets"], message: "expected a list" }]);
    }
    return json.assets.map((raw, i) => ({ raw, path: ["assets", i] }));
  }

  /**
   * The validated entries of the top-level `asset_checks` list, or `undefined` when the input has
   * none (the early-2025 list, or an object without it): the checks are then unknown.
   */
  checks(json: unknown): DgAssetCheckEntry[] | undefined {
    if (!isJsonObject(json) || !("asset_checks" in json)) return undefined;
    if (!Array.isArray(json.asset_checks)) {
      this.issue(["asset_checks"], "expected a list");
      return undefined;
    }
    const entries: DgAssetCheckEntry[] = [];
    json.asset_checks.forEach((raw, i) => {
      const parsed = dgAssetCheckEntrySchema.safeParse(raw);
      if (parsed.success) entries.push(parsed.data);
      else
        for (const issue of zodIssues(parsed.error, ["asset_checks", i]))
          this.issue(issue.path, issue.message);
    });
    return entries;
  }

  /** Validates one entry and reads its key. */
  entry(raw: unknown, path: JsonPath): ReadEntry | undefined {
    const parsed = dgAssetEntrySchema.safeParse(raw);
    if (!parsed.success) {
      for (const issue of zodIssues(parsed.error, path)) this.issue(issue.path, issue.message);
      return undefined;
    }
    const entry = parsed.data;
    const userKey = entry.asset_key ?? entry.key;
    if (entry.asset_key_parts !== undefined) {
      if (userKey !== undefined && keyToString(entry.asset_key_parts) !== userKey) {
        this.issue(
          [...path, "asset_key_parts"],
          `${JSON.stringify(entry.asset_key_parts)} does not join to the asset key ${JSON.stringify(userKey)}`,
        );
        return undefined;
      }
      return { entry, path, key: entry.asset_key_parts };
    }
    if (userKey === undefined) {
      this.issue(path, "expected an asset key (asset_key, key or asset_key_parts)");
      return undefined;
    }
    return { entry, path, key: userKey.split("/") };
  }

  asset(
    { entry, path, key }: ReadEntry,
    location: Pick<Asset, "codeLocation" | "repository">,
    resolveKey: (text: string) => string[],
  ): Asset {
    const asset: Asset = { key, ...location };
    const dependencies = entry.dependency_keys !== undefined ? entry.dependency_keys : entry.deps;
    if (dependencies !== undefined) {
      // Partition mappings are not in the output: left absent, i.e. unknown.
      asset.dependencies = (dependencies ?? []).map((dep) => ({ key: resolveKey(dep) }));
    }
    if (entry.tags !== undefined) asset.tags = this.tags(entry.tags ?? [], [...path, "tags"]);
    if (entry.kinds !== undefined) asset.kinds = entry.kinds ?? [];
    const group = entry.group_name !== undefined ? entry.group_name : entry.group;
    if (group !== undefined) asset.group = group;
    if (entry.description !== undefined) asset.description = entry.description;
    // `null` owners mean the writer did not say; Dagster itself always lists them.
    if (entry.owners !== undefined && entry.owners !== null) asset.owners = entry.owners.map(owner);
    if (entry.automation_condition !== undefined) {
      asset.automationCondition = automationCondition(entry.automation_condition);
    }
    if (entry.is_executable !== undefined) asset.isExecutable = entry.is_executable;
    return asset;
  }

  private tags(raw: NonNullable<DgAssetEntry["tags"]>, path: JsonPath): Tag[] {
    const tags: Tag[] = [];
    const firstIndex = new Map<string, { value: string; index: number }>();
    raw.forEach((item, i) => {
      const tag = this.tag(item, [...path, i]);
      if (tag === undefined) return;
      const first = firstIndex.get(tag.key);
      if (first === undefined) firstIndex.set(tag.key, { value: tag.value, index: i });
      else if (first.value !== tag.value) {
        this.issue(
          [...path, i],
          `tag key ${JSON.stringify(tag.key)} appears twice with different values (also at ${formatJsonPath([...path, first.index])})`,
        );
      }
      tags.push(tag);
    });
    return tags;
  }

  private tag(item: NonNullable<DgAssetEntry["tags"]>[number], path: JsonPath): Tag | undefined {
    if (Array.isArray(item)) return { key: item[0], value: item[1] };
    if (typeof item !== "string") return { key: item.key, value: item.value };
    const match = TAG_STRING.exec(item);
    if (match === null) {
      this.issue(path, `expected a tag string "key"="value", not ${JSON.stringify(item)}`);
      return undefined;
    }
    return { key: match[1] as string, value: match[2] as string };
  }
}

/** Dagster's owner strings are emails or `team:<name>`. */
const TEAM_PREFIX = "team:";

function owner(raw: NonNullable<DgAssetEntry["owners"]>[number]): AssetOwner {
  if (typeof raw === "string") {
    return raw.startsWith(TEAM_PREFIX)
      ? { type: "team", team: raw.slice(TEAM_PREFIX.length) }
      : { type: "user", email: raw };
  }
  if (raw.email !== undefined && raw.team === undefined) return { type: "user", email: raw.email };
  if (raw.team !== undefined && raw.email === undefined) return { type: "team", team: raw.team };
  return { type: "unknown", typename: "", raw: raw as JsonValue };
}

function automationCondition(
  raw: NonNullable<DgAssetEntry["automation_condition"]> | null,
): AutomationCondition | null {
  if (raw === null) return null;
  // A bare label (2025 variants) comes without its expansion.
  if (typeof raw === "string") return { label: raw, expandedLabel: [] };
  return { label: raw.label ?? null, expandedLabel: raw.expanded_label ?? [] };
}

/**
 * An asset entry of the top-level list: tagged `type: "asset"`, or (in the untagged lists some
 * 2025 releases wrote) an entry with dependencies that is not an asset check.
 */
function isAssetItem(item: Record<string, unknown>): boolean {
  if ("type" in item) return item.type === "asset";
  return !("additional_deps" in item) && ("deps" in item || "dependency_keys" in item);
}
