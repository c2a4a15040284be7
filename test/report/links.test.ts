import { expect, test } from "vitest";
import { assetLink, assetPageUrl, dagsterUiRoot, uiRootOfGraphqlUrl } from "../../src/report/links";

test.each([
  ["http://localhost:3000/graphql", "http://localhost:3000"],
  ["https://acme.dagster.cloud/prod/graphql", "https://acme.dagster.cloud/prod"],
  ["https://acme.dagster.cloud/feature-x/graphql/", "https://acme.dagster.cloud/feature-x"],
  ["http://host/dagster/GraphQL", "http://host/dagster"],
  [
    "https://user:s3cret@acme.dagster.cloud/prod/graphql?token=abc#x",
    "https://acme.dagster.cloud/prod",
  ],
])("the UI root of %s is %s", (url, root) => {
  expect(uiRootOfGraphqlUrl(url)).toBe(root);
});

test.each(["file:///tmp/graphql", "javascript:alert(1)//graphql", "not a url", "http://host/api"])(
  "%s has no UI root",
  (url) => {
    expect(uiRootOfGraphqlUrl(url)).toBeUndefined();
  },
);

test("a UI root keeps no credentials, query or fragment, and no trailing slash", () => {
  expect(dagsterUiRoot("https://u:p@acme.dagster.cloud/prod/?t=1#f")).toBe(
    "https://acme.dagster.cloud/prod",
  );
  expect(dagsterUiRoot("ftp://host")).toBeUndefined();
});

test("an asset page percent-encodes each key component", () => {
  expect(assetPageUrl("http://h", ["marts", "fct revenue", "a/b"])).toBe(
    "http://h/assets/marts/fct%20revenue/a%2Fb",
  );
});

test("a removed asset links to production, every other one to the branch deployment", () => {
  const links = {
    base: "https://acme.dagster.cloud/prod",
    branch: "https://acme.dagster.cloud/pr-7",
  };
  const asset = (changeTypes: string[]) =>
    ({ path: ["a", "b"], changeTypes, extraChangeTypes: [] }) as never;
  expect(assetLink(links, asset(["REMOVED"]))).toBe("https://acme.dagster.cloud/prod/assets/a/b");
  expect(assetLink(links, asset(["NEW"]))).toBe("https://acme.dagster.cloud/pr-7/assets/a/b");
  expect(assetLink(links, asset(["TAGS"]))).toBe("https://acme.dagster.cloud/pr-7/assets/a/b");
  expect(assetLink({ branch: links.branch }, asset(["REMOVED"]))).toBeUndefined();
  expect(assetLink(undefined, asset(["TAGS"]))).toBeUndefined();
});
