import { describe, expect, test } from "vitest";
import { describeDetails } from "../../src/report/details";
import {
  formatMapping,
  lineChanges,
  mappingParameters,
  shortHashes,
} from "../../src/report/values";

// Dagster's own descriptions of its partition mapping classes (the GraphQL API gives only these).
const TIME_WINDOW =
  "Maps a downstream partition to any upstream partition with an overlapping time window.";
const OFFSETS = (start: number, end: number) =>
  `${TIME_WINDOW} The start and end of the upstream time window is offsetted by ${start} and ${end} partitions respectively.`;

describe("partition mappings by class and parameters", () => {
  test.each([
    [
      "TimeWindowPartitionMapping",
      OFFSETS(-1, 0),
      [
        ["start_offset", "-1"],
        ["end_offset", "0"],
      ],
    ],
    [
      "TimeWindowPartitionMapping",
      TIME_WINDOW,
      [
        ["start_offset", "0"],
        ["end_offset", "0"],
      ],
    ],
    [
      "StaticPartitionMapping",
      "Maps upstream partitions to their downstream dependencies according to the following mapping: \n{'NA': 'us'}",
      [["mapping", "{'NA': 'us'}"]],
    ],
    [
      "SpecificPartitionsPartitionMapping",
      "Each downstream partition depends on the following upstream partitions: ['a', 'b'].",
      [["partition_keys", "['a', 'b']"]],
    ],
    [
      "AllPartitionMapping",
      "Each downstream partition depends on all partitions of the upstream asset.",
      [],
    ],
    ["IdentityPartitionMapping", "Assumes upstream and downstream assets share …", []],
    ["LastPartitionMapping", "Each downstream partition depends on the last partition.", []],
  ])("%s: %s", (className, description, parameters) => {
    expect(mappingParameters({ className, description })).toEqual(parameters);
  });

  test.each([
    ["TimeWindowPartitionMapping", "Some other wording of a future release."],
    ["MyCustomMapping", "whatever"],
    ["constructor", "an inherited name is not a known class"],
    ["__proto__", "nor is this one"],
  ])("%s with an unknown description is not read: %s", (className, description) => {
    expect(mappingParameters({ className, description })).toBeUndefined();
    // Shown by class and description, shortened (never read as parameters it does not state).
    const shown = formatMapping({ className, description }, 30);
    expect(shown.startsWith(`${className}: `)).toBe(true);
    expect(shown.length).toBeLessThanOrEqual(30);
  });

  test("a change within one class shows only the parameters that changed", () => {
    const line = describeDetails({
      dependencies: {
        addedKeys: [],
        removedKeys: [],
        partitionMappings: [
          {
            key: "up",
            old: { className: "TimeWindowPartitionMapping", description: OFFSETS(-1, 0) },
            new: { className: "TimeWindowPartitionMapping", description: TIME_WINDOW },
          },
        ],
      },
    } as never);
    expect(line).toEqual([
      "partition mapping on up: TimeWindowPartitionMapping (start_offset -1 → 0)",
    ]);
  });

  test("a change of class shows both classes with their parameters, never a cut description", () => {
    const [line] = describeDetails({
      dependencies: {
        addedKeys: [],
        removedKeys: [],
        partitionMappings: [
          {
            key: "up",
            old: null,
            new: {
              className: "AllPartitionMapping",
              description:
                "Each downstream partition depends on all partitions of the upstream asset.",
            },
          },
        ],
      },
    } as never);
    expect(line).toBe("partition mapping on up: (default) → AllPartitionMapping");
  });
});

describe("hashes as a short prefix", () => {
  const a = "4bc9060af5bf50080e328ce3b464451ec274ffe4250759f1a36b401a8c63fb77";
  const b = "d627c313426e8c700f4a0ede59d34d07e9e7842070684018dfe722e64ec43c75";
  test("12 digits, the cut marked", () => {
    expect(shortHashes(a, b)).toEqual(["4bc9060af5bf…", "d627c313426e…"]);
    expect(describeDetails({ codeVersion: { old: a, new: b } } as never)).toEqual([
      'code version: "4bc9060af5bf…" → "d627c313426e…"',
    ]);
  });
  test("longer when the prefixes are equal, so the two stay apart", () => {
    const [x, y] = shortHashes(`${a.slice(0, 14)}0000`, `${a.slice(0, 14)}ffff`);
    expect(x).not.toBe(y);
    expect(x).toBe(`${a.slice(0, 14)}0000`);
  });
  test("anything that is not a hash is kept whole", () => {
    expect(shortHashes("v1", null)).toEqual(["v1", null]);
    expect(shortHashes("abcdefabcdefabcdefxyz", "v2")).toEqual(["abcdefabcdefabcdefxyz", "v2"]);
    expect(shortHashes(null, a)).toEqual([null, "4bc9060af5bf…"]);
  });
});

describe("multi-line text", () => {
  const oldSql = "select id,\n  amount\nfrom charges\nwhere status = 'paid'";
  const newSql = "select id,\n  amount_usd\nfrom charges\nwhere status = 'paid'";
  test("compared line by line, with context and gaps", () => {
    expect(lineChanges(oldSql, newSql, 0)).toEqual({
      lines: [
        { op: " ", text: "…" },
        { op: "-", text: "  amount" },
        { op: "+", text: "  amount_usd" },
        { op: " ", text: "…" },
      ],
      removed: 1,
      added: 1,
    });
    expect(lineChanges(null, "a\nb")).toEqual({
      lines: [
        { op: "-", text: "" },
        { op: "+", text: "a" },
        { op: "+", text: "b" },
      ],
      removed: 1,
      added: 2,
    });
  });
  test("a description that spans lines lists its changed lines, never a literal \\n", () => {
    const lines = describeDetails({ description: { old: oldSql, new: newSql } } as never);
    expect(lines[0]).toBe("description: 4 lines → 4 lines (−1 +1)");
    expect(lines.slice(1)).toEqual([
      "    select id,",
      "  -   amount",
      "  +   amount_usd",
      "    from charges",
      "    where status = 'paid'",
    ]);
    expect(lines.join("\n")).not.toContain("\\n");
  });
  test("texts too different to compare quickly are counted, not compared", () => {
    const big = Array.from({ length: 3_000 }, (_, i) => `line ${i}`).join("\n");
    const other = Array.from({ length: 3_000 }, (_, i) => `other ${i}`).join("\n");
    expect(lineChanges(big, other)).toBeUndefined();
    expect(describeDetails({ description: { old: big, new: other } } as never)).toEqual([
      "description: 3,000 lines → 3,000 lines, too different to compare line by line",
    ]);
  });
});

test("an added or removed tag is shortened like any value: no line of 100,000 characters", () => {
  const long = "v".repeat(100_000);
  const lines = describeDetails({
    tags: {
      addedKeys: ["k"],
      removedKeys: ["r"],
      changedKeys: [],
      values: [
        { key: "k", old: null, new: long },
        { key: "r", old: long, new: null },
      ],
    },
  } as never);
  expect(lines).toEqual([`tag added: k=${"v".repeat(77)}…`, `tag removed: r=${"v".repeat(77)}…`]);
});
