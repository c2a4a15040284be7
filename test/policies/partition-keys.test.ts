import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import type { AssetChange, ChangeSet, ChangeVerdict } from "../../src/diff/change-set";
import { changeSetSchema } from "../../src/diff/change-set-schema";
import { diffAssetGraphs } from "../../src/diff/diff";
import { parseAssetGraph } from "../../src/load/index";
import type { AssetGraph, PartitionsDefinition } from "../../src/model/asset";
import type { SeverityRule } from "../../src/policies/config";
import { partitionKeyRules, partitionKeysChange } from "../../src/policies/partition-keys";
import { timeWindowKeys } from "../../src/policies/partition-keys/time-window";
import { applyPolicies, createPolicyContext } from "../../src/policies/policy";
import { severityRules } from "../../src/policies/severity";
import { asset, graph } from "../helpers/builders";

/** The reference time of every case unless it says otherwise: a Saturday, noon UTC. */
const AS_OF = new Date("2024-06-01T12:00:00Z");

function review(
  base: AssetGraph,
  branch: AssetGraph,
  asOf = AS_OF,
  overrides: SeverityRule[] = [],
): ChangeSet {
  const reviewed = applyPolicies(
    diffAssetGraphs(base, branch),
    [severityRules(overrides), partitionKeyRules({ asOf })],
    createPolicyContext({ base, branch }),
  );
  expect(changeSetSchema.safeParse(reviewed).success).toBe(true);
  return reviewed;
}

/** The one asset `a` partitioned by `before`, then by `after`. */
function change(
  before: PartitionsDefinition | null,
  after: PartitionsDefinition | null,
  asOf = AS_OF,
  overrides: SeverityRule[] = [],
): { asset: AssetChange; verdict: Omit<ChangeVerdict, "id"> } {
  const reviewed = review(
    graph(asset("a", { partitionsDefinition: before })),
    graph(asset("a", { partitionsDefinition: after })),
    asOf,
    overrides,
  );
  const found = reviewed.assets.find((a) => a.key === "a");
  const verdict = found?.reasons?.find((r) => r.changeType === "PARTITIONS_DEFINITION");
  if (found === undefined || verdict === undefined) throw new Error("no PARTITIONS_DEFINITION");
  const { id: _id, ...rest } = verdict;
  return { asset: found, verdict: rest };
}

/** A time window as a GraphQL server gives it: the description and `fmt` only. */
const described = (description: string, fmt = "%Y-%m-%d"): PartitionsDefinition => ({
  type: "TIME_WINDOW",
  description,
  fmt,
});
const daily = (start: string, extra = "") => described(`Daily, starting ${start} UTC.${extra}`);
const hourly = (start: string, timezone = "UTC") =>
  described(`Hourly, starting ${start} ${timezone}.`, "%Y-%m-%d-%H:%M");
/** A time window as a snapshot gives it: structured fields beside the description. */
const structured = (
  fields: { start: string; cronSchedule: string; timezone?: string; end?: string | null },
  fmt = "%Y-%m-%d",
): PartitionsDefinition => ({
  type: "TIME_WINDOW",
  description: `${fields.cronSchedule}, starting ${fields.start} ${fields.timezone ?? "UTC"}.`,
  fmt,
  timezone: "UTC",
  ...fields,
});
const statics = (description: string): PartitionsDefinition => ({ type: "STATIC", description });
const multi = (date: string, region: string): PartitionsDefinition => ({
  type: "MULTIPARTITIONED",
  description: `Multi-partitioned, with dimensions: \nDate: ${date} \nRegion: ${region}`,
  dimensions: [
    { name: "date", type: "TIME_WINDOW", description: date, isPrimary: true },
    { name: "region", type: "STATIC", description: region, isPrimary: false },
  ],
});

interface Expected {
  severity: "breaking" | "risky" | "safe";
  reason: string;
  message?: string | RegExp;
  enumerable?: boolean;
  added?: { count: number; first?: string | null; last?: string | null; keys?: string[] };
  removed?: { count: number; first?: string | null; last?: string | null; keys?: string[] };
  note?: RegExp;
}

interface Case {
  name: string;
  before: PartitionsDefinition | null;
  after: PartitionsDefinition | null;
  asOf?: Date;
  expected: Expected;
}

const cases: Case[] = [
  {
    // 2024-01-01 … 2024-01-30 are the 30 days before the old start, 2024-01-31.
    name: "daily start moved 30 days earlier",
    before: daily("2024-01-31"),
    after: daily("2024-01-01"),
    expected: {
      severity: "risky",
      reason: "PARTITION_KEYS_ADDED",
      message: "+30 daily partitions (2024-01-01 … 2024-01-30), none removed",
      added: { count: 30, first: "2024-01-01", last: "2024-01-30" },
      removed: { count: 0 },
    },
  },
  {
    // 2022 is not a leap year: 365 days, 2022-01-01 … 2022-12-31.
    name: "daily start moved a year later",
    before: daily("2022-01-01"),
    after: daily("2023-01-01"),
    expected: {
      severity: "breaking",
      reason: "PARTITION_KEYS_REMOVED",
      message: "removes 365 daily partitions (2022-01-01 … 2022-12-31)",
      removed: { count: 365, first: "2022-01-01", last: "2022-12-31" },
      added: { count: 0 },
    },
  },
  {
    // end is exclusive: the last window ends 2024-05-01, so 2024-05-01 … 2024-05-31 (31 days,
    // the last window ending by asOf) go.
    name: "end added in the past (structured fields)",
    before: structured({ start: "2024-01-01", cronSchedule: "0 0 * * *" }),
    after: structured({ start: "2024-01-01", cronSchedule: "0 0 * * *", end: "2024-05-01" }),
    expected: {
      severity: "breaking",
      reason: "PARTITION_KEYS_REMOVED",
      removed: { count: 31, first: "2024-05-01", last: "2024-05-31" },
      added: { count: 0 },
    },
  },
  {
    name: "end added in the future: no key changes as of asOf",
    before: structured({ start: "2024-01-01", cronSchedule: "0 0 * * *" }),
    after: structured({ start: "2024-01-01", cronSchedule: "0 0 * * *", end: "2025-01-01" }),
    expected: {
      severity: "risky",
      reason: "PARTITIONS_CHANGED",
      message:
        "the partitions definition changed: no partition is added or removed as of 2024-06-01T12:00:00.000Z",
      added: { count: 0 },
      removed: { count: 0 },
    },
  },
  {
    // The 24 hours of 2024-05-31: 00:00 … 23:00.
    name: "hourly start moved a day earlier",
    before: hourly("2024-06-01-00:00"),
    after: hourly("2024-05-31-00:00"),
    expected: {
      severity: "risky",
      reason: "PARTITION_KEYS_ADDED",
      message: "+24 hourly partitions (2024-05-31-00:00 … 2024-05-31-23:00), none removed",
      added: { count: 24, first: "2024-05-31-00:00", last: "2024-05-31-23:00" },
    },
  },
  {
    // 2014 has 365 × 24 = 8,760 hours; counted, not listed (over 200 keys: no `keys`).
    name: "hourly over years, counted arithmetically",
    before: hourly("2014-01-01-00:00"),
    after: hourly("2015-01-01-00:00"),
    expected: {
      severity: "breaking",
      reason: "PARTITION_KEYS_REMOVED",
      message: "removes 8,760 hourly partitions (2014-01-01-00:00 … 2014-12-31-23:00)",
      removed: { count: 8760, first: "2014-01-01-00:00", last: "2014-12-31-23:00" },
    },
  },
  {
    // Mondays (day offset 1) from 2024-01-01: the last window ending by Sat 2024-06-01 starts
    // Mon 2024-05-20; (May 20 − Jan 1) = 140 days = 20 weeks, so 21 keys. Sundays (offset 0):
    // first Sun on or after Jan 1 is Jan 7, last is May 19; 133 days = 19 weeks, so 20 keys.
    name: "weekly day offset moved from Monday to Sunday",
    before: structured({ start: "2024-01-01", cronSchedule: "0 0 * * 1" }),
    after: structured({ start: "2024-01-01", cronSchedule: "0 0 * * 0" }),
    expected: {
      severity: "breaking",
      reason: "PARTITION_KEYS_REMOVED",
      message:
        "removes 21 weekly partitions (2024-01-01 … 2024-05-20), adds 20 (2024-01-07 … 2024-05-19)",
      removed: { count: 21, first: "2024-01-01", last: "2024-05-20" },
      added: { count: 20, first: "2024-01-07", last: "2024-05-19" },
    },
  },
  {
    // Day offset 5: Jan 5 … Apr 5 (the May 5 window ends Jun 5, after asOf) = 4 keys. Day 1:
    // Jan 1 … May 1 (ends Jun 1 00:00, before noon) = 5 keys. No key in common.
    name: "monthly day offset moved from the 5th to the 1st",
    before: structured({ start: "2024-01-01", cronSchedule: "0 0 5 * *" }),
    after: structured({ start: "2024-01-01", cronSchedule: "0 0 1 * *" }),
    expected: {
      severity: "breaking",
      reason: "PARTITION_KEYS_REMOVED",
      removed: {
        count: 4,
        keys: ["2024-01-05", "2024-02-05", "2024-03-05", "2024-04-05"],
      },
      added: { count: 5, first: "2024-01-01", last: "2024-05-01" },
    },
  },
  {
    // Weekly from the description: Dagster's default weekday 0 (Sunday). From Mon 2024-01-01
    // the first Sunday is Jan 7; from Mon Jan 15 it is Jan 21: Jan 7 and Jan 14 go.
    name: "weekly start moved two weeks later (description only)",
    before: described("Weekly, starting 2024-01-01 UTC."),
    after: described("Weekly, starting 2024-01-15 UTC."),
    expected: {
      severity: "breaking",
      reason: "PARTITION_KEYS_REMOVED",
      message: "removes 2 weekly partitions (2024-01-07, 2024-01-14)",
      note: /Dagster's defaults are assumed/,
    },
  },
  {
    // A Unix timestamp (seconds) as the structured start: 1714521600 is 2024-05-01T00:00:00Z,
    // the same start as "2024-05-01", so only the new end (exclusive, 2024-05-11) matters:
    // 2024-05-11 … 2024-05-31 (21 days) go.
    name: "structured start as a Unix timestamp",
    before: structured({ start: "1714521600", cronSchedule: "0 0 * * *" }),
    after: structured({ start: "2024-05-01", cronSchedule: "0 0 * * *", end: "2024-05-11" }),
    expected: {
      severity: "breaking",
      reason: "PARTITION_KEYS_REMOVED",
      removed: { count: 21, first: "2024-05-11", last: "2024-05-31" },
    },
  },
  {
    // Monthly from the description: Jan … Jun 2023 = 6 months removed.
    name: "monthly start moved half a year later",
    before: described("Monthly, starting 2023-01-01 UTC."),
    after: described("Monthly, starting 2023-07-01 UTC."),
    expected: {
      severity: "breaking",
      reason: "PARTITION_KEYS_REMOVED",
      message: "removes 6 monthly partitions (2023-01-01 … 2023-06-01)",
    },
  },
  {
    // New York falls back at 02:00 EDT on 2024-11-03, so that day has 25 hours: 00:00, 01:00
    // (EDT), 01:00 again (EST, written with its offset as Dagster does), 02:00 … 23:00.
    name: "hourly in America/New_York over the fall-back day",
    before: hourly("2024-11-03-00:00", "America/New_York"),
    after: hourly("2024-11-04-00:00", "America/New_York"),
    asOf: new Date("2024-11-05T12:00:00Z"),
    expected: {
      severity: "breaking",
      reason: "PARTITION_KEYS_REMOVED",
      removed: {
        count: 25,
        first: "2024-11-03-00:00",
        last: "2024-11-03-23:00",
        keys: [
          "2024-11-03-00:00",
          "2024-11-03-01:00",
          "2024-11-03-01:00-0500",
          ...Array.from(
            { length: 22 },
            (_, h) => `2024-11-03-${String(h + 2).padStart(2, "0")}:00`,
          ),
        ],
      },
    },
  },
  {
    // Spring forward on 2024-03-10 (a 23-hour day) changes no daily key: Mar 1 … Mar 14 = 14.
    name: "daily in America/New_York across the spring-forward day",
    before: described("Daily, starting 2024-03-01 America/New_York."),
    after: described("Daily, starting 2024-03-15 America/New_York."),
    asOf: new Date("2024-04-01T12:00:00Z"),
    expected: {
      severity: "breaking",
      reason: "PARTITION_KEYS_REMOVED",
      removed: { count: 14, first: "2024-03-01", last: "2024-03-14" },
    },
  },
  {
    // Berlin's 2024-05-31 window ends 2024-05-31T22:00Z, UTC's at 2024-06-01T00:00Z: both before
    // asOf, so the keys are the same 2024-01-01 … 2024-05-31, over other hours.
    name: "timezone changed: the same keys, other windows",
    before: daily("2024-01-01"),
    after: described("Daily, starting 2024-01-01 Europe/Berlin."),
    expected: {
      severity: "breaking",
      reason: "PARTITIONS_CHANGED",
      message: "the partitions definition changed: the same keys now cover other time windows",
      added: { count: 0 },
      removed: { count: 0 },
      note: /the same keys now cover other time windows/,
    },
  },
  {
    // 06:00 to 06:00 windows keep the keys 2024-01-01 … 2024-05-31 (the 05-31 window ends
    // 06-01 06:00, before noon).
    name: "daily hour offset changed: the same keys, other windows",
    before: structured({ start: "2024-01-01", cronSchedule: "0 0 * * *" }),
    after: structured({ start: "2024-01-01", cronSchedule: "0 6 * * *" }),
    expected: { severity: "breaking", reason: "PARTITIONS_CHANGED", note: /other time windows/ },
  },
  {
    // end_offset 1 adds the window in progress, 2024-06-01.
    name: "end offset 1 added",
    before: daily("2024-05-01"),
    after: daily("2024-05-01", " End offsetted by 1 partition."),
    expected: {
      severity: "risky",
      reason: "PARTITION_KEYS_ADDED",
      message: "+1 daily partition (2024-06-01), none removed",
      added: { count: 1, keys: ["2024-06-01"] },
    },
  },
  {
    // end_offset -2 drops the last two: 2024-05-30 and 2024-05-31.
    name: "negative end offset",
    before: daily("2024-05-01"),
    after: daily("2024-05-01", " End offsetted by -2 partitions."),
    expected: {
      severity: "breaking",
      reason: "PARTITION_KEYS_REMOVED",
      removed: { count: 2, keys: ["2024-05-30", "2024-05-31"] },
    },
  },
  {
    // Every key is written anew: the 31 days of May, both ways.
    name: "fmt changed: all removed and re-added",
    before: daily("2024-05-01"),
    after: described("Daily, starting 20240501 UTC.", "%Y%m%d"),
    expected: {
      severity: "breaking",
      reason: "PARTITION_KEYS_REMOVED",
      message:
        "removes 31 daily partitions (2024-05-01 … 2024-05-31), adds 31 (20240501 … 20240531)",
    },
  },
  {
    name: "an fmt this version does not write",
    before: described("Daily, starting Jan 01 2024 UTC.", "%b %d %Y"),
    after: described("Daily, starting Feb 01 2024 UTC.", "%b %d %Y"),
    expected: {
      severity: "breaking",
      reason: "PARTITIONS_NOT_ENUMERABLE",
      enumerable: false,
      note: /uses %b/,
    },
  },
  {
    // Every 6 hours: 00:00, 06:00, 12:00, 18:00 of 2024-05-01; iterated with croner.
    name: "a cron string schedule",
    before: described("0 */6 * * *, starting 2024-05-01-00:00 UTC.", "%Y-%m-%d-%H:%M"),
    after: described("0 */6 * * *, starting 2024-05-02-00:00 UTC.", "%Y-%m-%d-%H:%M"),
    expected: {
      severity: "breaking",
      reason: "PARTITION_KEYS_REMOVED",
      message: "removes 4 partitions (2024-05-01-00:00 … 2024-05-01-18:00)",
    },
  },
  {
    name: "a cron that never fires does not hang",
    before: described("0 0 31 2 *, starting 2024-01-01 UTC."),
    after: described("0 0 30 2 *, starting 2024-01-01 UTC."),
    expected: { severity: "risky", reason: "PARTITIONS_CHANGED", added: { count: 0 } },
  },
  {
    // Minute "0,30" is no shape computed arithmetically: croner iterates, and 24 years of
    // half-hours (about 420,000 ticks) are over the cap.
    name: "a cron string with too many windows to iterate",
    before: described("0,30 * * * *, starting 2000-01-01-00:00 UTC.", "%Y-%m-%d-%H:%M"),
    after: described("0,30 * * * *, starting 2000-01-02-00:00 UTC.", "%Y-%m-%d-%H:%M"),
    expected: {
      severity: "breaking",
      reason: "PARTITIONS_NOT_ENUMERABLE",
      enumerable: false,
      note: /more than 20000 windows/,
    },
  },
  {
    // A structured timezone and start: Europe/Berlin from 2024-05-01 vs from 2024-05-03 loses the
    // local days May 1 and 2.
    name: "structured timezone and start",
    before: structured({
      start: "2024-05-01",
      cronSchedule: "0 0 * * *",
      timezone: "Europe/Berlin",
    }),
    after: structured({
      start: "2024-05-03",
      cronSchedule: "0 0 * * *",
      timezone: "Europe/Berlin",
    }),
    expected: {
      severity: "breaking",
      reason: "PARTITION_KEYS_REMOVED",
      removed: { count: 2, keys: ["2024-05-01", "2024-05-02"] },
    },
  },
  {
    name: "an unknown timezone",
    before: described("Daily, starting 2024-01-01 Mars/Olympus_Mons."),
    after: described("Daily, starting 2024-02-01 Mars/Olympus_Mons."),
    expected: { severity: "breaking", reason: "PARTITIONS_NOT_ENUMERABLE", note: /timezone/ },
  },
  {
    name: "static key added",
    before: statics("'us', 'eu', 'apac'"),
    after: statics("'us', 'eu', 'apac', 'latam'"),
    expected: {
      severity: "risky",
      reason: "PARTITION_KEYS_ADDED",
      message: "+1 partition (latam), none removed",
      added: { count: 1, keys: ["latam"] },
    },
  },
  {
    name: "static key removed",
    before: statics("'us', 'eu', 'apac'"),
    after: statics("'us', 'eu'"),
    expected: {
      severity: "breaking",
      reason: "PARTITION_KEYS_REMOVED",
      message: "removes 1 partition (apac)",
    },
  },
  {
    name: "static keys reordered",
    before: statics("'us', 'eu', 'apac'"),
    after: statics("'eu', 'us', 'apac'"),
    expected: {
      severity: "risky",
      reason: "PARTITIONS_CHANGED",
      message: "the partitions definition changed: the same partitions, in another order",
    },
  },
  {
    name: "static keys from structured fields",
    before: { type: "STATIC", description: "", keys: ["a", "b, c"] },
    after: { type: "STATIC", description: "", keys: ["a"] },
    expected: {
      severity: "breaking",
      reason: "PARTITION_KEYS_REMOVED",
      removed: { count: 1, keys: ["b, c"] },
    },
  },
  {
    // 31 days × {us, eu, apac} = 93 → 31 × {us, eu} = 62: the 31 keys date|apac go. Dimensions
    // are ordered by name (date, region) and keys joined by "|".
    name: "multi: one dimension removes a key",
    before: multi("Daily, starting 2024-05-01 UTC.", "'us', 'eu', 'apac'"),
    after: multi("Daily, starting 2024-05-01 UTC.", "'us', 'eu'"),
    expected: {
      severity: "breaking",
      reason: "PARTITION_KEYS_REMOVED",
      removed: { count: 31, first: "2024-05-01|apac", last: "2024-05-31|apac" },
      added: { count: 0 },
    },
  },
  {
    // 31 × 3 = 93 → 32 × 4 = 128, all 93 kept: +35; two dimensions change, so no first/last.
    name: "multi: both dimensions add keys",
    before: multi("Daily, starting 2024-05-01 UTC.", "'us', 'eu', 'apac'"),
    after: multi("Daily, starting 2024-04-30 UTC.", "'us', 'eu', 'apac', 'latam'"),
    expected: {
      severity: "risky",
      reason: "PARTITION_KEYS_ADDED",
      added: { count: 35, first: null, last: null },
      removed: { count: 0 },
    },
  },
  {
    // The dynamic dimension's keys are unknown, so the product is not counted; the static
    // dimension still shows a key removed.
    name: "multi: a dynamic dimension beside a static one that removes a key",
    before: {
      type: "MULTIPARTITIONED",
      description: "",
      dimensions: [
        { name: "files", type: "DYNAMIC", description: "", dynamicPartitionsDefinitionName: "f" },
        { name: "region", type: "STATIC", description: "'us', 'eu'" },
      ],
    },
    after: {
      type: "MULTIPARTITIONED",
      description: "",
      dimensions: [
        { name: "files", type: "DYNAMIC", description: "", dynamicPartitionsDefinitionName: "f" },
        { name: "region", type: "STATIC", description: "'us'" },
      ],
    },
    expected: {
      severity: "breaking",
      reason: "PARTITION_KEYS_REMOVED",
      enumerable: false,
      note: /files cannot be listed/,
    },
  },
  {
    name: "multi: a dimension changes type",
    before: multi("Daily, starting 2024-05-01 UTC.", "'us'"),
    after: {
      type: "MULTIPARTITIONED",
      description: "",
      dimensions: [
        { name: "date", type: "STATIC", description: "'2024-05-01'" },
        { name: "region", type: "STATIC", description: "'us'" },
      ],
    },
    expected: { severity: "breaking", reason: "PARTITIONS_CHANGED", note: /dimension date/ },
  },
  {
    name: "dynamic: the set's name changed",
    before: { type: "DYNAMIC", description: 'Dynamic partitions: "a"', name: "a" },
    after: { type: "DYNAMIC", description: 'Dynamic partitions: "b"', name: "b" },
    expected: {
      severity: "breaking",
      reason: "PARTITIONS_NOT_ENUMERABLE",
      enumerable: false,
      note: /"b" instead of "a"/,
    },
  },
  {
    name: "unpartitioned to static",
    before: null,
    after: statics("'us', 'eu', 'apac'"),
    expected: {
      severity: "breaking",
      reason: "PARTITIONS_CHANGED",
      enumerable: false,
      note: /was unpartitioned and now has 3 static partitions/,
    },
  },
  {
    name: "static to time window",
    before: statics("'us'"),
    after: daily("2024-01-01"),
    expected: { severity: "breaking", reason: "PARTITIONS_CHANGED", note: /static to time-window/ },
  },
  {
    name: "an unreadable time-window description",
    before: described("Every day since forever"),
    after: daily("2024-01-01"),
    expected: {
      severity: "breaking",
      reason: "PARTITIONS_NOT_ENUMERABLE",
      enumerable: false,
      note: /cannot be read from the description/,
    },
  },
  {
    name: "an unreadable static description",
    before: statics("us, eu"),
    after: statics("'us'"),
    expected: { severity: "breaking", reason: "PARTITIONS_NOT_ENUMERABLE", enumerable: false },
  },
  {
    name: "an unknown partitions type",
    before: { type: "UNKNOWN", unknownType: "FANCY", description: "x", raw: {} },
    after: { type: "UNKNOWN", unknownType: "FANCY", description: "y", raw: {} },
    expected: { severity: "breaking", reason: "PARTITIONS_NOT_ENUMERABLE", note: /FANCY/ },
  },
];

describe("partitionKeyRules", () => {
  test.each(cases)("$name", ({ before, after, asOf, expected }) => {
    const { asset: changed, verdict } = change(before, after, asOf);
    const keys = changed.partitionKeys;
    expect(keys).toBeDefined();
    expect(verdict.severity).toBe(expected.severity);
    expect(verdict.reason).toBe(expected.reason);
    if (typeof expected.message === "string") expect(verdict.message).toBe(expected.message);
    else if (expected.message !== undefined) expect(verdict.message).toMatch(expected.message);
    if (expected.enumerable !== undefined) expect(keys?.enumerable).toBe(expected.enumerable);
    if (expected.added !== undefined) expect(keys?.added).toMatchObject(expected.added);
    if (expected.removed !== undefined) expect(keys?.removed).toMatchObject(expected.removed);
    if (expected.note !== undefined) expect(keys?.note).toMatch(expected.note);
    expect(changed.severity).toBe(expected.severity);
  });

  test("asOf is the reference time for time windows, null when none was listed", () => {
    expect(change(daily("2024-01-31"), daily("2024-01-01")).asset.partitionKeys?.asOf).toBe(
      "2024-06-01T12:00:00.000Z",
    );
    expect(change(statics("'a'"), statics("'a', 'b'")).asset.partitionKeys?.asOf).toBeNull();
  });

  test("bad input gives a note, never an exception", () => {
    const { partitionKeys, verdict } = partitionKeysChange(
      {
        oldDefinition: {
          type: "TIME_WINDOW",
          description: 42,
          fmt: 7,
        } as unknown as PartitionsDefinition,
        newDefinition: daily("2024-01-01"),
      },
      AS_OF.getTime(),
    );
    expect(partitionKeys.enumerable).toBe(false);
    expect(verdict.severity).toBe("breaking");
  });

  test("a cron string's repeated fixed time is taken at its later occurrence, as Dagster does", () => {
    // 01:30 on 2024-11-03 occurs at 05:30Z (EDT) and 06:30Z (EST) in New York. Dagster ends the
    // window from Oct 17 at the later, so at 06:00Z only the Oct 3 window has ended.
    const definition = described(
      "30 1 3,17 * *, starting 2024-10-01-00:00 America/New_York.",
      "%Y-%m-%d-%H:%M",
    ) as Extract<PartitionsDefinition, { type: "TIME_WINDOW" }>;
    const listed = timeWindowKeys(definition, Date.UTC(2024, 10, 3, 6));
    expect(listed.ok && listed.keys).toEqual({
      count: 1,
      first: "2024-10-03-01:30",
      last: "2024-10-03-01:30",
    });
    const later = timeWindowKeys(definition, Date.UTC(2024, 10, 3, 6, 30));
    expect(later.ok && later.keys.count).toBe(2);
  });

  test("a daily time that occurs twice ends its window at the later occurrence", () => {
    // Daily at 01:30 New York time: the window from Nov 2 01:30 ends Nov 3 01:30 EST (06:30Z),
    // the later of that day's two 01:30s, so at 06:00Z only the Nov 1 window has ended.
    const definition = structured({
      start: "2024-11-01",
      cronSchedule: "30 1 * * *",
      timezone: "America/New_York",
    }) as Extract<PartitionsDefinition, { type: "TIME_WINDOW" }>;
    expect(timeWindowKeys(definition, Date.UTC(2024, 10, 3, 6))).toMatchObject({
      ok: true,
      keys: { count: 1, first: "2024-11-01", last: "2024-11-01" },
    });
    expect(timeWindowKeys(definition, Date.UTC(2024, 10, 3, 6, 30))).toMatchObject({
      keys: { count: 2, last: "2024-11-02" },
    });
  });

  test("keys are listed up to 200, and only counted above", () => {
    // 2023-01-01 … 2023-07-19 is 200 days (31+28+31+30+31+30+19); one more day is 201.
    const listed = change(daily("2023-01-01"), daily("2023-07-20")).asset.partitionKeys;
    expect(listed?.removed.count).toBe(200);
    expect(listed?.removed.keys).toHaveLength(200);
    const counted = change(daily("2023-01-01"), daily("2023-07-21")).asset.partitionKeys;
    expect(counted?.removed.count).toBe(201);
    expect(counted?.removed.keys).toBeUndefined();
  });

  test("multi-partitions report each dimension", () => {
    const keys = change(
      multi("Daily, starting 2024-05-01 UTC.", "'us', 'eu', 'apac'"),
      multi("Daily, starting 2024-05-01 UTC.", "'us', 'eu'"),
    ).asset.partitionKeys;
    expect(
      keys?.dimensions?.map((d) => [d.name, d.enumerable, d.added.count, d.removed.count]),
    ).toEqual([
      ["date", true, 0, 0],
      ["region", true, 0, 1],
    ]);
  });

  test("a verdict the configuration set is kept, and the keys are still listed", () => {
    const { asset: changed, verdict } = change(daily("2022-01-01"), daily("2023-01-01"), AS_OF, [
      { changeTypes: ["PARTITIONS_DEFINITION"], severity: "safe", reason: "backfilled elsewhere" },
    ]);
    expect(verdict).toMatchObject({ severity: "safe", reason: "CONFIGURED" });
    expect(changed.partitionKeys?.removed.count).toBe(365);
  });

  test("without the severity policy the keys are listed and no verdict is invented", () => {
    const base = graph(asset("a", { partitionsDefinition: daily("2022-01-01") }));
    const branch = graph(asset("a", { partitionsDefinition: daily("2023-01-01") }));
    const reviewed = applyPolicies(
      diffAssetGraphs(base, branch),
      [partitionKeyRules({ asOf: AS_OF })],
      createPolicyContext({ base, branch }),
    );
    expect(reviewed.assets[0]?.partitionKeys?.removed.count).toBe(365);
    expect(reviewed.assets[0]?.reasons).toBeUndefined();
  });

  test("the example fixtures, as a GraphQL server renders them", () => {
    const read = (name: string) =>
      parseAssetGraph(JSON.parse(readFileSync(`fixtures/example/${name}.json`, "utf8")));
    const reviewed = review(read("base"), read("branch"));
    const partitioned = reviewed.assets.filter((a) => a.partitionKeys !== undefined);
    expect(partitioned.length).toBeGreaterThan(0);
    for (const a of partitioned) {
      const reason = a.reasons?.find((r) => r.changeType === "PARTITIONS_DEFINITION")?.reason;
      expect([
        "PARTITION_KEYS_REMOVED",
        "PARTITION_KEYS_ADDED",
        "PARTITIONS_NOT_ENUMERABLE",
        "PARTITIONS_CHANGED",
        "CONFIGURED",
      ]).toContain(reason);
    }
    // Daily from 2023-01-01 to from 2022-01-01 (as the committed fixture has it): the 365 days
    // of 2022 are added.
    const earlier = partitioned.find((a) => a.partitionKeys?.added.first === "2022-01-01");
    if (earlier !== undefined) expect(earlier.partitionKeys?.added.count).toBe(365);
  });
});

describe("a timezone change that also moves the edge", () => {
  test("the key at the edge is removed, and the keys kept are said to cover other windows", () => {
    // At 2026-12-01T00:00Z the UTC day 2026-11-30 has ended, but in New York it is 19:00 on
    // 2026-11-30, so the last New York day that has ended is 2026-11-29: one key fewer. Every
    // other key now names the New York day, five hours later than the UTC one.
    const { asset: changed, verdict } = change(
      daily("2023-01-01"),
      described("Daily, starting 2023-01-01 America/New_York."),
      new Date("2026-12-01T00:00:00Z"),
    );
    expect(changed.partitionKeys).toMatchObject({
      enumerable: true,
      added: { count: 0 },
      removed: { count: 1, first: "2026-11-30", last: "2026-11-30" },
    });
    expect(changed.partitionKeys?.note).toMatch(/^the keys kept now cover other time windows/);
    expect(verdict).toMatchObject({
      severity: "breaking",
      reason: "PARTITION_KEYS_REMOVED",
      message: "removes 1 daily partition (2026-11-30); the keys kept now cover other time windows",
    });
  });

  test("a start moved earlier in the same zone says nothing of other windows", () => {
    const { verdict } = change(daily("2023-01-01"), daily("2022-12-01"), new Date("2026-12-01"));
    // December 2022 has 31 days.
    expect(verdict).toMatchObject({
      severity: "risky",
      reason: "PARTITION_KEYS_ADDED",
      message: "+31 daily partitions (2022-12-01 … 2022-12-31), none removed",
    });
  });
});
