/** The result of matching two lists by key. */
export interface Matched<T> {
  /** Items only in `after`. */
  added: T[];
  /** Items only in `before`. */
  removed: T[];
  /** Items in both, paired. */
  mutual: { before: T; after: T }[];
}

/**
 * Matches two lists by a key in linear time; the one keyed matcher every entity differ uses.
 * Keys are assumed unique within each list (normalized graphs guarantee it).
 *
 * @example
 * compareBy([{ k: "a" }], [{ k: "a" }, { k: "b" }], (x) => x.k); // added: [{ k: "b" }]
 */
export function compareBy<T>(
  before: readonly T[],
  after: readonly T[],
  key: (item: T) => string,
): Matched<T> {
  const index = new Map<string, T>();
  for (const item of before) index.set(key(item), item);
  const added: T[] = [];
  const mutual: { before: T; after: T }[] = [];
  for (const item of after) {
    const k = key(item);
    const match = index.get(k);
    if (match === undefined) added.push(item);
    else {
      mutual.push({ before: match, after: item });
      index.delete(k);
    }
  }
  return { added, removed: [...index.values()], mutual };
}
