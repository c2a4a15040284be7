/**
 * Time-zone arithmetic for time-window partitions: UTC offsets from the platform's IANA data
 * (`Intl`), cached per UTC day so that listing 100,000 hourly windows asks `Intl` a few thousand
 * times, and wall-time conversion with Dagster's daylight-saving rules.
 */

/** One time zone: its UTC offset at an instant, and wall time ↔ instant conversion. */
export interface Zone {
  name: string;
  /** True for UTC and the fixed-offset `Etc/GMT±N` zones. */
  fixed: boolean;
  /** The UTC offset in minutes at an instant (ms since the epoch). */
  offsetAt(instant: number): number;
  /** The local time at an instant, as a wall time (local time written as UTC ms). */
  wallAt(instant: number): number;
  /**
   * The instant a wall time names, as Dagster resolves it: a wall time in a daylight-saving gap
   * moves to the end of the gap, and one that occurs twice takes the later instant, when it falls
   * in the hours 1 to 3 (`apply_fold_and_post_transition`); elsewhere Python's `fold=0` applies
   * (the offset before the transition).
   */
  instantOf(wall: number): number;
  /** True when an instant is the second occurrence of a local time (after a fall-back). */
  isSecondOccurrence(instant: number): boolean;
}

/**
 * The zone of an IANA name (or `UTC`), or `undefined` when the platform does not know it.
 *
 * @example
 * createZone("America/New_York")?.offsetAt(Date.UTC(2024, 0, 1)); // -300
 */
export function createZone(name: string): Zone | undefined {
  if (name === "UTC" || name === "utc") return fixedZone(name, 0);
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone: name,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
  } catch {
    return undefined;
  }
  const resolved = format.resolvedOptions().timeZone;
  if (resolved === "UTC" || resolved === "Etc/UTC" || resolved === "Etc/GMT")
    return fixedZone(name, 0);
  const exact = (instant: number): number => {
    const parts = format.formatToParts(new Date(instant));
    const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
    const wall = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"));
    return Math.round((wall - Math.floor(instant / MINUTE) * MINUTE) / MINUTE);
  };
  const days = new Map<number, DayOffsets>();
  const offsetAt = (instant: number): number => {
    const day = Math.floor(instant / DAY);
    let cached = days.get(day);
    if (cached === undefined) {
      cached = dayOffsets(exact, day * DAY);
      if (days.size > DAY_CACHE_LIMIT) days.clear();
      days.set(day, cached);
    }
    return instant < cached.transition ? cached.before : cached.after;
  };
  return {
    name,
    fixed: /^Etc\/GMT[+-]\d+$/.test(resolved),
    offsetAt,
    ...conversions(offsetAt),
  };
}

// --- internal ---

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Days of offsets kept per zone: about 270 years, far more than any listing needs. */
const DAY_CACHE_LIMIT = 100_000;
/** The hours in which Dagster moves a wall time out of a gap or to its later occurrence. */
const DST_HOURS = new Set([1, 2, 3]);

/** A UTC day's offsets: `before` until `transition`, `after` from it (equal on most days). */
interface DayOffsets {
  before: number;
  transition: number;
  after: number;
}

function dayOffsets(exact: (instant: number) => number, dayStart: number): DayOffsets {
  const before = exact(dayStart);
  const after = exact(dayStart + DAY - MINUTE);
  if (before === after) return { before, transition: Number.POSITIVE_INFINITY, after };
  // Transitions fall on whole minutes; at most one a day in the IANA data.
  let lo = dayStart;
  let hi = dayStart + DAY - MINUTE;
  while (hi - lo > MINUTE) {
    const mid = lo + Math.floor((hi - lo) / 2 / MINUTE) * MINUTE;
    if (exact(mid) === before) lo = mid;
    else hi = mid;
  }
  return { before, transition: hi, after };
}

function fixedZone(name: string, offset: number): Zone {
  const offsetAt = () => offset;
  return { name, fixed: true, offsetAt, ...conversions(offsetAt) };
}

function conversions(offsetAt: (instant: number) => number) {
  const wallAt = (instant: number) => instant + offsetAt(instant) * MINUTE;
  const instantOf = (wall: number): number => {
    const early = offsetAt(wall - DAY / 2);
    const late = offsetAt(wall + DAY / 2);
    const a = wall - early * MINUTE;
    const b = wall - late * MINUTE;
    const aValid = wallAt(a) === wall;
    const bValid = wallAt(b) === wall;
    const inDstHours = DST_HOURS.has(new Date(wall).getUTCHours());
    if (aValid && bValid) return a === b ? a : inDstHours ? Math.max(a, b) : Math.min(a, b);
    if (aValid) return a;
    if (bValid) return b;
    // A gap: the hour's start under the old offset is the transition, where the gap ends.
    return inDstHours ? wall - (wall % HOUR) - early * MINUTE : wall - early * MINUTE;
  };
  const isSecondOccurrence = (instant: number): boolean => {
    const now = offsetAt(instant);
    const before = offsetAt(instant - 3 * HOUR);
    if (before <= now) return false;
    return offsetAt(instant - (before - now) * MINUTE) === before;
  };
  return { wallAt, instantOf, isSecondOccurrence };
}
