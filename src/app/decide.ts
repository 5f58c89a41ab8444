/**
 * Read a PR's current state and decide it: read → policy → REST timeline (App attribution and
 * Copilot's requester, only when they could matter) → patches (cached per base and head) and whole
 * workflow and package files → people → evaluate.
 * Read-only; shared by the app's pipeline (which then writes and enforces) and by
 * `agent-policy explain` (which only prints). Never throws: a fault names the stage it hit.
 */
import type { ProbotOctokit } from "probot";
import { needsRestTimeline } from "../engine/attribution.js";
import type { Decision } from "../engine/decision.js";
import { evaluate, lookupsNeeded, needsPatches, wholeFilesNeeded } from "../engine/evaluate.js";
import { errorReason } from "../github/enforce.js";
import {
  fetchPatches,
  fetchWholeFiles,
  GatherError,
  type Gathered,
  lookupPeople,
  type PeopleCaches,
  type PrTarget,
  policyFetcher,
  readAppAttribution,
  readPullRequest,
} from "../github/gather.js";
import { type Fault, faultHeadline, faultOf } from "../github/gather-errors.js";
import { formatPolicyError } from "../policy/index.js";
import type { Policy } from "../policy/model.js";
import type { PolicyCache } from "./policies.js";

type Octokit = InstanceType<typeof ProbotOctokit>;

export type Stage = "read" | "policy" | "files" | "people" | "evaluate";

export const STAGE_HEADLINE: Record<Stage, string> = {
  read: "Could not read the pull request",
  policy: "Invalid agent-policy configuration",
  files: "Could not read the changed files",
  people: "Could not look up reviewers' permissions and teams",
  evaluate: "Could not evaluate the pull request",
};

export interface DecideEnv {
  /** Our App's slug, how the gatherer recognises our own check run and comment. */
  appSlug: () => Promise<string>;
  policies: PolicyCache;
  people: PeopleCaches;
}

export interface DecideFailure {
  ok: false;
  stage: Stage;
  headline: string;
  reasons: string[];
  /** GitHub's or the network's fault, when that is why (trying again later may then succeed). */
  fault: Fault | null;
  gathered: Gathered | null;
  policySource: string | null;
}

export type Decided =
  | {
      ok: true;
      decision: Decision;
      /** The policy it was decided under (a deployment's review reads its `deployments` gates). */
      policy: Policy;
      gathered: Gathered;
      labels: string[];
      autoMergeOn: boolean;
      policySource: string;
    }
  | DecideFailure;

export async function decide(
  octokit: Octokit,
  target: PrTarget,
  env: DecideEnv,
  onStage?: (s: Stage) => void,
): Promise<Decided> {
  const at: { stage: Stage } = { stage: "read" };
  let gathered: Gathered | null = null;
  let policySource: string | null = null;
  const enter = (s: Stage) => {
    at.stage = s;
    onStage?.(s);
  };
  const fail = (
    reasons: string[],
    fault: Fault | null = null,
    headline = STAGE_HEADLINE[at.stage],
  ): DecideFailure => ({
    ok: false,
    stage: at.stage,
    headline: faultHeadline(fault, headline),
    reasons,
    fault,
    gathered,
    policySource,
  });

  try {
    enter("read");
    gathered = await readPullRequest(octokit, target, { appSlug: await env.appSlug() });

    enter("policy");
    policySource = gathered.policyFile?.source ?? "built-in default policy";
    const loaded = await env.policies.resolve(
      gathered.policyKey,
      gathered.policyFile,
      policyFetcher(octokit),
      `${target.owner}/${target.repo}`,
    );
    if (!loaded.ok) return fail(loaded.errors.map((e) => formatPolicyError(e)));
    const policy = loaded.policy;
    policySource = policy.source;

    let facts = gathered.facts;
    if (needsRestTimeline(policy, facts)) {
      // Only the REST timeline says whether a person's label or command was made by an App with
      // their token, and who started Copilot's work; read it only when that could change the decision.
      enter("read");
      facts = await readAppAttribution(octokit, target, facts);
    }
    if (needsPatches(facts)) {
      enter("files");
      facts = await fetchPatches(octokit, target, facts);
      const whole = wholeFilesNeeded(policy, facts);
      if (whole.length > 0) facts = await fetchWholeFiles(octokit, target, facts, whole);
    }
    const { logins, teams } = lookupsNeeded(policy, facts);
    if (logins.length > 0 || teams.length > 0) {
      enter("people");
      const people = await lookupPeople(octokit, target, logins, teams, env.people);
      facts = { ...facts, people: { ...facts.people, ...people } };
    }

    enter("evaluate");
    const decision = evaluate(policy, facts);
    return {
      ok: true,
      decision,
      policy,
      gathered,
      labels: facts.labels,
      autoMergeOn: facts.autoMerge !== null,
      policySource,
    };
  } catch (error) {
    const fault = faultOf(error);
    // A fault while reading the policy or fetching an `_extends` base is GitHub's, not an invalid policy.
    const headline = at.stage === "policy" ? "Could not load the policy" : STAGE_HEADLINE[at.stage];
    return fail([error instanceof GatherError ? error.reason : errorReason(error)], fault, headline);
  }
}
