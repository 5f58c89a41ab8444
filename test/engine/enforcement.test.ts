import { describe, expect, it } from "vitest";
import {
  type BranchProtection,
  type BranchRule,
  type BypassActor,
  type EnforcementFacts,
  enforcementProblems,
  enforcementUnknowns,
} from "../../src/engine/enforcement.js";
import { renderEnforcement } from "../../src/report/enforcement.js";

const APP = 4711;
const RULESET = "Settings → Rules → Rulesets → `protect main`";
const CLASSIC = "Settings → Branches → the branch protection rule for `main`";

const origin = (id = 1, type = "Repository", source = "acme/app") => ({
  ruleset_id: id,
  ruleset_source_type: type,
  ruleset_source: source,
});
const checksRule = (integration_id?: number | null, id = 1, context = "agent-policy"): BranchRule => ({
  ...origin(id),
  type: "required_status_checks",
  parameters: {
    required_status_checks: [
      { context: "build" },
      { context, ...(integration_id !== undefined ? { integration_id } : {}) },
    ],
  },
});
const pullRule = (dismiss = true, lastPush = true, id = 1): BranchRule => ({
  ...origin(id),
  type: "pull_request",
  parameters: { dismiss_stale_reviews_on_push: dismiss, require_last_push_approval: lastPush },
});
const admin: BypassActor = { actor_id: 1, actor_type: "OrganizationAdmin", bypass_mode: "always" };
const integration = (actor_id: number | null, bypass_mode = "always"): BypassActor => ({
  actor_id,
  actor_type: "Integration",
  bypass_mode,
});

/** A branch the gate really holds: one ruleset requires the check from this app and honest reviews. */
function facts(over: Partial<EnforcementFacts> = {}): EnforcementFacts {
  return {
    branch: "main",
    appId: APP,
    appSlug: "agent-policy",
    protection: null,
    rules: [checksRule(APP), pullRule()],
    rulesets: { 1: { name: "protect main", bypassActors: [admin, integration(APP, "exempt")] } },
    ...over,
  };
}

const classic = (over: BranchProtection = {}): BranchProtection => ({
  required_status_checks: { contexts: ["agent-policy"], checks: [{ context: "agent-policy", app_id: APP }] },
  required_pull_request_reviews: { dismiss_stale_reviews: true, require_last_push_approval: true },
  ...over,
});

const kinds = (f: EnforcementFacts) => enforcementProblems(f).map((p) => p.kind);

describe("enforcementProblems", () => {
  it("finds nothing when a ruleset or classic protection requires the check from this app with honest reviews", () => {
    expect(enforcementProblems(facts())).toEqual([]);
    expect(enforcementProblems(facts({ protection: classic(), rules: [], rulesets: {} }))).toEqual([]);
    expect(enforcementUnknowns(facts())).toEqual([]);
  });

  describe("the check is not required", () => {
    it("says so with a new ruleset as the fix when nothing protects the branch", () => {
      expect(enforcementProblems(facts({ rules: [], rulesets: {} }))).toEqual([
        {
          kind: "not_required",
          problem:
            "Nothing on GitHub requires `agent-policy` before a PR merges into `main`: a PR can be merged while it fails or before it has run.",
          fix: "Settings → Rules → Rulesets → New branch ruleset targeting `main`, enforcement Active → Require status checks to pass → `agent-policy`, source: `agent-policy`",
        },
      ]);
    });

    it("points at the repository's own ruleset, else at the classic rule, that already covers the branch", () => {
      const [inRuleset] = enforcementProblems(facts({ rules: [pullRule()] }));
      expect(inRuleset?.fix).toBe(
        `${RULESET} → Require status checks to pass → \`agent-policy\`, source: \`agent-policy\``,
      );
      const [inClassic] = enforcementProblems(
        facts({ protection: classic({ required_status_checks: undefined }), rules: [], rulesets: {} }),
      );
      expect(inClassic?.kind).toBe("not_required");
      expect(inClassic?.fix).toBe(
        `${CLASSIC} → Require status checks to pass before merging → \`agent-policy\`, and pick \`agent-policy\` as the expected source`,
      );
    });

    it("does not count a check of another name", () => {
      expect(kinds(facts({ rules: [checksRule(APP, 1, "agent-policy / gate"), pullRule()] }))).toEqual([
        "not_required",
      ]);
    });

    it("leaves it to the unreadable problem when unread settings may require it", () => {
      expect(kinds(facts({ protection: { unreadable: "HTTP 403" }, rules: [], rulesets: {} }))).toEqual([
        "unreadable",
      ]);
      expect(kinds(facts({ rules: { unreadable: "HTTP 502" }, rulesets: {} }))).toEqual(["unreadable"]);
    });
  });

  describe("the check is required but not pinned to this app", () => {
    it("names any source in a ruleset without an integration id, and the app when it is another", () => {
      expect(enforcementProblems(facts({ rules: [checksRule(undefined), pullRule()] }))).toEqual([
        {
          kind: "not_pinned",
          problem:
            "Ruleset `protect main` requires `agent-policy` from any source: a commit status or another app's check named `agent-policy` satisfies it, even a workflow job the PR itself adds.",
          fix: `${RULESET} → Require status checks to pass → \`agent-policy\`, source: \`agent-policy\``,
        },
      ]);
      expect(kinds(facts({ rules: [checksRule(null), pullRule()] }))).toEqual(["not_pinned"]);
      const [other] = enforcementProblems(facts({ rules: [checksRule(99), pullRule()] }));
      expect(other?.problem).toBe(
        "Ruleset `protect main` requires `agent-policy` from the app with id 99, not from `agent-policy` (id 4711): this app's check run does not satisfy it, and that app's does.",
      );
    });

    it("treats a classic check with app_id null or -1, or only in `contexts`, as any source", () => {
      const fix = `${CLASSIC} → Require status checks to pass before merging → \`agent-policy\`, and pick \`agent-policy\` as the expected source`;
      for (const checks of [
        [{ context: "agent-policy", app_id: null }],
        [{ context: "agent-policy", app_id: -1 }],
        [],
      ]) {
        const protection = classic({ required_status_checks: { contexts: ["agent-policy"], checks } });
        expect(
          enforcementProblems(facts({ protection, rules: [], rulesets: {} })),
          JSON.stringify(checks),
        ).toEqual([
          {
            kind: "not_pinned",
            problem:
              "The branch protection of `main` requires `agent-policy` from any source: a commit status or another app's check named `agent-policy` satisfies it, even a workflow job the PR itself adds.",
            fix,
          },
        ]);
      }
    });

    it("is no problem when any one requirement is pinned to this app, since all of them must hold", () => {
      const loose = classic({
        required_status_checks: {
          contexts: ["agent-policy"],
          checks: [{ context: "agent-policy", app_id: null }],
        },
      });
      expect(enforcementProblems(facts({ protection: loose }))).toEqual([]);
      expect(kinds(facts({ protection: loose, rules: [checksRule(undefined), pullRule()] }))).toEqual([
        "not_pinned",
        "not_pinned",
      ]);
    });
  });

  describe("apps that can bypass", () => {
    it("names each other app on a ruleset's bypass list with its mode, and exempt more strongly", () => {
      const bypassActors = [
        admin,
        { actor_id: 5, actor_type: "RepositoryRole", bypass_mode: "always" },
        { actor_id: 9, actor_type: "Team", bypass_mode: "pull_request" },
        integration(APP),
        integration(101),
        integration(102, "pull_request"),
        integration(103, "exempt"),
      ];
      const problems = enforcementProblems(
        facts({ rulesets: { 1: { name: "protect main", bypassActors } } }),
      );
      expect(problems).toEqual([
        {
          kind: "bypass",
          problem:
            "Ruleset `protect main` has the GitHub App with id 101 on its bypass list, which can bypass it at any time (bypass mode `always`): it can push or merge past its rules.",
          fix: `${RULESET} → Bypass list → remove the GitHub App with id 101`,
        },
        {
          kind: "bypass",
          problem:
            "Ruleset `protect main` has the GitHub App with id 102 on its bypass list, which can bypass it when merging a pull request (bypass mode `pull_request`): it can merge past its rules.",
          fix: `${RULESET} → Bypass list → remove the GitHub App with id 102`,
        },
        {
          kind: "bypass",
          problem:
            "Ruleset `protect main` has the GitHub App with id 103 on its bypass list, which is exempt from it (bypass mode `exempt`): its rules never run for that app, and GitHub records no bypass in the audit log.",
          fix: `${RULESET} → Bypass list → remove the GitHub App with id 103`,
        },
      ]);
    });

    it("edits an organization's ruleset in the organization's settings", () => {
      const rules: BranchRule[] = [
        { ...checksRule(APP), ...origin(7, "Organization", "acme") },
        { ...pullRule(), ...origin(7, "Organization", "acme") },
      ];
      const [p] = enforcementProblems(
        facts({ rules, rulesets: { 7: { name: "org gate", bypassActors: [integration(55, "sideways")] } } }),
      );
      expect(p).toEqual({
        kind: "bypass",
        problem:
          "Ruleset `org gate` has the GitHub App with id 55 on its bypass list, which can bypass it (bypass mode `sideways`).",
        fix: "the `acme` organization's Settings → Repository → Rulesets → `org gate` → Bypass list → remove the GitHub App with id 55",
      });
    });

    it("names other apps allowed to bypass classic required reviews, by slug, but not this app", () => {
      const protection = classic({
        required_pull_request_reviews: {
          dismiss_stale_reviews: true,
          require_last_push_approval: true,
          bypass_pull_request_allowances: {
            apps: [
              { id: APP, slug: "agent-policy", name: "agent-policy" },
              { id: 29110, slug: "dependabot", name: "Dependabot" },
              { id: 8, name: "No Slug" },
            ],
          },
        },
      });
      expect(enforcementProblems(facts({ protection, rules: [], rulesets: {} }))).toEqual(
        ["`dependabot`", "`No Slug`"].map((app) => ({
          kind: "bypass",
          problem: `The branch protection of \`main\` lets the app ${app} bypass its required pull request reviews: it can merge without approvals.`,
          fix: `${CLASSIC} → Require a pull request before merging → Allow specified actors to bypass required pull requests → remove ${app}`,
        })),
      );
    });

    it("says when classic protection does not apply to administrators", () => {
      const protection = classic({ enforce_admins: { enabled: false } });
      expect(enforcementProblems(facts({ protection, rules: [], rulesets: {} }))).toContainEqual({
        kind: "bypass",
        problem:
          "The branch protection of `main` does not apply to administrators: an admin, or an agent with an admin's token, can merge past it.",
        fix: `${CLASSIC} → Do not allow bypassing the above settings`,
      });
      const enforced = classic({ enforce_admins: { enabled: true } });
      expect(
        enforcementProblems(facts({ protection: enforced, rules: [], rulesets: {} })).map((p) => p.kind),
      ).not.toContain("bypass");
    });
  });

  describe("reviews that outlive a push", () => {
    it("asks to dismiss stale approvals, in a ruleset and in classic protection", () => {
      expect(enforcementProblems(facts({ rules: [checksRule(APP), pullRule(false, true)] }))).toEqual([
        {
          kind: "stale_approvals",
          problem:
            "Ruleset `protect main` keeps approvals when new commits are pushed: a PR approved once can take more commits, from an agent too, and merge on the old approval.",
          fix: `${RULESET} → Require a pull request before merging → Dismiss stale pull request approvals when new commits are pushed`,
        },
      ]);
      const protection = classic({
        required_pull_request_reviews: { dismiss_stale_reviews: false, require_last_push_approval: true },
      });
      const [p] = enforcementProblems(facts({ protection, rules: [], rulesets: {} }));
      expect(p?.kind).toBe("stale_approvals");
      expect(p?.fix).toBe(
        `${CLASSIC} → Require a pull request before merging → Dismiss stale pull request approvals when new commits are pushed`,
      );
    });

    it("asks for approval of the most recent push, also when classic protection does not say", () => {
      expect(enforcementProblems(facts({ rules: [checksRule(APP), pullRule(true, false)] }))).toEqual([
        {
          kind: "last_push",
          problem:
            "Ruleset `protect main` does not require approval of the most recent push: whoever pushed last can be the one whose approval lets it merge.",
          fix: `${RULESET} → Require a pull request before merging → Require approval of the most recent reviewable push`,
        },
      ]);
      const protection = classic({ required_pull_request_reviews: { dismiss_stale_reviews: true } });
      const [p] = enforcementProblems(facts({ protection, rules: [], rulesets: {} }));
      expect(p?.kind).toBe("last_push");
      expect(p?.fix).toBe(
        `${CLASSIC} → Require a pull request before merging → Require approval of the most recent reviewable push`,
      );
    });
  });

  describe("what could not be read", () => {
    it("names the missing permission when GitHub refused, and no setting otherwise", () => {
      const problems = enforcementProblems(
        facts({
          protection: {
            unreadable: "HTTP 403 (Resource not accessible by integration)",
            permission: "Administration: read",
          },
          rules: [checksRule(APP), pullRule(), checksRule(APP, 2)],
          rulesets: { 1: { name: "protect main", bypassActors: [] }, 2: { unreadable: "HTTP 502" } },
        }),
      );
      expect(problems).toEqual([
        {
          kind: "unreadable",
          problem:
            "The branch protection of `main` could not be read, so whether it requires `agent-policy`, from which app, and which apps may bypass its reviews is not known: HTTP 403 (Resource not accessible by integration).",
          fix: "Give the app the `Administration: read` repository permission (GitHub App settings → Permissions & events → Repository permissions; each installation must accept the change), or, for `agent-policy doctor`, use a token that has it",
        },
        {
          kind: "unreadable",
          problem: "Ruleset `#2` could not be read, so who may bypass it is not known: HTTP 502.",
          fix: "No branch setting to change: it is read again on the next evaluation, or run `agent-policy doctor` again",
        },
      ]);
      const [rules] = enforcementProblems(facts({ rules: { unreadable: "HTTP 500" }, rulesets: {} }));
      expect(rules?.problem).toBe(
        "The ruleset rules for `main` could not be read, so whether they require `agent-policy` or reviews is not known: HTTP 500.",
      );
    });
  });

  it("lists every problem once, by kind, classic protection before rulesets", () => {
    const protection = classic({
      required_status_checks: {
        contexts: ["agent-policy"],
        checks: [
          { context: "agent-policy", app_id: null },
          { context: "agent-policy", app_id: null },
        ],
      },
      required_pull_request_reviews: { dismiss_stale_reviews: false },
    });
    const f = facts({
      protection,
      rules: [checksRule(undefined), pullRule(false, false), checksRule(undefined, 2)],
      rulesets: {
        1: { name: "protect main", bypassActors: [integration(3)] },
        2: { unreadable: "HTTP 500" },
      },
    });
    const problems = enforcementProblems(f);
    // Each problem by its kind and its text up to the end of its first code span.
    const heads = problems.map(
      (p) => `${p.kind}: ${p.problem.slice(0, p.problem.indexOf("`", p.problem.indexOf("`") + 1) + 1)}`,
    );
    expect(heads).toEqual([
      "not_pinned: The branch protection of `main`",
      "not_pinned: Ruleset `protect main`",
      "not_pinned: Ruleset `#2`",
      "bypass: Ruleset `protect main`",
      "stale_approvals: The branch protection of `main`",
      "stale_approvals: Ruleset `protect main`",
      "last_push: The branch protection of `main`",
      "last_push: Ruleset `protect main`",
      "unreadable: Ruleset `#2`",
    ]);
    expect(enforcementProblems(f)).toEqual(problems);
  });

  it("keeps backticks and line breaks from GitHub inside their code span", () => {
    const [p] = enforcementProblems(
      facts({ rulesets: { 1: { name: "a`b\nc", bypassActors: [integration(3)] } } }),
    );
    expect(p?.problem).toMatch(/^Ruleset `a b c` has/);
  });
});

describe("enforcementUnknowns", () => {
  it("says which bypass lists were hidden or not read, and what the token itself may do", () => {
    const f = facts({
      rules: [checksRule(APP), pullRule(), pullRule(true, true, 2), pullRule(true, true, 3)],
      rulesets: {
        1: { name: "protect main", bypassActors: null, currentUserCanBypass: "always" },
        2: { name: "org gate", bypassActors: null, currentUserCanBypass: "never" },
      },
    });
    expect(enforcementUnknowns(f)).toEqual([
      "Ruleset `protect main` does not show its bypass list (GitHub shows it only with write access to the ruleset), so whether another app can bypass it is not known. This token itself can bypass it: `always`.",
      "Ruleset `org gate` does not show its bypass list (GitHub shows it only with write access to the ruleset), so whether another app can bypass it is not known.",
      "Ruleset `#3` was not read, so who may bypass it is not known.",
    ]);
    expect(enforcementProblems(f)).toEqual([]);
  });
});

describe("renderEnforcement", () => {
  it("is empty without problems, and a headed list of problems with their fixes otherwise", () => {
    expect(renderEnforcement([])).toBe("");
    expect(renderEnforcement(enforcementProblems(facts({ rules: [], rulesets: {} })))).toBe(
      [
        "### Is this gate enforced?",
        "",
        "- Nothing on GitHub requires `agent-policy` before a PR merges into `main`: a PR can be merged while it fails or before it has run. **Fix:** Settings → Rules → Rulesets → New branch ruleset targeting `main`, enforcement Active → Require status checks to pass → `agent-policy`, source: `agent-policy`",
      ].join("\n"),
    );
  });

  it("keeps names from GitHub from becoming HTML, links or new lines", () => {
    const text = renderEnforcement(
      enforcementProblems(
        facts({
          rulesets: {
            1: {
              name: "<img src=x onerror=alert(1)>](https://evil.example)\n# x",
              bypassActors: [integration(3)],
            },
          },
        }),
      ),
    );
    expect(text).not.toMatch(/<img/);
    expect(text.split("\n")).toHaveLength(3);
    expect(text).toContain("Ruleset `‹img src=x onerror=alert(1)›](https://evil.example) # x` has");
  });

  it("escapes GitHub's error messages outside code spans", () => {
    const text = renderEnforcement(
      enforcementProblems(
        facts({ rules: { unreadable: "<b>oops</b> [x](https://e.example)" }, rulesets: {} }),
      ),
    );
    expect(text).toContain("is not known: &lt;b&gt;oops&lt;/b&gt; [x]\\(https://e.example).");
  });
});
