import { execFileSync } from "node:child_process";
import {
  chmodSync,
  createReadStream,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
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

const TEMPORARY = /^\.out\.json\.asset-diff-(\d+)-[0-9a-f]{12}\.tmp$/;

test("writes beside the target under a recognizable name, and only renames a whole file", async () => {
  const dir = mkdtempSync(join(tmpdir(), "asset-diff-write-"));
  const path = join(dir, "out.json");
  writeFileSync(path, "old");
  const listeners = process.listenerCount("SIGTERM");
  let seen: string[] = [];
  await writeFileAtomic(path, "new content", {
    halfWritten: async (temporary) => {
      seen = readdirSync(dir).sort();
      expect(readFileSync(temporary, "utf8")).toBe("new c");
      expect(readFileSync(path, "utf8")).toBe("old");
      // The signal handlers are installed while a write is in flight, and only then.
      expect(process.listenerCount("SIGTERM")).toBe(listeners + 1);
    },
  });
  expect(seen[0]).toMatch(TEMPORARY);
  expect(TEMPORARY.exec(seen[0] as string)?.[1]).toBe(String(process.pid));
  expect(seen[1]).toBe("out.json");
  expect(readFileSync(path, "utf8")).toBe("new content");
  expect(readdirSync(dir)).toEqual(["out.json"]);
  expect(process.listenerCount("SIGTERM")).toBe(listeners);
});

test("removes the temporary files of the target whose process is gone, and only those", async () => {
  const dir = mkdtempSync(join(tmpdir(), "asset-diff-write-"));
  const path = join(dir, "out.json");
  // pid_max is at most 2^22: this process cannot exist.
  const dead = `.out.json.asset-diff-99999999-0123456789ab.tmp`;
  // This process's own pid, reused (as in a container), but not this process's write.
  const reused = `.out.json.asset-diff-${process.pid}-0123456789ab.tmp`;
  // The parent runs: its write may be in flight.
  const alive = `.out.json.asset-diff-${process.ppid}-0123456789ab.tmp`;
  // Another target's, and files that only look alike.
  const others = [
    ".other.json.asset-diff-99999999-0123456789ab.tmp",
    ".out.json.asset-diff-99999999-notrandom.tmp",
    ".out.json.123.tmp",
    "out.json.bak",
  ];
  for (const name of [dead, reused, alive, ...others]) writeFileSync(join(dir, name), "partial");
  await writeFileAtomic(path, "new");
  expect(readdirSync(dir).sort()).toEqual([alive, ...others, "out.json"].sort());
});

test("concurrent writes of one target: one of them whole, no temporary file left", async () => {
  const dir = mkdtempSync(join(tmpdir(), "asset-diff-write-"));
  const path = join(dir, "out.json");
  const texts = Array.from({ length: 20 }, (_, i) => `${i}`.repeat(100_000));
  await Promise.all(texts.map((text) => writeFileAtomic(path, text)));
  expect(texts).toContain(readFileSync(path, "utf8"));
  expect(readdirSync(dir)).toEqual(["out.json"]);
});

test("writes through a symlink, which stays", async () => {
  const dir = mkdtempSync(join(tmpdir(), "asset-diff-write-"));
  mkdirSync(join(dir, "real"));
  const real = join(dir, "real", "report.txt");
  writeFileSync(real, "old");
  const link = join(dir, "link.txt");
  symlinkSync(real, link);
  await writeFileAtomic(link, "new");
  expect(lstatSync(link).isSymbolicLink()).toBe(true);
  expect(readFileSync(real, "utf8")).toBe("new");
  expect(readdirSync(dir).sort()).toEqual(["link.txt", "real"]);
  expect(readdirSync(join(dir, "real"))).toEqual(["report.txt"]);
});

test.skipIf(process.platform === "win32")("keeps an existing file's permissions", async () => {
  const dir = mkdtempSync(join(tmpdir(), "asset-diff-write-"));
  const path = join(dir, "approvals.json");
  writeFileSync(path, "old");
  chmodSync(path, 0o640);
  await writeFileAtomic(path, "new");
  expect(statSync(path).mode & 0o777).toBe(0o640);
  expect(readFileSync(path, "utf8")).toBe("new");
});

test("a target name too long for the temporary file's decorations", async () => {
  const dir = mkdtempSync(join(tmpdir(), "asset-diff-write-"));
  const name = `${"é".repeat(120)}.json`;
  await writeFileAtomic(join(dir, name), "new");
  expect(readdirSync(dir)).toEqual([name]);
});

test.runIf(process.platform !== "win32")(
  "a FIFO is written into, never replaced by a file renamed over it",
  async () => {
    const dir = mkdtempSync(join(tmpdir(), "asset-diff-write-"));
    const fifo = join(dir, "out.fifo");
    const link = join(dir, "link-to-fifo");
    execFileSync("mkfifo", [fifo]);
    symlinkSync(fifo, link);
    for (const target of [fifo, link]) {
      const read = new Promise<string>((resolve, reject) => {
        let text = "";
        createReadStream(fifo, "utf8")
          .on("data", (chunk) => (text += chunk))
          .on("end", () => resolve(text))
          .on("error", reject);
      });
      await writeFileAtomic(target, `through ${target}`);
      expect(await read).toBe(`through ${target}`);
      expect(statSync(fifo).isFIFO()).toBe(true);
      expect(lstatSync(link).isSymbolicLink()).toBe(true);
      expect(readdirSync(dir).sort()).toEqual(["link-to-fifo", "out.fifo"]);
    }
  },
);

test.runIf(existsSync("/dev/full"))("a device's write error is thrown as it is", async () => {
  await expect(writeFileAtomic("/dev/full", "data")).rejects.toMatchObject({ code: "ENOSPC" });
  expect(statSync("/dev/full").isCharacterDevice()).toBe(true);
});
