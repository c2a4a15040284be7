import { expectTypeOf, test } from "vitest";
import type { z } from "zod";
import type {
  BranchDeploymentState,
  LifecycleAction,
  LifecycleActionMeta,
  LifecycleActionType,
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
