import type { Asset } from "../model/asset";
import type { AssetChangeDetails } from "./change-set";
import {
  type ChangeTypeMode,
  type DagsterChangeType,
  type ExtraChangeType,
  isDagsterChangeType,
} from "./change-types";
import { compareSection, SECTION_CHANGE_TYPES, SECTIONS } from "./sections";

/**
 * Comparing two definitions that the differ did not match by identity: the moves policy pairs a
 * REMOVED asset with a NEW one and needs their changes exactly as the differ computes them for
 * two versions of one asset.
 */

/** What changed between two definitions: Dagster's change types, the extra ones, their details. */
export interface DefinitionChanges {
  /** Dagster's change types, sorted. */
  changeTypes: DagsterChangeType[];
  /** The extra change types, sorted; always empty in `dagster` mode. */
  extraChangeTypes: ExtraChangeType[];
  details: AssetChangeDetails;
}

/**
 * Compares the sections of two (normalized) asset definitions as the differ does, whatever their
 * keys and code locations: the same sections, the same details, fields an input does not carry
 * left out, extra change types only in `all` mode. Identity (key, location, repository) is not
 * compared.
 *
 * @example
 * compareDefinitions(oldOrders, newOrders, "all").changeTypes; // ["CODE_VERSION", "TAGS"]
 */
export function compareDefinitions(
  base: Asset,
  branch: Asset,
  mode: ChangeTypeMode,
): DefinitionChanges {
  const changeTypes: DagsterChangeType[] = [];
  const extraChangeTypes: ExtraChangeType[] = [];
  const details: AssetChangeDetails = {};
  for (const type of SECTION_CHANGE_TYPES) {
    if (mode === "dagster" && !isDagsterChangeType(type)) continue;
    if (!compareSection(SECTIONS[type], base, branch, details)) continue;
    if (isDagsterChangeType(type)) changeTypes.push(type);
    else extraChangeTypes.push(type);
  }
  return { changeTypes: changeTypes.sort(), extraChangeTypes: extraChangeTypes.sort(), details };
}
