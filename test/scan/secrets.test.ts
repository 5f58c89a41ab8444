// biome-ignore-all lint/suspicious/noTemplateCurlyInString: shell and Actions placeholders are literal file text here.
import { describe, expect, it } from "vitest";
import { scanFile } from "../../src/scan/index.js";
import { changed, newFile, noise } from "./helpers.js";

const HEX = "0123456789abcdef";
const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const URLSAFE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
const b64url = (s: string) => Buffer.from(s).toString("base64url");

/** One well-formed fake per format, as it would be pasted into code. */
const SAMPLES: [rule: string, token: string][] = [
  ["aws-access-key-id", `AKIA${noise(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")}`],
  ["aws-access-key-id", `ASIA${noise(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 3)}`],
  ["gcp-api-key", `AIza${noise(35, URLSAFE)}`.replace(/[-_]$/, "Q")],
  ["azure-ad-client-secret", `${noise(3)}8Q~${noise(34, `${URLSAFE}~.`, 5).replace(/[-_~.]$/, "z")}`],
  ["github-token", `ghp_${noise(36)}`],
  ["github-token", `ghs_${noise(36, undefined, 11)}`],
  ["github-token", `github_pat_${noise(22)}_${noise(59, undefined, 9)}`],
  ["gitlab-token", `glpat-${noise(20)}`],
  ["slack-token", `xoxb-${noise(12, "0123456789")}-${noise(13, "0123456789", 4)}-${noise(24)}`],
  [
    "slack-webhook-url",
    `https://hooks.slack.com/services/T${noise(9, "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789")}/B${noise(10, "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789", 2)}/${noise(24, undefined, 8)}`,
  ],
  ["stripe-secret-key", `sk_live_${noise(24)}`],
  ["stripe-secret-key", `rk_live_${noise(99, undefined, 2)}`],
  ["stripe-webhook-secret", `whsec_${noise(32)}`],
  ["npm-token", `npm_${noise(36)}`],
  ["pypi-token", `pypi-AgEIcHlwaS5vcmc${noise(70, URLSAFE)}`.replace(/[-_]$/, "Q")],
  ["openai-api-key", `sk-proj-${noise(74, URLSAFE)}T3BlbkFJ${noise(74, URLSAFE, 3)}`.replace(/[-_]$/, "A")],
  ["openai-api-key", `sk-${noise(20)}T3BlbkFJ${noise(20, undefined, 3)}`],
  ["anthropic-api-key", `sk-ant-api03-${noise(93, URLSAFE)}AA`],
  ["groq-api-key", `gsk_${noise(52)}`],
  ["huggingface-token", `hf_${noise(34, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")}`],
  ["replicate-api-token", `r8_${noise(37)}`],
  ["perplexity-api-key", `pplx-${noise(48)}`],
  ["xai-api-key", `xai-${noise(80)}`],
  ["openrouter-api-key", `sk-or-v1-${noise(64, HEX)}`],
  ["deepseek-api-key", `sk-${noise(32, HEX)}`],
  [
    "sendgrid-api-key",
    `SG.${noise(22, URLSAFE).replace(/^[-_]/, "a")}.${noise(43, URLSAFE, 2).replace(/[-_]$/, "b")}`,
  ],
  ["shopify-token", `shpat_${noise(32, HEX)}`],
  ["linear-api-key", `lin_api_${noise(40)}`],
  ["notion-token", `ntn_${noise(11, "0123456789")}${noise(35)}`],
  ["vault-token", `hvs.${noise(95, URLSAFE)}`.replace(/[-_]$/, "c")],
  ["vercel-token", `vcp_${noise(40)}`],
  ["databricks-token", `dapi${noise(32, HEX)}`],
  ["docker-hub-token", `dckr_pat_${noise(27, URLSAFE)}`.replace(/[-_]$/, "d")],
  ["figma-token", `figd_${noise(43, URLSAFE)}`.replace(/[-_]$/, "e")],
  ["cloudflare-token", `cfut_${noise(40)}${noise(8, HEX)}`],
  ["tailscale-key", `tskey-auth-${noise(12)}-${noise(32, undefined, 4)}`],
  ["grafana-token", `glsa_${noise(32)}_${noise(8, HEX)}`],
  ["twilio-api-key", `SK${noise(32, HEX)}`],
  ["1password-service-account-token", `ops_eyJ${noise(200, B64.replace("+/", ""))}`],
  [
    "jwt",
    `${b64url('{"alg":"HS256","typ":"JWT"}')}.${b64url('{"role":"service_role","iss":"supabase"}')}.${noise(43, URLSAFE).replace(/[-_]$/, "f")}`,
  ],
];

describe("secret formats on added lines", () => {
  it.each(SAMPLES)("finds %s on the line that adds it", (rule, token) => {
    const scan = scanFile(
      newFile("src/settings.ts", ["// settings", "", `export const value = "${token}";`, "export {};"]),
    );
    const hits = scan.findings.filter((f) => f.kind === "secret");
    expect(hits.map((f) => [f.rule, f.line])).toEqual([[rule, 3]]);
    expect(hits[0]?.excerpt).not.toContain(token.slice(4, 12));
    expect(JSON.stringify(scan)).not.toContain(token.slice(5));
  });

  it("numbers lines in the new file across hunks, counting context but not removed lines", () => {
    const token = `ghp_${noise(36)}`;
    const file = changed("app.py", 40, [
      " a = 1",
      "-b = 2",
      "-c = 3",
      "+d = 4",
      ` e = 5`,
      `+TOKEN = "${token}"`,
    ]);
    expect(scanFile(file).findings.map((f) => f.line)).toEqual([43]);
  });

  it("ignores credentials on removed and unchanged lines", () => {
    const removed = `ghp_${noise(36)}`;
    const context = `AKIA${noise(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")}`;
    const file = changed("deploy.sh", 10, [
      `-export GH_TOKEN=${removed}`,
      `+export GH_TOKEN="$(vault read -field=token gh)"`,
      ` export AWS_ACCESS_KEY_ID=${context}`,
    ]);
    expect(scanFile(file).findings).toEqual([]);
  });

  it("reads an added line that starts with '++' as added content, not a file header", () => {
    const token = `npm_${noise(36)}`;
    const file = changed("x.c", 1, [" int i;", `++i; /* ${token} */`]);
    expect(scanFile(file).findings.map((f) => [f.rule, f.line])).toEqual([["npm-token", 2]]);
  });

  it("finds a PEM private key only when key material follows the header", () => {
    const key = newFile("deploy/id_rsa", [
      "-----BEGIN RSA PRIVATE KEY-----",
      `MIIE${noise(60, B64)}`,
      "-----END RSA PRIVATE KEY-----",
    ]);
    expect(scanFile(key).findings.map((f) => [f.rule, f.line])).toEqual([["private-key", 1]]);
    const doc = newFile("docs/keys.md", [
      "    -----BEGIN RSA PRIVATE KEY-----",
      "    ...",
      "    -----END RSA PRIVATE KEY-----",
    ]);
    expect(scanFile(doc).findings).toEqual([]);
  });

  it("finds a private key inside a service-account JSON line", () => {
    const line = `  "private_key": "-----BEGIN PRIVATE KEY-----\\nMIIEv${noise(100, B64)}\\n-----END PRIVATE KEY-----\\n",`;
    expect(scanFile(newFile("sa.json", ["{", line, "}"])).findings.map((f) => [f.rule, f.line])).toEqual([
      ["private-key", 2],
    ]);
  });

  it("finds passwords in database and other URLs, but not templates or local defaults", () => {
    const pw = noise(18);
    const scan = scanFile(
      newFile("docker-compose.yml", [
        `      - DATABASE_URL=postgres://app:${pw}@db.internal:5432/app`,
        `      - CACHE=rediss://:${noise(20, undefined, 3)}@cache.internal:6380`,
        `      - REPO=https://deploy:${noise(16, undefined, 5)}@git.acme.io/app.git`,
        "      - TEST_DB=postgres://postgres:postgres@localhost:5432/test",
        "      - DB=postgres://app:${DB_PASSWORD}@db:5432/app",
        "      - MQ=amqp://guest:guest@rabbitmq:5672/",
        "      - MONGO=mongodb://mongo:27017/app",
      ]),
    );
    expect(scan.findings.map((f) => [f.rule, f.line])).toEqual([
      ["database-url-password", 1],
      ["database-url-password", 2],
      ["url-credentials", 3],
    ]);
  });

  it("finds Azure storage and Service Bus keys in connection strings", () => {
    const scan = scanFile(
      newFile("appsettings.json", [
        `{ "Storage": "DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=${noise(86, B64)}==;EndpointSuffix=core.windows.net",`,
        `  "Bus": "Endpoint=sb://acme.servicebus.windows.net/;SharedAccessKeyName=Root;SharedAccessKey=${noise(43, B64, 3)}=" }`,
      ]),
    );
    expect(scan.findings.map((f) => f.rule)).toEqual([
      "azure-storage-account-key",
      "azure-shared-access-key",
    ]);
  });

  it("finds AWS secret access keys and generic secrets by their names", () => {
    const scan = scanFile(
      newFile("config.py", [
        `AWS_SECRET_ACCESS_KEY = "${noise(40, B64)}"`,
        `JWT_SECRET = "${noise(40)}"`,
        `DATADOG_API_KEY: ${noise(32, HEX)}`,
        `spring.datasource.password=${noise(12)}9!`,
        `const clientSecret: string = "${noise(30, undefined, 9)}";`,
      ]),
    );
    expect(scan.findings.map((f) => [f.rule, f.line, f.severity])).toEqual([
      ["aws-secret-access-key", 1, "high"],
      ["generic-secret-assignment", 2, "medium"],
      ["generic-secret-assignment", 3, "medium"],
      ["generic-secret-assignment", 4, "medium"],
      ["generic-secret-assignment", 5, "medium"],
    ]);
  });

  it("does not flag documented examples, placeholders, references and look-alikes", () => {
    const scan = scanFile(
      newFile("README.md", [
        "export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE",
        "export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        'stripe.api_key = "sk_test_4eC39HqLyjWDarjtT1zdp7dc"',
        "GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        'OPENAI_API_KEY="<your-api-key>"',
        "API_KEY=your-api-key-here",
        "token: ${{ secrets.NPM_TOKEN }}",
        "const apiKey = process.env.OPENAI_API_KEY;",
        'password = os.environ["DB_PASSWORD"]',
        "secret_key_base: <%= ENV['SECRET_KEY_BASE'] %>",
        'password: "changeme"',
        'token = "test-token"',
        "max_tokens = 4096",
        `CACHE_KEY = "${noise(40, HEX)}"`,
        `"integrity": "sha512-${noise(86, B64)}=="`,
        `const id = "3f1c2a9e-8b7d-4c6e-9a5f-2d1b0c9e8f7a";`,
        `  - uses: actions/checkout@${noise(40, HEX)}`,
        `const stripe = loadStripe("pk_live_${noise(24)}");`,
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
        "headers.Authorization = `Bearer ${token}`;",
        `password_hash = "$2b$12$${noise(53)}"`,
        ".sk-circle { animation: sk-bounce 1.2s infinite; }",
        "//registry.npmjs.org/:_authToken=${NPM_TOKEN}",
      ]),
    );
    expect(scan.findings).toEqual([]);
  });

  it("finds random keys that hold a template word or repeated letters by chance", () => {
    const B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    const keys = [
      `AKIA${noise(6, B32, 1)}FAKE${noise(6, B32, 2)}`,
      `AKIA${noise(16, "YNSKTDHGQ", 3)}`,
      `AKIA${noise(4, B32, 4)}MOCK${noise(4, B32, 5)}TODO`,
    ];
    const secrets = [
      `${noise(18, B64, 6)}fAKe${noise(18, B64, 7)}`,
      `${noise(20, B64, 8)}/Your${noise(15, B64, 9)}`,
    ];
    const lines = [
      ...keys.map((k) => `AWS_ACCESS_KEY_ID=${k}`),
      ...secrets.map((k) => `AWS_SECRET_ACCESS_KEY=${k}`),
    ];
    const scan = scanFile(newFile("prod.env", lines));
    expect(scan.findings.map((f) => [f.rule, f.line])).toEqual([
      ...keys.map((_, i) => ["aws-access-key-id", i + 1]),
      ...secrets.map((_, i) => ["aws-secret-access-key", keys.length + i + 1]),
    ]);
  });

  it("never repeats the secret in the message or excerpt", () => {
    const token = `sk-ant-api03-${noise(93, URLSAFE)}AA`;
    const finding = scanFile(newFile("a.env", [`ANTHROPIC_API_KEY=${token}`])).findings[0];
    expect(finding?.excerpt).toBe(`sk-a…[redacted ${token.length - 4} chars]`);
    expect(finding?.message).not.toContain(token.slice(3, 12));
  });
});
