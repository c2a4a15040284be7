import type { z } from "zod";
import type { InputIssue, JsonPath } from "../errors";

/**
 * Turns zod's issues into input issues with full JSON paths from the document root and short
 * messages ("expected string, received number").
 */
export function zodIssues(error: z.ZodError, prefix: JsonPath = []): InputIssue[] {
  return error.issues.map((issue) => ({
    path: [...prefix, ...issue.path.map((p) => (typeof p === "symbol" ? String(p) : p))],
    message: issue.message.replace(/^Invalid input: /, ""),
  }));
}
