import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import type { ChangeSet } from "../../src/diff/change-set";
import { parseApprovals } from "../../src/policies/approvals";
import { branchDeployment, production, tempDir, workspace } from "./graphs";
import { run } from "./run";

const files = tempDir("approve");
const prod = files.write("prod.json", workspace(production()));
/** A breaking change (raw/orders gets partitions) and a risky one (its code version). */
const branch = files.write(
  "branch.json",
  workspace(branchDeployment({ raw: { codeVersion: "2", partitions: "'us', 'eu'" } })),
);
/** The same asset, partitioned differently: the approved partitions change is not this one. */
const pushed = files.write(
  "pushed.json",
  workspace(branchDeployment({ raw: { codeVersion: "2", partitions: "'us', 'eu', 'apac'" } })),
);
/** Another asset's change besides. */
const wider = files.write(
  "wider.json",
  workspace(
    branchDeployment({
      raw: { codeVersion: "2", partitions: "'us', 'eu'" },
      marts: { tags: { team: "growth" } },
    }),
  ),
);
const NOW = new Date("2026-03-04T05:06:07.000Z");
const LATER = new Date("2026-03-05T00:00:00.000Z");

let dirs = 0;
const freshCwd = () => files.sub(`cwd-${dirs++}`);

async function diff(cwd: string, branchPath: string, args: string[] = []) {
  const result = await run(
    ["diff", prod, branchPath, "--fail-on", "breaking", "--format", "json", ...args],
    { cwd },
  );
  return {
    ...result,
    changeSet: (result.code === 2 ? undefined : JSON.parse(result.stdout)) as ChangeSet,
  };
}

const approve = (cwd: string, args: string[] = [], branchPath = branch, now = NOW) =>
  run(["approve", prod, branchPath, ...args], { cwd, now, env: {} });

const readApprovals = (path: string) => parseApprovals(JSON.parse(readFileSync(path, "utf8")));

describe("asset-diff approve", () => {
  test("writes the approvals that make diff --fail-on breaking pass", async () => {
    const cwd = freshCwd();
    const before = await diff(cwd, branch);
    expect(before.code).toBe(1);
    expect(before.stderr).toBe("asset-diff: policy failed: 1 asset with breaking (raw/orders)\n");
    const verdicts = before.changeSet.assets[0]?.reasons ?? [];
    expect(verdicts.map((v) => [v.changeType, v.severity])).toEqual([
      ["CODE_VERSION", "risky"],
      ["PARTITIONS_DEFINITION", "breaking"],
    ]);

    expect(
      await approve(cwd, ["--approvals", "approvals.json", "--by", "ana", "--reason", "backfill"]),
    ).toEqual({
      code: 0,
      stdout: "asset-diff: approved 2 changes (0 already approved) in approvals.json\n",
      stderr: "",
    });
    const written = readFileSync(join(cwd, "approvals.json"), "utf8");
    expect(JSON.parse(written)).toEqual({
      formatVersion: 1,
      approvals: verdicts.map((v) => ({
        id: v.id,
        key: "raw/orders",
        codeLocation: "analytics",
        repository: "__repository__",
        changeType: v.changeType,
        by: "ana",
        reason: "backfill",
        approvedAt: "2026-03-04T05:06:07.000Z",
      })),
    });

    const after = await diff(cwd, branch, ["--approvals", "approvals.json"]);
    expect(after.stderr).toBe("");
    expect(after.code).toBe(0);
    expect(after.changeSet.assets[0]?.reasons?.map((v) => v.approved)).toEqual([
      { by: "ana", reason: "backfill" },
      { by: "ana", reason: "backfill" },
    ]);
    expect(after.changeSet.summary.approved).toBe(2);
    expect(after.changeSet.staleApprovals).toEqual([]);
  });

  test("an approval of other values is stale: diff fails again and lists it", async () => {
    const cwd = freshCwd();
    await approve(cwd, ["--by", "ana"]);
    expect((await diff(cwd, branch)).code).toBe(0);
    const { code, stderr, changeSet } = await diff(cwd, pushed);
    expect(code).toBe(1);
    expect(stderr).toBe("asset-diff: policy failed: 1 asset with breaking (raw/orders)\n");
    const partitions = changeSet.assets[0]?.reasons?.find(
      (v) => v.changeType === "PARTITIONS_DEFINITION",
    );
    expect(partitions?.approved).toBeUndefined();
    const approved = readApprovals(join(cwd, "asset-diff.approvals.json")).approvals.find(
      (a) => a.changeType === "PARTITIONS_DEFINITION",
    );
    expect(changeSet.staleApprovals).toEqual([
      {
        id: approved?.id,
        currentId: partitions?.id,
        key: "raw/orders",
        codeLocation: "analytics",
        repository: "__repository__",
        changeType: "PARTITIONS_DEFINITION",
        by: "ana",
        reason: null,
      },
    ]);
    // The code version's change is the same one: still approved.
    expect(
      changeSet.assets[0]?.reasons?.find((v) => v.changeType === "CODE_VERSION")?.approved,
    ).toEqual({ by: "ana", reason: null });
  });

  test("running it twice keeps the first entries and adds none twice; the file is left as it was", async () => {
    const cwd = freshCwd();
    const path = join(cwd, "asset-diff.approvals.json");
    await approve(cwd, ["--by", "ana", "--reason", "first"]);
    const first = readFileSync(path, "utf8");
    const mtime = statSync(path).mtimeMs;
    expect(await approve(cwd, ["--by", "bob", "--reason", "second"], branch, LATER)).toEqual({
      code: 0,
      stdout: "asset-diff: approved 0 changes (2 already approved) in asset-diff.approvals.json\n",
      stderr: "",
    });
    expect(readFileSync(path, "utf8")).toBe(first);
    expect(statSync(path).mtimeMs).toBe(mtime);

    // A new push: the stale approval and every other entry stay, the new change is added.
    expect((await approve(cwd, ["--by", "bob"], pushed, LATER)).stdout).toBe(
      "asset-diff: approved 1 change (1 already approved) in asset-diff.approvals.json\n",
    );
    const entries = readApprovals(path).approvals;
    expect(entries).toHaveLength(3);
    expect(entries.filter((a) => a.by === "ana")).toEqual(
      (JSON.parse(first) as { approvals: unknown[] }).approvals,
    );
    expect(entries.filter((a) => a.by === "bob")).toEqual([
      expect.objectContaining({
        changeType: "PARTITIONS_DEFINITION",
        approvedAt: LATER.toISOString(),
      }),
    ]);
    expect((await diff(cwd, pushed)).code).toBe(0);
  });

  test("--select approves only the changes of the assets whose keys match", async () => {
    const cwd = freshCwd();
    expect(await approve(cwd, ["--select", "marts/**"], wider)).toEqual({
      code: 0,
      stdout: "asset-diff: approved 1 change (0 already approved) in asset-diff.approvals.json\n",
      stderr: "",
    });
    const path = join(cwd, "asset-diff.approvals.json");
    expect(readApprovals(path).approvals.map((a) => [a.key, a.changeType])).toEqual([
      ["marts/orders", "TAGS"],
    ]);
    expect((await diff(cwd, wider)).code).toBe(1);
    const twice = await approve(cwd, ["--select", "raw/*", "--select", "nothing/**"], wider);
    expect(twice).toEqual({
      code: 0,
      stdout: "asset-diff: approved 2 changes (0 already approved) in asset-diff.approvals.json\n",
      stderr: "asset-diff: warning: --select nothing/** matches no changed asset\n",
    });
    expect((await diff(cwd, wider)).code).toBe(0);
  });

  test("the configuration's approvals file, relative to the configuration, is created and read", async () => {
    const cwd = freshCwd();
    files.write(join(cwd, "ci", "asset-diff.config.json"), {
      approvals: "approvals/reviewed.json",
    });
    files.sub(join(cwd, "ci", "approvals"));
    const config = ["--config", join("ci", "asset-diff.config.json")];
    expect((await diff(cwd, branch, config)).stderr).toBe(
      `asset-diff: ${join("ci", "approvals", "reviewed.json")}: does not exist\n`,
    );
    expect((await approve(cwd, [...config, "--by", "ana"])).stdout).toBe(
      `asset-diff: approved 2 changes (0 already approved) in ${join("ci", "approvals", "reviewed.json")}\n`,
    );
    expect(readApprovals(join(cwd, "ci", "approvals", "reviewed.json")).approvals).toHaveLength(2);
    const after = await diff(cwd, branch, config);
    expect(after.code).toBe(0);
    expect(after.changeSet.summary.approved).toBe(2);
  });

  test("asset-diff.approvals.json in the working directory is read when nothing names a file", async () => {
    const cwd = freshCwd();
    expect((await diff(cwd, branch)).changeSet.staleApprovals).toBeUndefined();
    await approve(cwd);
    const { code, changeSet } = await diff(cwd, branch);
    expect(code).toBe(0);
    expect(changeSet.summary.approved).toBe(2);
  });

  test("a missing --approvals file is an input error for diff, and created by approve", async () => {
    const cwd = freshCwd();
    expect((await diff(cwd, branch, ["--approvals", "missing.json"])).stderr).toBe(
      "asset-diff: missing.json: does not exist\n",
    );
    expect((await approve(cwd, ["--approvals", "missing.json"])).code).toBe(0);
    expect(readApprovals(join(cwd, "missing.json")).approvals).toHaveLength(2);
  });

  test("an invalid approvals file stops both, and approve leaves it as it was", async () => {
    const cwd = freshCwd();
    const bad = '{"formatVersion": 1, "approvals": [{"id": "nope"}]}';
    files.write(join(cwd, "asset-diff.approvals.json"), bad);
    const result = await approve(cwd);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^asset-diff: asset-diff\.approvals\.json: \$\.approvals\[0\]\.id: expected a change id .*"nope"/,
    );
    expect(readFileSync(join(cwd, "asset-diff.approvals.json"), "utf8")).toBe(bad);
    expect((await diff(cwd, branch)).code).toBe(2);
  });

  test("--by defaults to GITHUB_ACTOR, GITLAB_USER_LOGIN or USER, else null", async () => {
    const by = async (env: Record<string, string>) => {
      const cwd = freshCwd();
      await run(["approve", prod, branch], { cwd, env, now: NOW });
      return readApprovals(join(cwd, "asset-diff.approvals.json")).approvals[0]?.by;
    };
    expect(await by({ GITHUB_ACTOR: "octocat", GITLAB_USER_LOGIN: "tanuki", USER: "me" })).toBe(
      "octocat",
    );
    expect(await by({ GITLAB_USER_LOGIN: "tanuki", USER: "me" })).toBe("tanuki");
    expect(await by({ GITHUB_ACTOR: "", USER: "me" })).toBe("me");
    expect(await by({})).toBeNull();
  });

  test("usage errors", async () => {
    const cwd = freshCwd();
    const hint = "Run 'asset-diff --help' for usage.\n";
    expect(await approve(cwd, ["--select="])).toEqual({
      code: 2,
      stdout: "",
      stderr: `asset-diff: --select needs a key glob, e.g. marts/**\n${hint}`,
    });
    expect((await run(["approve", prod], { cwd })).stderr).toBe(
      `asset-diff: approve takes two inputs, <base> and <branch>; got 1\n${hint}`,
    );
    expect((await approve(cwd, ["--by="])).stderr).toBe(`asset-diff: --by needs a name\n${hint}`);
    expect((await approve(cwd, ["--format", "json"])).stderr).toBe(
      `asset-diff: Unknown option '--format'\n${hint}`,
    );
  });
});
