/**
 * Text helpers shared by every stage that writes for people: reports, error messages, the CLI.
 */

/**
 * A count with thousands separators, the same in every locale.
 *
 * @example
 * formatCount(1234567); // "1,234,567"
 */
export function formatCount(count: number): string {
  return String(count).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/**
 * A count and a noun, plural unless the count is one.
 *
 * @example
 * plural(1, "asset"); // "1 asset"
 * plural(1200, "asset"); // "1,200 assets"
 */
export function plural(count: number, noun: string): string {
  return `${formatCount(count)} ${noun}${count === 1 ? "" : "s"}`;
}

/**
 * Names a list in a sentence: `a`, `a and b`, `a, b and c`, or the first `most` and how many
 * more.
 *
 * @example
 * nameSome(["a", "b", "c"], 3); // "a, b and c"
 * nameSome(["a", "b", "c", "d"], 2); // "a, b and 2 more"
 */
export function nameSome(names: readonly string[], most: number): string {
  if (names.length > most)
    return `${names.slice(0, most).join(", ")} and ${formatCount(names.length - most)} more`;
  if (names.length <= 1) return names[0] ?? "";
  return `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
}

/**
 * True for a character no single line of output should carry raw: a C0 or C1 control, DEL, a
 * line or paragraph separator, or a bidirectional formatting character (marks, embeddings,
 * overrides and isolates, which would reorder the text around them).
 *
 * @example
 * isControl("\u001b".codePointAt(0) as number); // true
 */
export function isControl(code: number): boolean {
  return (
    code < 0x20 ||
    (code >= 0x7f && code <= 0x9f) ||
    code === 0x061c ||
    code === 0x200e ||
    code === 0x200f ||
    (code >= 0x2028 && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x2069)
  );
}
