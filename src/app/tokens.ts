/**
 * Installation tokens, kept by the app instead of by @octokit/auth-app: that cache stores whatever
 * GitHub answered to a token request for 59 minutes, a malformed answer included, after which every
 * call of the installation fails with 401. Here an answer is checked before it is kept, a failed or
 * malformed one is never kept, a token is fetched again (once) when GitHub refuses it, and the
 * token requests go through the App's own octokit, so they reach GitHub Enterprise Server too.
 */
import { LRUCache } from "lru-cache";
import type { ProbotOctokit } from "probot";

type Octokit = InstanceType<typeof ProbotOctokit>;

export class TokenError extends Error {
  override name = "TokenError";
}

interface Token {
  token: string;
  expiresAt: string;
}

/** Token requests per fetch when GitHub's answer is malformed (the first one and one more). */
const MALFORMED_ATTEMPTS = 2;

/** Fetched again this long before GitHub's expiry, so no evaluation starts with a token about to lapse. */
const EXPIRY_MARGIN_MS = 5 * 60_000;

/** A token GitHub could have issued: its characters, and an expiry still ahead. */
export function usableToken(
  answer: unknown,
  now = Date.now(),
): answer is { token: string; expires_at: string } {
  const { token, expires_at } = (answer ?? {}) as { token?: unknown; expires_at?: unknown };
  return (
    typeof token === "string" &&
    /^[A-Za-z0-9_.-]{20,255}$/.test(token) &&
    typeof expires_at === "string" &&
    Date.parse(expires_at) > now + 60_000
  );
}

export class InstallationTokens {
  readonly #cache = new LRUCache<number, Token>({ max: 15_000 });
  /** One token request per installation at a time; concurrent evaluations share it. */
  readonly #pending = new Map<number, Promise<Token>>();

  constructor(
    /**
     * The App's own (JWT-authenticated) octokit for one installation's token requests: Probot
     * throttles by octokit, and one shared by all would queue every installation's token request
     * behind one GitHub is holding.
     */
    readonly app: (installation: number) => Promise<Octokit>,
    /** Longest one token request may take; it is then aborted, so a held request never blocks the next. */
    readonly timeoutMs: number,
    readonly onFetch: (why: "new" | "expiring" | "refused") => void = () => {},
  ) {}

  /** The installation's token: the kept one while it is good, else a fresh one. */
  async get(installation: number): Promise<string> {
    const kept = this.#cache.get(installation);
    if (kept && Date.parse(kept.expiresAt) - Date.now() > EXPIRY_MARGIN_MS) return kept.token;
    return (await this.#fetch(installation, kept ? "expiring" : "new")).token;
  }

  /** GitHub refused `token`: forget it and fetch another (unless a concurrent refresh already did). */
  async refused(installation: number, token: string): Promise<string> {
    const kept = this.#cache.get(installation);
    if (kept && kept.token !== token) return kept.token;
    this.#cache.delete(installation);
    return (await this.#fetch(installation, "refused")).token;
  }

  #fetch(installation: number, why: "new" | "expiring" | "refused"): Promise<Token> {
    let pending = this.#pending.get(installation);
    if (!pending) {
      this.onFetch(why);
      pending = this.#request(installation).finally(() => this.#pending.delete(installation));
      this.#pending.set(installation, pending);
    }
    return pending;
  }

  /** Asks GitHub; a malformed answer is asked again once, then it fails (and nothing is kept). */
  async #request(installation: number): Promise<Token> {
    const octokit = await this.app(installation);
    for (let attempt = 1; ; attempt++) {
      const { data } = await octokit.request("POST /app/installations/{installation_id}/access_tokens", {
        installation_id: installation,
        // No client retries: the plugin would retry an aborted request for seconds more; the
        // evaluation is retried in the background instead.
        request: { signal: AbortSignal.timeout(this.timeoutMs), retries: 0 },
      });
      if (usableToken(data)) {
        const token = { token: data.token, expiresAt: data.expires_at };
        this.#cache.set(installation, token);
        return token;
      }
      if (attempt === MALFORMED_ATTEMPTS)
        throw new TokenError("GitHub answered the installation token request with a malformed token");
    }
  }
}

/**
 * An auth strategy for Octokit that sends the session's current token, so a token fetched again
 * after a 401 is used by the very next request (a fixed-token strategy would keep the old one).
 */
export function sessionAuth(current: () => string) {
  return () =>
    Object.assign(async () => ({ type: "token", tokenType: "installation", token: current() }), {
      hook: async (
        request: ((options: unknown) => Promise<unknown>) & {
          endpoint: { merge(route: unknown, parameters?: unknown): { headers: Record<string, string> } };
        },
        route: unknown,
        parameters?: unknown,
      ) => {
        const endpoint = request.endpoint.merge(route, parameters);
        endpoint.headers.authorization = `token ${current()}`;
        return request(endpoint);
      },
    });
}
