/**
 * Categories a file belongs to by what it contains, whatever its name: a Kubernetes Secret or a
 * dotenv file renamed to `config.txt` holds secrets; Terraform, Kubernetes and CloudFormation are infra;
 * a change to package.json's `renovate` key or to a workflow that approves or merges pull requests
 * is governance (governance.ts). Each pattern is tried once per line with bounded quantifiers.
 */
import type { ChangedFile } from "../facts/model.js";
import type { PatchLine } from "./diff.js";
import { governsPromotion } from "./governance.js";

const K8S_SECRET = /^(?:kind:\s*["']?Secret["']?\s*$|\s*"kind"\s*:\s*"Secret")/;
const K8S_API = /^(?:apiVersion:\s*\S|\s*"apiVersion"\s*:)/;
const K8S_KIND = /^(?:kind:\s*[A-Z]\w*\s*$|\s*"kind"\s*:\s*"[A-Z])/;
const CLOUDFORMATION = /AWSTemplateFormatVersion/;
const PEM_PRIVATE_KEY = /-----BEGIN[ A-Z0-9]{0,30}PRIVATE KEY(?: BLOCK)?-----/;
const GCP_SERVICE_ACCOUNT = /"type"\s*:\s*"service_account"/;
const TF_PROVIDER = /^\s*provider\s+"[\w-]+"\s*\{/;
const TF_BLOCK = /^\s*(?:resource|module|data|terraform|variable|output|locals)\b[^=]*\{\s*$/;
/** A literal (not var.x / a function call) assigned to a credential attribute inside a provider block. */
const TF_LITERAL_CREDENTIAL =
  /^\s*(?:access_key|secret_key|token|password|client_secret|client_certificate_password|api_key|api_token|credentials|private_key)\s*=\s*"(?!\$\{)[^"]{8,}"/;
/** `NAME=`; the name is captured, so the secret-name test below runs on it alone (one pass, no backtracking). */
const DOTENV_LINE = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)=/;
const DOTENV_SECRET_NAME =
  /PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIALS?|AUTH/i;
const DOTENV_LITERAL = /^\s*["']?[^\s"'$]{6}/;

/** What of a changed file the content categories read besides the lines the patch shows. */
type ContentSource = Pick<ChangedFile, "path" | "patch" | "content">;

/** Categories of a file from the lines the patch shows (added and unchanged) and, when given, the file itself. */
export function contentCategories(lines: readonly PatchLine[], file?: ContentSource): string[] {
  const categories = new Set<string>();
  let api = false;
  let kind = false;
  let dotenv = 0;
  let dotenvSecrets = 0;
  let other = 0;
  let inProvider = false;
  let depth = 0;
  for (const { text } of lines) {
    if (K8S_SECRET.test(text) || PEM_PRIVATE_KEY.test(text)) categories.add("secrets");
    if (GCP_SERVICE_ACCOUNT.test(text)) categories.add("secrets");
    if (K8S_API.test(text)) api = true;
    if (K8S_KIND.test(text)) kind = true;
    if (CLOUDFORMATION.test(text) || TF_BLOCK.test(text)) categories.add("infra");
    if (TF_PROVIDER.test(text)) {
      categories.add("infra");
      inProvider = true;
      depth = 0;
    }
    if (inProvider) {
      if (TF_LITERAL_CREDENTIAL.test(text)) categories.add("secrets");
      for (const c of text) depth += c === "{" ? 1 : c === "}" ? -1 : 0;
      if (depth <= 0) inProvider = false;
    }
    const trimmed = text.trim();
    if (trimmed === "" || trimmed.startsWith("#")) continue;
    const assignment = DOTENV_LINE.exec(trimmed);
    if (assignment) {
      dotenv++;
      const name = assignment[1] ?? "";
      if (DOTENV_SECRET_NAME.test(name) && DOTENV_LITERAL.test(trimmed.slice(assignment[0].length)))
        dotenvSecrets++;
    } else {
      other++;
    }
  }
  if (api && kind) categories.add("infra");
  // Several secret-named KEY=value lines, and the file is mostly such lines: a dotenv file.
  if (dotenvSecrets >= 2 && dotenv >= 3 && dotenv >= other) categories.add("secrets");
  if (file && governsPromotion(file)) categories.add("governance");
  return [...categories].sort();
}
