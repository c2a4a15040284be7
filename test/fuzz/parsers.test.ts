import { fuzzSuite } from "./suite";

fuzzSuite("fuzz: parsers", {
  parseDagsterGraphql: 250,
  parseSnapshot: 250,
  parseDgListDefs: 250,
  parseDbtManifest: 150,
  parseAssetGraph: 250,
  parseJsonText: 250,
});
