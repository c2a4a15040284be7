import { fuzzSuite } from "./suite";

fuzzSuite("fuzz: normalize, the differ and the policy steps", {
  normalize: 300,
  diffAssetGraphs: 200,
  reviewChanges: 200,
  withLineage: 200,
});
