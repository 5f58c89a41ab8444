/**
 * Writes the JSON Schemas shipped for editors from their zod schemas:
 * schema/agent-policy.schema.json (src/policy/schema.ts) and schema/scenario.schema.json
 * (src/facts/scenario.ts). Run: npx tsx scripts/gen-schema.ts
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { renderScenarioJsonSchema } from "../src/facts/scenario.js";
import { renderJsonSchema } from "../src/policy/json-schema.js";

for (const [file, text] of [
  ["agent-policy.schema.json", renderJsonSchema()],
  ["scenario.schema.json", renderScenarioJsonSchema()],
] as const) {
  const target = fileURLToPath(new URL(`../schema/${file}`, import.meta.url));
  writeFileSync(target, text);
  process.stdout.write(`wrote ${target}\n`);
}
