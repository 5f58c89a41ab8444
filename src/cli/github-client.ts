/**
 * The command line's GitHub client: a person's or a CI job's token, GitHub's or an Enterprise
 * Server's API, none of the App's throttling. Probot is loaded only when a command reaches
 * GitHub: it is most of the command line's start-up time.
 */
import type { ProbotOctokit } from "probot";

export async function githubClient(
  token: string,
  apiUrl: string | undefined,
): Promise<InstanceType<typeof ProbotOctokit>> {
  const { ProbotOctokit } = await import("probot");
  return new ProbotOctokit({
    auth: { token },
    ...(apiUrl ? { baseUrl: apiUrl.replace(/\/+$/, "") } : {}),
    throttle: { enabled: false },
  });
}
