import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, test } from "vitest";
import { tempDir } from "./graphs";
import { run } from "./run";

/** The configuration's `dbt` settings decide how both sides' manifests are read, in diff and snapshot. */

const MANIFEST = resolve("fixtures/dbt/sources-v12.json");
const files = tempDir("dbt-settings");

function keysOfSnapshot(stdout: string): string[] {
  const snapshot = JSON.parse(stdout) as { assets: { key: string[] }[] };
  return snapshot.assets.map((a) => a.key.join("/"));
}

describe("dbt settings from the configuration", () => {
  test("snapshot reads a manifest with the configuration's settings, found in the working directory", async () => {
    const plain = await run(["snapshot", MANIFEST]);
    expect(plain.code).toBe(0);
    expect(keysOfSnapshot(plain.stdout)).not.toContain("raw/customers");

    const cwd = files.sub("with-config");
    files.write(`${cwd}/asset-diff.config.json`, { dbt: { sources: "assets" } });
    const configured = await run(["snapshot", MANIFEST], { cwd });
    expect(configured.code).toBe(0);
    // The source nothing reads is an asset only when sources are read as assets.
    expect(keysOfSnapshot(configured.stdout)).toContain("raw/customers");
  });

  test("--config names the file; a key prefix moves every model, not the sources", async () => {
    const config = files.write("prefix.json", { dbt: { keyPrefix: "analytics" } });
    const { code, stdout } = await run(["snapshot", MANIFEST, "--config", config]);
    expect(code).toBe(0);
    const keys = keysOfSnapshot(stdout);
    expect(keys).toContain("analytics/staging/stg_orders");
    expect(keys).toContain("raw/orders");
    expect(keys.filter((k) => !k.startsWith("analytics/") && !k.startsWith("raw/"))).toEqual([
      "events/raw",
    ]);
  });

  test("diff reads both sides with the settings: a prefix on both is no change", async () => {
    const config = files.write("both.json", { dbt: { keyPrefix: ["analytics"] } });
    const { code, stdout } = await run([
      "diff",
      MANIFEST,
      MANIFEST,
      "--config",
      config,
      "--format",
      "json",
      "--include-unchanged",
    ]);
    expect(code).toBe(0);
    const changeSet = JSON.parse(stdout) as { assets: { key: string }[]; summary: unknown };
    expect(changeSet.assets.map((a) => a.key)).toContain("analytics/country_codes");
  });

  test("invalid settings are a configuration error naming the member", async () => {
    const config = files.write("bad.json", { dbt: { sources: "everything" } });
    const { code, stderr } = await run(["snapshot", MANIFEST, "--config", config]);
    expect(code).toBe(2);
    expect(stderr).toContain("dbt.sources");
    expect(stderr).not.toContain("    at ");
  });

  test("snapshot never writes over the configuration it read", async () => {
    const text = JSON.stringify({ dbt: { sources: "assets" } });
    const config = files.write("kept.json", text);
    const { code, stderr } = await run(["snapshot", MANIFEST, "--config", config, "-o", config]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/is the configuration.*asset-diff does not write over a file it reads/);
    expect(readFileSync(config, "utf8")).toBe(text);
  });

  test("settings of a dbt manifest leave other formats alone", async () => {
    const config = files.write("other.json", { dbt: { keyPrefix: "analytics" } });
    const plain = await run(["snapshot", "fixtures/example/base.json"]);
    const configured = await run(["snapshot", "fixtures/example/base.json", "--config", config]);
    expect(configured.code).toBe(0);
    expect(configured.stdout).toBe(plain.stdout);
  });
});
