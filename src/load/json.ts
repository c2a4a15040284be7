import { type ParseError, parse as parseTolerantly } from "jsonc-parser";
import { JsonSyntaxError } from "../errors";
import type { JsonValue } from "../model/json";

/**
 * Parses JSON text, turning a syntax error into a {@link JsonSyntaxError} with the line and
 * column of the first bad character. A leading byte-order mark is ignored.
 *
 * @example
 * parseJsonText('{"assets": []}', "snapshot.json");
 */
export function parseJsonText(text: string, source?: string): JsonValue {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return JSON.parse(body) as JsonValue;
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    const offset = errorOffset(body, error.message);
    throw new JsonSyntaxError(
      source,
      describeSyntaxError(error.message),
      offset === undefined ? undefined : lineColumn(body, offset),
      {
        cause: error,
      },
    );
  }
}

// --- internal ---

/** V8 echoes the input in some messages; keep only the part that describes the problem. */
function describeSyntaxError(message: string): string {
  const withoutEcho = message.replace(/, (\.\.\.)?".*"(\.\.\.)? is not valid JSON$/s, "");
  return withoutEcho.replace(/ at position \d+.*$/s, "").replace(/ in JSON$/, "");
}

function errorOffset(text: string, message: string): number | undefined {
  const stated = /at position (\d+)/.exec(message);
  if (stated) return Number(stated[1]);
  // V8 names no position for some errors; a tolerant parser finds the first bad offset.
  const errors: ParseError[] = [];
  parseTolerantly(text, errors, {
    disallowComments: true,
    allowTrailingComma: false,
    allowEmptyContent: false,
  });
  return errors[0]?.offset;
}

function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}
