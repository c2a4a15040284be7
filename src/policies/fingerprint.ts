import { createHash } from "node:crypto";
import type { AssetChange } from "../diff/change-set";
import type { ChangeType } from "../diff/change-types";
import { SECTIONS } from "../diff/sections";
import { canonicalJson, type JsonValue } from "../model/json";

/**
 * Change fingerprints: the stable `id` of one change type of one asset, which approvals refer to.
 * An id depends on nothing but the asset's identity, the change type and the change's values, so
 * the same change has the same id on every run, machine and push, and a different change (one
 * value differs) has another id, which is what makes an approval go stale.
 */

/**
 * The stable id of one change of an asset: the first 16 hex digits (64 bits, ample for the changes of one graph) of the
 * SHA-256 of the canonical JSON of `[codeLocation, repository, path, changeType, details]`, where
 * `details` is that change type's details slot (e.g. `details.codeVersion` for CODE_VERSION).
 * The details are the normalized old and new values, and canonical JSON sorts object keys, so
 * key order in the inputs never changes an id. NEW and REMOVED have no values (`null`): their id
 * is the asset's identity and the change type alone, so approving a NEW asset approves adding
 * it, whatever it is defined as in later pushes (its definition is not a change against the
 * base). The key is hashed as its path, so `["a/b"]` and `["a", "b"]` never share an id.
 * Suppressing some tag or metadata keys first changes the details, so ids are those of what the
 * policies leave.
 *
 * @example
 * changeId(changeSet.assets[0], "CODE_VERSION"); // "3f9a0c1d2e4b5a67"
 */
export function changeId(
  asset: Pick<AssetChange, "codeLocation" | "repository" | "path" | "details">,
  changeType: ChangeType,
): string {
  const payload: JsonValue = [
    asset.codeLocation,
    asset.repository,
    asset.path,
    changeType,
    changeValues(asset, changeType),
  ];
  return createHash("sha256")
    .update(canonicalJson(payload))
    .digest("hex")
    .slice(0, CHANGE_ID_LENGTH);
}

// --- internal ---

/** Hex digits of the SHA-256 an id keeps. */
const CHANGE_ID_LENGTH = 16;

function changeValues(
  asset: Pick<AssetChange, "details" | "movedFrom">,
  changeType: ChangeType,
): JsonValue {
  if (changeType === "NEW" || changeType === "REMOVED") return null;
  if (changeType === "MOVED") return (asset.movedFrom ?? null) as unknown as JsonValue;
  // Details are plain JSON (the change-set format is JSON); a missing slot (a hand-built change
  // set) hashes as null rather than failing.
  return (asset.details[SECTIONS[changeType].details] ?? null) as unknown as JsonValue;
}
