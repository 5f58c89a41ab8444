/**
 * The built-in default policy, as YAML a user can copy into `.github/agent-policy.yml`.
 * It is also the base every policy file is merged onto, so a key a file leaves out means
 * what it means here; the tests load it through the same loader as any user's file.
 */
export const DEFAULT_POLICY_YAML = `# agent-policy: the built-in default policy.
# Copy this file to .github/agent-policy.yml on your default branch and adapt it.
version: 1
mode: enforce            # evaluate: report only (a neutral check, nothing enforced) while you roll out

agents:
  builtin: true          # recognise the shipped catalog of AI agents and bots
  accounts: []           # your own machine users and Apps: { login, kind, owner, scope }
  markers:
    trailers: true       # Co-authored-by / Generated-by trailers of catalogued agents
    branch_prefixes: []
    body_patterns: []
  assisted_as: agent     # PRs with only weak markers of an agent are treated as agent PRs

categories: {}           # built-ins: auth, secrets, infra, ci, dependencies, agent-config, governance

rules:
  - name: agent-or-bot-review
    if:
      author: [agent, bot]
    require:
      approvals: 1
  - name: agent-or-bot-sensitive
    if:
      author: [agent, bot]
      categories: [auth, secrets, infra, ci]
    require:
      approvals: 2

approvals:
  dismiss_on_push: true  # only reviews of the current head commit count
  exclude: [author, requester, contributors, bots]
  block_on_changes_requested: true

promotion:
  labels: []             # added to the built-in protected labels
  commands: []           # added to the built-in command patterns
  actions: [fail, revert]
  governance:            # agent PRs touching governance or agent-config files
    approvals: 1
    from:
      permission: admin

secrets:
  scan: true
  on_finding: fail

deployments: []          # environments this app gates as a deployment protection rule: { environments, prs, actors }
overrides: {}            # break-glass: { from: { users, teams, permission } } may comment /agent-policy override <reason>
`;
