/** Real webhook payloads from @octokit/webhooks-examples, deep-copied and adapted per test. */
import examples from "@octokit/webhooks-examples" with { type: "json" };

/** Webhook payloads and API bodies are free-form JSON that tests reach into and rewrite. */
// biome-ignore lint/suspicious/noExplicitAny: tests index arbitrarily deep into GitHub's JSON
export type Json = Record<string, any>;
type Payload = Json;

/** The first example of `name` (with `action`) that has an installation; copied so tests may change it. */
export function example(name: string, action?: string, installation = 1): Payload {
  const def = (examples as unknown as { name: string; examples: Payload[] }[]).find((d) => d.name === name);
  const found = def?.examples.filter((e) => action === undefined || e.action === action) ?? [];
  const chosen = found.find((e) => e.installation) ?? found[0];
  if (!chosen) throw new Error(`no webhooks-example for ${name}${action ? `.${action}` : ""}`);
  const copy = structuredClone(chosen);
  copy.installation = { id: installation };
  return copy;
}

export const OWNER = "Codertocat";
export const REPO = "Hello-World";
export const REPO_ID = 186853002;
export const HEAD = "ec26c3e57ca3a959ca5aad62de7213c562f8c821";

/** A `pull_request` payload for PR #`number` of Codertocat/Hello-World at `head`. */
export function pullRequestEvent(
  action: string,
  opts: { number?: number; head?: string; installation?: number } = {},
): Payload {
  const p = example("pull_request", action, opts.installation);
  const number = opts.number ?? 2;
  p.number = number;
  p.pull_request.number = number;
  p.pull_request.html_url = `https://github.com/${OWNER}/${REPO}/pull/${number}`;
  p.pull_request.head.sha = opts.head ?? HEAD;
  return p;
}
