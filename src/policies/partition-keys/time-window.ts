import { Cron } from "croner";
import type { PartitionKeyRange } from "../../diff/change-set";
import type { PartitionsDefinition } from "../../model/asset";
import { readTimeWindowDescription } from "./description";
import { diffKeyLists, type KeyListing, keyRange, rangeOfList, type SideKeys } from "./key-diff";
import { compileFormat, formatWall, parseWall, type TimeFormat } from "./strftime";
import { createZone, type Zone } from "./zone";

/**
 * Time-window partition keys, listed the way Dagster lists them (facts from dagster-io/dagster,
 * `python_modules/dagster/dagster/_core/definitions/partitions/definition/time_window.py`,
 * `time_window_subclasses.py`, `schedule_type.py`, `_utils/schedules.py`, `_utils/cronstring.py`
 * and `_time/__init__.py`):
 *
 * - Windows run from one cron tick to the next, in the definition's timezone (default UTC). The
 *   first window starts at the first tick at or after `start`; a window is a partition when its
 *   end is at or before the current time, plus `end_offset` more windows past it (a negative
 *   offset drops that many from the end). `end` is exclusive: a window ending after it is not a
 *   partition. The key is the window's start written with `fmt` (Python `strftime`).
 * - `Hourly`/`Daily`/`Weekly`/`Monthly` are the schedule types Dagster recognises by the cron's
 *   shape (`M * * * *`, `M H * * *`, `M H * * D`, `M H D * *`); their defaults are minute 0, hour
 *   0, weekday 0 (Sunday) and day 1. The description shows only the type, so a definition read
 *   from its description alone is assumed to use those defaults; its `end` is never shown.
 * - Daylight saving: a wall time in a gap moves to the gap's end and one that occurs twice takes
 *   the later instant (in the hours 1 to 3); schedules whose hour field is `*` run in real time,
 *   through both occurrences of a repeated hour, and then the second occurrence's key gets the
 *   UTC offset appended (`+HHMM`) unless `fmt` has `%z` (`dst_safe_strftime`).
 *
 * Hourly, `*∕n`-minute, daily, weekly and monthly (day ≤ 28) schedules are computed, not iterated:
 * a count is arithmetic, and only the keys shown are written. Other cron strings are iterated with
 * croner, up to {@link CRON_TICK_CAP} ticks, each moved to the instant Dagster's rules give its
 * wall time (croner runs a repeated fixed time at its first occurrence, Dagster at the later). Comparing definitions on different grids
 * (another schedule, zone or `fmt`) lists the keys of both, up to {@link KEY_LISTING_CAP}.
 */

/**
 * Cron ticks iterated with croner per definition. Measured at 70–150 µs a tick (a loaded 2-CPU
 * machine; a fixed offset is the fast end), so a listing over the cap would take seconds: it is
 * not enumerable instead.
 */
const CRON_TICK_CAP = 20_000;

/** Keys written per comparison of definitions on different grids (both sides together). */
const KEY_LISTING_CAP = 1_000_000;

/**
 * The keys two time-window definitions add and remove as of `asOf` (ms since the epoch).
 *
 * @example
 * diffTimeWindows(
 *   { type: "TIME_WINDOW", description: "Daily, starting 2023-01-01 UTC.", fmt: "%Y-%m-%d" },
 *   { type: "TIME_WINDOW", description: "Daily, starting 2022-12-02 UTC.", fmt: "%Y-%m-%d" },
 *   Date.UTC(2024, 0, 1),
 * ); // added: 30 keys, 2022-12-02 … 2022-12-31
 */
export function diffTimeWindows(
  old: TimeWindowDefinition,
  next: TimeWindowDefinition,
  asOf: number,
): KeyListing {
  const a = readSpec(old);
  if (!a.ok) return notEnumerable(a.note);
  const b = readSpec(next);
  if (!b.ok) return notEnumerable(b.note);
  const oldSide = windowsOf(a.spec, asOf);
  if (!oldSide.ok) return notEnumerable(oldSide.note);
  const newSide = windowsOf(b.spec, asOf);
  if (!newSide.ok) return notEnumerable(newSide.note);
  const assumptions = [...new Set([...a.assumptions, ...b.assumptions])];
  const noun = `${cadenceOf(a.spec.cron) === cadenceOf(b.spec.cron) ? `${cadenceOf(b.spec.cron) ?? ""} ` : ""}partition`;
  const oldList = () => listKeys(oldSide, oldSide.first, oldSide.first + oldSide.count);
  const base = { noun: noun.trimStart(), timed: true, assumptions, oldList };
  const sameGrid = oldSide.grid.id === newSide.grid.id && a.spec.format.fmt === b.spec.format.fmt;
  if (sameGrid && oldSide.grid.kind !== "cron") {
    return { ok: true, diff: { ...base, ...diffRanges(oldSide, newSide) } };
  }
  if (oldSide.count + newSide.count > KEY_LISTING_CAP)
    return notEnumerable(
      `listing ${oldSide.count + newSide.count} windows to compare two time grids is over the cap of ${KEY_LISTING_CAP}`,
    );
  return { ok: true, diff: { ...base, ...diffListed(oldSide, newSide) } };
}

/**
 * The keys of one time-window definition as of `asOf`: how many, first and last; or why they
 * cannot be listed.
 *
 * @example
 * timeWindowKeys({ type: "TIME_WINDOW", description: "Daily, starting 2024-01-01 UTC.", fmt: "%Y-%m-%d" }, Date.UTC(2024, 0, 11));
 * // { ok: true, keys: { count: 10, first: "2024-01-01", last: "2024-01-10" }, … }
 */
export function timeWindowKeys(
  definition: TimeWindowDefinition,
  asOf: number,
): { ok: true; keys: SideKeys; noun: string; assumptions: string[] } | { ok: false; note: string } {
  const read = readSpec(definition);
  if (!read.ok) return read;
  const side = windowsOf(read.spec, asOf);
  if (!side.ok) return side;
  return {
    ok: true,
    keys: sideKeys(side),
    noun: `${cadenceOf(read.spec.cron) ?? ""} partition`.trimStart(),
    assumptions: read.assumptions,
  };
}

/** A TIME_WINDOW definition. */
export type TimeWindowDefinition = Extract<PartitionsDefinition, { type: "TIME_WINDOW" }>;

// --- internal ---

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Dagster's schedule types, as the description names them, with their default cron. */
const SCHEDULE_TYPES = {
  Hourly: { cron: "0 * * * *", cadence: "hourly", shape: /^\d+ \* \* \* \*$/ },
  Daily: { cron: "0 0 * * *", cadence: "daily", shape: /^\d+ \d+ \* \* \*$/ },
  Weekly: { cron: "0 0 * * 0", cadence: "weekly", shape: /^\d+ \d+ \* \* \d+$/ },
  Monthly: { cron: "0 0 1 * *", cadence: "monthly", shape: /^\d+ \d+ \d+ \* \*$/ },
} as const;

/** Dagster's default formats, tried in order when a description's `fmt` is not given. */
const DEFAULT_FORMATS = ["%Y-%m-%d-%H:%M", "%Y-%m-%d"] as const;

interface Spec {
  cron: string;
  zone: Zone;
  format: TimeFormat;
  start: number;
  end: number | null;
  endOffset: number;
}

/** A tick grid: `tick(i)` is the instant of tick `i`; equal `id`s are the same grid. */
interface Grid {
  id: string;
  kind: "step" | "calendar" | "cron";
  tick(i: number): number;
  /** The smallest index whose tick is at or after an instant. */
  indexAtOrAfter(instant: number): number;
  repeatsEveryHour: boolean;
}

/** One definition's windows: indexes `first` to `first + count - 1` of its grid. */
interface Windows {
  ok: true;
  grid: Grid;
  first: number;
  count: number;
  key(i: number): string;
}

function notEnumerable(note: string): KeyListing {
  return { ok: false, reason: "PARTITIONS_NOT_ENUMERABLE", note, timed: true };
}

function cadenceOf(cron: string): string | null {
  for (const type of Object.values(SCHEDULE_TYPES)) if (type.shape.test(cron)) return type.cadence;
  return null;
}

function readSpec(
  definition: TimeWindowDefinition,
): { ok: true; spec: Spec; assumptions: string[] } | { ok: false; note: string } {
  const assumptions: string[] = [];
  const described = readTimeWindowDescription(definition.description);
  if (described === undefined && definition.start === undefined)
    return {
      ok: false,
      note: `the time window cannot be read from the description ${JSON.stringify(definition.description)}`,
    };
  let cron = definition.cronSchedule;
  if (cron === undefined && described !== undefined) {
    const type = SCHEDULE_TYPES[described.schedule as keyof typeof SCHEDULE_TYPES];
    cron = type?.cron ?? described.schedule;
    if (type !== undefined)
      assumptions.push(
        `the description does not show the ${type.cadence} schedule's offsets, so Dagster's defaults are assumed`,
      );
  }
  if (cron === undefined) return { ok: false, note: "the cron schedule is not known" };
  cron = cron.trim().replace(/\s+/g, " ");
  const timezone = definition.timezone ?? described?.timezone ?? "UTC";
  const zone = createZone(timezone);
  if (zone === undefined) return { ok: false, note: `the timezone ${timezone} is not known` };
  const startText = definition.start ?? described?.start ?? "";
  let fmt = definition.fmt;
  if (fmt === null) {
    fmt =
      DEFAULT_FORMATS.find((f) => {
        const compiled = compileFormat(f);
        return compiled.ok && parseWall(compiled.format, startText) !== undefined;
      }) ?? null;
    if (fmt === null) return { ok: false, note: "the key format (fmt) is not known" };
    assumptions.push(`the key format is assumed to be Dagster's default ${fmt}`);
  }
  const compiled = compileFormat(fmt);
  if (!compiled.ok)
    return {
      ok: false,
      note: `the key format ${fmt} uses ${compiled.directive}, which this version does not write`,
    };
  const start = readTime(startText, compiled.format, zone);
  if (start === undefined)
    return { ok: false, note: `the start ${JSON.stringify(startText)} cannot be read with ${fmt}` };
  let end: number | null = null;
  if (definition.end !== undefined && definition.end !== null && definition.end !== "") {
    const read = readTime(definition.end, compiled.format, zone);
    if (read === undefined)
      return { ok: false, note: `the end ${JSON.stringify(definition.end)} cannot be read` };
    end = read;
  }
  const endOffset = described?.endOffset ?? 0;
  return {
    ok: true,
    spec: { cron, zone, format: compiled.format, start, end, endOffset },
    assumptions,
  };
}

/**
 * An instant from a start or end: written with the key format, a Unix timestamp in seconds, or
 * ISO 8601 (a wall time in `zone` when it has no offset).
 */
function readTime(text: string, format: TimeFormat, zone: Zone): number | undefined {
  const parsed = parseWall(format, text);
  if (parsed !== undefined)
    return parsed.offsetMinutes === null
      ? zone.instantOf(parsed.wall)
      : parsed.wall - parsed.offsetMinutes * MINUTE;
  // Dagster stores the start and end as Unix timestamps (seconds); a snapshot may too.
  if (/^-?\d{9,11}(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  if (/^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:?\d{2})$/.test(text)) {
    const instant = Date.parse(text);
    return Number.isNaN(instant) ? undefined : instant;
  }
  if (/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?)?$/.test(text)) {
    const wall = Date.parse(`${text.length === 10 ? `${text}T00:00` : text}Z`);
    return Number.isNaN(wall) ? undefined : zone.instantOf(wall);
  }
  return undefined;
}

function windowsOf(spec: Spec, asOf: number): Windows | { ok: false; note: string } {
  const grid = gridOf(spec, asOf);
  if (!grid.ok) return grid;
  const g = grid.grid;
  const first = g.indexAtOrAfter(spec.start);
  // Windows first … K-1 end at or before `t`, where K is the last tick at or before it.
  const endingBy = (t: number) => Math.max(0, g.indexAtOrAfter(t + 1) - 1 - first);
  let count = endingBy(asOf) + Math.max(spec.endOffset, 0);
  if (spec.end !== null) count = Math.min(count, endingBy(spec.end));
  count = Math.max(0, count - Math.max(-spec.endOffset, 0));
  const appendOffset = g.repeatsEveryHour && !spec.zone.fixed;
  const key = (i: number) => {
    const instant = g.tick(i);
    const offset = spec.zone.offsetAt(instant);
    return formatWall(
      spec.format,
      instant + offset * MINUTE,
      offset,
      appendOffset && spec.zone.isSecondOccurrence(instant),
    );
  };
  return { ok: true, grid: g, first, count, key };
}

function gridOf(spec: Spec, asOf: number): { ok: true; grid: Grid } | { ok: false; note: string } {
  const { cron, zone } = spec;
  const fields = cron.split(" ");
  const [minute, hour, dom, month, dow] = fields;
  const number = (f: string | undefined) => (f !== undefined && /^\d+$/.test(f) ? Number(f) : NaN);
  const repeatsEveryHour = hour === "*" || hour === "*/1" || hour === "0-23";
  if (fields.length === 5 && dom === "*" && month === "*" && dow === "*" && repeatsEveryHour) {
    const m = number(minute);
    const step =
      minute === "*" ? 1 : /^\*\/\d+$/.test(minute ?? "") ? Number(minute?.slice(2)) : 60;
    if ((m >= 0 && m < 60) || (step > 0 && step < 60 && 60 % step === 0 && Number.isNaN(m))) {
      return { ok: true, grid: stepGrid(zone, spec.start, step * MINUTE, Number.isNaN(m) ? 0 : m) };
    }
  }
  const m = number(minute);
  const h = number(hour);
  if (fields.length === 5 && m < 60 && h < 24 && month === "*") {
    if (dom === "*" && dow === "*") return { ok: true, grid: calendarGrid(zone, "day", m, h, 0) };
    const d = number(dow);
    if (dom === "*" && d <= 7) return { ok: true, grid: calendarGrid(zone, "week", m, h, d % 7) };
    const day = number(dom);
    if (dow === "*" && day >= 1 && day <= 28)
      return { ok: true, grid: calendarGrid(zone, "month", m, h, day) };
  }
  return cronGrid(spec, asOf, repeatsEveryHour);
}

/** Ticks every `step` ms in real time, at local minute `minute` (hourly) or multiples of the step. */
function stepGrid(zone: Zone, near: number, step: number, minute: number): Grid {
  // The local minute is the UTC minute shifted by the zone's offset, taken where the windows start.
  const shift = (minute - zone.offsetAt(near)) * MINUTE;
  const phase = ((shift % step) + step) % step;
  return {
    id: `step ${step} ${phase} ${zone.name}`,
    kind: "step",
    tick: (i) => phase + i * step,
    indexAtOrAfter: (instant) => Math.ceil((instant - phase) / step),
    repeatsEveryHour: true,
  };
}

/** Ticks at a local time of day: every day, every week on `day` (0 = Sunday) or every month on `day`. */
function calendarGrid(
  zone: Zone,
  unit: "day" | "week" | "month",
  minute: number,
  hour: number,
  day: number,
): Grid {
  const timeOfDay = hour * HOUR + minute * MINUTE;
  // 1970-01-01 was a Thursday (cron weekday 4).
  const weekShift = (((day - 4) % 7) + 7) % 7;
  const wallOf = (i: number) => {
    if (unit === "day") return i * DAY + timeOfDay;
    if (unit === "week") return (i * 7 + weekShift) * DAY + timeOfDay;
    return Date.UTC(1970, i, day) + timeOfDay;
  };
  const tick = (i: number) => zone.instantOf(wallOf(i));
  const estimate = (wall: number) => {
    if (unit === "day") return Math.floor((wall - timeOfDay) / DAY);
    if (unit === "week") return Math.floor((wall - timeOfDay) / DAY / 7 - weekShift / 7);
    const date = new Date(wall);
    return (date.getUTCFullYear() - 1970) * 12 + date.getUTCMonth() - 1;
  };
  return {
    id: `${unit} ${minute} ${hour} ${day} ${zone.name}`,
    kind: "calendar",
    tick,
    indexAtOrAfter: (instant) => {
      let i = estimate(zone.wallAt(instant));
      while (tick(i) < instant) i++;
      while (tick(i - 1) >= instant) i--;
      return i;
    },
    repeatsEveryHour: false,
  };
}

/** Any other cron string: ticks from croner, from the start until the windows `asOf` needs. */
function cronGrid(
  spec: Spec,
  asOf: number,
  repeatsEveryHour: boolean,
): { ok: true; grid: Grid } | { ok: false; note: string } {
  let cron: Cron;
  try {
    // A fixed offset is about twice as fast in croner as a named zone.
    const zone = spec.zone.fixed
      ? { utcOffset: spec.zone.offsetAt(0) }
      : { timezone: spec.zone.name };
    cron = new Cron(spec.cron, { ...zone, mode: "5-part", paused: true });
  } catch {
    return { ok: false, note: `the cron schedule ${spec.cron} cannot be read` };
  }
  const limit = spec.end === null ? asOf : Math.min(asOf, spec.end);
  const ticks: number[] = [];
  let next = cron.nextRun(new Date(spec.start - 1));
  let past = 0;
  while (next !== null) {
    ticks.push(next.getTime());
    if (ticks.length > CRON_TICK_CAP)
      return {
        ok: false,
        note: `the cron schedule ${spec.cron} has more than ${CRON_TICK_CAP} windows to list`,
      };
    if (next.getTime() > limit && ++past > Math.max(spec.endOffset, 0) + 1) break;
    if (spec.end !== null && next.getTime() > spec.end) break;
    next = cron.nextRun(next);
  }
  if (!repeatsEveryHour) {
    // croner runs a fixed time that occurs twice at its first occurrence; Dagster at the later
    // one (instantOf). Mapped, an interval job's two occurrences become one tick.
    let kept = 0;
    for (const tick of ticks) {
      const instant = spec.zone.instantOf(spec.zone.wallAt(tick));
      if (kept === 0 || ticks[kept - 1] !== instant) ticks[kept++] = instant;
    }
    ticks.length = kept;
  }
  return {
    ok: true,
    grid: {
      id: `cron ${spec.cron} ${spec.zone.name} ${spec.start}`,
      kind: "cron",
      tick: (i) => ticks[i] ?? Number.POSITIVE_INFINITY,
      indexAtOrAfter: (instant) => {
        let lo = 0;
        let hi = ticks.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if ((ticks[mid] as number) < instant) lo = mid + 1;
          else hi = mid;
        }
        return lo;
      },
      repeatsEveryHour,
    },
  };
}

function listKeys(side: Windows, from: number, to: number): string[] {
  const keys: string[] = [];
  for (let i = from; i < to; i++) keys.push(side.key(i));
  return keys;
}

/** Two index ranges of one grid: what the old has that the new has not, and back. */
function diffRanges(old: Windows, next: Windows) {
  const minus = (a: Windows, b: Windows): [number, number][] => {
    const aEnd = a.first + a.count;
    const bEnd = b.first + b.count;
    if (b.count === 0) return a.count === 0 ? [] : [[a.first, aEnd]];
    const pieces: [number, number][] = [];
    if (a.first < b.first) pieces.push([a.first, Math.min(aEnd, b.first)]);
    if (aEnd > bEnd) pieces.push([Math.max(a.first, bEnd), aEnd]);
    return pieces.filter(([from, to]) => to > from);
  };
  const range = (side: Windows, pieces: [number, number][]): PartitionKeyRange => {
    const count = pieces.reduce((n, [from, to]) => n + to - from, 0);
    const firstPiece = pieces[0];
    const lastPiece = pieces.at(-1);
    return keyRange(
      count,
      firstPiece === undefined ? null : side.key(firstPiece[0]),
      lastPiece === undefined ? null : side.key(lastPiece[1] - 1),
      () => pieces.flatMap(([from, to]) => listKeys(side, from, to)),
    );
  };
  return {
    old: sideKeys(old),
    new: sideKeys(next),
    added: range(next, minus(next, old)),
    removed: range(old, minus(old, next)),
    windowsMoved: false,
  };
}

/** Two definitions on different grids: every key listed, compared as text and by window. */
function diffListed(old: Windows, next: Windows) {
  const oldKeys = listKeys(old, old.first, old.first + old.count);
  const newKeys = listKeys(next, next.first, next.first + next.count);
  const { added, removed } = diffKeyLists(oldKeys, newKeys);
  // Whether a key both sides have now names another window (another zone or offset).
  const windows = new Map<string, string>();
  const window = (side: Windows, i: number) => `${side.grid.tick(i)} ${side.grid.tick(i + 1)}`;
  for (const [j, k] of oldKeys.entries()) windows.set(k, window(old, old.first + j));
  const windowsMoved = newKeys.some((k, j) => {
    const before = windows.get(k);
    return before !== undefined && before !== window(next, next.first + j);
  });
  return {
    old: sideKeys(old),
    new: sideKeys(next),
    added: rangeOfList(added),
    removed: rangeOfList(removed),
    windowsMoved,
  };
}

function sideKeys(side: Windows): SideKeys {
  if (side.count === 0) return { count: 0, first: null, last: null };
  return {
    count: side.count,
    first: side.key(side.first),
    last: side.key(side.first + side.count - 1),
  };
}
