/**
 * Which branch protection rule and which rulesets apply where, matched the way GitHub matches them:
 * fnmatch patterns (`*` stops at `/`, `**` crosses it), `~DEFAULT_BRANCH` and `~ALL` in a ruleset's
 * `ref_name`, and `repository_name` / `repository_id` for organization rulesets.
 */
import type { BranchProtectionRecord, Repo, RulesetRecord } from "./model.js";

/** File.fnmatch with FNM_PATHNAME, as GitHub uses it: `*` and `?` never match `/`, `**` matches across it. */
export function fnmatch(pattern: string, text: string): boolean {
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] ?? "";
    if (ch === "*") {
      if (pattern[i + 1] === "*") {
        i++;
        if (pattern[i + 1] === "/") {
          i++;
          source += "(?:.*/)?";
        } else {
          source += ".*";
        }
      } else {
        source += "[^/]*";
      }
    } else if (ch === "?") {
      source += "[^/]";
    } else if (ch === "[") {
      const end = pattern.indexOf("]", i + 2);
      if (end < 0) {
        source += "\\[";
        continue;
      }
      let body = pattern.slice(i + 1, end);
      if (body.startsWith("!") || body.startsWith("^")) body = `^${body.slice(1)}`;
      source += `[${body.replace(/\\/g, "\\\\")}]`;
      i = end;
    } else if (ch === "\\" && i + 1 < pattern.length) {
      i++;
      source += (pattern[i] ?? "").replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
    } else {
      source += ch.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
    }
  }
  return new RegExp(`^${source}$`).test(text);
}

function refMatches(pattern: string, ref: string, repo: Repo, prefix: string): boolean {
  if (pattern === "~ALL") return ref.startsWith(prefix);
  if (pattern === "~DEFAULT_BRANCH") return ref === `refs/heads/${repo.defaultBranch}`;
  return fnmatch(pattern, ref);
}

/** Whether the ruleset is about this repository (its own, or its organization's and its conditions pick it). */
export function rulesetCoversRepo(ruleset: RulesetRecord, repo: Repo): boolean {
  if (ruleset.sourceType === "Repository")
    return ruleset.source.toLowerCase() === repo.fullName.toLowerCase();
  if (ruleset.source.toLowerCase() !== repo.owner.toLowerCase()) return false;
  const byName = ruleset.conditions?.repository_name;
  const byId = ruleset.conditions?.repository_id;
  if (byId) return (byId.repository_ids ?? []).includes(repo.id);
  if (!byName) return true;
  const hit = (p: string) => p === "~ALL" || fnmatch(p, repo.name);
  return (byName.include ?? []).some(hit) && !(byName.exclude ?? []).some(hit);
}

/** Whether a branch ruleset's `ref_name` condition picks `refs/heads/<branch>`; an empty include picks nothing. */
export function rulesetCoversBranch(ruleset: RulesetRecord, repo: Repo, branch: string): boolean {
  if (ruleset.target !== "branch") return false;
  const ref = `refs/heads/${branch.replace(/^refs\/heads\//, "")}`;
  const condition = ruleset.conditions?.ref_name;
  const hit = (p: string) => refMatches(p, ref, repo, "refs/heads/");
  return (condition?.include ?? []).some(hit) && !(condition?.exclude ?? []).some(hit);
}

/**
 * The branch protection rule that protects a branch: the rule named exactly like it, else the first
 * wildcard rule (in the order they were added) whose pattern matches.
 */
export function protectionFor(
  protections: BranchProtectionRecord[],
  repo: Repo,
  branch: string,
): BranchProtectionRecord | undefined {
  const own = protections.filter((p) => p.repo.toLowerCase() === repo.fullName.toLowerCase());
  return own.find((p) => p.pattern === branch) ?? own.find((p) => fnmatch(p.pattern, branch));
}
