import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import { ACTION_BUNDLE, buildAction } from "../../scripts/build-action";

test("the committed action bundle is the build of the sources (npm run build:action)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "asset-diff-bundle-"));
  try {
    const built = await buildAction(dir);
    const committed = readFileSync(ACTION_BUNDLE, "utf8");
    // Compared by size and hash first: a diff of 1 MB of minified code says nothing useful.
    expect(
      { bytes: Buffer.byteLength(committed), same: committed === built },
      `${ACTION_BUNDLE} is stale: run npm run build:action and commit it`,
    ).toEqual({ bytes: Buffer.byteLength(built), same: true });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);
