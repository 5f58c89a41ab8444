/**
 * For reconciliation: the open PRs of the app's installations, and what this App last wrote on
 * each PR's head. Read-only; one REST listing of repositories per installation and one GraphQL
 * page per 50 open PRs of a repository that has any.
 */
import type { ProbotOctokit } from "probot";
import { z } from "zod";
import { CHECK_NAME } from "../engine/decision.js";
import { asGatherError } from "./gather-errors.js";
import { parseShape } from "./gather-shape.js";
import { OPEN_PULLS_QUERY } from "./query.js";

type Octokit = InstanceType<typeof ProbotOctokit>;

/** Open PRs read per repository and reconciliation, at most (10 pages). */
export const OPEN_PULLS_PER_REPO = 500;

/** An open PR, its head, and the newest state of this App's `agent-policy` run on that head. */
export interface OpenPull {
  owner: string;
  repo: string;
  number: number;
  url: string;
  updatedAt: string;
  headSha: string;
  /** null: no run of ours on the head; otherwise whether every one has completed, and the latest completion. */
  run: { completed: boolean; completedAt: string | null } | null;
}

const answer = z.object({
  repository: z
    .object({
      pullRequests: z.object({
        pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() }),
        nodes: z.array(
          z
            .object({
              number: z.number().int().positive(),
              url: z.string(),
              updatedAt: z.string(),
              headRefOid: z.string(),
              commits: z.object({
                nodes: z.array(
                  z
                    .object({
                      commit: z.object({
                        oid: z.string(),
                        checkSuites: z
                          .object({
                            nodes: z.array(
                              z
                                .object({
                                  checkRuns: z
                                    .object({
                                      nodes: z.array(
                                        z
                                          .object({ status: z.string(), completedAt: z.string().nullable() })
                                          .nullable(),
                                      ),
                                    })
                                    .nullable(),
                                })
                                .nullable(),
                            ),
                          })
                          .nullable(),
                      }),
                    })
                    .nullable(),
                ),
              }),
            })
            .nullable(),
        ),
      }),
    })
    .nullable(),
});

/** The installation's repositories that can have open PRs (not archived, with open issues or PRs). */
export async function repositoriesWithOpenWork(octokit: Octokit): Promise<{ owner: string; repo: string }[]> {
  const doing = "listing the installation's repositories";
  try {
    const repos = await octokit.paginate("GET /installation/repositories", { per_page: 100 });
    return (
      repos as {
        name?: unknown;
        owner?: { login?: unknown };
        archived?: unknown;
        open_issues_count?: unknown;
      }[]
    )
      .filter((r) => r?.archived !== true && r?.open_issues_count !== 0)
      .flatMap((r) =>
        typeof r?.name === "string" && typeof r.owner?.login === "string"
          ? [{ owner: r.owner.login, repo: r.name }]
          : [],
      );
  } catch (error) {
    throw asGatherError(error, doing);
  }
}

/** Open PRs of one repository, most recently active first, with our run on each head. */
export async function openPulls(
  octokit: Octokit,
  where: { owner: string; repo: string },
  appId: number,
): Promise<OpenPull[]> {
  const doing = `listing the open pull requests of ${where.owner}/${where.repo}`;
  const out: OpenPull[] = [];
  let cursor: string | null = null;
  do {
    let data: unknown;
    try {
      data = await octokit.graphql(OPEN_PULLS_QUERY, { ...where, appId, checkName: CHECK_NAME, cursor });
    } catch (error) {
      throw asGatherError(error, doing);
    }
    const pulls = parseShape(answer, data, doing).repository?.pullRequests;
    if (!pulls) return out;
    for (const pr of pulls.nodes) {
      if (!pr) continue;
      const head = pr.commits.nodes[0]?.commit;
      // A head GitHub has not caught up with yet counts as having no run: the PR is evaluated.
      const runs =
        head?.oid === pr.headRefOid
          ? (head.checkSuites?.nodes ?? [])
              .flatMap((s) => s?.checkRuns?.nodes ?? [])
              .filter((r) => r !== null)
          : [];
      out.push({
        ...where,
        number: pr.number,
        url: pr.url,
        updatedAt: pr.updatedAt,
        headSha: pr.headRefOid,
        run:
          runs.length === 0
            ? null
            : {
                completed: runs.every((r) => r.status === "COMPLETED"),
                completedAt: runs.map((r) => r.completedAt).reduce(later, null),
              },
      });
    }
    cursor = pulls.pageInfo.hasNextPage ? pulls.pageInfo.endCursor : null;
  } while (cursor !== null && out.length < OPEN_PULLS_PER_REPO);
  return out;
}

function later(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return Date.parse(b) > Date.parse(a) ? b : a;
}
