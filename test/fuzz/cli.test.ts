import { afterAll } from "vitest";
import { removeBuilds } from "../cli/binary";
import { fuzzSuite } from "./suite";

fuzzSuite("fuzz: the CLI", { cli: 250, cliBinary: 40 });

afterAll(removeBuilds);
