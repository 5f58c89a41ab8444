import type nock from "nock";
import { describe, expect, it } from "vitest";
import { createPeopleCaches, lookupPeople } from "../../src/github/gather.js";
import { offline } from "../support/nock.js";
import { github, octokit, TARGET } from "./gather-fixtures.js";

offline();

const permission = (scope: nock.Scope, login: string, body: object | number) => {
  const route = scope.get(`/repos/acme/app/collaborators/${encodeURIComponent(login)}/permission`);
  return typeof body === "number" ? route.reply(body, { message: "x" }) : route.reply(200, body);
};
const membership = (scope: nock.Scope, login: string, body: object | number) => {
  const route = scope.get(`/orgs/acme/teams/security/memberships/${login}`);
  return typeof body === "number" ? route.reply(body, { message: "Not Found" }) : route.reply(200, body);
};

describe("lookupPeople", () => {
  it("reads permissions, using the finer role name, and active team memberships", async () => {
    const { scope } = github();
    permission(scope, "bob", { permission: "write", role_name: "maintain" });
    permission(scope, "carol", { permission: "read", role_name: "security-reviewer" });
    permission(scope, "ghosty", 404);
    membership(scope, "bob", { state: "active", role: "member" });
    membership(scope, "carol", { state: "pending", role: "member" });
    membership(scope, "ghosty", 404);
    const people = await lookupPeople(
      octokit(),
      TARGET,
      ["bob", "carol", "ghosty"],
      ["acme/Security"],
      createPeopleCaches(),
    );
    expect(people).toEqual({
      bob: { permission: "maintain", teams: { "acme/security": true } },
      carol: { permission: "read", teams: { "acme/security": false } },
      ghosty: { permission: "none", teams: { "acme/security": false } },
    });
  });

  it("answers a second time from the cache without a request", async () => {
    const caches = createPeopleCaches();
    const { scope, requests } = github();
    permission(scope, "bob", { permission: "admin", role_name: "admin" });
    membership(scope, "bob", { state: "active" });
    const first = await lookupPeople(octokit(), TARGET, ["bob"], ["acme/security"], caches);
    const again = await lookupPeople(octokit(), TARGET, ["Bob"], ["acme/security"], caches);
    expect(requests).toHaveLength(2);
    expect(again.Bob).toEqual(first.bob);
  });

  it("asks again once an answer has expired", async () => {
    let clock = 1_000;
    const caches = createPeopleCaches({ ttlMs: 60_000, now: () => clock });
    const { scope, requests } = github();
    permission(scope, "bob", { permission: "write", role_name: "write" });
    permission(scope, "bob", { permission: "read", role_name: "read" });
    await lookupPeople(octokit(), TARGET, ["bob"], [], caches);
    clock += 30_000;
    expect((await lookupPeople(octokit(), TARGET, ["bob"], [], caches)).bob?.permission).toBe("write");
    clock += 31_000;
    expect((await lookupPeople(octokit(), TARGET, ["bob"], [], caches)).bob?.permission).toBe("read");
    expect(requests).toHaveLength(2);
  });

  it("keeps at most `max` answers", async () => {
    const caches = createPeopleCaches({ max: 2 });
    const { scope } = github();
    for (const login of ["a", "b", "c"]) permission(scope, login, { permission: "read" });
    await lookupPeople(octokit(), TARGET, ["a", "b", "c"], [], caches);
    expect(caches.permissions.size).toBe(2);
  });

  it("does not share answers between repositories", async () => {
    const caches = createPeopleCaches();
    const { scope, requests } = github();
    permission(scope, "bob", { permission: "admin" });
    scope.get("/repos/acme/other/collaborators/bob/permission").reply(200, { permission: "read" });
    await lookupPeople(octokit(), TARGET, ["bob"], [], caches);
    const other = await lookupPeople(octokit(), { owner: "acme", repo: "other" }, ["bob"], [], caches);
    expect(other.bob?.permission).toBe("read");
    expect(requests).toHaveLength(2);
  });

  it("fails with a reason instead of guessing", async () => {
    const { scope } = github();
    permission(scope, "bob", 500);
    await expect(lookupPeople(octokit(), TARGET, ["bob"], [], createPeopleCaches())).rejects.toMatchObject({
      name: "GatherError",
      fault: { kind: "unavailable" },
      reason: expect.stringContaining("reading the permission of @bob on acme/app"),
    });
    permission(scope, "bob", { permission: 7 });
    await expect(lookupPeople(octokit(), TARGET, ["bob"], [], createPeopleCaches())).rejects.toMatchObject({
      fault: { kind: "malformed" },
    });
    await expect(
      lookupPeople(octokit(), TARGET, ["bob"], ["security"], createPeopleCaches()),
    ).rejects.toMatchObject({
      reason: 'Team "security" is not of the form org/team-slug',
    });
  });
});
