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
  // A lone surrogate has no UTF-8 encoding (encodeURIComponent throws): it reads as U+FFFD. A cut
  // never leaves half an escape.
  const encoded = encodeURIComponent(wellFormed(id))
    .slice(0, MAX_ID_LENGTH)
    .replace(/%[0-9A-F]?$/, "");
  return `<!-- asset-diff:report:${encoded} -->`;
}

// --- internal ---

/** The text with each lone surrogate replaced by U+FFFD (`String#toWellFormed`, ES2024). */
function wellFormed(text: string): string {
  return text.replace(
    /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
    "\uFFFD",
  );
}
