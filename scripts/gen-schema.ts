/** Writes schema/agent-policy.schema.json from the zod schema in src/policy/schema.ts. Run: npx tsx scripts/gen-schema.ts */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { renderJsonSchema } from "../src/policy/json-schema.js";

const target = fileURLToPath(new URL("../schema/agent-policy.schema.json", import.meta.url));
writeFileSync(target, renderJsonSchema());
process.stdout.write(`wrote ${target}\n`);
