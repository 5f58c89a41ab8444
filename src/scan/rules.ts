/**
 * Credential formats we recognise by shape. Providers and formats were learned from secretlint's
 * MIT-licensed rules and the providers' own documentation; the patterns here are our own.
 *
 * Matching is linear: a line is searched once for the literal triggers below, and only where a trigger
 * occurs is the rule's sticky, bounded pattern tried. No pattern has nested or unbounded quantifiers.
 */
import type { Severity } from "./model.js";

export interface TokenRule {
  id: string;
  /** Who issued it and what it is, for the message. */
  what: string;
  severity: Severity;
  /** Literal strings, case-sensitive; the pattern is only tried where one occurs. */
  triggers: readonly string[];
  /** Sticky pattern tried where a trigger starts (minus `back`). Group 1, when present, is the secret part. */
  pattern: RegExp;
  /** How far before the trigger the token starts (for formats whose marker is not at the start). */
  back?: number;
  /**
   * Extra condition on the secret part and its surroundings: the line within `NEAR` characters
   * either side of the token (bounded, so the check costs the same on a 2 MB line as on a short one).
   */
  accept?: (secret: string, around: string) => boolean;
}

/** How far either side of a token `accept` may look (a SAS URL's `sv=` and `se=` are in its own query). */
export const NEAR = 1024;

const hasAll =
  (...words: string[]) =>
  (_: string, around: string) =>
    words.every((w) => around.includes(w));

/** True when a JWT-looking string's first segment decodes to a JSON header with an algorithm. */
function jwtHeaderOk(token: string): boolean {
  const head = token.slice(0, token.indexOf("."));
  try {
    return /"alg"\s*:/.test(Buffer.from(head, "base64url").toString("latin1"));
  } catch {
    return false;
  }
}

export const TOKEN_RULES: readonly TokenRule[] = [
  {
    id: "private-key",
    what: "private key",
    severity: "high",
    triggers: ["-----BEGIN"],
    pattern: /-----BEGIN[ A-Z0-9]{0,30}PRIVATE KEY(?: BLOCK)?-----/y,
  },
  {
    id: "aws-access-key-id",
    what: "AWS access key ID",
    severity: "high",
    triggers: ["AKIA", "ASIA", "ABIA", "ACCA"],
    pattern: /(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Za-z0-9])/y,
  },
  {
    id: "gcp-api-key",
    what: "Google Cloud / Google AI API key",
    severity: "high",
    triggers: ["AIza"],
    pattern: /AIza[0-9A-Za-z_-]{35}(?![A-Za-z0-9_-])/y,
  },
  {
    id: "azure-storage-account-key",
    what: "Azure storage account key",
    severity: "high",
    triggers: ["AccountKey="],
    pattern: /AccountKey=([A-Za-z0-9+/]{86}==)/y,
  },
  {
    id: "azure-shared-access-key",
    what: "Azure Service Bus / Event Hubs shared access key",
    severity: "high",
    triggers: ["SharedAccessKey="],
    pattern: /SharedAccessKey=([A-Za-z0-9+/]{42,43}=)/y,
  },
  {
    id: "azure-ad-client-secret",
    what: "Azure AD (Entra ID) client secret",
    severity: "high",
    triggers: ["Q~"],
    back: 4,
    pattern: /[A-Za-z0-9_~.-]{3}[0-9]Q~[A-Za-z0-9_~.-]{31,34}(?![A-Za-z0-9_~.-])/y,
  },
  {
    id: "azure-sas-token",
    what: "Azure shared access signature",
    severity: "high",
    triggers: ["sig="],
    pattern: /sig=([A-Za-z0-9%+/]{30,120}(?:%3D|=)?)(?![A-Za-z0-9%+/=])/y,
    accept: hasAll("sv=", "se="),
  },
  {
    id: "github-token",
    what: "GitHub token",
    severity: "high",
    triggers: ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"],
    pattern: /gh[pousr]_[A-Za-z0-9]{36,251}(?![A-Za-z0-9_])/y,
  },
  {
    id: "github-token",
    what: "GitHub fine-grained personal access token",
    severity: "high",
    triggers: ["github_pat_"],
    pattern: /github_pat_[A-Za-z0-9_]{60,255}(?![A-Za-z0-9_])/y,
  },
  {
    id: "gitlab-token",
    what: "GitLab token",
    severity: "high",
    triggers: [
      "glpat-",
      "gldt-",
      "glrt-",
      "glptt-",
      "glcbt-",
      "glft-",
      "glsoat-",
      "gloas-",
      "glimt-",
      "glagent-",
      "GR1348941",
    ],
    pattern:
      /(?:gl(?:pat|dt|rt|ptt|cbt|ft|soat|oas|imt|agent)-|GR1348941)[A-Za-z0-9_-]{20,255}(?:\.[A-Za-z0-9_-]{1,64}){0,3}(?![A-Za-z0-9_-])/y,
  },
  {
    id: "slack-token",
    what: "Slack token",
    severity: "high",
    triggers: ["xoxb-", "xoxp-", "xoxa-", "xoxo-", "xoxr-", "xoxs-", "xoxe-", "xoxe.", "xapp-"],
    pattern:
      /(?:xox[abporse]|xoxe\.xox[bp]|xapp)-(?:[0-9]{1,3}-)?[A-Za-z0-9]{1,64}(?:-[A-Za-z0-9]{1,64}){1,6}(?![A-Za-z0-9-])/y,
    accept: (token) => token.length >= 30,
  },
  {
    id: "slack-webhook-url",
    what: "Slack incoming webhook URL",
    severity: "high",
    triggers: ["hooks.slack.com/"],
    pattern:
      /hooks\.slack\.com\/(?:services\/T[A-Z0-9]{6,12}\/B[A-Z0-9]{6,12}\/([A-Za-z0-9]{20,40})|(?:workflows|triggers)\/T[A-Z0-9]{6,12}\/A[A-Z0-9]{6,12}\/[0-9]{6,20}\/([A-Za-z0-9]{20,40}))/y,
  },
  {
    id: "stripe-secret-key",
    what: "Stripe secret or restricted key",
    severity: "high",
    triggers: ["sk_live_", "sk_test_", "rk_live_", "rk_test_"],
    pattern: /[sr]k_(?:live|test)_[A-Za-z0-9]{20,247}(?![A-Za-z0-9])/y,
  },
  {
    id: "stripe-webhook-secret",
    what: "Stripe webhook signing secret",
    severity: "high",
    triggers: ["whsec_"],
    pattern: /whsec_[A-Za-z0-9+/]{32,64}(?![A-Za-z0-9+/])/y,
  },
  {
    id: "npm-token",
    what: "npm access token",
    severity: "high",
    triggers: ["npm_"],
    pattern: /npm_[A-Za-z0-9]{36}(?![A-Za-z0-9_])/y,
  },
  {
    id: "npm-auth-token",
    what: "npm registry auth token in an .npmrc line",
    severity: "high",
    triggers: ["_authToken="],
    pattern: /_authToken=([^\s"'`$]{16,512})/y,
    accept: (secret) => !secret.startsWith("npm_"),
  },
  {
    id: "pypi-token",
    what: "PyPI API token",
    severity: "high",
    triggers: ["pypi-AgE"],
    pattern: /pypi-AgE[A-Za-z0-9_-]{50,400}(?![A-Za-z0-9_-])/y,
  },
  {
    id: "anthropic-api-key",
    what: "Anthropic API key",
    severity: "high",
    triggers: ["sk-ant-"],
    pattern: /sk-ant-(?:api|admin|oat)0[0-9]-[A-Za-z0-9_-]{80,120}AA(?![A-Za-z0-9_-])/y,
  },
  {
    id: "openrouter-api-key",
    what: "OpenRouter API key",
    severity: "high",
    triggers: ["sk-or-v1-"],
    pattern: /sk-or-v1-[0-9a-f]{64}(?![A-Za-z0-9])/y,
  },
  {
    id: "openai-api-key",
    what: "OpenAI API key",
    severity: "high",
    triggers: ["sk-"],
    pattern:
      /sk-(?:(?:proj|svcacct|admin)-)?[A-Za-z0-9_-]{16,200}T3BlbkFJ[A-Za-z0-9_-]{16,200}(?![A-Za-z0-9_-])/y,
  },
  {
    id: "deepseek-api-key",
    what: "DeepSeek API key",
    severity: "high",
    triggers: ["sk-"],
    pattern: /sk-[0-9a-f]{32}(?![A-Za-z0-9_-])/y,
  },
  {
    id: "groq-api-key",
    what: "Groq API key",
    severity: "high",
    triggers: ["gsk_"],
    pattern: /gsk_[A-Za-z0-9]{52}(?![A-Za-z0-9])/y,
  },
  {
    id: "huggingface-token",
    what: "Hugging Face access token",
    severity: "high",
    triggers: ["hf_"],
    pattern: /hf_[A-Za-z]{34}(?![A-Za-z0-9_])/y,
  },
  {
    id: "replicate-api-token",
    what: "Replicate API token",
    severity: "high",
    triggers: ["r8_"],
    pattern: /r8_[A-Za-z0-9]{37}(?![A-Za-z0-9])/y,
  },
  {
    id: "perplexity-api-key",
    what: "Perplexity API key",
    severity: "high",
    triggers: ["pplx-"],
    pattern: /pplx-[A-Za-z0-9]{48}(?![A-Za-z0-9])/y,
  },
  {
    id: "xai-api-key",
    what: "xAI API key",
    severity: "high",
    triggers: ["xai-"],
    pattern: /xai-[A-Za-z0-9]{80}(?![A-Za-z0-9])/y,
  },
  {
    id: "sendgrid-api-key",
    what: "SendGrid API key",
    severity: "high",
    triggers: ["SG."],
    pattern: /SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/y,
  },
  {
    id: "shopify-token",
    what: "Shopify access token",
    severity: "high",
    triggers: ["shpat_", "shpca_", "shppa_", "shpss_"],
    pattern: /shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}(?![A-Za-z0-9])/y,
  },
  {
    id: "linear-api-key",
    what: "Linear API key",
    severity: "high",
    triggers: ["lin_api_"],
    pattern: /lin_api_[A-Za-z0-9]{40}(?![A-Za-z0-9])/y,
  },
  {
    id: "notion-token",
    what: "Notion integration token",
    severity: "high",
    triggers: ["ntn_"],
    pattern: /ntn_[0-9]{11}[A-Za-z0-9]{35}(?![A-Za-z0-9])/y,
  },
  {
    id: "1password-service-account-token",
    what: "1Password service account token",
    severity: "high",
    triggers: ["ops_eyJ"],
    pattern: /ops_eyJ[A-Za-z0-9+/]{100,1280}={0,2}(?![A-Za-z0-9+/=])/y,
  },
  {
    id: "vault-token",
    what: "HashiCorp Vault token",
    severity: "high",
    triggers: ["hvs.", "hvb.", "hvr."],
    pattern: /hv[sbr]\.[A-Za-z0-9_-]{90,300}(?![A-Za-z0-9_-])/y,
  },
  {
    id: "vercel-token",
    what: "Vercel token",
    severity: "high",
    triggers: ["vcp_", "vci_", "vca_", "vcr_", "vck_"],
    pattern: /vc[pciark]_[A-Za-z0-9]{20,60}(?![A-Za-z0-9])/y,
  },
  {
    id: "databricks-token",
    what: "Databricks access token",
    severity: "high",
    triggers: ["dapi"],
    pattern: /dapi[a-f0-9]{32}(?:-[0-9])?(?![A-Za-z0-9])/y,
  },
  {
    id: "docker-hub-token",
    what: "Docker Hub personal access token",
    severity: "high",
    triggers: ["dckr_pat_"],
    pattern: /dckr_pat_[A-Za-z0-9_-]{27}(?![A-Za-z0-9_-])/y,
  },
  {
    id: "figma-token",
    what: "Figma access token",
    severity: "high",
    triggers: ["figd_"],
    pattern: /figd_[A-Za-z0-9_-]{40,200}(?![A-Za-z0-9_-])/y,
  },
  {
    id: "cloudflare-token",
    what: "Cloudflare API token",
    severity: "high",
    triggers: ["cfk_", "cfut_", "cfat_"],
    pattern: /(?:cfk|cfut|cfat)_[A-Za-z0-9]{40}[0-9a-f]{8}(?![A-Za-z0-9])/y,
  },
  {
    id: "tailscale-key",
    what: "Tailscale key",
    severity: "high",
    triggers: ["tskey-"],
    pattern: /tskey-[a-z]{2,20}-[0-9A-Za-z_]{8,40}-[0-9A-Za-z_]{16,60}(?![0-9A-Za-z_])/y,
  },
  {
    id: "grafana-token",
    what: "Grafana token",
    severity: "high",
    triggers: ["glc_", "glsa_"],
    pattern:
      /(?:glc_[A-Za-z0-9+/]{32,400}={0,2}(?![A-Za-z0-9+/=])|glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}(?![A-Za-z0-9]))/y,
  },
  {
    id: "twilio-api-key",
    what: "Twilio API key",
    severity: "high",
    triggers: ["SK"],
    pattern: /SK[0-9a-f]{32}(?![A-Za-z0-9])/y,
  },
  {
    id: "jwt",
    what: "JSON Web Token",
    severity: "medium",
    triggers: ["eyJ"],
    pattern:
      /eyJ[A-Za-z0-9_-]{10,2000}\.eyJ[A-Za-z0-9_-]{10,4000}\.[A-Za-z0-9_-]{20,1000}(?![A-Za-z0-9_.-])/y,
    accept: jwtHeaderOk,
  },
  {
    id: "bearer-token",
    what: "bearer token in an Authorization value",
    severity: "medium",
    triggers: ["Bearer ", "bearer "],
    pattern: /[Bb]earer {1,4}([A-Za-z0-9._~+/-]{20,1000}=*)(?![A-Za-z0-9._~+/=-])/y,
  },
];

/** Literal prefixes that start a token and identify its format without revealing any of it. */
export const PUBLIC_PREFIXES: readonly string[] = [
  ...new Set(
    TOKEN_RULES.filter((r) => !r.back && !/\((?!\?)/.test(r.pattern.source)).flatMap((r) => r.triggers),
  ),
].sort((a, b) => b.length - a.length);
