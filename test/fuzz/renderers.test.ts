import { fuzzSuite } from "./suite";

fuzzSuite("fuzz: renderers", {
  renderText: 150,
  renderJson: 150,
  renderMarkdown: 150,
  renderCodeQuality: 150,
  renderLineageMermaid: 150,
  renderGithubAnnotations: 150,
  githubOutputs: 250,
  renderExplanation: 150,
  formatAssetGraph: 200,
});
