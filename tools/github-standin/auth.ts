/**
 * GitHub App authentication as GitHub checks it: an RS256 JWT signed with the app's private key (`iss` = app id,
 * at most 10 minutes of validity) for `/app/…` endpoints, and installation tokens (1 hour) for everything else.
 */
import jwt from "jsonwebtoken";
import type { Caller } from "./http.js";
import { HttpError } from "./http.js";
import { installationToken } from "./ids.js";
import { repository } from "./rest/shapes.js";
import type { AppPermissionLevel, AppPermissions, Installation, Repo, Store, TokenRecord } from "./store.js";

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
const TOKEN_LIFETIME_MS = 60 * 60 * 1000;
const MAX_JWT_LIFETIME_S = 10 * 60;
/** GitHub tolerates some clock drift between the app and itself. */
const CLOCK_DRIFT_S = 60;

const badJwt = () => new HttpError(401, "A JSON web token could not be decoded");

/** Who the `authorization` header says is calling; throws 401 like GitHub for anything it cannot accept. */
export function authenticate(store: Store, publicKey: string, header: string | undefined): Caller {
  if (!header) return { kind: "anonymous" };
  const match = /^(token|bearer)\s+(\S+)\s*$/i.exec(header);
  if (!match?.[2]) throw new HttpError(401, "Bad credentials");
  const credential = match[2];
  if (JWT_SHAPE.test(credential)) return verifyAppJwt(store, publicKey, credential);
  const token = store.tokens.get(credential);
  if (!token || token.expiresAt <= Date.now()) throw new HttpError(401, "Bad credentials");
  const installation = store.installations.get(token.installationId);
  if (!installation) throw new HttpError(401, "Bad credentials");
  return { kind: "installation", installation, token };
}

function verifyAppJwt(store: Store, publicKey: string, credential: string): Caller {
  let claims: jwt.JwtPayload;
  try {
    const decoded = jwt.verify(credential, publicKey, {
      algorithms: ["RS256"],
      clockTolerance: CLOCK_DRIFT_S,
    });
    if (typeof decoded === "string") throw badJwt();
    claims = decoded;
  } catch (error) {
    if (error instanceof jwt.TokenExpiredError) {
      throw new HttpError(
        401,
        "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires",
      );
    }
    if (error instanceof HttpError) throw error;
    throw badJwt();
  }
  const now = Math.floor(Date.now() / 1000);
  if (typeof claims.iat !== "number" || claims.iat > now + CLOCK_DRIFT_S) {
    throw new HttpError(
      401,
      "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued",
    );
  }
  if (typeof claims.exp !== "number" || claims.exp > now + MAX_JWT_LIFETIME_S + CLOCK_DRIFT_S) {
    throw new HttpError(401, "'Expiration time' claim ('exp') is too far in the future");
  }
  if (String(claims.iss) !== String(store.appId)) throw new HttpError(401, "Integration not found");
  return { kind: "app", appId: store.appId };
}

export function requireApp(caller: Caller): { kind: "app"; appId: number } {
  if (caller.kind === "app") return caller;
  if (caller.kind === "anonymous") throw new HttpError(401, "Requires authentication");
  throw new HttpError(401, "A JSON web token could not be decoded");
}

export function requireInstallation(caller: Caller): Extract<Caller, { kind: "installation" }> {
  if (caller.kind === "installation") return caller;
  if (caller.kind === "anonymous") throw new HttpError(401, "Requires authentication");
  throw new HttpError(401, "Bad credentials");
}

const LEVELS: Record<AppPermissionLevel, number> = { read: 1, write: 2 };

/** `need` is "name:level" where name may list alternatives, e.g. "issues|pull_requests:write". */
export function hasPermission(permissions: AppPermissions, need: string): boolean {
  const [names = "", level = "read"] = need.split(":");
  const wanted = LEVELS[level as AppPermissionLevel];
  return names.split("|").some((name) => {
    const granted = name === "metadata" ? "read" : permissions[name];
    return granted !== undefined && LEVELS[granted] >= wanted;
  });
}

/** The token reaches the repo when its installation covers it and it was not narrowed to other repos. */
export function tokenCovers(token: TokenRecord, installation: Installation, repo: Repo): boolean {
  if (repo.installationId !== installation.id) return false;
  return token.repositoryIds === null || token.repositoryIds.includes(repo.id);
}

/** `POST /app/installations/{id}/access_tokens`, with GitHub's optional narrowing by repository and permission. */
export function createAccessToken(
  store: Store,
  installation: Installation,
  body: unknown,
): Record<string, unknown> {
  const request = (body && typeof body === "object" ? body : {}) as {
    repositories?: unknown;
    repository_ids?: unknown;
    permissions?: unknown;
  };
  const covered = [...store.repos.values()].filter((r) => r.installationId === installation.id);
  let repositoryIds: number[] | null = null;
  if (request.repositories !== undefined || request.repository_ids !== undefined) {
    const names = Array.isArray(request.repositories) ? request.repositories : [];
    const ids = Array.isArray(request.repository_ids) ? request.repository_ids : [];
    const chosen = covered.filter((r) => names.includes(r.name) || ids.includes(r.id));
    if (chosen.length !== names.length + ids.length) {
      throw new HttpError(
        422,
        "There is at least one repository that does not exist or is not accessible to the parent installation.",
      );
    }
    repositoryIds = chosen.map((r) => r.id);
  }
  let permissions = installation.permissions;
  if (request.permissions !== undefined) {
    if (!request.permissions || typeof request.permissions !== "object")
      throw new HttpError(422, "Invalid request.");
    const asked = request.permissions as Record<string, unknown>;
    for (const [name, level] of Object.entries(asked)) {
      if (
        (level !== "read" && level !== "write") ||
        !hasPermission(installation.permissions, `${name}:${level}`)
      ) {
        throw new HttpError(422, "The permissions requested are not granted to this installation.");
      }
    }
    permissions = asked as AppPermissions;
  }
  const token: TokenRecord = {
    token: installationToken(),
    installationId: installation.id,
    expiresAt: Date.now() + TOKEN_LIFETIME_MS,
    permissions,
    repositoryIds,
  };
  store.tokens.set(token.token, token);
  return {
    token: token.token,
    expires_at: new Date(token.expiresAt).toISOString().replace(/\.\d{3}Z$/, "Z"),
    permissions,
    repository_selection: repositoryIds === null ? installation.repositorySelection : "selected",
    ...(repositoryIds === null
      ? {}
      : {
          repositories: covered.filter((r) => repositoryIds.includes(r.id)).map((r) => repository(store, r)),
        }),
  };
}
