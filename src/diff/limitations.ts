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

/** Every compared field with its change type, in the order limitations are found. */
const COMPARED_FIELDS: readonly [SectionChangeType, keyof Asset][] = SECTION_CHANGE_TYPES.flatMap(
  (type) => SECTIONS[type].fields.map((field): [SectionChangeType, keyof Asset] => [type, field]),
);

// One bit per field in a 32-bit mask.
if (COMPARED_FIELDS.length > 31) throw new Error("fieldMask holds at most 31 fields");

/** Which of {@link COMPARED_FIELDS} an asset carries, one bit each. */
function fieldMask(asset: Asset): number {
  let mask = 0;
  for (let i = 0; i < COMPARED_FIELDS.length; i++) {
    if (asset[(COMPARED_FIELDS[i] as [SectionChangeType, keyof Asset])[1]] !== undefined)
      mask |= 1 << i;
  }
  return mask;
}

/** A field one side of a pair lacks: its change type, the field, and which side lacks it. */
type LackingField = [SectionChangeType, keyof Asset, Limitation["side"]];

/** The fields of {@link COMPARED_FIELDS} that `base`, `branch` or both lack, as limitations. */
function lackingFields(base: Asset, branch: Asset): LackingField[] {
  const lacking: LackingField[] = [];
  for (const [type, field] of COMPARED_FIELDS) {
    const inBase = base[field] !== undefined;
    const inBranch = branch[field] !== undefined;
    if (inBase && inBranch) continue;
    if (inBase || inBranch || !LEGACY_FIELDS.has(field)) {
      lacking.push([type, field, inBase ? "branch" : inBranch ? "base" : "both"]);
    }
  }
  return lacking;
}

/** Counts, per change type and field, the compared assets where an input lacks the field. */
export class LimitationCounter {
  private readonly counts = new Map<string, Limitation>();
  /** Per pair of field sets: the fields one side lacks, and how many pairs had those sets. */
  private readonly shapes = new Map<string, { lacking: LackingField[]; pairs: number }>();

  /** Records, for one compared pair, every field an input lacks. */
  record(base: Asset, branch: Asset): void {
    // Assets of one input mostly carry the same fields: what a pair of field sets lacks is
    // worked out once per pair of sets (by their bit masks), and counted per pair of sets.
    const shape = `${fieldMask(base)},${fieldMask(branch)}`;
    const known = this.shapes.get(shape);
    if (known !== undefined) known.pairs++;
    else this.shapes.set(shape, { lacking: lackingFields(base, branch), pairs: 1 });
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
    for (const { lacking, pairs } of this.shapes.values()) {
      for (const [type, field, side] of lacking) this.add(type, field, side, pairs);
    }
    this.shapes.clear();
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

  private add(
    changeType: SectionChangeType,
    field: string,
    side: Limitation["side"],
    assets = 1,
  ): void {
    const key = `${changeType}\u0000${field}\u0000${side}`;
    const existing = this.counts.get(key);
    if (existing) existing.assets += assets;
    else this.counts.set(key, { changeType, field, side, assets });
  }
}
