import type { ChangeSet } from "../diff/change-set";
import type { AssetGraph } from "../model/asset";
import { type CodeQualityOptions, renderCodeQuality } from "../report/codequality";

/**
 * `diff --format gitlab`: the Code Quality report with the paths GitLab CI needs. Code
 * references are made relative to the checkout (`CI_PROJECT_DIR`, else the working directory),
 * and an issue without one goes to the pipeline's configuration file (`CI_CONFIG_PATH` when it is
 * a file of the project, else `.gitlab-ci.yml`).
 */
export function gitlabCodeQuality(
  changeSet: ChangeSet,
  graphs: { base: AssetGraph; branch: AssetGraph },
  env: Record<string, string | undefined>,
  cwd: string,
): string {
  const options: CodeQualityOptions = { graphs, workspace: env.CI_PROJECT_DIR || cwd };
  const config = env.CI_CONFIG_PATH;
  // A configuration in another project (`file@group/project`) or at a URL is no file of this one.
  if (config && !/^\/|^\.\/|@|:\/\//.test(config)) options.fallbackPath = config;
  return renderCodeQuality(changeSet, options);
}
