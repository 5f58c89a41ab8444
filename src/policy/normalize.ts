/**
 * The merged raw policy (built-in default underneath, so every top-level setting is present) to
 * the engine's `Policy`: camelCase, checks as `{ name, app? }`, patterns compiled.
 */
import { BUILTIN_CATEGORIES } from "./categories.js";
import type { Approvers, Policy, RequiredCheck, Rule } from "./model.js";
import { compilePattern } from "./pattern.js";
import type { RawApprovers, RawPolicy } from "./schema.js";

/** A setting the built-in default always provides; missing means the default itself is broken. */
function need<T>(value: T | undefined, key: string): T {
  if (value === undefined) throw new Error(`the built-in default policy does not set \`${key}\``);
  return value;
}

function approvers(from: RawApprovers): Approvers {
  return {
    users: from.users ?? [],
    teams: from.teams ?? [],
    ...(from.permission ? { permission: from.permission } : {}),
  };
}

type RawRule = NonNullable<RawPolicy["rules"]>[number];

function rule(raw: RawRule): Rule {
  const checks: RequiredCheck[] = (raw.require?.checks ?? []).map((c) =>
    typeof c === "string" ? { name: c } : { name: c.name, ...(c.app ? { app: c.app } : {}) },
  );
  const from = raw.require?.from;
  return {
    name: raw.name,
    ...(raw.if ? { if: { ...raw.if } } : {}),
    require: { approvals: raw.require?.approvals ?? 0, ...(from ? { from: approvers(from) } : {}), checks },
  };
}

export function normalize(raw: RawPolicy, source: string): Policy {
  const agents = need(raw.agents, "agents");
  const markers = need(agents.markers, "agents.markers");
  const approvals = need(raw.approvals, "approvals");
  const promotion = need(raw.promotion, "promotion");
  const governance = need(promotion.governance, "promotion.governance");
  const secrets = need(raw.secrets, "secrets");
  const categories: Policy["categories"] = {};
  for (const [name, paths] of Object.entries(BUILTIN_CATEGORIES)) categories[name] = { paths: [...paths] };
  for (const [name, c] of Object.entries(raw.categories ?? {})) categories[name] = { paths: c.paths ?? [] };
  return {
    version: 1,
    mode: need(raw.mode, "mode"),
    agents: {
      builtin: need(agents.builtin, "agents.builtin"),
      accounts: (agents.accounts ?? []).map((a) => ({
        login: a.login,
        kind: a.kind,
        ...(a.owner ? { owner: a.owner } : {}),
        ...(a.scope
          ? { scope: { paths: a.scope.paths ?? ["**"], branches: a.scope.branches ?? ["**"] } }
          : {}),
      })),
      markers: {
        trailers: need(markers.trailers, "agents.markers.trailers"),
        branchPrefixes: markers.branch_prefixes ?? [],
        bodyPatterns: (markers.body_patterns ?? []).map(compilePattern),
      },
      assistedAs: need(agents.assisted_as, "agents.assisted_as"),
    },
    categories,
    rules: need(raw.rules, "rules").map(rule),
    approvals: {
      dismissOnPush: need(approvals.dismiss_on_push, "approvals.dismiss_on_push"),
      exclude: need(approvals.exclude, "approvals.exclude"),
      blockOnChangesRequested: need(
        approvals.block_on_changes_requested,
        "approvals.block_on_changes_requested",
      ),
    },
    promotion: {
      labels: promotion.labels ?? [],
      commands: (promotion.commands ?? []).map(compilePattern),
      actions: need(promotion.actions, "promotion.actions"),
      governance: {
        approvals: need(governance.approvals, "promotion.governance.approvals"),
        from: approvers(need(governance.from, "promotion.governance.from")),
      },
    },
    secrets: {
      scan: need(secrets.scan, "secrets.scan"),
      onFinding: need(secrets.on_finding, "secrets.on_finding"),
    },
    deployments: (raw.deployments ?? []).map((d) => ({
      environments: d.environments,
      prs: d.prs ?? "agents",
      actors: d.actors ?? ["human"],
    })),
    overrides: raw.overrides?.from ? { from: approvers(raw.overrides.from) } : null,
    source,
  };
}
