/**
 * `agent-policy doctor`: does GitHub really hold merges into a branch on this app's `agent-policy`
 * check run? The enforcement self-check of the check-run summary, run with a token before (or
 * after) installing the app, and with what it could not see as well. Read only.
 */
import { z } from "zod";
import { enforcementProblems, enforcementUnknowns } from "../engine/enforcement.js";
import { asGatherError, GatherError } from "../github/gather-errors.js";
import { parseShape } from "../github/gather-shape.js";
import { readEnforcementFacts } from "../github/protection.js";
import { type CommandSpec, type ParsedArgs, stringValue, UsageError } from "./args.js";
import { parseRepo } from "./bases.js";
import { githubClient } from "./github-client.js";

export interface DoctorOptions {
  owner: string;
  repo: string;
  /** Default: the repository's default branch. */
  branch?: string;
  appSlug: string;
  token: string;
  apiUrl: string;
}

const repoShape = z.object({ default_branch: z.string().min(1) });
const appShape = z.object({ id: z.number().int().positive() });

/** One REST read checked against its shape; any failure is a GatherError with the reason. */
async function read<T extends z.ZodType>(shape: T, doing: string, call: () => Promise<{ data: unknown }>) {
  try {
    return parseShape(shape, (await call()).data, doing);
  } catch (e) {
    throw asGatherError(e, doing);
  }
}

/** The report, and the exit code: 0 no problem, 1 problems, 2 the repository or the app cannot be read. */
export async function runDoctor(o: DoctorOptions): Promise<{ text: string; code: number }> {
  const octokit = await githubClient(o.token, o.apiUrl);
  let appId: number;
  let branch: string;
  try {
    [appId, branch] = await Promise.all([
      read(appShape, `reading the GitHub App ${o.appSlug}`, () =>
        octokit.rest.apps.getBySlug({ app_slug: o.appSlug }),
      ).then((app) => app.id),
      o.branch ??
        read(repoShape, `reading ${o.owner}/${o.repo}`, () =>
          octokit.rest.repos.get({ owner: o.owner, repo: o.repo }),
        ).then((repo) => repo.default_branch),
    ]);
  } catch (e) {
    if (e instanceof GatherError) return { text: `agent-policy doctor: ${e.reason}`, code: 2 };
    throw e;
  }
  const target = { owner: o.owner, repo: o.repo, branch, appId, appSlug: o.appSlug };
  const facts = await readEnforcementFacts(octokit, target);
  const problems = enforcementProblems(facts);
  const unknowns = enforcementUnknowns(facts);
  const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
  const text = [
    `${o.owner}/${o.repo}@${branch}: is the \`agent-policy\` check run of ${o.appSlug} (app id ${appId}) enforced?`,
    "",
    problems.length === 0 ? "No problems found." : `${count}:`,
    ...problems.flatMap((p, i) => [`${i + 1}. ${p.problem}`, `   Fix: ${p.fix}`]),
    ...(unknowns.length > 0 ? ["", "Not known:", ...unknowns.map((u) => `- ${u}`)] : []),
  ];
  return { text: text.join("\n"), code: problems.length === 0 ? 0 : 1 };
}

const spec: CommandSpec = {
  name: "doctor",
  synopsis: "--repo OWNER/NAME [--branch BRANCH] [--app-slug SLUG]",
  summary: "Check that GitHub really requires the agent-policy check on a branch, and say what to change.",
  maxPositionals: 0,
  options: {
    repo: { type: "string", value: "OWNER/NAME", description: "The repository" },
    branch: {
      type: "string",
      value: "BRANCH",
      description: "The PRs' base branch (default: the repository's default branch)",
    },
    "app-slug": {
      type: "string",
      value: "SLUG",
      description: "The app that must post the check (default: agent-policy)",
    },
  },
  details: [
    "The token is $GITHUB_TOKEN or $GH_TOKEN; the API is $GITHUB_API_URL (default: https://api.github.com).",
    "Reading branch protection needs Administration: read; a ruleset's bypass list shows only with write",
    "access to the ruleset. Nothing is written. Exit code 1: a problem was found; 2: it could not be checked.",
  ].join("\n"),
};

/** The command for the dispatcher in commands.ts. */
export const doctor = {
  spec,
  async run(a: ParsedArgs): Promise<number> {
    const repoArg = stringValue(a, "repo");
    const target = repoArg === undefined ? undefined : parseRepo(repoArg);
    if (!target)
      throw new UsageError(`doctor needs --repo OWNER/NAME${repoArg ? `, got ${repoArg}` : ""}`, spec);
    const branch = stringValue(a, "branch");
    const appSlug = stringValue(a, "app-slug") ?? "agent-policy";
    if (branch === "" || appSlug === "")
      throw new UsageError("--branch and --app-slug cannot be empty", spec);
    const token = process.env.GITHUB_TOKEN || process.env.GH_TOKEN;
    if (!token) throw new UsageError("doctor needs a token in GITHUB_TOKEN or GH_TOKEN", spec);
    const apiUrl = process.env.GITHUB_API_URL || "https://api.github.com";
    const result = await runDoctor({
      ...target,
      ...(branch !== undefined ? { branch } : {}),
      appSlug,
      token,
      apiUrl,
    });
    (result.code === 2 ? process.stderr : process.stdout).write(`${result.text}\n`);
    return result.code;
  },
};
