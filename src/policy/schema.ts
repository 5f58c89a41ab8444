/**
 * The shape of `.github/agent-policy.yml` as written (snake_case, every key optional).
 * This is the single source of truth: validation uses it directly and the JSON Schema shipped
 * for editors is generated from it (`scripts/gen-schema.ts`). Defaults live in the built-in
 * default policy, not here, so an absent key and its default are never confused.
 */
import { z } from "zod";

const MAX_APPROVALS = 50;

/** GitHub logins: letters, digits and hyphens, at most 39; Apps act as `slug[bot]`. */
const LOGIN_PATTERN = /^[A-Za-z0-9][A-Za-z0-9-]{0,38}(\[bot\])?$/;
const TEAM_PATTERN = /^[A-Za-z0-9][A-Za-z0-9-]{0,38}\/[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;
const APP_SLUG_PATTERN = /^[A-Za-z0-9][A-Za-z0-9-]{0,99}$/;
const CATEGORY_NAME_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;

const login = z
  .string()
  .regex(
    LOGIN_PATTERN,
    "is not a GitHub login (letters, digits and hyphens, optionally ending in [bot]; no @)",
  )
  .meta({ description: "A GitHub login, e.g. `alice` or `acme-codegen[bot]`." });

const team = z
  .string()
  .regex(TEAM_PATTERN, "is not a team reference; write it as `org/team-slug` (no @)")
  .meta({ description: "A team as `org/team-slug`." });

const globList = (description: string) =>
  z
    .array(z.string())
    .meta({ description: `${description} Minimatch globs; dot files included, case ignored.` });

const authorKind = z.enum(["agent", "bot", "human"]);

const approvers = z
  .strictObject({
    users: z.array(login).optional().meta({ description: "These users may approve." }),
    teams: z.array(team).optional().meta({ description: "Members of these teams (`org/slug`) may approve." }),
    permission: z
      .enum(["read", "triage", "write", "maintain", "admin"])
      .optional()
      .meta({ description: "Anyone with at least this repository permission may approve." }),
  })
  .meta({
    title: "Eligible approvers",
    description: "Who may give the approvals: any of the listed users, team members or permission holders.",
  });

const approvalCount = z
  .int()
  .min(0)
  .max(MAX_APPROVALS)
  .meta({ description: "Independent human approvals required on the head commit." });

const account = z
  .strictObject({
    login: login.meta({ description: "The account's login, e.g. `acme-codegen[bot]`." }),
    kind: z.enum(["agent", "bot"]).meta({
      description: "`agent` for AI coding agents; `bot` for deterministic automation (dependabot, renovate).",
    }),
    owner: z
      .string()
      .min(1)
      .optional()
      .meta({ description: "The accountable team or person, shown in reports, e.g. `@acme/platform`." }),
    scope: z
      .strictObject({
        paths: globList("Paths this identity may change.").optional(),
        branches: globList("Base branches this identity may target.").optional(),
      })
      .optional()
      .meta({ title: "Scope", description: "Where this identity may change code at all." }),
  })
  .meta({ title: "Account", description: "An extra agent or bot identity (machine user, in-house App)." });

const agents = z
  .strictObject({
    builtin: z
      .boolean()
      .optional()
      .meta({ description: "Use the shipped catalog of known agents and bots. Default: true." }),
    accounts: z.array(account).optional().meta({ description: "Extra identities on top of the catalog." }),
    markers: z
      .strictObject({
        trailers: z.boolean().optional().meta({
          description: "Count Co-authored-by / Generated-by trailers of catalogued agents. Default: true.",
        }),
        branch_prefixes: z.array(z.string().min(1)).optional().meta({
          description:
            "Head branch prefixes that mark agent work, added to the catalog's (copilot/, codex/...).",
        }),
        body_patterns: z.array(z.string()).optional().meta({
          description:
            "Regular expressions (RE2 syntax, case-insensitive, ^ and $ match at line ends) that mark agent work in the PR body.",
        }),
      })
      .optional()
      .meta({ title: "Markers", description: "Weak signals that a human-authored PR was made by an agent." }),
    assisted_as: z
      .enum(["agent", "human"])
      .optional()
      .meta({ description: "How PRs with only weak markers are treated. Default: agent." }),
  })
  .meta({ title: "Agents", description: "Who counts as an AI agent or a bot." });

const category = z.strictObject({ paths: globList("Files in this category.").optional() }).meta({
  title: "Category",
  description: "A named set of paths. A built-in name here replaces its built-in globs.",
});

const requiredCheck = z.union([
  z.string().min(1).meta({ description: "The name of a check run or commit status." }),
  z
    .strictObject({
      name: z.string().min(1).meta({ description: "The name of the check run or commit status." }),
      app: z
        .string()
        .regex(APP_SLUG_PATTERN, "is not a GitHub App slug (letters, digits and hyphens)")
        .optional()
        .meta({
          description:
            "Slug of the App that must post it, e.g. `github-actions`; others are reported as spoofed.",
        }),
    })
    .meta({ title: "Pinned check" }),
]);

const rule = z
  .strictObject({
    name: z.string().min(1).meta({ description: "Shown in the check run; unique within the policy." }),
    if: z
      .strictObject({
        author: z.array(authorKind).optional().meta({ description: "Who authored or drove the PR, any of." }),
        agents: z
          .array(z.string().min(1))
          .optional()
          .meta({ description: "Specific identities (logins or catalog names), any of." }),
        categories: z
          .array(
            z
              .string()
              .regex(CATEGORY_NAME_PATTERN, "is not a category name (lowercase letters, digits, - and _)"),
          )
          .optional()
          .meta({ description: "Touched categories (built-in or configured), any of." }),
        paths: globList("Changed paths, any of.").optional(),
        base: globList("Base branches, any of.").optional(),
        labels: z.array(z.string().min(1)).optional().meta({ description: "PR labels, any of." }),
      })
      .optional()
      .meta({
        title: "Condition",
        description:
          "Every key given must match; the values of one key are alternatives. Absent: always applies.",
      }),
    require: z
      .strictObject({
        approvals: approvalCount.optional(),
        from: approvers.optional(),
        checks: z
          .array(requiredCheck)
          .optional()
          .meta({ description: "Check runs or statuses that must succeed on the head commit." }),
      })
      .optional()
      .meta({ title: "Requirements" }),
  })
  .meta({ title: "Rule", description: "Every rule whose `if` matches applies; all of them must be met." });

const deploymentGate = z
  .strictObject({
    environments: z.array(z.string().min(1)).min(1).meta({
      description:
        "Environment names this entry gates, as globs (case ignored), e.g. `production`, `prod-*`.",
    }),
    prs: z.enum(["agents", "all"]).optional().meta({
      description:
        "agents (default): every agent or bot PR that brought the deployed commit must meet this policy on the head that was merged. all: every such PR, a person's too.",
    }),
    actors: z.array(authorKind).min(1).optional().meta({
      description:
        "Who may start a deployment to these environments: human (default), bot, agent. The account GitHub names as the deployment's creator and the event's sender must both be allowed.",
    }),
  })
  .meta({ title: "Deployment gate", description: "What a deployment to matching environments requires." });

export const policyFileSchema = z
  .strictObject({
    version: z.literal(1).optional().meta({ description: "Policy format version; must be 1." }),
    mode: z.enum(["enforce", "evaluate"]).optional().meta({
      description:
        "enforce (default): the verdict is the check's conclusion and enforcement actions run. evaluate: report only — the would-be verdict is posted as a neutral check with the full explanation, and nothing is enforced or undone.",
    }),
    _extends: z.string().min(1).optional().meta({
      description:
        "Base policy to build on: `repo`, `owner/repo` or `owner/repo:path.yml` (default path .github/agent-policy.yml). Arrays here replace the base's.",
    }),
    agents: agents.optional(),
    categories: z
      .record(
        z
          .string()
          .regex(CATEGORY_NAME_PATTERN, "is not a category name (lowercase letters, digits, - and _)"),
        category,
      )
      .optional()
      .meta({
        title: "Categories",
        description:
          "Path categories; built-ins are auth, secrets, infra, ci, dependencies, agent-config, governance.",
      }),
    rules: z
      .array(rule)
      .optional()
      .meta({ description: "Absent: the built-in rules apply; `[]`: no rules." }),
    approvals: z
      .strictObject({
        dismiss_on_push: z
          .boolean()
          .optional()
          .meta({ description: "Only reviews of the current head commit count. Default: true." }),
        exclude: z
          .array(z.enum(["author", "requester", "contributors", "bots"]))
          .optional()
          .meta({ description: "Who can never approve. Default: all four." }),
        block_on_changes_requested: z
          .boolean()
          .optional()
          .meta({ description: "A standing changes-requested review holds the PR. Default: true." }),
      })
      .optional()
      .meta({ title: "Approvals", description: "What makes an approval count." }),
    promotion: z
      .strictObject({
        labels: z
          .array(z.string().min(1))
          .optional()
          .meta({ description: "Protected labels, added to the built-in ones." }),
        commands: z.array(z.string()).optional().meta({
          description:
            "Command-comment regular expressions (RE2 syntax, case-insensitive), added to the built-in ones.",
        }),
        actions: z
          .array(z.enum(["fail", "revert", "comment"]))
          .min(1)
          .optional()
          .meta({ description: "What happens on a violation. Default: [fail, revert]." }),
        governance: z
          .strictObject({
            approvals: approvalCount.min(1).optional(),
            from: approvers.optional(),
          })
          .optional()
          .meta({
            title: "Governance guard",
            description:
              "Approvals an agent PR touching governance or agent-config files needs. Default: 1 from an admin.",
          }),
      })
      .optional()
      .meta({ title: "Promotion-chain guard" }),
    secrets: z
      .strictObject({
        scan: z
          .boolean()
          .optional()
          .meta({ description: "Scan added lines for credentials. Default: true." }),
        on_finding: z
          .enum(["fail", "require_approval"])
          .optional()
          .meta({ description: "What a finding does. Default: fail." }),
      })
      .optional()
      .meta({ title: "Secrets" }),
    deployments: z.array(deploymentGate).optional().meta({
      description:
        "Environments whose deployments this app approves or rejects (a custom deployment protection rule). The first entry whose globs match an environment applies; an environment no entry names is rejected.",
    }),
    overrides: z
      .strictObject({
        from: approvers.optional().meta({
          description:
            "Who may comment `/agent-policy override <reason>` to pass the current head. Absent: overrides are off.",
        }),
      })
      .optional()
      .meta({
        title: "Break-glass overrides",
        description:
          "An audited way past the gate: the check passes for the current head only. The PR's author, requester, contributors, agents, bots and Apps can never override.",
      }),
  })
  .meta({
    title: "agent-policy",
    description:
      "Policy for pull requests authored or driven by AI coding agents and bots (.github/agent-policy.yml).",
  });

export type RawPolicy = z.infer<typeof policyFileSchema>;
export type RawApprovers = z.infer<typeof approvers>;
