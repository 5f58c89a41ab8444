/**
 * Which contexts an outsider controls, which point at a pull request's code, and the taint of a
 * value written with `${{ … }}` expressions.
 */
import { expressions, references } from "./expressions.js";
import { CLEAN, type Flag, leaf, merge, type Taint } from "./taint.js";

/**
 * Text anyone who opens an issue or pull request, comments, reviews, edits a wiki page, names a
 * branch or writes a commit controls. `*` is any index or key. Assembled from:
 * - GitHub Docs, "Security hardening for GitHub Actions" / "Script injections" (the untrusted
 *   input list: titles, bodies, comments, reviews, page names, commit messages and authors,
 *   head ref and label, the head repository's default branch, github.head_ref);
 * - actionlint, expr_insecure.go `BuiltinUntrustedInputs` (adds review_comment.body and discussions);
 * - CodeQL, actions/ql/lib/ext/config/untrusted_event_properties.yml (adds the head repository's
 *   description and homepage, pages' titles, `changes.*.from`, committers, workflow_run's title,
 *   branch, head commit, head repository description, pull requests' head refs and paths,
 *   merge_group's head ref, and the whole-object dumps listed below);
 * - zizmor, crates/zizmor/data/context-capabilities.csv ("arbitrary": discussion answers,
 *   check suites' head branches).
 * A whole object above any of these (`toJSON(github.event.pull_request)`, `github.event`,
 * `github`) is as untrusted as its fields: its JSON carries them, quotes and all.
 * Left out on purpose, because only people with write or triage access set them: workflow_dispatch
 * and workflow_call inputs (`inputs.*`, `github.event.inputs.*`), repository_dispatch's
 * client_payload, releases, labels (so `toJSON(github.event.pull_request.labels.*.name)` is
 * fine), milestones; pushed branch and tag names (`github.ref_name`); and logins, repository
 * names, numbers and SHAs, whose characters cannot break out of a shell word.
 */
const UNTRUSTED = [
  "github.head_ref",
  "github.event.issue.title",
  "github.event.issue.body",
  "github.event.pull_request.title",
  "github.event.pull_request.body",
  "github.event.pull_request.head.ref",
  "github.event.pull_request.head.label",
  "github.event.pull_request.head.repo.default_branch",
  "github.event.pull_request.head.repo.description",
  "github.event.pull_request.head.repo.homepage",
  "github.event.comment.body",
  "github.event.review.body",
  "github.event.review_comment.body",
  "github.event.discussion.title",
  "github.event.discussion.body",
  "github.event.answer.body",
  "github.event.changes.title.from",
  "github.event.changes.body.from",
  "github.event.changes.head.ref.from",
  "github.event.pages.*.page_name",
  "github.event.pages.*.title",
  "github.event.head_commit.message",
  "github.event.head_commit.author.*",
  "github.event.head_commit.committer.*",
  "github.event.commits.*.message",
  "github.event.commits.*.author.*",
  "github.event.commits.*.committer.*",
  "github.event.workflow_run.display_title",
  "github.event.workflow_run.head_branch",
  "github.event.workflow_run.head_commit.message",
  "github.event.workflow_run.head_commit.author.*",
  "github.event.workflow_run.head_commit.committer.*",
  "github.event.workflow_run.head_repository.description",
  "github.event.workflow_run.pull_requests.*.head.ref",
  "github.event.workflow_run.path",
  "github.event.workflow_run.referenced_workflows.*.path",
  "github.event.workflow.path",
  "github.event.merge_group.head_ref",
  "github.event.merge_group.head_commit.message",
  "github.event.merge_group.head_commit.author.*",
  "github.event.merge_group.head_commit.committer.*",
  "github.event.check_suite.head_branch",
  "github.event.check_run.check_suite.head_branch",
].map((p) => p.split("."));

/** Contexts (and everything below them) that name a pull request's head: its commit, branch or fork. */
const PR_HEAD = [
  "github.head_ref",
  "github.event.pull_request.head",
  "github.event.pull_request.merge_commit_sha",
].map((p) => p.split("."));

/** Contexts that name the head of the run that triggered a workflow_run (possibly a fork's PR). */
const RUN_HEAD = [
  "github.event.workflow_run.head_sha",
  "github.event.workflow_run.head_branch",
  "github.event.workflow_run.head_repository",
  "github.event.workflow_run.head_commit",
  "github.event.workflow_run.pull_requests",
].map((p) => p.split("."));

/** Whether two paths agree as far as both go (`*` agrees with anything). */
function agree(path: readonly string[], pattern: readonly string[]): boolean {
  const n = Math.min(path.length, pattern.length);
  for (let i = 0; i < n; i++) {
    if (path[i] !== pattern[i] && path[i] !== "*" && pattern[i] !== "*") return false;
  }
  return true;
}

/** The taint of one context property (a lower-case path), read on a line the change may add. */
export function contextTaint(path: readonly string[], touched: boolean): Taint {
  const below = (p: readonly string[]) => path.length >= p.length && agree(path, p);
  const flags: Flag[] = [];
  if (UNTRUSTED.some((p) => agree(path, p))) flags.push("untrusted");
  if (PR_HEAD.some(below)) flags.push("prHead");
  if (RUN_HEAD.some(below)) flags.push("runHead");
  return flags.length === 0 ? CLEAN : leaf(flags, path.join("."), touched);
}

/** Text that names a pull request's code whatever the expressions in it (`pull/N/head`, `refs/pull/…`). */
const PR_REF_TEXT = /refs\/pull\/|\bgh pr checkout\b|\bpull\/(?:\d|\$\{\{)/;

/** `touchedAt` says whether the line at an offset of the text is added by the change. */
export function refTextTaint(text: string, touchedAt: (at: number) => boolean): Taint {
  const ref = PR_REF_TEXT.exec(text);
  return ref ? leaf(["prHead", "runHead"], ref[0], touchedAt(ref.index)) : CLEAN;
}

/** How a value refers to another (env., steps., needs.); undefined when it is not followed. */
export type Resolve = (path: readonly string[]) => Taint | undefined;

/** The taint of text holding expressions; `touchedAt` says whether the line at an offset is added. */
export function textTaint(text: string, touchedAt: (at: number) => boolean, resolve: Resolve): Taint {
  let t = refTextTaint(text, touchedAt);
  for (const e of expressions(text)) t = merge(t, expressionTaint(e.body, touchedAt(e.at), resolve));
  return t;
}

export function expressionTaint(body: string, touched: boolean, resolve: Resolve): Taint {
  let t = CLEAN;
  for (const path of references(body)) {
    const root = path[0];
    t = merge(
      t,
      root === "env" || root === "steps" || root === "needs" ? resolve(path) : contextTaint(path, touched),
    );
  }
  return t;
}

/**
 * What a script can read besides its expressions and env: the event payload file, a pull
 * request's head looked up through the API or the CLI (`gh pr view --json headRefOid`,
 * `pr.data.head.sha`), and event fields read in github-script (`context.payload.issue.title`).
 * A step that writes any of it to an output or to $GITHUB_ENV passes it on.
 */
const HEAD_LOOKUP = /\bheadRef(?:Oid|Name)\b|\.head\.(?:sha|ref)\b|\bhead_(?:sha|ref|branch)\b/;
const PAYLOAD =
  /\bpayload((?:\.[A-Za-z_$][\w$]*|\[\s*(?:'[^'\n]{0,100}'|"[^"\n]{0,100}"|\d{1,9})\s*\]){1,12})/g;

export function scriptSources(line: string, touched: boolean): Taint {
  let t = CLEAN;
  if (line.includes("GITHUB_EVENT_PATH")) {
    t = merge(t, leaf(["untrusted", "prHead", "runHead"], "the event payload ($GITHUB_EVENT_PATH)", touched));
  }
  const head = HEAD_LOOKUP.exec(line);
  if (head) t = merge(t, leaf(["prHead", "runHead"], head[0], touched));
  for (const m of line.matchAll(PAYLOAD)) {
    const path = (m[1] ?? "")
      .split(/[.[\]'"]+/)
      .filter(Boolean)
      .map((s) => (/^\d+$/.test(s) ? "*" : s.toLowerCase()));
    t = merge(t, contextTaint(["github", "event", ...path], touched));
  }
  return t;
}

/** Default variables of the runner that carry a pull request's head, as a script sees them. */
export function runnerVariable(name: string): Taint | undefined {
  if (name === "GITHUB_HEAD_REF") return leaf(["untrusted", "prHead"], "github.head_ref", false);
  return undefined;
}
