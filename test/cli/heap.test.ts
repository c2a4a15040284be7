import { mkdtempSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { getHeapStatistics } from "node:v8";
import { afterAll, describe, expect, test } from "vitest";
import { heapFor } from "../../src/cli/heap";

const dir = mkdtempSync(join(tmpdir(), "asset-diff-heap-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Sparse files: their size is what counts, and they take no disk.
const huge = join(dir, "huge.json");
writeFileSync(huge, "");
truncateSync(huge, 700 * 1024 ** 2);
const small = join(dir, "small.json");
writeFileSync(small, "{}");

const wanted = Math.floor((totalmem() * 0.75) / 1024 ** 2);
const roomier = wanted > getHeapStatistics().heap_size_limit / 1024 ** 2;

describe("the heap for huge inputs", () => {
  test("inputs over 1 GiB in all get three quarters of the memory, when that is more", () => {
    expect(heapFor(["diff", huge, huge, "--format", "json"], {}, [])).toBe(
      roomier ? wanted : undefined,
    );
  });

  test("smaller inputs, URLs and options run in this process", () => {
    expect(heapFor(["diff", huge, small], {}, [])).toBeUndefined();
    expect(
      heapFor(["diff", "https://example.com/graphql", join(dir, "absent.json")], {}, []),
    ).toBeUndefined();
    expect(heapFor(["--help"], {}, [])).toBeUndefined();
  });

  test("a heap the user sized, or the child itself, is left alone", () => {
    const args = ["diff", huge, huge];
    expect(heapFor(args, { NODE_OPTIONS: "--max-old-space-size=2048" }, [])).toBeUndefined();
    expect(heapFor(args, {}, ["--max-old-space-size=2048"])).toBeUndefined();
    expect(heapFor(args, { ASSET_DIFF_SIZED_HEAP: "1" }, [])).toBeUndefined();
  });
});
