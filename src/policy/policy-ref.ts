/** `_extends` values: `repo`, `owner/repo` or `owner/repo:path.yml`, as in Probot's config loader. */

export const DEFAULT_POLICY_PATH = ".github/agent-policy.yml";

export interface PolicyRef {
  owner: string;
  repo: string;
  path: string;
}

const REF = /^(?:([A-Za-z0-9][A-Za-z0-9-]{0,38})\/)?([A-Za-z0-9._-]{1,100})(?::(.+))?$/;

/** The reference, with `owner` absent when the value names a repository of the same owner; or the problem. */
export function parseExtends(value: string): (Omit<PolicyRef, "owner"> & { owner?: string }) | string {
  const m = REF.exec(value.trim());
  if (!m)
    return `\`${value}\` is not a policy reference; write \`repo\`, \`owner/repo\` or \`owner/repo:path.yml\``;
  const owner = m[1];
  const repo = m[2] as string;
  const path = m[3] ?? DEFAULT_POLICY_PATH;
  if (repo === "." || repo === "..") return `\`${repo}\` is not a repository name`;
  if (!/\.ya?ml$/i.test(path)) return `the policy path \`${path}\` must end in .yml or .yaml`;
  if (path.startsWith("/") || path.split("/").some((s) => s === ".." || s === "." || s === "")) {
    return `the policy path \`${path}\` must be relative to the repository root, without . or .. segments`;
  }
  return owner === undefined ? { repo, path } : { owner, repo, path };
}

export const refName = (ref: PolicyRef): string => `${ref.owner}/${ref.repo}:${ref.path}`;

/** The repository a source name such as `acme/api:.github/agent-policy.yml` points at, if it is one. */
export function refOfSource(source: string): PolicyRef | undefined {
  const m = /^([^/\s:]+)\/([^/\s:]+):(.+)$/.exec(source);
  return m ? { owner: m[1] as string, repo: m[2] as string, path: m[3] as string } : undefined;
}
