import { stat } from "node:fs/promises";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { InputReadError, UsageError } from "../errors";
import { parseJsonText } from "../load/json";
import { readInputText } from "../load/read";
import type { JsonValue } from "../model/json";
import { type ApprovalsFile, parseApprovals } from "../policies/approvals";
import { type AssetDiffConfig, CONFIG_FILE_NAME, parseConfig } from "../policies/config";
import type { ReviewOptions } from "../policies/review";
import { APPROVALS_FILE_NAME } from "./options";

/**
 * What the commands that compare read besides the two inputs: the configuration, the approvals
 * file and the values of the substitutions' placeholders, from the options, the working directory
 * and the CI environment.
 */

/** The values of the policy options (`--config`, `--approvals`, …) as the parser returns them. */
export interface PolicyValues {
  config?: string | undefined;
  "no-default-rules"?: boolean | undefined;
  approvals?: string | undefined;
  branch?: string | undefined;
  pr?: string | undefined;
  "partitions-as-of"?: string | undefined;
}

/** Where the approvals file is: the name messages show, and the path it is read from. */
export interface ApprovalsLocation {
  /** As the user wrote it (or as the configuration names it, joined to the configuration's directory). */
  shown: string;
  /** Resolved against the working directory. */
  path: string;
  /** Its content; absent when the file does not exist (only `approve` allows that). */
  file?: ApprovalsFile;
}

/** A file the policy setup reads (or, for `approve`, writes), as {@link loadPolicySetup} names it before using it. */
export interface PolicyFile {
  /** What the file is to the run. */
  role: "configuration" | "approvals";
  /** As the user wrote it (or as the configuration names it). */
  shown: string;
  /** Resolved against the working directory. */
  path: string;
}

/** The configuration, the approvals and the placeholder values one run reviews changes with. */
export interface PolicySetup {
  review: ReviewOptions;
  /** Absent when no approvals file is named and none is in the working directory (not for `approve`). */
  approvals?: ApprovalsLocation;
}

/**
 * Reads the configuration and the approvals, and works out the placeholder values. The
 * configuration is `--config FILE` (which must exist), else `asset-diff.config.json` in `cwd`
 * when it exists. The approvals file is `--approvals FILE`, else the configuration's `approvals`
 * (relative to the configuration's directory), else `asset-diff.approvals.json` in `cwd`. A file
 * named by the flag or the configuration must exist, unless `create` is set (`approve`, which
 * creates it); the default one is read when it exists, and with `create` it is the one created.
 *
 * `beforeUse` is called with each file the run uses (one that exists, or the approvals file
 * `create` will write), before it is read: the CLI refuses there an output that would replace it.
 */
export async function loadPolicySetup(
  values: PolicyValues,
  io: { cwd: string; env: Record<string, string | undefined>; now?: () => Date },
  options: { create: boolean; beforeUse?: (file: PolicyFile) => Promise<void> },
): Promise<PolicySetup> {
  const beforeUse = options.beforeUse ?? (async () => {});
  const variables = placeholderValues(values, io.env);
  const review: ReviewOptions = {
    variables,
    asOf: parseAsOf(values["partitions-as-of"]) ?? (io.now ?? (() => new Date()))(),
  };
  if (values["no-default-rules"]) review.defaultRules = false;

  const config = await findConfig(values.config, io.cwd, beforeUse);
  if (config !== undefined) review.config = config.config;

  const named = approvalsNamed(values.approvals, config, io.cwd);
  const location = named ?? {
    shown: APPROVALS_FILE_NAME,
    path: resolve(io.cwd, APPROVALS_FILE_NAME),
  };
  if (named === undefined && !options.create && !(await exists(location.path))) return { review };
  await beforeUse({ role: "approvals", ...location });
  if (options.create && !(await exists(location.path))) return { review, approvals: location };
  const file = parseApprovals(await readJson(location), { source: location.shown });
  review.approvals = file;
  return { review, approvals: { ...location, file } };
}

/**
 * The values of `{branch}` and `{pr}`: `--branch` and `--pr`, else the CI environment. GitHub
 * Actions: `GITHUB_HEAD_REF` (set for pull requests), else `GITHUB_REF_NAME`; the number in a
 * `GITHUB_REF` of `refs/pull/<n>/…`. GitLab CI: `CI_MERGE_REQUEST_SOURCE_BRANCH_NAME`, else
 * `CI_COMMIT_REF_NAME`; `CI_MERGE_REQUEST_IID`. Only variables with a value are set.
 *
 * @internal Exported for the table test of the CI environments.
 */
export function placeholderValues(
  values: Pick<PolicyValues, "branch" | "pr">,
  env: Record<string, string | undefined>,
): Record<string, string> {
  if (values.branch === "") throw new UsageError("--branch needs a name");
  if (values.pr !== undefined && !/^\d+$/.test(values.pr)) {
    throw new UsageError(
      `--pr must be a pull or merge request number; got ${JSON.stringify(values.pr)}`,
    );
  }
  const branch =
    values.branch ??
    first(
      env.GITHUB_HEAD_REF,
      env.GITHUB_REF_NAME,
      env.CI_MERGE_REQUEST_SOURCE_BRANCH_NAME,
      env.CI_COMMIT_REF_NAME,
    );
  const pr =
    values.pr ??
    first(/^refs\/pull\/(\d+)\//.exec(env.GITHUB_REF ?? "")?.[1], env.CI_MERGE_REQUEST_IID);
  const variables: Record<string, string> = {};
  if (branch !== undefined) variables.branch = branch;
  if (pr !== undefined) variables.pr = pr;
  return variables;
}

/**
 * `--partitions-as-of`: an ISO 8601 date (`2026-12-01`, midnight UTC) or date and time
 * (`2026-12-01T06:00`, `…:30Z`, `…+01:00`; without a zone it is UTC). Anything else, or a date
 * that does not exist (`2026-02-30`), is a usage error.
 */
function parseAsOf(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const match = AS_OF_PATTERN.exec(value);
  if (match !== null) {
    const [, date = "", time = "00:00", zone = "Z"] = match;
    const parsed = Date.parse(`${date}T${time}${zone.toUpperCase()}`);
    // A date that does not exist (2026-02-30) is refused rather than rolled over.
    const day = Date.parse(`${date}T00:00Z`);
    const exists = Number.isFinite(day) && new Date(day).toISOString().startsWith(date);
    if (Number.isFinite(parsed) && exists) return new Date(parsed);
  }
  throw new UsageError(
    `--partitions-as-of needs an ISO 8601 date or time, e.g. 2026-12-01 or 2026-12-01T06:00:00Z; got ${JSON.stringify(value)}`,
  );
}

/**
 * Who `approve` records as the approver by default: `GITHUB_ACTOR`, `GITLAB_USER_LOGIN` or
 * `USER`, the first with a value; else `null`.
 */
export function defaultApprover(env: Record<string, string | undefined>): string | null {
  return first(env.GITHUB_ACTOR, env.GITLAB_USER_LOGIN, env.USER) ?? null;
}

// --- internal ---

/** A date, then optionally a time (minutes, seconds, fractions) and a zone. */
const AS_OF_PATTERN =
  /^(\d{4}-\d{2}-\d{2})(?:[Tt ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?)([Zz]|[+-]\d{2}:\d{2})?)?$/;

interface FoundConfig {
  config: AssetDiffConfig;
  /** As shown in messages. */
  shown: string;
  /** Resolved against the working directory. */
  path: string;
}

async function findConfig(
  flag: string | undefined,
  cwd: string,
  beforeUse: (file: PolicyFile) => Promise<void>,
): Promise<FoundConfig | undefined> {
  if (flag === "") throw new UsageError("--config needs a file");
  const shown = flag ?? CONFIG_FILE_NAME;
  const path = resolve(cwd, shown);
  if (flag === undefined && !(await exists(path))) return undefined;
  await beforeUse({ role: "configuration", shown, path });
  const config = parseConfig(await readJson({ shown, path }), { source: shown });
  return { config, shown, path };
}

/**
 * The configuration `--config` names, else `asset-diff.config.json` in `cwd` when it exists;
 * `beforeUse` sees the file before it is read.
 */
export async function configurationFile(
  flag: string | undefined,
  cwd: string,
  beforeUse: (file: PolicyFile) => Promise<void>,
): Promise<AssetDiffConfig | undefined> {
  return (await findConfig(flag, cwd, beforeUse))?.config;
}

function approvalsNamed(
  flag: string | undefined,
  config: FoundConfig | undefined,
  cwd: string,
): ApprovalsLocation | undefined {
  if (flag === "") throw new UsageError("--approvals needs a file");
  if (flag !== undefined) return { shown: flag, path: resolve(cwd, flag) };
  const named = config?.config.approvals;
  if (config === undefined || named === undefined) return undefined;
  return {
    shown: isAbsolute(named) ? named : join(dirname(config.shown), named),
    path: resolve(dirname(config.path), named),
  };
}

/** Reads a JSON file with the inputs' one-line errors, naming it as the user wrote it. */
async function readJson(file: { shown: string; path: string }): Promise<JsonValue> {
  let text: string;
  try {
    text = await readInputText(file.path);
  } catch (error) {
    if (error instanceof InputReadError && file.path !== file.shown) {
      const message = error.issues[0]?.message ?? error.message;
      throw new InputReadError(file.shown, message, { cause: error });
    }
    throw error;
  }
  return parseJsonText(text, file.shown);
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    // Anything but "not there" (permissions, say) is reported when the file is read.
    return (error as NodeJS.ErrnoException).code !== "ENOENT";
  }
}

function first(...values: (string | undefined)[]): string | undefined {
  return values.find((v) => v !== undefined && v !== "");
}
