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
