import { expectTypeOf, test } from "vitest";
import type { z } from "zod";
import {
  type BranchDeploymentState,
  type LifecycleAction,
  type LifecycleActionMeta,
  type LifecycleActionType,
  SNAPSHOT_BASE_CONDITIONS,
  type SnapshotBaseCondition,
  SQL_DIALECTS,
  type SqlDialect,
} from "../../src/lifecycle/index";
import type { branchDeploymentStateSchema } from "../../src/lifecycle/state";

test("every action type has a meta, and the union is derived from the one list", () => {
  expectTypeOf<keyof LifecycleActionMeta>().toEqualTypeOf<LifecycleActionType>();
  expectTypeOf<LifecycleAction["type"]>().toEqualTypeOf<LifecycleActionType>();
  expectTypeOf<Extract<LifecycleAction, { type: "drop_schemas" }>["meta"]>().toEqualTypeOf<
    LifecycleActionMeta["drop_schemas"]
  >();
});

test("the state schema describes exactly the state type", () => {
  expectTypeOf<
    z.output<typeof branchDeploymentStateSchema>
  >().toEqualTypeOf<BranchDeploymentState>();
});

test("the shared closed sets keep their public names and types", () => {
  expectTypeOf<SqlDialect>().toEqualTypeOf<"postgres" | "snowflake" | "bigquery" | "duckdb">();
  expectTypeOf<SnapshotBaseCondition>().toEqualTypeOf<"ON_CREATE" | "ON_UPDATE" | "LIVE">();
  expectTypeOf(SQL_DIALECTS).toEqualTypeOf<
    readonly ["postgres", "snowflake", "bigquery", "duckdb"]
  >();
  expectTypeOf(SNAPSHOT_BASE_CONDITIONS).toEqualTypeOf<
    readonly ["ON_CREATE", "ON_UPDATE", "LIVE"]
  >();
});
