import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import { writeFileAtomic } from "../../src/cli/write-file";

test("replaces the file whole", async () => {
  const dir = mkdtempSync(join(tmpdir(), "asset-diff-write-"));
  const path = join(dir, "out.json");
  writeFileSync(path, "old");
  await writeFileAtomic(path, "new");
  expect(readFileSync(path, "utf8")).toBe("new");
  expect(readdirSync(dir)).toEqual(["out.json"]);
});

test("a failed write leaves neither a half-written file nor a temporary one", async () => {
  const dir = mkdtempSync(join(tmpdir(), "asset-diff-write-"));
  const target = join(dir, "taken");
  mkdirSync(join(target, "inside"), { recursive: true });
  await expect(writeFileAtomic(target, "data")).rejects.toThrow();
  expect(readdirSync(dir)).toEqual(["taken"]);
  expect(readdirSync(target)).toEqual(["inside"]);
});
