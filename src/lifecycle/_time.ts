/**
 * Timestamps inside the lifecycle are ISO-8601 UTC strings with milliseconds
 * (`2019-05-15T15:20:33.000Z`), so that they compare as strings, survive JSON and read well.
 * Parsing a given text is pure: nothing here reads the clock.
 */

/** GitLab's older payloads write `2013-12-03 17:23:34 UTC`. */
const GITLAB_UTC = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d+)?) UTC$/;

/** A date-time with a zone (`Z` or `±hh:mm`), as GitHub, GitLab and ISO-8601 write them. */
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/i;

/** The canonical form of a timestamp text, or `null` when it is not one (or has no zone). */
function canonicalTimestamp(text: string): string | null {
  const gitlab = GITLAB_UTC.exec(text);
  const iso = gitlab ? `${gitlab[1]}T${gitlab[2]}Z` : text;
  if (!ISO_WITH_ZONE.test(iso)) return null;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/** The largest epoch milliseconds a `Date` holds. */
const MAX_DATE_MS = 8.64e15;

/** The canonical form of a time given as a timestamp text, a `Date` or epoch milliseconds. */
export function canonicalTime(value: string | Date | number): string | null {
  if (typeof value === "string") return canonicalTimestamp(value);
  const ms = typeof value === "number" ? value : value.getTime();
  return Number.isFinite(ms) && Math.abs(ms) <= MAX_DATE_MS ? new Date(ms).toISOString() : null;
}

/** Compares two canonical timestamps: negative, zero or positive. */
export function compareTime(a: string, b: string): number {
  return Date.parse(a) - Date.parse(b);
}

/** `time` plus `ms` milliseconds, canonical. */
export function addMs(time: string, ms: number): string {
  return new Date(Date.parse(time) + ms).toISOString();
}
