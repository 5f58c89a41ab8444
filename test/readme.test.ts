import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { README, render } from "../scripts/gen-readme.js";

describe("README", () => {
  it("documents the default policy, categories and promotion patterns exactly as the code has them", () => {
    const readme = readFileSync(README, "utf8");
    expect(render(readme), "README is stale: run `npx tsx scripts/gen-readme.ts`").toBe(readme);
  });
});

describe("the README's scenario example", () => {
  it("is a valid scenario whose expectations hold", async () => {
    const { mkdtemp, writeFile } = await import("node:fs/promises");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { runScenario } = await import("../src/cli/scenarios.js");
    const readme = readFileSync(README, "utf8");
    const section = readme.slice(readme.indexOf("### Policy test scenarios"));
    const example = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
    expect(example).toBeDefined();
    const file = join(await mkdtemp(join(tmpdir(), "readme-")), "example.yml");
    await writeFile(file, example as string);
    expect((await runScenario(file)).failures).toEqual([]);
  });
});
