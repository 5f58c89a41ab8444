import { describe, expect, it } from "vitest";
import { AI_TRAILER_KEYS, CATALOG, CATALOG_VERSION, type CatalogEntry } from "../../src/catalog/agents.js";
import { agentMentionHandles } from "../../src/catalog/index.js";
import { CATALOG_INDEX, catalogAccount } from "../../src/catalog/lookup.js";
import { noreplyLogin } from "../../src/engine/trailers.js";

const LOGIN = /^[A-Za-z0-9](?:-?[A-Za-z0-9]){0,38}$/;

/** Every value of one field across the catalog, lowercased, with the entry it came from. */
function all(pick: (e: CatalogEntry) => readonly (string | number)[]): [string, string][] {
  return CATALOG.flatMap((e) => pick(e).map((v): [string, string] => [String(v).toLowerCase(), e.id]));
}

function duplicates(pairs: [string, string][]): string[] {
  const seen = new Map<string, string>();
  const dups: string[] = [];
  for (const [value, id] of pairs) {
    const prior = seen.get(value);
    if (prior !== undefined) dups.push(`${value} in ${prior} and ${id}`);
    else seen.set(value, id);
  }
  return dups;
}

describe("catalog integrity", () => {
  it("is versioned with a real date", () => {
    expect(CATALOG_VERSION).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(Number.isNaN(Date.parse(CATALOG_VERSION))).toBe(false);
  });

  it("has unique kebab-case ids and a name and sources for every entry", () => {
    expect(duplicates(all((e) => [e.id]))).toEqual([]);
    for (const e of CATALOG) {
      expect(e.id, e.id).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
      expect(e.name.trim(), e.id).not.toBe("");
      expect(e.sources.length, e.id).toBeGreaterThan(0);
      for (const s of e.sources) expect(s.trim(), e.id).not.toBe("");
    }
  });

  it("never claims one login, id, slug, email, trailer, prefix, pattern or mention for two entries", () => {
    const fields: ((e: CatalogEntry) => readonly (string | number)[])[] = [
      (e) => [...e.logins, ...e.machineUsers],
      (e) => e.ids,
      (e) => e.appSlugs,
      (e) => e.commitEmails,
      (e) => e.trailerNames,
      (e) => e.trailerKeys,
      (e) => e.trailerNamePrefixes,
      (e) => e.trailerValues,
      (e) => e.platformLabels,
      (e) => e.nameSuffixes,
      (e) => e.branchPrefixes,
      (e) => e.bodyPatterns,
      (e) => e.mentionHandles,
      (e) => e.triggerCommands,
      (e) => e.triggerLabels,
    ];
    for (const pick of fields) expect(duplicates(all(pick))).toEqual([]);
  });

  it("gives every entry at least one signal to recognise it by", () => {
    for (const e of CATALOG) {
      const signals =
        e.logins.length +
        e.machineUsers.length +
        // An id is read from the noreply emails GitHub makes for the account (`ID+login@…`).
        e.ids.length +
        e.trailerNamePrefixes.length +
        e.trailerValues.length +
        e.platformLabels.length +
        e.commitEmails.length +
        e.trailerNames.length +
        e.trailerKeys.length +
        e.nameSuffixes.length +
        e.branchPrefixes.length +
        e.bodyPatterns.length;
      expect(signals, e.id).toBeGreaterThan(0);
    }
  });

  it("spells logins, emails, prefixes and patterns so they can match", () => {
    for (const e of CATALOG) {
      for (const login of e.logins) expect(login.replace(/\[bot\]$/, ""), e.id).toMatch(LOGIN);
      for (const user of e.machineUsers) {
        expect(user, e.id).toMatch(LOGIN);
        expect(user.endsWith("[bot]"), `${e.id}: a machine user is a User account`).toBe(false);
      }
      for (const slug of e.appSlugs) expect(slug, e.id).toMatch(/^[a-z0-9-]+$/);
      for (const email of e.commitEmails) expect(email, e.id).toMatch(/^[^\s@<>]+@[^\s@<>]+\.[a-z]+$/i);
      for (const prefix of e.branchPrefixes) {
        expect(prefix, e.id).toMatch(/[/-]$/);
        expect(prefix, e.id).toBe(prefix.toLowerCase());
      }
      for (const p of e.bodyPatterns) {
        expect(p, e.id).toBe(p.toLowerCase());
        expect(p.length, `${e.id}: "${p}" is too short to be distinctive`).toBeGreaterThanOrEqual(10);
      }
      for (const h of e.mentionHandles) expect(h, e.id).toMatch(LOGIN);
      for (const f of e.requesterFooters) {
        expect(f.lead.trim(), e.id).not.toBe("");
        expect(f.description.trim(), e.id).not.toBe("");
      }
    }
  });

  it("keeps App logins without [bot] to the one GitHub really reports that way", () => {
    const bare = CATALOG.flatMap((e) => e.logins.filter((l) => !l.endsWith("[bot]")));
    expect(bare).toEqual(["Copilot"]);
  });

  it("ties each noreply email to a login and id of the same entry", () => {
    for (const e of CATALOG) {
      for (const email of e.commitEmails) {
        const login = noreplyLogin(email);
        if (!login) continue;
        const logins = [...e.logins, ...e.machineUsers].map((l) => l.toLowerCase());
        expect(logins, `${e.id}: ${email}`).toContain(login.toLowerCase());
        const id = Number(email.split("+")[0]);
        if (e.ids.length > 0) expect(e.ids, `${e.id}: ${email}`).toContain(id);
      }
    }
  });

  it("covers every agent, reviewer and bot in the research", () => {
    const ids = CATALOG.map((e) => e.id);
    for (const id of [
      "copilot-coding-agent",
      "copilot-code-review",
      "copilot-autofix",
      "codex-cloud",
      "codex-connector",
      "codex-cli",
      "claude-code",
      "claude-github-app",
      "devin",
      "cursor",
      "jules",
      "amazon-q",
      "gemini-code-assist",
      "gemini-cli",
      "codegen",
      "factory-droid",
      "openhands",
      "amp",
      "aider",
      "windsurf",
      "opencode",
      "cline",
      "replit",
      "sweep",
      "gh-aw",
      "coderabbit",
      "dependabot",
      "renovate",
      "github-actions",
      "pre-commit-ci",
      "allcontributors",
      "graphite",
      "mergify",
      "snyk",
    ]) {
      expect(ids).toContain(id);
    }
    const kind = (id: string) => CATALOG.find((e) => e.id === id)?.kind;
    expect(kind("dependabot")).toBe("bot");
    expect(kind("coderabbit")).toBe("reviewer");
    expect(kind("copilot-coding-agent")).toBe("agent");
  });

  it("marks the identities the research calls unverified", () => {
    const verified = (id: string) => CATALOG.find((e) => e.id === id)?.verified;
    expect(verified("claude-unverified-apps")).toBe(false);
    expect(verified("codex-unverified-app")).toBe(false);
    expect(verified("cline")).toBe(false);
    expect(verified("claude-github-app")).toBe(true);
  });

  it("is frozen, so no evaluation can change it for the next one", () => {
    const copilot = CATALOG[0] as CatalogEntry;
    expect(() => (copilot.logins as string[]).push("mallory")).toThrow();
    expect(() => (CATALOG as CatalogEntry[]).pop()).toThrow();
    expect(() => (AI_TRAILER_KEYS as string[]).push("x")).toThrow();
  });
});

describe("catalog index", () => {
  it("finds entries by login, id, slug, email, trailer key and mention, case-insensitively", () => {
    expect(CATALOG_INDEX.byLogin.get("copilot-swe-agent[bot]")?.id).toBe("copilot-coding-agent");
    expect(CATALOG_INDEX.byId.get(49699333)?.id).toBe("dependabot");
    expect(CATALOG_INDEX.byAppSlug.get("claude")?.id).toBe("claude-github-app");
    expect(CATALOG_INDEX.byEmail.get("cursoragent@cursor.com")?.id).toBe("cursor");
    expect(CATALOG_INDEX.byEmail.get("198982749+copilot@users.noreply.github.com")?.id).toBe(
      "copilot-coding-agent",
    );
    expect(CATALOG_INDEX.byTrailerKey.get("amp-thread-id")?.id).toBe("amp");
    expect(CATALOG_INDEX.byMention.get("gemini-code-assist")?.id).toBe("gemini-code-assist");
  });

  it("matches an App login without [bot] only for a Bot account", () => {
    expect(catalogAccount("Copilot", "Bot")?.id).toBe("copilot-coding-agent");
    expect(catalogAccount("Copilot", "User")).toBeUndefined();
    expect(catalogAccount("copilot-swe-agent", "User")).toBeUndefined();
    expect(catalogAccount("copilot-swe-agent", "Bot")?.id).toBe("copilot-coding-agent");
    expect(catalogAccount("dependabot", "Bot")?.id).toBe("dependabot");
    expect(catalogAccount("dependabot", null)).toBeUndefined();
  });

  it("matches [bot] logins, machine users and account ids whatever the reported type", () => {
    expect(catalogAccount("Renovate[BOT]", "User")?.id).toBe("renovate");
    expect(catalogAccount("openhands-agent", "User")?.id).toBe("openhands");
    expect(catalogAccount("renamed-login", "User", 198982749)?.id).toBe("copilot-coding-agent");
    expect(catalogAccount("alice", "User", 1)).toBeUndefined();
  });
});

describe("agentMentionHandles", () => {
  it("lists the lowercase handles that summon an agent, and no bot's", () => {
    const handles = agentMentionHandles();
    for (const h of ["copilot", "claude", "codex", "gemini-code-assist", "openhands-agent", "devin"]) {
      expect(handles).toContain(h);
    }
    for (const h of handles) expect(h).toBe(h.toLowerCase());
    expect(handles).not.toContain("dependabot");
  });
});
