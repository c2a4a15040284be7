import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser } from "playwright-core";

/**
 * The system Chromium the browser tests drive (Debian's `chromium` package), or the one
 * `ASSET_DIFF_CHROMIUM` names. Undefined when there is none: the tests then skip with
 * {@link NO_BROWSER}, and `.ci/run` installs it so that CI never skips them.
 */
export const CHROMIUM_PATH: string | undefined = [
  process.env.ASSET_DIFF_CHROMIUM,
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
].find((path): path is string => path !== undefined && path !== "" && existsSync(path));

/** Why the browser tests were skipped, for `describe.skipIf(...)`'s message. */
export const NO_BROWSER =
  "browser tests skipped: no Chromium found (install Debian's chromium package, or set ASSET_DIFF_CHROMIUM)";

/** In CI a missing browser is a failure, not a skip: `.ci/run` installs it. */
export const BROWSER_REQUIRED = process.env.CI === "true";

/**
 * Starts headless Chromium with the flags this closed network needs (no background networking,
 * no component updates, no sync), in a fresh profile.
 */
export async function launchChromium(): Promise<Browser> {
  if (CHROMIUM_PATH === undefined) throw new Error(NO_BROWSER);
  const { chromium } = await import("playwright-core");
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-dev-shm-usage",
    ],
  });
}

/**
 * Where the browser tests keep their screenshots (git-ignored; CI keeps the folder as an
 * artifact): `artifacts/screenshots/NAME.png`.
 */
export function screenshotPath(name: string): string {
  const dir = join("artifacts", "screenshots");
  mkdirSync(dir, { recursive: true });
  return join(dir, `${name}.png`);
}
