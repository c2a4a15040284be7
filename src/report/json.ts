import type { ChangeSet } from "../diff/change-set";

/**
 * Renders the change set as JSON text: the canonical, documented output (`docs/change-set.md`).
 *
 * @example
 * await writeFile("changes.json", renderJson(changeSet));
 */
export function renderJson(changeSet: ChangeSet): string {
  return `${JSON.stringify(changeSet, null, 2)}\n`;
}
