/**
 * Deterministic generator of the labelled secrets corpus (`corpus.jsonl`): realistic changed files as
 * unified diffs, with fake but well-formed credentials on known lines, and many files whose values only
 * look dangerous (hashes, UUIDs, lockfile integrity strings, images, documented example keys, fixtures).
 *
 *   npx tsx test/corpus/generate.ts      # rewrites test/corpus/corpus.jsonl
 *
 * Seeded PRNG, no network, no clock: the same code always writes the same bytes.
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export interface CorpusSecret {
  line: number;
  rule: string;
}

export interface CorpusEntry {
  id: string;
  path: string;
  patch: string;
  secrets: CorpusSecret[];
}

const SEED = 0x5ec7e75;
const POSITIVE_ENTRIES = 260;
const NEGATIVE_ENTRIES = 2100;

// ---------------------------------------------------------------------------------------------
// Randomness

class Rand {
  private a: number;
  constructor(seed: number) {
    this.a = seed >>> 0;
  }
  /** mulberry32 */
  next(): number {
    this.a = (this.a + 0x6d2b79f5) >>> 0;
    let t = this.a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error("pick from an empty list");
    return item;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  str(alphabet: string, n: number): string {
    let s = "";
    for (let i = 0; i < n; i++) s += alphabet.charAt(Math.floor(this.next() * alphabet.length));
    return s;
  }
  hex(n: number): string {
    return this.str(HEX, n);
  }
  alnum(n: number): string {
    return this.str(ALNUM, n);
  }
  b64(n: number): string {
    return this.str(B64, n);
  }
  b64url(n: number): string {
    return this.str(B64URL, n);
  }
  uuid(): string {
    return `${this.hex(8)}-${this.hex(4)}-4${this.hex(3)}-${this.pick(["8", "9", "a", "b"])}${this.hex(3)}-${this.hex(12)}`;
  }
  word(): string {
    return this.pick(WORDS);
  }
}

const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const LOWER = "abcdefghijklmnopqrstuvwxyz";
const DIGITS = "0123456789";
const HEX = "0123456789abcdef";
const ALNUM = UPPER + LOWER + DIGITS;
const B64 = `${ALNUM}+/`;
const B64URL = `${ALNUM}_-`;
const BASE32 = `${UPPER}234567`;
const WORDS = [
  "billing",
  "orders",
  "search",
  "gateway",
  "worker",
  "ledger",
  "catalog",
  "inventory",
  "notify",
  "reports",
  "checkout",
  "profile",
  "sync",
  "ingest",
  "metrics",
];

const b64url = (s: string) => Buffer.from(s).toString("base64url");

// ---------------------------------------------------------------------------------------------
// Fake credentials: right prefix, length and alphabet; random content.

interface Provider {
  rule: string;
  /** The variable name people usually keep it in. */
  env: string;
  make: (r: Rand) => string;
}

const PROVIDERS: readonly Provider[] = [
  {
    rule: "aws-access-key-id",
    env: "AWS_ACCESS_KEY_ID",
    make: (r) => r.pick(["AKIA", "ASIA"]) + r.str(BASE32, 16),
  },
  { rule: "gcp-api-key", env: "GOOGLE_API_KEY", make: (r) => `AIza${r.b64url(35)}` },
  { rule: "gcp-api-key", env: "GEMINI_API_KEY", make: (r) => `AIzaSy${r.b64url(33)}` },
  {
    rule: "azure-ad-client-secret",
    env: "AZURE_CLIENT_SECRET",
    make: (r) => `${r.alnum(3)}${r.int(0, 9)}Q~${r.str(`${ALNUM}_~.-`, 33).replace(/[.~_-]$/, "x")}`,
  },
  {
    rule: "github-token",
    env: "GITHUB_TOKEN",
    make: (r) => `${r.pick(["ghp", "gho", "ghu", "ghs", "ghr"])}_${r.alnum(36)}`,
  },
  { rule: "github-token", env: "GH_PAT", make: (r) => `github_pat_${r.alnum(22)}_${r.alnum(59)}` },
  {
    rule: "gitlab-token",
    env: "GITLAB_TOKEN",
    make: (r) => `${r.pick(["glpat", "glrt", "gldt", "glptt"])}-${r.b64url(20).replace(/^[-_]/, "a")}`,
  },
  {
    rule: "slack-token",
    env: "SLACK_BOT_TOKEN",
    make: (r) => `xoxb-${r.str(DIGITS, 12)}-${r.str(DIGITS, 13)}-${r.alnum(24)}`,
  },
  {
    rule: "slack-token",
    env: "SLACK_USER_TOKEN",
    make: (r) => `xoxp-${r.str(DIGITS, 12)}-${r.str(DIGITS, 12)}-${r.str(DIGITS, 13)}-${r.hex(32)}`,
  },
  {
    rule: "slack-token",
    env: "SLACK_APP_TOKEN",
    make: (r) => `xapp-1-A${r.str(UPPER + DIGITS, 10)}-${r.str(DIGITS, 13)}-${r.hex(64)}`,
  },
  {
    rule: "stripe-secret-key",
    env: "STRIPE_SECRET_KEY",
    make: (r) => `${r.pick(["sk_live", "rk_live", "sk_test"])}_${r.alnum(r.pick([24, 99]))}`,
  },
  { rule: "stripe-webhook-secret", env: "STRIPE_WEBHOOK_SECRET", make: (r) => `whsec_${r.alnum(32)}` },
  { rule: "npm-token", env: "NPM_TOKEN", make: (r) => `npm_${r.alnum(36)}` },
  {
    rule: "pypi-token",
    env: "PYPI_TOKEN",
    make: (r) => `pypi-AgEIcHlwaS5vcmc${r.b64url(r.int(60, 150))}`.replace(/[-_]$/, "Q"),
  },
  {
    rule: "openai-api-key",
    env: "OPENAI_API_KEY",
    make: (r) => `sk-proj-${r.b64url(74)}T3BlbkFJ${r.b64url(74)}`.replace(/[-_]$/, "A"),
  },
  { rule: "openai-api-key", env: "OPENAI_API_KEY", make: (r) => `sk-${r.alnum(20)}T3BlbkFJ${r.alnum(20)}` },
  { rule: "anthropic-api-key", env: "ANTHROPIC_API_KEY", make: (r) => `sk-ant-api03-${r.b64url(93)}AA` },
  { rule: "groq-api-key", env: "GROQ_API_KEY", make: (r) => `gsk_${r.alnum(52)}` },
  { rule: "huggingface-token", env: "HF_TOKEN", make: (r) => `hf_${r.str(UPPER + LOWER, 34)}` },
  { rule: "replicate-api-token", env: "REPLICATE_API_TOKEN", make: (r) => `r8_${r.alnum(37)}` },
  { rule: "perplexity-api-key", env: "PERPLEXITY_API_KEY", make: (r) => `pplx-${r.alnum(48)}` },
  { rule: "xai-api-key", env: "XAI_API_KEY", make: (r) => `xai-${r.alnum(80)}` },
  { rule: "openrouter-api-key", env: "OPENROUTER_API_KEY", make: (r) => `sk-or-v1-${r.hex(64)}` },
  { rule: "deepseek-api-key", env: "DEEPSEEK_API_KEY", make: (r) => `sk-${r.hex(32)}` },
  { rule: "sendgrid-api-key", env: "SENDGRID_API_KEY", make: (r) => `SG.${r.b64url(22)}.${r.b64url(43)}` },
  {
    rule: "shopify-token",
    env: "SHOPIFY_ACCESS_TOKEN",
    make: (r) => `${r.pick(["shpat", "shpss", "shpca"])}_${r.hex(32)}`,
  },
  { rule: "linear-api-key", env: "LINEAR_API_KEY", make: (r) => `lin_api_${r.alnum(40)}` },
  { rule: "notion-token", env: "NOTION_TOKEN", make: (r) => `ntn_${r.str(DIGITS, 11)}${r.alnum(35)}` },
  {
    rule: "vault-token",
    env: "VAULT_TOKEN",
    make: (r) => `hvs.${r.b64url(r.int(90, 110))}`.replace(/[-_]$/, "z"),
  },
  { rule: "vercel-token", env: "VERCEL_TOKEN", make: (r) => `vcp_${r.alnum(r.int(24, 56))}` },
  { rule: "databricks-token", env: "DATABRICKS_TOKEN", make: (r) => `dapi${r.hex(32)}` },
  {
    rule: "docker-hub-token",
    env: "DOCKERHUB_TOKEN",
    make: (r) => `dckr_pat_${r.b64url(27)}`.replace(/[-_]$/, "k"),
  },
  { rule: "figma-token", env: "FIGMA_TOKEN", make: (r) => `figd_${r.b64url(43)}`.replace(/[-_]$/, "p") },
  { rule: "cloudflare-token", env: "CLOUDFLARE_API_TOKEN", make: (r) => `cfut_${r.alnum(40)}${r.hex(8)}` },
  { rule: "tailscale-key", env: "TS_AUTHKEY", make: (r) => `tskey-auth-${r.alnum(12)}-${r.alnum(32)}` },
  { rule: "grafana-token", env: "GRAFANA_TOKEN", make: (r) => `glsa_${r.alnum(32)}_${r.hex(8)}` },
  { rule: "twilio-api-key", env: "TWILIO_API_KEY", make: (r) => `SK${r.hex(32)}` },
  {
    rule: "1password-service-account-token",
    env: "OP_SERVICE_ACCOUNT_TOKEN",
    make: (r) => {
      let json = `{"signInAddress":"${r.word()}.1password.com","userAuth":{"method":"SRPg-4096","alg":"PBES2g-HS256","iterations":650000,"salt":"${r.b64url(22)}"},"email":"${r.alnum(26).toLowerCase()}@1passwordserviceaccounts.com","srpX":"${r.hex(64)}"`;
      // Real tokens encode JSON whose length leaves the closing brace alone in the last base64 group ("fQ").
      while ((json.length + 1) % 3 !== 1) json += " ";
      return `ops_${Buffer.from(`${json}}`).toString("base64").replace(/=+$/, "")}`;
    },
  },
  {
    rule: "jwt",
    env: "SUPABASE_SERVICE_ROLE_KEY",
    make: (r) =>
      `${b64url('{"alg":"HS256","typ":"JWT"}')}.${b64url(`{"iss":"supabase","ref":"${r.str(LOWER, 20)}","role":"service_role","iat":${r.int(1.6e9, 1.75e9)},"exp":${r.int(1.9e9, 2.1e9)}}`)}.${r.b64url(43)}`,
  },
];

/** Credentials that only make sense inside a particular kind of line. */
const azureStorageKey = (r: Rand) => `${r.b64(86)}==`;
const azureSharedKey = (r: Rand) => `${r.b64(43)}=`;
const awsSecret = (r: Rand) => r.b64(40);
const password = (r: Rand) => r.str(`${ALNUM}-_.!`, r.int(14, 28)).replace(/^[-_.!]/, "Q");
const genericHex = (r: Rand) => r.hex(32);
const genericAlnum = (r: Rand) => r.alnum(r.int(32, 48));

// ---------------------------------------------------------------------------------------------
// Patches

type Op = " " | "+" | "-";
interface Item {
  op: Op;
  text: string;
  /** Rule of the credential this added line carries. */
  rule?: string;
}

const add = (text: string, rule?: string): Item => (rule ? { op: "+", text, rule } : { op: "+", text });
const ctx = (text: string): Item => ({ op: " ", text });
const del = (text: string): Item => ({ op: "-", text });

interface Built {
  patch: string;
  secrets: CorpusSecret[];
}

/** A patch of one hunk. A file made only of added lines is a new file, starting at line 1. */
function build(items: readonly Item[], newStart: number): Built {
  const isNew = items.every((i) => i.op === "+");
  const start = isNew ? 1 : newStart;
  const oldCount = items.filter((i) => i.op !== "+").length;
  const newCount = items.filter((i) => i.op !== "-").length;
  const oldStart = isNew ? 0 : start;
  let patch = `@@ -${oldStart},${oldCount} +${start},${newCount} @@`;
  const secrets: CorpusSecret[] = [];
  let line = start;
  for (const item of items) {
    patch += `\n${item.op}${item.text}`;
    if (item.op === "-") continue;
    if (item.rule && item.op === "+") secrets.push({ line, rule: item.rule });
    line++;
  }
  return { patch, secrets };
}

/** Either a new file (every kept line added) or a change in the middle of an existing one. */
function shapeAsChange(r: Rand, lines: readonly Item[]): Built {
  if (r.chance(0.45))
    return build(
      lines.filter((l) => l.op !== "-").map((l) => ({ ...l, op: "+" })),
      1,
    );
  return build(lines, r.int(2, 180));
}

// ---------------------------------------------------------------------------------------------
// Files that add a credential (positives)

interface Template {
  path: (r: Rand) => string;
  lines: (r: Rand, p: Provider, secret: string) => Item[];
}

const filler = {
  python: ["import os", "import logging", "", "logger = logging.getLogger(__name__)", "TIMEOUT_SECONDS = 30"],
  env: [
    "NODE_ENV=production",
    "PORT=8080",
    "LOG_LEVEL=info",
    "FEATURE_NEW_CHECKOUT=true",
    "REGION=eu-west-1",
  ],
  ts: [
    'import { createServer } from "node:http";',
    'import { logger } from "./logger.js";',
    "",
    "const port = Number(process.env.PORT ?? 3000);",
  ],
};

const TOKEN_TEMPLATES: readonly Template[] = [
  {
    path: (r) => `${r.word()}/config.py`,
    lines: (r, p, s) => [
      ctx(filler.python[0] ?? ""),
      ctx(filler.python[1] ?? ""),
      add(""),
      add(`${p.env} = "${s}"`, p.rule),
      add(`TIMEOUT_SECONDS = ${r.int(5, 90)}`),
    ],
  },
  {
    path: (r) => r.pick([".env.production", ".env", "deploy/.env.staging", "config/.env.local"]),
    lines: (r, p, s) => [
      ctx(r.pick(filler.env)),
      add(`${p.env}=${s}`, p.rule),
      ctx(r.pick(filler.env)),
      add(r.pick(filler.env)),
    ],
  },
  {
    path: (r) => `config/${r.word()}.settings.yaml`,
    lines: (r, p, s) => [
      ctx(`${r.word()}:`),
      ctx(`  endpoint: https://api.${r.word()}.example.com`),
      add(`  ${p.env.toLowerCase()}: ${s}`, p.rule),
      add(`  retries: ${r.int(1, 5)}`),
    ],
  },
  {
    path: (r) => `src/${r.word()}/client.ts`,
    lines: (r, p, s) => [
      ctx(filler.ts[0] ?? ""),
      ctx(""),
      add(`const ${r.word()}Client = createClient({`),
      add(`  apiKey: "${s}",`, p.rule),
      add(`  timeoutMs: ${r.int(1, 30) * 1000},`),
      add("});"),
    ],
  },
  {
    path: (r) => `scripts/${r.word()}-deploy.sh`,
    lines: (r, p, s) => [
      ctx("#!/usr/bin/env bash"),
      ctx("set -euo pipefail"),
      add(`export ${p.env}="${s}"`, p.rule),
      add(`./bin/deploy --env ${r.pick(["prod", "staging"])}`),
    ],
  },
  {
    path: () => "Dockerfile",
    lines: (r, p, s) => [
      ctx(`FROM node:${r.int(18, 22)}-alpine`),
      ctx("WORKDIR /app"),
      add(`ENV ${p.env}=${s}`, p.rule),
      ctx("COPY . ."),
    ],
  },
  {
    path: (r) => `notebooks/${r.word()}-exploration.ipynb`,
    lines: (_r, p, s) => [
      ctx('   "source": ['),
      add('    "import os\\n",'),
      add(`    "os.environ[\\"${p.env}\\"] = \\"${s}\\"\\n",`, p.rule),
      ctx('    "client = Client()\\n"'),
    ],
  },
  {
    path: (r) => `cmd/${r.word()}/main.go`,
    lines: (_r, p, s) => [
      ctx("package main"),
      ctx(""),
      add("const ("),
      add(`\t${p.env.toLowerCase().replace(/_(\w)/g, (_m, c: string) => c.toUpperCase())} = "${s}"`, p.rule),
      add(")"),
    ],
  },
  {
    path: (r) => `src/main/java/com/acme/${r.word()}/Config.java`,
    lines: (_r, p, s) => [
      ctx("public final class Config {"),
      add(`    private static final String ${p.env} = "${s}";`, p.rule),
      ctx("}"),
    ],
  },
  {
    path: (r) => `.github/workflows/${r.word()}.yml`,
    lines: (_r, p, s) => [
      ctx("    steps:"),
      ctx("      - uses: actions/checkout@v4"),
      add("      - run: ./release.sh"),
      add("        env:"),
      add(`          ${p.env}: ${s}`, p.rule),
    ],
  },
  {
    path: (r) => `tests/test_${r.word()}_integration.py`,
    lines: (r, p, s) => [
      ctx("import pytest"),
      ctx(""),
      add(`def test_${r.word()}_roundtrip():`),
      add(`    client = Client(token="${s}")`, p.rule),
      add("    assert client.ping()"),
    ],
  },
  {
    path: (r) => `docs/${r.word()}-setup.md`,
    lines: (r, p, s) => [
      ctx(`## Connecting to ${r.word()}`),
      ctx(""),
      add("Run this once on the build box:"),
      add(""),
      add(`    export ${p.env}=${s}`, p.rule),
    ],
  },
  {
    path: (r) => `k8s/${r.word()}-secret.yaml`,
    lines: (r, p, s) => [
      ctx("apiVersion: v1"),
      ctx("kind: Secret"),
      ctx("metadata:"),
      ctx(`  name: ${r.word()}`),
      add("stringData:"),
      add(`  ${p.env}: "${s}"`, p.rule),
    ],
  },
];

function specialPositive(r: Rand): { path: string; items: Item[] } {
  const kind = r.int(0, 11);
  const svc = r.word();
  switch (kind) {
    case 0: {
      // A private key file.
      const type = r.pick(["RSA ", "EC ", "OPENSSH ", ""]);
      const body = Array.from({ length: r.int(4, 9) }, () => add(r.b64(64)));
      return {
        path: r.pick([`deploy/${svc}_id_rsa`, `certs/${svc}.key`, `ssl/${svc}-server.pem`]),
        items: [
          add(`-----BEGIN ${type}PRIVATE KEY-----`, "private-key"),
          add(`MII${r.b64(61)}`),
          ...body,
          add(`-----END ${type}PRIVATE KEY-----`),
        ],
      };
    }
    case 1: {
      // A GCP service account key file.
      const project = `${svc}-${r.int(100000, 999999)}`;
      return {
        path: `secrets/${project}.json`,
        items: [
          add("{"),
          add('  "type": "service_account",'),
          add(`  "project_id": "${project}",`),
          add(`  "private_key_id": "${r.hex(40)}",`),
          add(
            `  "private_key": "-----BEGIN PRIVATE KEY-----\\nMIIEv${r.b64(120)}\\n${r.b64(64)}\\n-----END PRIVATE KEY-----\\n",`,
            "private-key",
          ),
          add(`  "client_email": "${svc}@${project}.iam.gserviceaccount.com",`),
          add(`  "client_id": "${r.str(DIGITS, 21)}"`),
          add("}"),
        ],
      };
    }
    case 2:
      return {
        path: "appsettings.Production.json",
        items: [
          ctx("{"),
          ctx('  "ConnectionStrings": {'),
          add(
            `    "Storage": "DefaultEndpointsProtocol=https;AccountName=${svc}${r.int(10, 99)};AccountKey=${azureStorageKey(r)};EndpointSuffix=core.windows.net",`,
            "azure-storage-account-key",
          ),
          add(
            `    "Bus": "Endpoint=sb://${svc}.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=${azureSharedKey(r)}"`,
            "azure-shared-access-key",
          ),
          ctx("  }"),
        ],
      };
    case 3:
      return {
        path: `src/${svc}/blob.ts`,
        items: [
          ctx('import { BlobServiceClient } from "@azure/storage-blob";'),
          add(
            `const sasUrl = "https://${svc}store.blob.core.windows.net/uploads?sv=2022-11-02&ss=b&srt=co&sp=rwdlac&se=2026-12-31T00:00:00Z&st=2025-01-01T00:00:00Z&spr=https&sig=${encodeURIComponent(r.b64(43))}%3D";`,
            "azure-sas-token",
          ),
          add("const client = new BlobServiceClient(sasUrl);"),
        ],
      };
    case 4: {
      const scheme = r.pick(["postgres", "postgresql", "mysql", "mongodb+srv", "rediss", "amqps"]);
      const host =
        scheme === "mongodb+srv"
          ? `${svc}.${r.alnum(5).toLowerCase()}.mongodb.net`
          : `${svc}-db.internal.acme.io`;
      return {
        path: r.pick(["docker-compose.prod.yml", `deploy/${svc}.env`, `config/database.yml`]),
        items: [
          ctx(`  ${svc}:`),
          ctx("    environment:"),
          add(
            `      - DATABASE_URL=${scheme}://${svc}_app:${password(r)}@${host}/${svc}`,
            "database-url-password",
          ),
          ctx("    restart: always"),
        ],
      };
    }
    case 5:
      return {
        path: `src/main/resources/application-prod.properties`,
        items: [
          ctx("server.port=8080"),
          add(`spring.datasource.url=jdbc:postgresql://${svc}-db.internal:5432/${svc}`),
          add(`spring.datasource.username=${svc}`),
          add(`spring.datasource.password=${password(r)}`, "generic-secret-assignment"),
        ],
      };
    case 6:
      return {
        path: "terraform/providers.tf",
        items: [
          add('provider "aws" {'),
          add(`  region     = "${r.pick(["eu-west-1", "us-east-1", "ap-south-1"])}"`),
          add(`  access_key = "AKIA${r.str(BASE32, 16)}"`, "aws-access-key-id"),
          add(`  secret_key = "${awsSecret(r)}"`, "generic-secret-assignment"),
          add("}"),
        ],
      };
    case 7:
      return {
        path: r.pick([".env", "ops/aws.env", ".aws/credentials"]),
        items: [
          add("[default]"),
          add(`aws_access_key_id = AKIA${r.str(BASE32, 16)}`, "aws-access-key-id"),
          add(`aws_secret_access_key = ${awsSecret(r)}`, "aws-secret-access-key"),
        ],
      };
    case 8:
      return {
        path: `src/${svc}/notify.py`,
        items: [
          ctx("import requests"),
          add(
            `WEBHOOK = "https://hooks.slack.com/services/T${r.str(UPPER + DIGITS, 9)}/B${r.str(UPPER + DIGITS, 10)}/${r.alnum(24)}"`,
            "slack-webhook-url",
          ),
          add("requests.post(WEBHOOK, json={'text': message})"),
        ],
      };
    case 9:
      return {
        path: `scripts/${svc}-smoke.sh`,
        items: [
          ctx("#!/bin/sh"),
          add(
            `curl -fsS -H "Authorization: Bearer ${r.b64url(r.int(40, 64))}" https://api.${svc}.acme.io/v1/health`,
            "bearer-token",
          ),
        ],
      };
    case 10:
      return {
        path: ".npmrc",
        items: [
          add("registry=https://npm.acme.io/"),
          add(`//npm.acme.io/:_authToken=${r.uuid()}`, "npm-auth-token"),
          add("always-auth=true"),
        ],
      };
    default: {
      const name = r.pick([
        "SECRET_KEY",
        "JWT_SECRET",
        "SESSION_SECRET",
        "DATADOG_API_KEY",
        "MISTRAL_API_KEY",
        "client_secret",
        "signingKey",
        "ALGOLIA_ADMIN_API_KEY",
      ]);
      const value = r.chance(0.5) ? genericHex(r) : genericAlnum(r);
      return {
        path: r.pick([`settings/${svc}.py`, `config/${svc}.toml`, `src/${svc}/config.ts`]),
        items: [
          ctx("# service settings"),
          add(`${name} = "${value}"`, "generic-secret-assignment"),
          ctx(`DEBUG = ${r.pick(["False", "false"])}`),
        ],
      };
    }
  }
}

function positiveEntry(r: Rand, index: number): { path: string; built: Built } {
  // Every provider appears several times; a share of the entries uses context-specific formats.
  if (index % 4 === 3) {
    const { path, items } = specialPositive(r);
    return { path, built: build(items, r.int(2, 120)) };
  }
  const p = PROVIDERS[index % PROVIDERS.length] ?? PROVIDERS[0];
  if (!p) throw new Error("no providers");
  const t = r.pick(TOKEN_TEMPLATES);
  const lines = t.lines(r, p, p.make(r));
  // Some changes also drop an old credential: removed lines never count.
  if (r.chance(0.2)) lines.splice(1, 0, del(`${p.env}=${p.make(r)}`));
  return { path: t.path(r), built: shapeAsChange(r, lines) };
}

// ---------------------------------------------------------------------------------------------
// Files that only look dangerous (negatives)

const NEGATIVES: readonly ((r: Rand) => { path: string; items: Item[] })[] = [
  // Lockfile integrity strings.
  (r) => {
    const pkg = r.pick(["lodash", "chalk", "zod", "undici", "yaml", "semver", "debug", "ms"]);
    const v = `${r.int(1, 9)}.${r.int(0, 20)}.${r.int(0, 30)}`;
    return {
      path: "package-lock.json",
      items: [
        ctx(`    "node_modules/${pkg}": {`),
        add(`      "version": "${v}",`),
        add(`      "resolved": "https://registry.npmjs.org/${pkg}/-/${pkg}-${v}.tgz",`),
        add(`      "integrity": "sha512-${r.b64(86)}==",`),
        ctx('      "license": "MIT"'),
      ],
    };
  },
  // go.sum hashes.
  (r) => {
    const mod = `github.com/${r.word()}/${r.word()}`;
    const v = `v${r.int(0, 3)}.${r.int(0, 40)}.${r.int(0, 9)}`;
    return {
      path: "go.sum",
      items: [add(`${mod} ${v} h1:${r.b64(43)}=`), add(`${mod} ${v}/go.mod h1:${r.b64(43)}=`)],
    };
  },
  // yarn / Cargo / pip lock checksums.
  (r) => ({
    path: r.pick(["yarn.lock", "Cargo.lock", "poetry.lock"]),
    items: [
      ctx(`[[package]]`),
      add(`name = "${r.word()}"`),
      add(`version = "0.${r.int(1, 30)}.${r.int(0, 9)}"`),
      add(`checksum = "${r.hex(64)}"`),
    ],
  }),
  // Images inlined as base64.
  (r) => ({
    path: `web/styles/${r.word()}.css`,
    items: [
      ctx(`.${r.word()}-icon {`),
      add(
        `  background-image: url("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAABAAAAAQ${r.b64(r.int(120, 360))}=");`,
      ),
      ctx("}"),
    ],
  }),
  (r) => ({
    path: `web/${r.word()}.html`,
    items: [
      add(
        `<img alt="logo" src="data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIHZpZXdCb3g9IjAgMCAy${r.b64(r.int(80, 240))}" />`,
      ),
    ],
  }),
  // UUIDs and identifiers.
  (r) => ({
    path: `src/${r.word()}/ids.ts`,
    items: [
      add(`export const TENANT_ID = "${r.uuid()}";`),
      add(`export const CLIENT_ID = "${r.uuid()}";`),
      add(`const requestId = "${r.uuid()}";`),
    ],
  }),
  (r) => ({
    path: `infra/${r.word()}.tfvars`,
    items: [
      add(`subscription_id = "${r.uuid()}"`),
      add(`tenant_id       = "${r.uuid()}"`),
      add(`aws_account_id  = "${r.str(DIGITS, 12)}"`),
    ],
  }),
  // Git SHAs: pinned actions, revisions.
  (r) => ({
    path: `.github/workflows/${r.word()}.yml`,
    items: [
      ctx("    steps:"),
      add(`      - uses: actions/checkout@${r.hex(40)} # v4.2.2`),
      add(`      - uses: actions/setup-node@${r.hex(40)} # v4`),
      ctx("        with:"),
    ],
  }),
  (r) => ({
    path: "flake.lock",
    items: [
      add('      "locked": {'),
      add(`        "narHash": "sha256-${r.b64(43)}=",`),
      add(`        "rev": "${r.hex(40)}",`),
      add('        "type": "github"'),
    ],
  }),
  // sha256 checksums.
  (r) => ({
    path: "Dockerfile",
    items: [
      ctx("FROM debian:bookworm-slim"),
      add(`ARG TOOL_SHA256=${r.hex(64)}`),
      add(`RUN curl -fsSLo /tmp/tool.tgz https://releases.acme.io/tool-${r.int(1, 3)}.${r.int(0, 9)}.tgz \\`),
      add(`  && echo "${r.hex(64)}  /tmp/tool.tgz" | sha256sum -c -`),
    ],
  }),
  // Documented example keys and placeholders.
  (r) => ({
    path: `docs/${r.word()}.md`,
    items: [
      add("```bash"),
      add("export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE"),
      add("export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
      add(`export ${r.pick(["OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GROQ_API_KEY"])}="<your-api-key>"`),
      add("```"),
    ],
  }),
  (r) => ({
    path: ".env.example",
    items: [
      add(`STRIPE_SECRET_KEY=sk_live_${r.pick(["your_key_here", "xxxxxxxxxxxxxxxxxxxxxxxx", "REPLACE_ME"])}`),
      add("GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
      add(`OPENAI_API_KEY=${r.pick(["sk-...", "sk-your-key", "your-api-key-here"])}`),
      add("DATABASE_URL=postgres://user:password@localhost:5432/app"),
    ],
  }),
  (r) => ({
    path: `README.md`,
    items: [
      add("Point the client at your workspace:"),
      add(""),
      add(`    SLACK_WEBHOOK=https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX`),
      add(`    stripe.api_key = "sk_test_4eC39HqLyjWDarjtT1zdp7dc"`),
      add(`Token lifetime is ${r.int(1, 24)} hours.`),
    ],
  }),
  (r) => ({
    path: `docs/auth.md`,
    items: [
      add("Example token from jwt.io:"),
      add(
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
      ),
      add(`Send it as \`Authorization: Bearer <token>\` on every request to /${r.word()}.`),
    ],
  }),
  (r) => ({
    path: `docs/keys.md`,
    items: [
      add("Your key file looks like:"),
      add("    -----BEGIN RSA PRIVATE KEY-----"),
      add("    ..."),
      add("    -----END RSA PRIVATE KEY-----"),
      add(`Store it in ${r.word()}.`),
    ],
  }),
  // Test fixtures with obvious fakes.
  (r) => ({
    path: `tests/test_${r.word()}.py`,
    items: [
      add(`def test_login_${r.word()}(client):`),
      add(
        `    resp = client.post("/login", data={"username": "alice", "password": "${r.pick(["password123", "test-password", "hunter2", "s3cret"])}"})`,
      ),
      add(`    token = "${r.pick(["test-token", "fake-token", "dummy_token_value", "not-a-real-token"])}"`),
      add("    assert resp.status_code == 200"),
    ],
  }),
  (r) => ({
    path: `src/${r.word()}/__tests__/auth.test.ts`,
    items: [
      add(`const FAKE_TOKEN = "ghp_" + "x".repeat(36);`),
      add(`const apiKey = "${r.pick(["test_api_key", "fake-api-key-for-tests", "mock-key"])}";`),
      add(`expect(redact("${r.pick(["sk_live_", "AKIA", "xoxb-"])}")).toBe("…");`),
    ],
  }),
  // References to secrets kept elsewhere.
  (r) => ({
    path: `src/${r.word()}/settings.py`,
    items: [
      add('DB_PASSWORD = os.environ["DB_PASSWORD"]'),
      add(`API_KEY = os.getenv("${r.pick(["OPENAI_API_KEY", "STRIPE_SECRET_KEY", "SENDGRID_API_KEY"])}")`),
      add("SECRET_KEY = config('SECRET_KEY')"),
      add(`token = get_secret("${r.word()}/token")`),
    ],
  }),
  (r) => ({
    path: `src/${r.word()}.ts`,
    items: [
      add("const apiKey = process.env.OPENAI_API_KEY;"),
      add(`const token = await getInstallationToken(${r.int(1000, 99999)});`),
      add("headers.Authorization = `Bearer ${token}`;"),
      add("const password = config.get<string>('db.password');"),
    ],
  }),
  (r) => ({
    path: `.github/workflows/${r.word()}.yml`,
    items: [
      ctx("        env:"),
      add("          NPM_TOKEN: ${{ secrets.NPM_TOKEN }}"),
      add("          GH_TOKEN: ${{ github.token }}"),
      add(`          AWS_ROLE: arn:aws:iam::${r.str(DIGITS, 12)}:role/${r.word()}-deploy`),
    ],
  }),
  (r) => ({
    path: `charts/${r.word()}/templates/secret.yaml`,
    items: [
      ctx("stringData:"),
      add("  password: {{ .Values.db.password | quote }}"),
      add('  api-key: {{ required "apiKey" .Values.apiKey }}'),
      add("  DATABASE_URL: postgres://app:${DB_PASSWORD}@db:5432/app"),
    ],
  }),
  (r) => ({
    path: "config/secrets.yml",
    items: [
      add("production:"),
      add('  secret_key_base: <%= ENV["SECRET_KEY_BASE"] %>'),
      add(`  ${r.word()}_api_key: <%= ENV.fetch("${r.word().toUpperCase()}_API_KEY") %>`),
    ],
  }),
  (r) => ({
    path: `infra/${r.word()}.tf`,
    items: [
      add(`provider "${r.pick(["aws", "github", "datadog"])}" {`),
      add("  token   = var.token"),
      add("  api_key = data.aws_ssm_parameter.api_key.value"),
      add("}"),
    ],
  }),
  (r) => ({
    path: ".npmrc",
    items: [
      add("//registry.npmjs.org/:_authToken=${NPM_TOKEN}"),
      add(`@${r.word()}:registry=https://npm.pkg.github.com`),
    ],
  }),
  // Public keys and certificates.
  (r) => ({
    path: `src/${r.word()}/stripe.ts`,
    items: [
      add(`const stripe = loadStripe("pk_live_${r.alnum(99)}");`),
      add(`const publishableKey = "pk_test_${r.alnum(24)}";`),
    ],
  }),
  (r) => ({
    path: `deploy/authorized_keys`,
    items: [
      add(`ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${r.b64(43)} ${r.word()}@acme.io`),
      add(`ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ${r.b64(200)} deploy@${r.word()}`),
    ],
  }),
  (r) => ({
    path: `certs/${r.word()}-ca.pem`,
    items: [
      add("-----BEGIN CERTIFICATE-----"),
      add(`MIID${r.b64(60)}`),
      add(r.b64(64)),
      add("-----END CERTIFICATE-----"),
    ],
  }),
  (r) => ({
    path: `keys/${r.word()}.pub.pem`,
    items: [
      add("-----BEGIN PUBLIC KEY-----"),
      add(`MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA${r.b64(20)}`),
      add("-----END PUBLIC KEY-----"),
    ],
  }),
  // High-entropy values under names that are not secrets.
  (r) => ({
    path: `src/${r.word()}/cache.py`,
    items: [
      add(`CACHE_KEY = "${r.hex(40)}"`),
      add(`etag = "${r.hex(32)}"`),
      add(`idempotency_key = "${r.uuid()}"`),
      add(`commit_sha = "${r.hex(40)}"`),
    ],
  }),
  (r) => ({
    path: `src/${r.word()}/fixtures.json`,
    items: [
      add(`  "sha256": "${r.hex(64)}",`),
      add(`  "nonce": "${r.b64(24)}",`),
      add(`  "password_hash": "$2b$12$${r.str(`${ALNUM}./`, 53)}",`),
      add(`  "token_type": "Bearer",`),
    ],
  }),
  // Words that contain secret-ish names.
  (r) => ({
    path: `ml/${r.word()}_train.py`,
    items: [
      add(
        `tokenizer = AutoTokenizer.from_pretrained("${r.pick(["bert-base-uncased", "gpt2", "t5-small"])}")`,
      ),
      add(`response = client.chat.completions.create(model="gpt-4o", max_tokens=${r.int(64, 4096)})`),
      add("path = hf_hub_download(repo_id=repo, filename='model.safetensors')"),
      add(`password_reset_url = "https://${r.word()}.acme.io/reset"`),
    ],
  }),
  (r) => ({
    path: `web/${r.word()}.css`,
    items: [
      add(".sk-circle { animation: sk-bounce 1.2s infinite; }"),
      add(`.task-${r.word()} { color: #${r.hex(6)}; }`),
    ],
  }),
  // Connection strings without a real password.
  (r) => ({
    path: "docker-compose.yml",
    items: [
      add("    environment:"),
      add(`      - DATABASE_URL=postgres://postgres:postgres@localhost:5432/${r.word()}_test`),
      add("      - REDIS_URL=redis://redis:6379/0"),
      add("      - AMQP_URL=amqp://guest:guest@rabbitmq:5672/"),
      add(`      - MONGO_URL=mongodb://mongo:27017/${r.word()}`),
    ],
  }),
  (r) => ({
    path: `src/${r.word()}/sentry.ts`,
    items: [
      add(
        `Sentry.init({ dsn: "https://${r.hex(32)}@o${r.int(100000, 999999)}.ingest.sentry.io/${r.int(1000000, 9999999)}" });`,
      ),
    ],
  }),
  // Credentials that this change removes, or that only appear as context: not added here.
  (r) => {
    const p = r.pick(PROVIDERS);
    return {
      path: `src/${r.word()}/legacy.py`,
      items: [
        ctx("import os"),
        del(`${p.env} = "${p.make(r)}"`),
        add(`${p.env} = os.environ["${p.env}"]`),
        ctx(""),
      ],
    };
  },
  (r) => {
    const p = r.pick(PROVIDERS);
    return {
      path: `scripts/${r.word()}.sh`,
      items: [ctx(`export ${p.env}=${p.make(r)}`), add(`echo "deploying ${r.word()}"`), ctx("./deploy")],
    };
  },
];

function negativeEntry(r: Rand, index: number): { path: string; built: Built } {
  const make = NEGATIVES[index % NEGATIVES.length] ?? NEGATIVES[0];
  if (!make) throw new Error("no negatives");
  const { path, items } = make(r);
  const newStart = items.every((i) => i.op === "+") ? 1 : r.int(2, 200);
  return { path, built: build(items, newStart) };
}

// ---------------------------------------------------------------------------------------------

export function generateCorpus(): CorpusEntry[] {
  const r = new Rand(SEED);
  const entries: CorpusEntry[] = [];
  for (let i = 0; i < POSITIVE_ENTRIES; i++) {
    const { path, built } = positiveEntry(r, i);
    entries.push({
      id: `pos-${String(i).padStart(4, "0")}`,
      path,
      patch: built.patch,
      secrets: built.secrets,
    });
  }
  for (let i = 0; i < NEGATIVE_ENTRIES; i++) {
    const { path, built } = negativeEntry(r, i);
    entries.push({
      id: `neg-${String(i).padStart(4, "0")}`,
      path,
      patch: built.patch,
      secrets: built.secrets,
    });
  }
  return entries;
}

export function serializeCorpus(entries: readonly CorpusEntry[]): string {
  return `${entries.map((e) => JSON.stringify(e)).join("\n")}\n`;
}

export const CORPUS_PATH = fileURLToPath(new URL("./corpus.jsonl", import.meta.url));

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const entries = generateCorpus();
  writeFileSync(CORPUS_PATH, serializeCorpus(entries));
  const secrets = entries.reduce((n, e) => n + e.secrets.length, 0);
  const negatives = entries.filter((e) => e.secrets.length === 0).length;
  console.log(
    `wrote ${entries.length} entries (${secrets} secrets, ${negatives} negative files) to ${CORPUS_PATH}`,
  );
}
