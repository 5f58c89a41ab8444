import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { README, render } from "../scripts/gen-readme.js";

describe("README", () => {
  it("documents the default policy, categories and promotion patterns exactly as the code has them", () => {
    const readme = readFileSync(README, "utf8");
    expect(render(readme), "README is stale: run `npx tsx scripts/gen-readme.ts`").toBe(readme);
  });
});
