import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type StandIn, startStandIn } from "../../tools/github-standin/index.js";
import { type Client, installationClient } from "./support.js";

let standIn: StandIn;
let gh: Client;
const pull = { owner: "acme", repo: "web", pull_number: 1 };

beforeEach(async () => {
  standIn = await startStandIn();
  const repo = standIn.store.addRepo({ owner: "acme", name: "web" });
  standIn.store.addPullRequest(repo.fullName, { title: "t", author: "alice", head: "t" });
  gh = await installationClient(standIn, repo.installationId ?? 0);
});
afterEach(() => standIn.close());

const onPulls = (request: { path: string }) => request.path.includes("/pulls/");

describe("fault injection", () => {
  it("5xx fails the matching request `times` times, then GitHub answers again", async () => {
    standIn.faults.add({ match: onPulls, kind: "5xx", times: 1 });
    await expect(gh.rest.pulls.get(pull)).rejects.toMatchObject({ status: 502 });
    await expect(gh.rest.pulls.get(pull)).resolves.toMatchObject({ status: 200 });
    expect(
      standIn.requests.entries.filter((e) => e.path.includes("/pulls/")).map((e) => [e.status, e.fault]),
    ).toEqual([
      [502, "5xx"],
      [200, null],
    ]);
  });

  it("rate_limit answers 403 with x-ratelimit-remaining 0 and a reset time", async () => {
    standIn.faults.add({ match: onPulls, kind: "rate_limit" });
    const error = await gh.rest.pulls
      .get(pull)
      .catch((e: { status: number; response: { headers: Record<string, string> } }) => e);
    expect(error).toMatchObject({ status: 403, response: { headers: { "x-ratelimit-remaining": "0" } } });
    const reset = Number(
      (error as { response: { headers: Record<string, string> } }).response.headers["x-ratelimit-reset"],
    );
    expect(reset).toBeGreaterThan(Date.now() / 1000);
  });

  it("not_found answers 404 for something that exists", async () => {
    standIn.faults.add({ match: onPulls, kind: "not_found" });
    await expect(gh.rest.pulls.get(pull)).rejects.toMatchObject({ status: 404 });
  });

  it("malformed answers 200 with JSON that does not parse", async () => {
    standIn.faults.add({ match: onPulls, kind: "malformed" });
    const { status, data } = await gh.rest.pulls.get(pull);
    expect(status).toBe(200);
    // Octokit hands the unparsable text through: the app must notice the answer is not a pull request.
    expect(typeof data).toBe("string");
    expect(() => JSON.parse(data as unknown as string)).toThrow();
  });

  it("timeout never answers; close() still returns promptly", async () => {
    standIn.faults.add({ match: onPulls, kind: "timeout" });
    const request = gh.rest.pulls.get({ ...pull, request: { signal: AbortSignal.timeout(300) } });
    await expect(request).rejects.toThrow();
    expect(standIn.requests.entries.at(-1)).toMatchObject({ fault: "timeout", status: null });
    const started = Date.now();
    await standIn.close();
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("matches GraphQL operations by name", async () => {
    standIn.faults.add({ match: (r) => r.operationName === "Gate", kind: "5xx" });
    await expect(gh.graphql(`query Gate { rateLimit { cost } }`)).rejects.toMatchObject({ status: 502 });
    await expect(gh.graphql(`query Other { rateLimit { cost } }`)).resolves.toMatchObject({
      rateLimit: { cost: 1 },
    });
  });

  it("never hides an authentication failure", async () => {
    standIn.faults.add({ match: () => true, kind: "5xx" });
    const response = await fetch(`${standIn.baseUrl}/repos/acme/web`, {
      headers: { authorization: "token bogus" },
    });
    expect(response.status).toBe(401);
    standIn.faults.clear();
    await expect(gh.rest.pulls.get(pull)).resolves.toMatchObject({ status: 200 });
  });
});
