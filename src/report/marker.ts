/** Longest report id kept in a marker, after percent-encoding. */
const MAX_ID_LENGTH = 200;

/**
 * The hidden HTML comment that starts every Markdown report, so that CI can find the comment it
 * posted before and update it instead of adding another. The id is percent-encoded, so it cannot
 * end the comment.
 *
 * @example
 * markdownMarker(); // "<!-- asset-diff:report -->"
 * markdownMarker("analytics"); // "<!-- asset-diff:report:analytics -->"
 */
export function markdownMarker(id?: string): string {
  if (id === undefined || id === "") return "<!-- asset-diff:report -->";
  return `<!-- asset-diff:report:${encodeURIComponent(id).slice(0, MAX_ID_LENGTH)} -->`;
}
