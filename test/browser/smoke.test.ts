import { describe, expect, test } from "vitest";
import { BROWSER_REQUIRED, CHROMIUM_PATH, launchChromium, NO_BROWSER } from "../helpers/browser";

test.runIf(BROWSER_REQUIRED)("CI has the browser the browser tests need", () => {
  expect(CHROMIUM_PATH, NO_BROWSER).toBeDefined();
});

// Without a browser the suite shows this describe as skipped, named by the reason.
describe.skipIf(CHROMIUM_PATH === undefined)(
  CHROMIUM_PATH === undefined ? NO_BROWSER : "headless Chromium",
  () => {
    test("starts and renders a page without network", async () => {
      const browser = await launchChromium();
      try {
        const page = await browser.newPage();
        await page.setContent("<p id=x>ok</p>");
        expect(await page.textContent("#x")).toBe("ok");
      } finally {
        await browser.close();
      }
    });
  },
);
