/**
 * Where the command line reads `_extends` bases: a base in the policy's own repository from the
 * working tree, a base in another repository from a local checkout under `--base-dir`, and any
 * other from GitHub's contents API when there is a token. Without a way to read a base it says
 * which, rather than calling the policy invalid.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { type Fetcher, type LoadResult, loadPolicy, type PolicyRef } from "../policy/index.js";
import { type OptionSpec, type ParsedArgs, stringList, stringValue, UsageError } from "./args.js";
import { githubClient } from "./github-client.js";
import { displayPath } from "./problems.js";

export const BASE_OPTIONS: Record<string, OptionSpec> = {
  repo: {
    type: "string",
    value: "OWNER/NAME",
    description: "The repository the policy is in, for `_extends: repo` (default: $GITHUB_REPOSITORY)",
  },
  "base-dir": {
    type: "string",
    multiple: true,
    value: "DIR",
    description: "Read bases from checkouts in DIR, as DIR/OWNER/REPO or DIR/REPO (repeatable)",
  },
  token: {
    type: "string",
    value: "TOKEN",
    description: "Read other bases from GitHub with this token (default: $GITHUB_TOKEN)",
  },
  "api-url": {
    type: "string",
    value: "URL",
    description: "GitHub's API (default: $GITHUB_API_URL or https://api.github.com)",
  },
};

export interface BaseSources {
  /** The repository the policy files are in. */
  home?: { owner: string; repo: string };
  baseDirs: readonly string[];
  token?: string;
  apiUrl?: string;
}

/** A base that could not be read here: not a fault of the policy, so the check cannot be made. */
class BaseUnavailable extends Error {
  override readonly name = "BaseUnavailable";
}

/** Loads a local policy file and its bases; may throw BaseUnavailable or a GitHub fault. */
export type PolicyLoader = (file: string, text: string) => Promise<LoadResult>;

const refName = (ref: PolicyRef) => `${ref.owner}/${ref.repo}:${ref.path}`;

/** `OWNER/NAME`, or undefined when it is not one. */
export function parseRepo(repo: string): { owner: string; repo: string } | undefined {
  const m = /^([A-Za-z0-9][A-Za-z0-9-]*)\/([A-Za-z0-9._-]+)$/.exec(repo);
  return m ? { owner: m[1] as string, repo: m[2] as string } : undefined;
}

/** The working tree holding `file`: the nearest folder with `.git`, else the current folder. */
function worktreeOf(file: string): string {
  for (let dir = dirname(resolve(file)); ; dir = dirname(dir)) {
    if (existsSync(join(dir, ".git"))) return dir;
    if (dirname(dir) === dir) return process.cwd();
  }
}

async function readIfExists(path: string): Promise<string | null> {
  try {
    return await readFile(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw e;
  }
}

/** The sources the options name, falling back to what GitHub Actions sets in the environment. */
export function baseSourcesFrom(args: ParsedArgs, env: NodeJS.ProcessEnv = process.env): BaseSources {
  const repo = stringValue(args, "repo");
  const home = parseRepo(repo ?? env.GITHUB_REPOSITORY ?? "");
  if (repo !== undefined && !home) throw new UsageError(`--repo must be OWNER/NAME, got ${repo}`);
  return {
    home,
    baseDirs: stringList(args, "base-dir"),
    token: stringValue(args, "token") || env.GITHUB_TOKEN || undefined,
    apiUrl: stringValue(args, "api-url") || env.GITHUB_API_URL || undefined,
  };
}

export function policyLoader(o: BaseSources): PolicyLoader {
  const { home } = o;
  const sameRepo = (ref: PolicyRef) =>
    home !== undefined &&
    ref.owner.toLowerCase() === home.owner.toLowerCase() &&
    ref.repo.toLowerCase() === home.repo.toLowerCase();
  let github: Promise<Fetcher> | undefined;

  /** Bases of a policy in `worktree`. */
  const fetcherIn =
    (worktree: string): Fetcher =>
    async (ref) => {
      if (sameRepo(ref)) {
        const path = join(worktree, ref.path);
        const text = await readIfExists(path);
        return text === null ? null : { text, source: displayPath(path) };
      }
      const checkouts = o.baseDirs.flatMap((d) => [join(d, ref.owner, ref.repo), join(d, ref.repo)]);
      for (const checkout of checkouts.filter((c) => existsSync(c))) {
        const path = join(checkout, ref.path);
        const text = await readIfExists(path);
        if (text !== null) return { text, source: displayPath(path) };
      }
      if (o.token === undefined) {
        const where = o.baseDirs.length > 0 ? `it is not under ${o.baseDirs.join(", ")} and ` : "";
        throw new BaseUnavailable(
          `cannot read the base policy ${refName(ref)}: ${where}there is no token to read it from GitHub ` +
            "(pass --base-dir with a checkout of it, or --token / GITHUB_TOKEN)",
        );
      }
      github ??= githubFetcher(o.token, o.apiUrl);
      const fetched = await (await github)(ref);
      if (fetched === null) {
        throw new BaseUnavailable(
          `GitHub has no base policy ${refName(ref)} that this token can read (it does not exist, or the token cannot read ${ref.owner}/${ref.repo})`,
        );
      }
      return fetched;
    };

  return (file, text) => {
    const worktree = worktreeOf(file);
    const path = relative(worktree, resolve(file)).split(sep).join("/");
    const inside = !path.startsWith("../") && !isAbsolute(path);
    const entry = home && inside ? { text, source: file, home: { ...home, path } } : { text, source: file };
    return loadPolicy(entry, fetcherIn(worktree));
  };
}

/** The app's own reader of `_extends` files, with a token instead of an installation. */
async function githubFetcher(token: string, apiUrl: string | undefined): Promise<Fetcher> {
  // Loaded only when a base is read from GitHub.
  const [octokit, { policyFetcher }] = await Promise.all([
    githubClient(token, apiUrl),
    import("../github/gather-rest.js"),
  ]);
  return policyFetcher(octokit);
}
