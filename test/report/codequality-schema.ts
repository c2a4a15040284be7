import { z } from "zod";

/**
 * GitLab's Code Quality report format, as its documentation ("Code Quality report format",
 * docs.gitlab.com/ci/testing/code_quality/) states it, written here independently of the renderer:
 * a JSON array of issues, each with
 *
 * - `description`: a human-readable description of the violation;
 * - `check_name`: a unique name of the check or rule;
 * - `fingerprint`: a unique fingerprint of this violation (GitLab keeps one issue per fingerprint);
 * - `location.path`: a path relative to the repository, not prefixed with `./`;
 * - `location.lines.begin` or `location.positions.begin.line`: the line (an integer);
 * - `severity`: one of `info`, `minor`, `major`, `critical` or `blocker`.
 *
 * Fields of the Code Climate specification GitLab ignores (`type`, `categories`, …) are allowed.
 */
const text = z.string().min(1);

const path = text.refine((p) => !p.startsWith("./") && !p.startsWith("/"), {
  message: "a path relative to the repository, without ./",
});

const line = z.number().int().min(1);

const issue = z.object({
  description: text,
  check_name: text,
  fingerprint: text,
  severity: z.enum(["info", "minor", "major", "critical", "blocker"]),
  location: z.union([
    z.object({ path, lines: z.object({ begin: line }) }),
    z.object({ path, positions: z.object({ begin: z.object({ line }) }) }),
  ]),
});

/** A whole report: an array of issues whose fingerprints are unique. */
export const codeQualityReportSchema = z
  .array(issue)
  .refine((issues) => new Set(issues.map((i) => i.fingerprint)).size === issues.length, {
    message: "fingerprints must be unique",
  });
