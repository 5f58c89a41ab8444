import jwt from "jsonwebtoken";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeAppKeys, type StandIn, startStandIn } from "../../tools/github-standin/index.js";
import { installationClient, probotFor } from "./support.js";

function appJwt(privateKey: string, claims: Record<string, unknown> = {}): string {
  const now = Math.floor(Date.now() / 1000);
  return jwt.sign({ iat: now - 30, exp: now + 540, iss: 1, ...claims }, privateKey, { algorithm: "RS256" });
}

describe("GitHub App authentication", () => {
  let standIn: StandIn;
  let key: string;
  let installationId: number;

  beforeAll(async () => {
    const keys = makeAppKeys();
    key = keys.privateKey;
    standIn = await startStandIn({ publicKey: keys.publicKey });
    installationId = standIn.store.addRepo({ owner: "acme", name: "web" }).installationId ?? 0;
    standIn.store.addRepo({ owner: "other", name: "secret-repo" });
  });
  afterAll(() => standIn.close());

  const post = (path: string, token: string, body?: unknown) =>
    fetch(`${standIn.baseUrl}${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  it("exchanges a JWT signed with the app key for an installation token", async () => {
    const response = await post(`/app/installations/${installationId}/access_tokens`, appJwt(key));
    expect(response.status).toBe(201);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body.token).toMatch(/^ghs_[A-Za-z0-9]{36}$/);
    expect(Date.parse(String(body.expires_at))).toBeGreaterThan(Date.now() + 50 * 60 * 1000);
    expect(body.permissions).toMatchObject({ checks: "write", pull_requests: "write" });
    expect(body.repository_selection).toBe("selected");
  });

  it("rejects a JWT signed with another key", async () => {
    const response = await post(
      `/app/installations/${installationId}/access_tokens`,
      appJwt(makeAppKeys().privateKey),
    );
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ message: "A JSON web token could not be decoded" });
  });

  it("rejects an expired JWT with GitHub's message", async () => {
    const now = Math.floor(Date.now() / 1000);
    const response = await post(
      `/app/installations/${installationId}/access_tokens`,
      appJwt(key, { iat: now - 1200, exp: now - 600 }),
    );
    expect(response.status).toBe(401);
    expect(((await response.json()) as { message: string }).message).toMatch(/'Expiration time' claim/);
  });

  it("rejects a JWT valid for more than ten minutes, or for another app", async () => {
    const now = Math.floor(Date.now() / 1000);
    const tooLong = await post(
      `/app/installations/${installationId}/access_tokens`,
      appJwt(key, { exp: now + 3600 }),
    );
    expect(tooLong.status).toBe(401);
    const otherApp = await post(
      `/app/installations/${installationId}/access_tokens`,
      appJwt(key, { iss: 99 }),
    );
    expect(otherApp.status).toBe(401);
  });

  it("does not accept a JWT where an installation token is required, nor no credentials", async () => {
    const withJwt = await fetch(`${standIn.baseUrl}/repos/acme/web`, {
      headers: { authorization: `Bearer ${appJwt(key)}` },
    });
    expect(withJwt.status).toBe(401);
    const anonymous = await fetch(`${standIn.baseUrl}/repos/acme/web`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ message: "Requires authentication" });
    const unknown = await fetch(`${standIn.baseUrl}/repos/acme/web`, {
      headers: { authorization: "token ghs_unknown" },
    });
    expect(unknown.status).toBe(401);
    expect(await unknown.json()).toMatchObject({ message: "Bad credentials" });
  });

  it("serves the app and a repository's installation only to the app's JWT", async () => {
    const headers = { authorization: `Bearer ${appJwt(key)}` };
    const app = (await (await fetch(`${standIn.baseUrl}/app`, { headers })).json()) as Record<
      string,
      unknown
    >;
    expect(app).toMatchObject({ id: 1, slug: "agent-policy" });
    const installation = await fetch(`${standIn.baseUrl}/repos/acme/web/installation`, { headers });
    expect(await installation.json()).toMatchObject({
      id: installationId,
      app_id: 1,
      account: { login: "acme" },
    });
  });

  it("works with Probot's own JWT and token handling", async () => {
    const client = await probotFor(standIn, key).auth(installationId);
    const repo = await client.rest.repos.get({ owner: "acme", repo: "web" });
    expect(repo.data.full_name).toBe("acme/web");
  });
});

describe("installation token scope", () => {
  let standIn: StandIn;

  beforeAll(async () => {
    standIn = await startStandIn();
  });
  afterAll(() => standIn.close());

  it("answers 404 for a private repository of another installation, as GitHub hides it", async () => {
    const mine = standIn.store.addRepo({ owner: "acme", name: "app" });
    standIn.store.addRepo({ owner: "globex", name: "private-app" });
    const client = await installationClient(standIn, mine.installationId ?? 0);
    await expect(client.rest.repos.get({ owner: "globex", repo: "private-app" })).rejects.toMatchObject({
      status: 404,
    });
  });

  it("lets a token read but not write a public repository it is not installed on", async () => {
    const mine = standIn.store.addRepo({ owner: "acme", name: "reader" });
    const open = standIn.store.addRepo({ owner: "initech", name: "oss", private: false });
    const pr = standIn.store.addPullRequest(open.fullName, { title: "x", author: "someone", head: "x" });
    const client = await installationClient(standIn, mine.installationId ?? 0);
    await expect(
      client.rest.pulls.get({ owner: "initech", repo: "oss", pull_number: pr.number }),
    ).resolves.toMatchObject({
      status: 200,
    });
    await expect(
      client.rest.checks.create({
        owner: "initech",
        repo: "oss",
        name: "agent-policy",
        head_sha: pr.head.sha,
      }),
    ).rejects.toMatchObject({ status: 403 });
  });

  it("refuses an endpoint the installation has no permission for with 403", async () => {
    const installation = standIn.store.addInstallation({
      account: "umbrella",
      permissions: { metadata: "read", pull_requests: "read" },
    });
    const repo = standIn.store.addRepo({ owner: "umbrella", name: "core", installationId: installation.id });
    const pr = standIn.store.addPullRequest(repo.fullName, { title: "x", author: "someone", head: "x" });
    const client = await installationClient(standIn, installation.id);
    await expect(
      client.rest.pulls.get({ owner: "umbrella", repo: "core", pull_number: 1 }),
    ).resolves.toBeTruthy();
    const write = client.rest.checks.create({
      owner: "umbrella",
      repo: "core",
      name: "agent-policy",
      head_sha: pr.head.sha,
    });
    await expect(write).rejects.toMatchObject({
      status: 403,
      message: expect.stringContaining("Resource not accessible by integration"),
    });
  });

  it("honours a token narrowed to some repositories and permissions", async () => {
    const a = standIn.store.addRepo({ owner: "hooli", name: "a" });
    standIn.store.addRepo({ owner: "hooli", name: "b" });
    const probot = probotFor(standIn);
    const appClient = await probot.auth();
    const issued = await appClient.request("POST /app/installations/{installation_id}/access_tokens", {
      installation_id: a.installationId ?? 0,
      repositories: ["a"],
      permissions: { metadata: "read" },
    });
    expect(issued.data.repository_selection).toBe("selected");
    const headers = { authorization: `token ${issued.data.token}` };
    expect((await fetch(`${standIn.baseUrl}/repos/hooli/a`, { headers })).status).toBe(200);
    expect((await fetch(`${standIn.baseUrl}/repos/hooli/b`, { headers })).status).toBe(404);
    expect((await fetch(`${standIn.baseUrl}/repos/hooli/a/pulls`, { headers })).status).toBe(403);
    await expect(
      appClient.request("POST /app/installations/{installation_id}/access_tokens", {
        installation_id: a.installationId ?? 0,
        permissions: { administration: "write" },
      }),
    ).rejects.toMatchObject({ status: 422 });
  });
});
