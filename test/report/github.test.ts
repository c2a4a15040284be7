import { describe, expect, test } from "vitest";
import { diffAssetGraphs } from "../../src/diff/diff";
import {
  formatGithubOutputs,
  githubOutputs,
  renderGithubAnnotations,
} from "../../src/report/github";
import { asset, graph } from "../helpers/builders";

const refs = (...codeReferences: unknown[]) => [
  {
    key: "dagster/code_references",
    value: { type: "codeReferences" as const, codeReferences: codeReferences as never },
  },
];

describe("GitHub Actions annotations", () => {
  const base = graph(
    asset("gone", {
      metadata: refs({
        type: "localFile",
        filePath: "/home/runner/work/app/app/defs/gone.py",
        lineNumber: 7,
        label: null,
      }),
    }),
    asset("a", {
      codeVersion: "1",
      metadata: refs({ type: "localFile", filePath: "defs/a.py", lineNumber: 3, label: null }),
    }),
    asset("b", {
      codeVersion: "1",
      metadata: refs({
        type: "url",
        url: "https://github.com/acme/app/blob/main/defs/b%20c.py#L21",
        label: "GitHub",
      }),
    }),
    asset("c, d: e", { codeVersion: "1" }),
  );
  const branch = graph(
    asset("a", {
      codeVersion: "2",
      metadata: refs({ type: "localFile", filePath: "defs/a.py", lineNumber: 3, label: null }),
    }),
    asset("b", {
      codeVersion: "2",
      metadata: refs({
        type: "url",
        url: "https://github.com/acme/app/blob/main/defs/b%20c.py#L21",
        label: "GitHub",
      }),
    }),
    asset("c, d: e", { codeVersion: "2" }),
  );
  const changeSet = diffAssetGraphs(base, branch);

  test("point at the asset's definition, with escaped properties and data", () => {
    expect(
      renderGithubAnnotations(changeSet, {
        graphs: { base, branch },
        workspace: "/home/runner/work/app/app",
      }),
    ).toEqual([
      "::notice file=defs/a.py,line=3,title=asset-diff%3A a::a (loc): CODE_VERSION\n",
      "::notice file=defs/b c.py,line=21,title=asset-diff%3A b::b (loc): CODE_VERSION\n",
      "::notice title=asset-diff%3A c%2C d%3A e::c, d: e (loc): CODE_VERSION\n",
      "::warning file=defs/gone.py,line=7,title=asset-diff%3A gone::gone (loc): REMOVED\n",
    ]);
  });

  test("absolute paths outside the workspace are left out, and the count is capped", () => {
    const lines = renderGithubAnnotations(changeSet, { graphs: { base, branch }, limit: 1 });
    expect(lines).toEqual([
      "::notice file=defs/a.py,line=3,title=asset-diff%3A a::a (loc): CODE_VERSION\n",
      "::notice title=asset-diff::3 more changed assets are not annotated\n",
    ]);
    expect(renderGithubAnnotations(changeSet, { graphs: { base, branch } })[3]).toBe(
      "::warning title=asset-diff%3A gone::gone (loc): REMOVED\n",
    );
  });

  test("step outputs", () => {
    expect(githubOutputs(changeSet)).toEqual({
      "has-changes": "true",
      new: "0",
      removed: "1",
      modified: "3",
      unchanged: "0",
      "change-types": "REMOVED,CODE_VERSION",
      summary: "0 new, 1 removed, 3 modified, 0 unchanged",
    });
    expect(formatGithubOutputs({ a: "1", b: "two\nlines" })).toBe(
      "a=1\nb<<ASSET_DIFF_EOF\ntwo\nlines\nASSET_DIFF_EOF\n",
    );
  });
});
