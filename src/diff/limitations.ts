import type { Asset } from "../model/asset";
import { compareNullableStrings } from "../model/key";
import type { Limitation } from "./change-set";
import { type ChangeTypeMode, compareChangeTypes, isDagsterChangeType } from "./change-types";
import {
  LEGACY_FIELDS,
  PARTITION_MAPPING_FIELD,
  partitionMappingsComparable,
  SECTION_CHANGE_TYPES,
  SECTIONS,
  type SectionChangeType,
} from "./sections";

/**
 * Limitations: the fields a comparison could not look at because an input does not carry them.
 * The differ records every compared pair of assets here; the counts go into the change set's
 * `limitations`, so a report can say what it could not see.
 */

/** Counts, per change type and field, the compared assets where an input lacks the field. */
export class LimitationCounter {
  private readonly counts = new Map<string, Limitation>();

  /** Records, for one compared pair, every field an input lacks. */
  record(base: Asset, branch: Asset): void {
    for (const type of SECTION_CHANGE_TYPES) {
      for (const field of SECTIONS[type].fields) {
        const inBase = base[field] !== undefined;
        const inBranch = branch[field] !== undefined;
        if (inBase && inBranch) continue;
        if (inBase || inBranch || !LEGACY_FIELDS.has(field)) {
          this.add(type, field, inBase ? "branch" : inBranch ? "base" : "both");
        }
      }
    }
    if (base.dependencies !== undefined && branch.dependencies !== undefined) {
      if (!partitionMappingsComparable(base.dependencies, branch.dependencies)) {
        const baseLacks = base.dependencies.some((d) => d.partitionMapping === undefined);
        const branchLacks = branch.dependencies.some((d) => d.partitionMapping === undefined);
        this.add(
          "DEPENDENCIES",
          PARTITION_MAPPING_FIELD,
          baseLacks && branchLacks ? "both" : baseLacks ? "base" : "branch",
        );
      }
    }
  }

  /** The limitations recorded, for the change types of `mode`, in display order. */
  list(mode: ChangeTypeMode): Limitation[] {
    return [...this.counts.values()]
      .filter((l) => mode === "all" || isDagsterChangeType(l.changeType))
      .sort(
        (a, b) =>
          compareChangeTypes(a.changeType, b.changeType) ||
          compareNullableStrings(a.field, b.field) ||
          compareNullableStrings(a.side, b.side),
      );
  }

  // --- internal ---

  private add(changeType: SectionChangeType, field: string, side: Limitation["side"]): void {
    const key = `${changeType}\u0000${field}\u0000${side}`;
    const existing = this.counts.get(key);
    if (existing) existing.assets++;
    else this.counts.set(key, { changeType, field, side, assets: 1 });
  }
}
