/**
 * Turns a webhook into what the app should do about it, without any API call, so the webhook
 * is acknowledged at once. Only the fields used are validated; a payload missing them becomes an
 * `ignore` with the reason, never an exception.
 */
import { z } from "zod";
import type { DeploymentRequest } from "../engine/deployment.js";
import type { Actor } from "../facts/model.js";
import { parseExternalId } from "../github/external-id.js";
import type { PrTarget } from "../github/gather.js";
import { DEFAULT_POLICY_PATH as POLICY_PATH } from "../policy/index.js";

/** What the event already tells about the PR, used when GitHub cannot be read. */
export interface Hint {
  headSha?: string;
  htmlUrl?: string;
}

interface Where {
  installation: number;
  owner: string;
  repo: string;
}

export type Intent =
  | { kind: "evaluate"; where: Where; target: PrTarget; hint: Hint }
  /** PRs of a commit, for check and status events that do not list them (fork PRs). */
  | { kind: "evaluate_by_sha"; where: Where; sha: string }
  | { kind: "reevaluate_if_writer"; where: Where; target: PrTarget; hint: Hint; sender: string }
  /** Post the PR's verdict on the merge group's head; `number` null when the group's ref cannot be parsed. */
  | { kind: "merge_group"; where: Where; groupSha: string; number: number | null; problem: string | null }
  /**
   * A push to the default branch: `touched` are the paths it changed; `policyChanged` says why the
   * repository's own policy file changed, or that the push cannot be inspected (then null means no).
   */
  | { kind: "default_branch_push"; where: Where; touched: string[]; policyChanged: string | null }
  /** A deployment waits on this app's protection rule; `runId` null when the callback names no run of this repository. */
  | {
      kind: "deployment";
      where: Where;
      request: DeploymentRequest;
      runId: number | null;
      callbackUrl: string;
    }
  /** Branch protection or a ruleset changed: what the check run says about enforcement is stale. */
  | { kind: "protection_changed"; where: Where; wholeOwner: boolean }
  | { kind: "ignore"; reason: string };

/** GitHub lists at most this many commits in a push payload; a longer push cannot be inspected. */
const PUSH_COMMIT_LIMIT = 2048;

const Sha = z.string().regex(/^[0-9a-f]{40}([0-9a-f]{24})?$/);
const Num = z.number().int().positive();
const Base = z.object({
  installation: z.object({ id: Num }),
  repository: z.object({ id: Num, name: z.string().min(1), owner: z.object({ login: z.string().min(1) }) }),
});
const PullList = z.array(z.object({ number: Num, base: z.object({ repo: z.object({ id: Num }) }) }));
const AppRef = z.object({ id: Num }).nullable().optional();
const Account = z.object({
  login: z.string().min(1),
  type: z.string().optional(),
  id: z.number().optional(),
});

const schemas = {
  pull_request: Base.extend({
    pull_request: z.object({ number: Num, html_url: z.string(), head: z.object({ sha: Sha }) }),
  }),
  issue_comment: Base.extend({
    issue: z.object({ number: Num, pull_request: z.object({ html_url: z.string() }).nullable().optional() }),
    comment: z.object({ performed_via_github_app: AppRef }).optional(),
  }),
  check_run: Base.extend({
    check_run: z.object({
      head_sha: Sha,
      external_id: z.string().nullable().optional(),
      app: AppRef,
      pull_requests: PullList,
    }),
    requested_action: z.object({ identifier: z.string() }).nullable().optional(),
    sender: z.object({ login: z.string().min(1) }),
  }),
  check_suite: Base.extend({
    check_suite: z.object({ head_sha: Sha, app: AppRef, pull_requests: PullList }),
  }),
  status: Base.extend({ sha: Sha }),
  deployment_protection_rule: Base.extend({
    environment: z.string().min(1).max(255),
    event: z.string().nullable().optional(),
    sha: Sha,
    deployment_callback_url: z.string().min(1).max(2048),
    deployment: z
      .object({ id: Num.optional(), creator: Account.nullable().optional() })
      .nullable()
      .optional(),
    sender: Account.nullable().optional(),
  }),
  branch_protection_rule: Base,
  // An organisation's ruleset event names the organisation and may have no repository.
  repository_ruleset: Base.omit({ repository: true }).extend({
    repository: Base.shape.repository.optional(),
    organization: z.object({ login: z.string().min(1) }).optional(),
  }),
  merge_group: Base.extend({ merge_group: z.object({ head_sha: Sha, head_ref: z.string() }) }),
  push: Base.extend({
    ref: z.string(),
    forced: z.boolean().optional(),
    deleted: z.boolean().optional(),
    repository: Base.shape.repository.extend({ default_branch: z.string().min(1) }),
    commits: z.array(
      z.object({
        added: z.array(z.string()).optional(),
        modified: z.array(z.string()).optional(),
        removed: z.array(z.string()).optional(),
      }),
    ),
  }),
};

export type EventName = keyof typeof schemas | "pull_request_review";

/**
 * @param event webhook name ("pull_request"), action ("opened") and payload
 * @param ownAppId our App id: our own check runs and suites must not trigger evaluations (loops)
 */
export function intentsFor(
  name: EventName,
  action: string | undefined,
  payload: unknown,
  ownAppId: number,
): Intent[] {
  const schema = schemas[name === "pull_request_review" ? "pull_request" : name];
  const parsed = schema.safeParse(payload);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return [
      {
        kind: "ignore",
        reason:
          `malformed ${name} payload: ${issue?.path.join(".") || "(root)"} ${issue?.message ?? ""}`.trim(),
      },
    ];
  }
  if (name === "repository_ruleset")
    return [rulesetChanged(parsed.data as z.infer<typeof schemas.repository_ruleset>)];
  const p = parsed.data as z.infer<typeof Base>;
  const where: Where = {
    installation: p.installation.id,
    owner: p.repository.owner.login,
    repo: p.repository.name,
  };
  const pr = (number: number): PrTarget => ({ owner: where.owner, repo: where.repo, number });

  switch (name) {
    case "pull_request":
    case "pull_request_review": {
      const { pull_request } = p as z.infer<typeof schemas.pull_request>;
      return [
        {
          kind: "evaluate",
          where,
          target: pr(pull_request.number),
          hint: { headSha: pull_request.head.sha, htmlUrl: pull_request.html_url },
        },
      ];
    }
    case "issue_comment": {
      const { issue, comment } = p as z.infer<typeof schemas.issue_comment>;
      if (!issue.pull_request) return [{ kind: "ignore", reason: "comment on an issue, not a pull request" }];
      // Our own comments (explanations, override answers) change nothing: re-evaluating on them could loop.
      if (comment?.performed_via_github_app?.id === ownAppId)
        return [{ kind: "ignore", reason: "our own comment" }];
      return [
        { kind: "evaluate", where, target: pr(issue.number), hint: { htmlUrl: issue.pull_request.html_url } },
      ];
    }
    case "check_run": {
      const { check_run: run, requested_action, sender } = p as z.infer<typeof schemas.check_run>;
      const ours = run.app?.id === ownAppId;
      // Another app's run created, re-run or finished changes what a required check says; a re-run
      // that starts must turn an earlier success into pending, so every action counts.
      if (!ours) return byPulls(where, run.pull_requests, p.repository.id, run.head_sha);
      if (action === "completed" || action === "created")
        return [{ kind: "ignore", reason: "our own check run" }];
      if (action === "requested_action" && requested_action?.identifier !== "reevaluate") {
        return [
          { kind: "ignore", reason: `unknown requested action ${requested_action?.identifier ?? "(none)"}` },
        ];
      }
      const own = parseExternalId(run.external_id, where.owner, where.repo);
      const number = own?.number ?? samePulls(run.pull_requests, p.repository.id)[0];
      if (number === undefined) return [{ kind: "evaluate_by_sha", where, sha: run.head_sha }];
      if (action === "requested_action") {
        return [{ kind: "reevaluate_if_writer", where, target: pr(number), hint: {}, sender: sender.login }];
      }
      return [{ kind: "evaluate", where, target: pr(number), hint: {} }];
    }
    case "check_suite": {
      const { check_suite: suite } = p as z.infer<typeof schemas.check_suite>;
      if (suite.app?.id === ownAppId) return [{ kind: "ignore", reason: "our own check suite" }];
      return byPulls(where, suite.pull_requests, p.repository.id, suite.head_sha);
    }
    case "status":
      return [{ kind: "evaluate_by_sha", where, sha: (p as z.infer<typeof schemas.status>).sha }];
    case "deployment_protection_rule": {
      const d = p as z.infer<typeof schemas.deployment_protection_rule>;
      const request: DeploymentRequest = {
        environment: d.environment,
        sha: d.sha,
        event: d.event ?? "",
        deploymentId: d.deployment?.id ?? null,
        starters: [
          ...(d.deployment ? [{ role: "creator" as const, actor: actorOf(d.deployment.creator) }] : []),
          { role: "sender" as const, actor: actorOf(d.sender) },
        ],
      };
      const callbackUrl = d.deployment_callback_url;
      return [{ kind: "deployment", where, request, runId: callbackRun(callbackUrl, where), callbackUrl }];
    }
    case "branch_protection_rule":
      return [{ kind: "protection_changed", where, wholeOwner: false }];
    case "merge_group": {
      const { merge_group: group } = p as z.infer<typeof schemas.merge_group>;
      const number = mergeGroupPr(group.head_ref);
      return [
        {
          kind: "merge_group",
          where,
          groupSha: group.head_sha,
          number,
          problem:
            number === null
              ? `cannot tell which pull request merge group ref "${group.head_ref}" is for`
              : null,
        },
      ];
    }
    case "push": {
      const push = p as z.infer<typeof schemas.push>;
      if (push.ref !== `refs/heads/${push.repository.default_branch}`) {
        return [{ kind: "ignore", reason: "push to a branch other than the default branch" }];
      }
      if (push.deleted) return [{ kind: "ignore", reason: "default branch deleted" }];
      const touched = [
        ...new Set(
          push.commits.flatMap((c) => [...(c.added ?? []), ...(c.modified ?? []), ...(c.removed ?? [])]),
        ),
      ];
      return [{ kind: "default_branch_push", where, touched, policyChanged: policyChange(push, touched) }];
    }
  }
}

function actorOf(account: z.infer<typeof Account> | null | undefined): Actor | null {
  if (!account) return null;
  const type =
    account.type === "User" || account.type === "Bot" || account.type === "Organization"
      ? account.type
      : "Unknown";
  return { login: account.login, type, ...(account.id !== undefined ? { id: account.id } : {}) };
}

/**
 * The workflow run a deployment callback URL names, when it is this repository's
 * `…/repos/OWNER/REPO/actions/runs/ID/deployment_protection_rule`; null for anything else (the app
 * then answers nothing, and never approves). The host is checked where the API base is known.
 */
export function callbackRun(url: string, where: { owner: string; repo: string }): number | null {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return null;
  }
  const m = /\/repos\/([^/]+)\/([^/]+)\/actions\/runs\/([1-9][0-9]{0,14})\/deployment_protection_rule$/.exec(
    path,
  );
  if (!m) return null;
  const same = (a: string | undefined, b: string) => {
    try {
      return decodeURIComponent(a ?? "").toLowerCase() === b.toLowerCase();
    } catch {
      return false; // a malformed escape names nothing
    }
  };
  return same(m[1], where.owner) && same(m[2], where.repo) ? Number(m[3]) : null;
}

function rulesetChanged(p: z.infer<typeof schemas.repository_ruleset>): Intent {
  const owner = p.repository?.owner.login ?? p.organization?.login;
  if (!owner)
    return { kind: "ignore", reason: "ruleset event names neither a repository nor an organization" };
  return {
    kind: "protection_changed",
    where: { installation: p.installation.id, owner, repo: p.repository?.name ?? "" },
    wholeOwner: !p.repository,
  };
}

/** `refs/heads/gh-readonly-queue/<base>/pr-<N>-<sha>` → N (the base branch may contain slashes). */
export function mergeGroupPr(headRef: string): number | null {
  const m = /^refs\/heads\/gh-readonly-queue\/.+\/pr-([1-9][0-9]{0,9})-[0-9a-f]{40}$/.exec(headRef);
  return m ? Number(m[1]) : null;
}

function policyChange(push: z.infer<typeof schemas.push>, touched: readonly string[]): string | null {
  if (push.forced) return "forced push to the default branch";
  if (push.commits.length === 0) return "push without a commit list";
  if (push.commits.length >= PUSH_COMMIT_LIMIT) return "push too large to inspect";
  return touched.includes(POLICY_PATH) ? `${POLICY_PATH} changed on the default branch` : null;
}

/** PR numbers of this repository; check payloads may also list PRs of other repositories with the same head. */
function samePulls(pulls: z.infer<typeof PullList>, repoId: number): number[] {
  return pulls.filter((x) => x.base.repo.id === repoId).map((x) => x.number);
}

function byPulls(where: Where, pulls: z.infer<typeof PullList>, repoId: number, sha: string): Intent[] {
  const numbers = samePulls(pulls, repoId);
  if (numbers.length === 0) return [{ kind: "evaluate_by_sha", where, sha }];
  return numbers.map((number) => ({
    kind: "evaluate" as const,
    where,
    target: { owner: where.owner, repo: where.repo, number },
    hint: { headSha: sha },
  }));
}
