/**
 * Our check run's `external_id`, "<owner>/<repo>#<number>": how a check_run event (which carries
 * no pull_request, and lists none for fork PRs) leads back to its PR.
 */

export function externalId(owner: string, repo: string, number: number): string {
  return `${owner}/${repo}#${number}`;
}

/** Parses our own external id back into a PR of `owner/repo`; null for anything else. */
export function parseExternalId(
  value: string | null | undefined,
  owner: string,
  repo: string,
): { owner: string; repo: string; number: number } | null {
  const m = /^([^/\s#]+)\/([^/\s#]+)#([1-9][0-9]{0,9})$/.exec(value ?? "");
  if (!m || m[1]?.toLowerCase() !== owner.toLowerCase() || m[2]?.toLowerCase() !== repo.toLowerCase())
    return null;
  return { owner, repo, number: Number(m[3]) };
}
