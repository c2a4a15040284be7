import { runAction } from "./run";

// The action's entry point (action.yml's runs.main, bundled into .github/action/index.js).
process.exitCode = await runAction();
