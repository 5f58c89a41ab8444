/** Shared setup for the stand-in tests: a running stand-in and clients authenticated the way the app will be. */
import { Probot, ProbotOctokit } from "probot";
import { type StandIn, startStandIn } from "../../tools/github-standin/index.js";

/** Probot's Octokit without retries and throttling, so every request in a test is exactly one HTTP call. */
// The function form matters: Probot merges its own throttle options over an object default.
export const TestOctokit = ProbotOctokit.defaults((options: Record<string, unknown>) => ({
  ...options,
  retry: { enabled: false },
  throttle: { enabled: false },
}));

export type Client = Awaited<ReturnType<Probot["auth"]>>;

export function probotFor(standIn: StandIn, privateKey = standIn.privateKey ?? ""): Probot {
  return new Probot({
    appId: standIn.appId,
    privateKey,
    baseUrl: standIn.baseUrl,
    Octokit: TestOctokit,
    logLevel: "fatal",
  });
}

/** An installation-authenticated client, obtained through the JWT → access-token exchange. */
export async function installationClient(standIn: StandIn, installationId: number): Promise<Client> {
  return probotFor(standIn).auth(installationId);
}

export async function withStandIn<T>(run: (standIn: StandIn) => Promise<T>): Promise<T> {
  const standIn = await startStandIn();
  try {
    return await run(standIn);
  } finally {
    await standIn.close();
  }
}

export { installationToken } from "../../tools/github-standin/index.js";
