/**
 * `agent-policy explain`: evaluate a live PR with a token, read only — no check run, no actions —
 * and print the check run the app would write. A dry run before installing the app.
 */
import { decide } from "../app/decide.js";
import { PolicyCache } from "../app/policies.js";
import { createPeopleCaches } from "../github/gather.js";
import { renderDecision } from "../report/render.js";
import { githubClient } from "./github-client.js";

export interface ExplainOptions {
  owner: string;
  repo: string;
  number: number;
  token: string;
  apiUrl?: string;
}

export async function explain(o: ExplainOptions): Promise<{ text: string; code: number }> {
  const octokit = await githubClient(o.token, o.apiUrl);
  const outcome = await decide(
    octokit,
    { owner: o.owner, repo: o.repo, number: o.number },
    { appSlug: async () => "agent-policy", policies: new PolicyCache(), people: createPeopleCaches() },
  );
  if (!outcome.ok) {
    return { text: `${outcome.headline}\n${outcome.reasons.map((r) => `- ${r}`).join("\n")}`, code: 1 };
  }
  const out = renderDecision(outcome.decision);
  const verdict = outcome.decision.verdict;
  return {
    text: [`agent-policy: ${verdict} — ${out.title}`, "", out.summary].join("\n"),
    code: verdict === "success" ? 0 : 1,
  };
}
