/**
 * Who made a pull request (agent, bot or human), which agents and bots were involved, and which humans
 * asked for the work. Pure: reads only the policy and the facts.
 *
 * Strong evidence is account identity (the PR author, a commit's author, committer or co-author, by login
 * or by catalogued email). Weak evidence is a marker (trailer, branch prefix, body footer): it can only
 * raise scrutiny, and its absence never lowers it, because agents' markers are easy to strip.
 * Emails are forgeable too, so a human commit that claims an agent's email makes the PR an agent PR:
 * the claim can only cost its author scrutiny.
 */
import { AI_TRAILER_KEYS, CATALOG, type CatalogEntry, type RequesterFooter } from "../catalog/agents.js";
import { CATALOG_INDEX, catalogAccount } from "../catalog/lookup.js";
import type { Actor, Commit, GitIdentity, PrFacts } from "../facts/model.js";
import type { AccountConfig, AuthorKind, Policy } from "../policy/model.js";
import type { Evidence, Identity } from "./decision.js";
import {
  clipText,
  LOGIN_PATTERN,
  noreplyId,
  noreplyLogin,
  parseIdentity,
  parseTrailers,
  type Trailer,
} from "./trailers.js";

export type ActorClass = "agent" | "bot" | "human" | "unknown";

/**
 * `contributors`: lowercase logins of every commit author, committer and co-author, and of a person
 * who edited an agent's or bot's PR body; excluded from approving when `approvals.exclude` lists them.
 */
export type IdentityResult = Identity & { contributors: string[] };

/** A catalogued or configured account. */
export interface KnownAccount {
  name: string;
  login?: string;
  /** A catalogued AI reviewer is an agent: its approvals and promotion steps are an AI's. */
  kind: "agent" | "bot";
  owner?: string;
  entry?: CatalogEntry;
  /** Listed in the policy's `agents.accounts`. */
  configured: boolean;
  /** For de-duplication: the catalog id, or the configured login. */
  key: string;
}

const COPILOT = "copilot-coding-agent";
const UNKNOWN_AUTHOR = "(unknown)";
const CONTRIBUTOR_KEYS = new Set(["co-authored-by", "signed-off-by"]);
const AI_KEYS = new Set(AI_TRAILER_KEYS.map((k) => k.toLowerCase()));
/** Footers read per pattern; a body naming more people than this is not an agent's footer. */
const MAX_FOOTER_MATCHES = 20;
/** Codex's retry segment: six random letters and digits, at least one a digit (`p1njaq-`). */
const RANDOM_SEGMENT = /^(?=[a-z]{0,5}[0-9])[a-z0-9]{6}-/;
const SEGMENTED_PREFIX = "codex/";
/** A platform label counts as added at creation within this long of the PR being opened. */
const AT_CREATION_MS = 60_000;
const KIND_WORDS = { agent: "AI coding agent", reviewer: "AI reviewer", bot: "automation bot" } as const;

const configuredCache = new WeakMap<Policy, ReadonlyMap<string, AccountConfig>>();

function configuredAccounts(policy: Policy): ReadonlyMap<string, AccountConfig> {
  let map = configuredCache.get(policy);
  if (!map) {
    map = new Map(policy.agents.accounts.map((a) => [a.login.toLowerCase(), a] as const));
    configuredCache.set(policy, map);
  }
  return map;
}

/** A configured account wins over the catalog (the organisation knows its own accounts), keeping the catalog's name. */
function resolve(
  login: string | undefined,
  entry: CatalogEntry | undefined,
  policy: Policy,
): KnownAccount | null {
  const config = login ? configuredAccounts(policy).get(login.toLowerCase()) : undefined;
  if (config) {
    const account: KnownAccount = {
      name: entry?.name ?? config.login,
      login,
      kind: config.kind,
      configured: true,
      key: `config:${config.login.toLowerCase()}`,
    };
    if (config.owner) account.owner = config.owner;
    if (entry) account.entry = entry;
    return account;
  }
  if (!entry) return null;
  const account: KnownAccount = {
    name: entry.name,
    kind: entry.kind === "bot" ? "bot" : "agent",
    entry,
    configured: false,
    key: entry.id,
  };
  if (login) account.login = login;
  return account;
}

function known(
  login: string,
  type: Actor["type"] | null,
  id: number | undefined,
  policy: Policy,
): KnownAccount | null {
  return resolve(login, policy.agents.builtin ? catalogAccount(login, type, id) : undefined, policy);
}

function wellFormed(actor: Actor | null | undefined): actor is Actor {
  return typeof actor?.login === "string" && actor.login.length > 0;
}

/** The catalogued or configured identity behind a GitHub account, or null for anyone else. */
export function knownActor(actor: Actor | null, policy: Policy): KnownAccount | null {
  if (!wellFormed(actor)) return null;
  return known(actor.login, actor.type, typeof actor.id === "number" ? actor.id : undefined, policy);
}

export function actorClass(actor: Actor | null, policy: Policy): ActorClass {
  // A deleted ("ghost") or mannequin account cannot be held to anything: never trusted as a human.
  if (!wellFormed(actor) || actor.type === "Unknown") return "unknown";
  const account = knownActor(actor, policy);
  if (account) return account.kind;
  if (actor.type === "Bot" || actor.login.toLowerCase().endsWith("[bot]")) return "bot";
  return "human";
}

/** A git identity's account: by the login GitHub resolved, else by a catalogued email, else by a noreply email's login. */
function knownGit(ident: GitIdentity, policy: Policy): { account: KnownAccount; shown: string } | null {
  const login = typeof ident?.login === "string" && ident.login ? ident.login : undefined;
  const email = typeof ident?.email === "string" ? ident.email : "";
  if (login) {
    const account = known(login, null, undefined, policy);
    if (account) return { account, shown: login };
  }
  const shown = `${typeof ident?.name === "string" ? ident.name : ""} <${email}>`.trim();
  const fromEmail = noreplyLogin(email);
  const byEmail = policy.agents.builtin ? CATALOG_INDEX.byEmail.get(email.toLowerCase()) : undefined;
  const account = byEmail
    ? resolve(fromEmail ?? login, byEmail, policy)
    : fromEmail
      ? known(fromEmail, null, noreplyId(email) ?? undefined, policy)
      : null;
  return account ? { account, shown } : null;
}

/** The login of a git identity: the one GitHub resolved, else the one in its noreply email. */
function gitLogin(ident: GitIdentity): string | null {
  if (typeof ident?.login === "string" && ident.login) return ident.login;
  return typeof ident?.email === "string" ? noreplyLogin(ident.email) : null;
}

/** Inline code for a report: no backticks or control characters from untrusted text, bounded length. */
function code(text: string): string {
  const clean = text.replace(/[`\p{Cc}]/gu, "'");
  return `\`${clean.length > 120 ? `${clean.slice(0, 117)}...` : clean}\``;
}

/** "GitHub Copilot coding agent (AI coding agent, account id 198982749)", "configured as an agent owned by @acme/platform". */
function describe(account: KnownAccount, accountId?: number): string {
  const notes: string[] = [];
  if (account.entry && !account.configured) notes.push(KIND_WORDS[account.entry.kind]);
  if (accountId !== undefined) notes.push(`account id ${accountId}`);
  if (account.entry && !account.entry.verified) notes.push("unverified catalog entry");
  let text = account.name;
  if (account.configured) {
    const role = `configured as ${account.kind === "agent" ? "an agent" : "a bot"}${account.owner ? ` owned by ${account.owner}` : ""}`;
    text = account.entry ? `${account.entry.name}, ${role}` : role;
  }
  return notes.length > 0 ? `${text} (${notes.join(", ")})` : text;
}

/** Evidence, one line per signal and source: the same signal in many commits reads "(and N more commits)". */
class EvidenceLog {
  private readonly records: { item: Evidence; sha: string | undefined; more: number }[] = [];
  private readonly seen = new Map<string, { item: Evidence; sha: string | undefined; more: number }>();

  /** `detail` is built only for the first sighting, so hundreds of commits cost no string work. */
  add(key: string, signal: string, detail: () => string, sha?: string): void {
    const prior = this.seen.get(key);
    if (prior) {
      if (sha !== undefined && sha !== prior.sha) {
        prior.more++;
        prior.sha = sha;
      }
      return;
    }
    const record = { item: { signal, detail: detail() }, sha, more: 0 };
    this.records.push(record);
    this.seen.set(key, record);
  }

  list(): Evidence[] {
    return this.records.map(({ item, more }) =>
      more > 0
        ? { signal: item.signal, detail: `${item.detail} (and ${more} more commit${more === 1 ? "" : "s"})` }
        : item,
    );
  }
}

/** Requesters by lowercase login, one line of evidence per kind of reason. */
class RequesterLog {
  private readonly byLogin = new Map<string, { login: string; evidence: string[]; reasons: Set<string> }>();

  add(login: string, reason: string, evidence: () => string): void {
    const key = login.toLowerCase();
    let r = this.byLogin.get(key);
    if (!r) {
      r = { login, evidence: [], reasons: new Set() };
      this.byLogin.set(key, r);
    }
    if (r.reasons.has(reason)) return;
    r.reasons.add(reason);
    r.evidence.push(evidence());
  }

  list(): Identity["requesters"] {
    return [...this.byLogin.values()].map((r) => ({ login: r.login, evidence: r.evidence.join("; ") }));
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** `<lead>` then `:`, `*`, `_` or spaces, then `@login` not running on into more login characters. Linear: no nested choice. */
function footerRegExp(leadSource: string): RegExp {
  return new RegExp(`${leadSource}[:*_ \\t]{0,6}@(${LOGIN_PATTERN})(?![A-Za-z0-9\\[-])`, "gi");
}

const ENTRY_FOOTERS = new Map<string, { footer: RequesterFooter; re: RegExp }[]>(
  CATALOG.filter((e) => e.requesterFooters.length > 0).map((e) => [
    e.id,
    e.requesterFooters.map((footer) => ({ footer, re: footerRegExp(escapeRegExp(footer.lead)) })),
  ]),
);
const GENERIC_FOOTER = footerRegExp("\\b(?:requested|started|triggered) by");

function* footerMatches(re: RegExp, body: string): Generator<{ login: string; text: string }> {
  let n = 0;
  for (const m of body.matchAll(re)) {
    if (!m[1] || ++n > MAX_FOOTER_MATCHES) return;
    yield { login: m[1], text: m[0] };
  }
}

/** A policy pattern that throws counts as a match: fail closed, and say so. */
function safeTest(
  pattern: Policy["agents"]["markers"]["bodyPatterns"][number],
  text: string,
): boolean | "error" {
  try {
    return pattern.test(text);
  } catch {
    return "error";
  }
}

function list<T>(value: readonly T[] | undefined | null): readonly T[] {
  return Array.isArray(value) ? value : [];
}

interface GitReading {
  login: string | null;
  match: { account: KnownAccount; shown: string } | null;
  suffix: { value: string; account: KnownAccount } | null;
}

interface TrailerReading {
  /** Lowercase. */
  key: string;
  /** From a noreply email in the value. */
  login: string | null;
  /** Why the marker fired, when the trailer's own text does not make it plain. */
  marker: { account?: KnownAccount; why?: string } | null;
}

/** A catalogued suffix on a git author or committer name (`Alice (aider)`), a commit marker like a trailer. */
function nameSuffix(ident: GitIdentity, policy: Policy): GitReading["suffix"] {
  if (!policy.agents.builtin || !policy.agents.markers.trailers || typeof ident?.name !== "string")
    return null;
  const name = ident.name.toLowerCase();
  const suffix = CATALOG_INDEX.nameSuffixes.find((s) => name.endsWith(s.value));
  const account = suffix ? resolve(undefined, suffix.entry, policy) : null;
  return suffix && account ? { value: suffix.value, account } : null;
}

/** What one evaluation gathers while reading the facts. */
class Findings {
  readonly strong = new EvidenceLog();
  readonly weak = new EvidenceLog();
  readonly requesters = new RequesterLog();
  readonly contributors = new Set<string>();
  readonly agents = new Map<string, KnownAccount>();
  /** An agent's own account authored, committed or co-authored work. */
  strongAgent = false;
  /** Only markers point at an agent. */
  weakAgent = false;
  /** A GitHub App outside the catalog and the policy wrote a commit: at least a bot's PR. */
  unknownApp = false;
  /** Commits of one PR repeat the same few identities and trailers: each distinct one is read once. */
  private readonly gitMemo = new Map<string, GitReading>();
  private readonly trailerMemo = new Map<string, TrailerReading>();

  constructor(readonly policy: Policy) {}

  involve(account: KnownAccount, strength: "strong" | "weak"): void {
    if (!this.agents.has(account.key)) this.agents.set(account.key, account);
    if (account.kind !== "agent") return;
    if (strength === "strong") this.strongAgent = true;
    else this.weakAgent = true;
  }

  readGit(ident: GitIdentity): GitReading {
    const memoKey = `${ident?.login}\u0000${ident?.email}\u0000${ident?.name}`;
    let reading = this.gitMemo.get(memoKey);
    if (!reading) {
      reading = {
        login: gitLogin(ident),
        match: knownGit(ident, this.policy),
        suffix: nameSuffix(ident, this.policy),
      };
      this.gitMemo.set(memoKey, reading);
    }
    return reading;
  }

  readTrailer(trailer: Trailer): TrailerReading {
    const memoKey = `${trailer.key}\u0000${trailer.value}`;
    let reading = this.trailerMemo.get(memoKey);
    if (!reading) {
      const key = trailer.key.toLowerCase();
      const ident = parseIdentity(trailer.value);
      const login = ident ? noreplyLogin(ident.email) : null;
      const marker = this.policy.agents.markers.trailers
        ? trailerMarker(trailer, key, ident, login, this.policy)
        : null;
      reading = { key, login, marker };
      this.trailerMemo.set(memoKey, reading);
    }
    return reading;
  }

  isHumanLogin(login: string): boolean {
    return !login.toLowerCase().endsWith("[bot]") && known(login, null, undefined, this.policy) === null;
  }
}

export function identify(policy: Policy, facts: PrFacts): IdentityResult {
  const found = new Findings(policy);
  const author = wellFormed(facts.author) ? facts.author : null;
  const authorClass = actorClass(author, policy);
  const authorAccount = knownActor(author, policy);
  readAuthor(found, author, authorClass, authorAccount);
  for (const commit of list(facts.commits)) readCommit(found, commit);
  readBranch(found, typeof facts.head?.ref === "string" ? facts.head.ref : "");
  readPlatformLabels(found, facts);
  const body = clipText(typeof facts.body === "string" ? facts.body : "");
  readBody(found, body);
  readRequesters(found, facts, body, author, authorClass, authorAccount);
  readBodyEditor(found, facts, author, authorClass);

  // Strong agent evidence decides; then a bot author; weak markers can only raise the kind, per assisted_as.
  let kind: AuthorKind = authorClass === "bot" || found.unknownApp ? "bot" : "human";
  let assisted = false;
  if (found.strongAgent) kind = "agent";
  else if (found.weakAgent) {
    assisted = true;
    if (policy.agents.assistedAs === "agent") kind = "agent";
  }

  return {
    kind,
    assisted,
    author: author?.login ?? UNKNOWN_AUTHOR,
    agents: [...found.agents.values()].map((a) => {
      const item: Identity["agents"][number] = { name: a.name, kind: a.kind };
      if (a.login) item.login = a.login;
      if (a.owner) item.owner = a.owner;
      return item;
    }),
    requesters: found.requesters.list(),
    strong: found.strong.list(),
    weak: found.weak.list(),
    contributors: [...found.contributors],
  };
}

function readAuthor(
  found: Findings,
  author: Actor | null,
  authorClass: ActorClass,
  account: KnownAccount | null,
): void {
  if (!author) {
    found.strongAgent = true;
    found.strong.add(
      "author",
      "author account",
      () => "the PR author is missing or malformed; treated as an agent (fail closed)",
    );
    return;
  }
  if (account) {
    found.involve(account, "strong");
    const id = typeof author.id === "number" ? author.id : undefined;
    found.strong.add(
      "author",
      "author account",
      () => `author ${code(author.login)} is ${describe(account, id)}`,
    );
  } else if (authorClass === "bot") {
    found.strong.add(
      "author",
      "author account",
      () => `author ${code(author.login)} is a GitHub App or bot account that is not in the catalog`,
    );
  }
}

/** A commit's identities (strong), its trailers and name suffixes (weak), its contributors, and Copilot's requester. */
function readCommit(found: Findings, commit: Commit): void {
  const sha = typeof commit?.sha === "string" ? commit.sha : "";
  const short = () => code(sha.slice(0, 7));
  const roles: [string, GitIdentity][] = [
    ["author", commit?.author],
    ["committer", commit?.committer],
    ...list(commit?.coAuthors).map((c): [string, GitIdentity] => ["co-author", c]),
  ];
  let commitAuthor: KnownAccount | null = null;
  /** Accounts this commit's co-authors are (strong): their `Co-authored-by` trailer is the same fact, not weak evidence too. */
  const coAuthorAccounts = new Set<string>();
  for (const [role, ident] of roles) {
    const { login, match, suffix } = found.readGit(ident);
    if (login) found.contributors.add(login.toLowerCase());
    if (match) {
      found.involve(match.account, "strong");
      if (role === "author") commitAuthor = match.account;
      if (role === "co-author") coAuthorAccounts.add(match.account.key);
      found.strong.add(
        `commit ${role}|${match.account.key}`,
        `commit ${role}`,
        () => `commit ${short()} ${role} ${code(match.shown)} is ${describe(match.account)}`,
        sha,
      );
    }
    if (!match && login && isAppLogin(login)) {
      found.unknownApp = true;
      found.strong.add(
        `commit ${role}|app:${login.toLowerCase()}`,
        `commit ${role}`,
        () =>
          `commit ${short()} ${role} ${code(login)} is a GitHub App that is not in the catalog: treated as a bot (declare it in \`agents.accounts\` to say what it is)`,
        sha,
      );
    }
    if (suffix) {
      found.involve(suffix.account, "weak");
      found.weak.add(
        `name|${suffix.account.key}`,
        `commit ${role} name`,
        () =>
          `commit ${short()} ${role} name ${code(ident.name)} carries the ${suffix.account.name} suffix ${code(suffix.value)}`,
        sha,
      );
    }
  }

  // Copilot adds the human who asked for the work as a co-author of its own commits.
  const copilot = commitAuthor?.entry?.id === COPILOT ? commitAuthor : null;
  const coAuthorRequester = (login: string) => {
    if (!copilot || !found.isHumanLogin(login)) return;
    found.requesters.add(
      login,
      "copilot-co-author",
      () => `co-author of ${copilot.name}'s commit ${short()} (Copilot adds its requester)`,
    );
  };
  for (const co of list(commit?.coAuthors)) {
    const login = gitLogin(co);
    if (login) coAuthorRequester(login);
  }

  for (const trailer of parseTrailers(typeof commit?.message === "string" ? commit.message : "")) {
    const { key, login, marker } = found.readTrailer(trailer);
    if (login && CONTRIBUTOR_KEYS.has(key)) found.contributors.add(login.toLowerCase());
    if (login && key === "co-authored-by") coAuthorRequester(login);
    if (!marker) continue;
    if (key === "co-authored-by" && marker.account && coAuthorAccounts.has(marker.account.key)) continue;
    if (marker.account) found.involve(marker.account, "weak");
    else found.weakAgent = true;
    found.weak.add(
      `trailer|${marker.account?.key ?? key}`,
      "trailer",
      () =>
        `commit ${short()} has trailer ${code(`${trailer.key}: ${trailer.value}`)} ${
          marker.account ? `of ${describe(marker.account)}` : "attributing it to an AI tool"
        }${marker.why ? ` (${marker.why})` : ""}`,
      sha,
    );
  }
}

function readBranch(found: Findings, ref: string): void {
  const { policy } = found;
  const lowerRef = ref.toLowerCase();
  if (policy.agents.builtin) {
    // Codex names a task's new attempt `<6 random characters>-codex/…`.
    const afterSegment = RANDOM_SEGMENT.test(lowerRef) ? lowerRef.slice(7) : null;
    for (const { value, entry } of CATALOG_INDEX.branchPrefixes) {
      const segmented = value === SEGMENTED_PREFIX && afterSegment?.startsWith(value);
      const at = lowerRef.startsWith(value) ? "start" : segmented ? "segment" : null;
      const account = at ? resolve(undefined, entry, policy) : null;
      if (!account) continue;
      found.involve(account, "weak");
      found.weak.add(
        `branch|${entry.id}`,
        "branch prefix",
        () =>
          `head branch ${code(ref)} has the ${entry.name} branch prefix ${code(value)}${at === "segment" ? " after a random six-character segment, as the agent names a retried task" : ""}`,
      );
    }
  }
  for (const prefix of policy.agents.markers.branchPrefixes) {
    if (!lowerRef.startsWith(prefix.toLowerCase())) continue;
    found.weakAgent = true;
    found.weak.add(
      `branch|config:${prefix}`,
      "branch prefix",
      () => `head branch ${code(ref)} has the configured agent branch prefix ${code(prefix)}`,
    );
  }
}

/** `x[bot]` is only ever an App's account: users cannot register it. */
function isAppLogin(login: string): boolean {
  return login.toLowerCase().endsWith("[bot]");
}

/**
 * Labels an agent platform puts on its PRs at creation (Codex's `codex`), with who added each and
 * when: at creation it reads like the platform; later, like anyone. Weak either way.
 */
function readPlatformLabels(found: Findings, facts: PrFacts): void {
  const { policy } = found;
  if (!policy.agents.builtin) return;
  const opened = Date.parse(typeof facts.createdAt === "string" ? facts.createdAt : "");
  const seen = new Set<string>();
  const labelled = list(facts.timeline).filter((e) => e?.kind === "labeled");
  for (const name of [...labelled.map((e) => (e.kind === "labeled" ? e.label : "")), ...list(facts.labels)]) {
    const lower = typeof name === "string" ? name.toLowerCase() : "";
    const entry = CATALOG_INDEX.byPlatformLabel.get(lower);
    if (!entry || seen.has(lower)) continue;
    seen.add(lower);
    const account = resolve(undefined, entry, policy);
    if (!account) continue;
    found.involve(account, "weak");
    const first = labelled.find((e) => e.kind === "labeled" && e.label.toLowerCase() === lower);
    const by = first?.actor?.login ? `@${first.actor.login}` : "an unknown account";
    const after = first ? Date.parse(first.at) - opened : Number.NaN;
    found.weak.add(`label|${entry.id}`, "platform label", () => {
      if (!first) return `PR has the label ${code(name)}, which ${entry.name} puts on the PRs it opens`;
      if (after >= 0 && after <= AT_CREATION_MS)
        return `label ${code(name)} was added by ${by} ${Math.round(after / 1000)} s after the PR was opened, as ${entry.name} labels the PRs it opens`;
      return `label ${code(name)} was added by ${by} later than ${entry.name} adds it at opening, so a person may have added it; it only raises scrutiny`;
    });
  }
}

function readBody(found: Findings, body: string): void {
  const { policy } = found;
  if (policy.agents.builtin) {
    const lowerBody = body.toLowerCase();
    for (const { value, entry } of CATALOG_INDEX.bodyPatterns) {
      const account = lowerBody.includes(value) ? resolve(undefined, entry, policy) : null;
      if (!account) continue;
      found.involve(account, "weak");
      found.weak.add(
        `body|${entry.id}`,
        "body marker",
        () => `PR body contains ${code(value)} (${entry.name})`,
      );
    }
  }
  for (const pattern of policy.agents.markers.bodyPatterns) {
    const hit = safeTest(pattern, body);
    if (!hit) continue;
    found.weakAgent = true;
    found.weak.add(`body|config:${pattern.source}`, "body marker", () =>
      hit === "error"
        ? `configured body pattern ${code(pattern.source)} could not be evaluated; counted as a match`
        : `PR body matches the configured pattern ${code(pattern.source)}`,
    );
  }
}

/** Humans who asked for the work: from Copilot's timeline, agent footers, or the human who opened an agent's PR. */
function readRequesters(
  found: Findings,
  facts: PrFacts,
  body: string,
  author: Actor | null,
  authorClass: ActorClass,
  authorAccount: KnownAccount | null,
): void {
  const { policy, requesters } = found;
  const authorIsCopilot = authorAccount?.entry?.id === COPILOT;
  for (const event of list(facts.timeline)) {
    if (
      event?.kind === "copilot_work_started" &&
      event.actor &&
      actorClass(event.actor, policy) === "human"
    ) {
      requesters.add(
        event.actor.login,
        "copilot-started",
        () => "started GitHub Copilot's work (copilot_work_started timeline event)",
      );
    }
    if (
      authorIsCopilot &&
      event?.kind === "assigned" &&
      event.assignee &&
      actorClass(event.assignee, policy) === "human"
    ) {
      requesters.add(
        event.assignee.login,
        "copilot-assignee",
        () => "assigned to GitHub Copilot's PR (Copilot assigns its requester)",
      );
    }
  }
  for (const account of found.agents.values()) {
    const footers = account.entry ? ENTRY_FOOTERS.get(account.entry.id) : undefined;
    for (const { footer, re } of footers ?? []) {
      for (const m of footerMatches(re, body)) {
        if (!found.isHumanLogin(m.login)) continue;
        requesters.add(
          m.login,
          `footer:${m.text.toLowerCase()}`,
          () => `PR body says ${code(m.text)} (${footer.description})`,
        );
      }
    }
  }
  if (author && authorClass === "agent") {
    for (const m of footerMatches(GENERIC_FOOTER, body)) {
      if (!found.isHumanLogin(m.login)) continue;
      requesters.add(
        m.login,
        `footer:${m.text.toLowerCase()}`,
        () => `PR body of agent ${code(author.login)} says ${code(m.text)}`,
      );
    }
  }
  // Codex, Cursor or Claude Code working under a person's account: that person asked for the work.
  if (author && authorClass === "human" && (found.strongAgent || found.weakAgent)) {
    const names = [...found.agents.values()].filter((a) => a.kind === "agent").map((a) => a.name);
    requesters.add(
      author.login,
      "author",
      () =>
        `opened under their own account a PR made with ${names.length > 0 ? names.join(", ") : "an AI agent"}`,
    );
  }
}

/**
 * A person who edited the body of an agent's or bot's PR. That body is where an agent names who
 * asked for the work ("Requested by: @alice"), so the requester could delete the line and then
 * approve; whoever edited it is therefore excluded like a contributor.
 */
function readBodyEditor(
  found: Findings,
  facts: PrFacts,
  author: Actor | null,
  authorClass: ActorClass,
): void {
  const editor = facts.bodyEditedBy;
  if (!author || (authorClass !== "agent" && authorClass !== "bot")) return;
  if (!wellFormed(editor) || actorClass(editor, found.policy) !== "human") return;
  found.contributors.add(editor.login.toLowerCase());
  found.strong.add(
    "body editor",
    "body editor",
    () =>
      `${code(editor.login)} edited the body of this PR by ${code(author.login)}, where an agent names who asked for the work; they count as a contributor`,
  );
}

/** Which agent a trailer points at: a key only it writes, its email, a noreply login, a distinctive name, or an AI attribution key. */
function trailerMarker(
  trailer: Trailer,
  key: string,
  ident: { name: string; email: string } | null,
  login: string | null,
  policy: Policy,
): { account?: KnownAccount; why?: string } | null {
  const builtin = policy.agents.builtin;
  const byKey = builtin ? CATALOG_INDEX.byTrailerKey.get(key) : undefined;
  if (byKey) return accountOf(resolve(undefined, byKey, policy));
  const byValue = builtin
    ? CATALOG_INDEX.byTrailerValue.get(`${key}: ${trailer.value.trim().toLowerCase()}`)
    : undefined;
  if (byValue) return accountOf(resolve(undefined, byValue, policy), "its value names the agent");
  if (ident) {
    const byEmail = builtin ? CATALOG_INDEX.byEmail.get(ident.email.toLowerCase()) : undefined;
    if (byEmail) return accountOf(resolve(login ?? undefined, byEmail, policy));
    const byLogin = login ? known(login, null, noreplyId(ident.email) ?? undefined, policy) : null;
    if (byLogin) return { account: byLogin };
    const name = ident.name.toLowerCase();
    // A name alone is what anyone can write, with a person's email: weak, and said to be only a name.
    const byName = builtin
      ? (CATALOG_INDEX.byTrailerName.get(name) ??
        CATALOG_INDEX.trailerNamePrefixes.find((p) => name.startsWith(p.value))?.entry)
      : undefined;
    if (byName)
      return accountOf(
        resolve(undefined, byName, policy),
        `it names the agent, though its email ${code(ident.email)} is not the agent's`,
      );
  }
  if (builtin && AI_KEYS.has(key) && trailer.value.length > 0) return {};
  return null;
}

function accountOf(
  account: KnownAccount | null,
  why?: string,
): { account?: KnownAccount; why?: string } | null {
  if (!account) return null;
  return why ? { account, why } : { account };
}
