/** The JSON Schema editors use to validate and complete `.github/agent-policy.yml`, generated from the zod schema. */
import { z } from "zod";
import { policyFileSchema } from "./schema.js";

/** The schema file's exact text, so a test can prove the committed copy is current. */
export function renderJsonSchema(): string {
  return `${JSON.stringify(z.toJSONSchema(policyFileSchema, { target: "draft-2020-12" }), null, 2)}\n`;
}
