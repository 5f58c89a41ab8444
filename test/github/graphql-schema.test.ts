import { schema } from "@octokit/graphql-schema";
import {
  buildClientSchema,
  type GraphQLEnumType,
  type GraphQLObjectType,
  parse,
  validate as validateDocument,
} from "graphql";
import { describe, expect, it } from "vitest";
import * as queries from "../../src/github/query.js";

// The published SDL repeats some fields and does not build; the introspection JSON does.
const github = buildClientSchema(schema.json as Parameters<typeof buildClientSchema>[0]);
const validate = (doc: string) => validateDocument(github, parse(doc));

/** Every string the module exports is a GraphQL document, so a new one cannot skip validation. */
const documents = Object.entries(queries as Record<string, unknown>).filter(
  (entry): entry is [string, string] => typeof entry[1] === "string",
);

describe("GraphQL documents against GitHub's schema", () => {
  it("finds the documents the gatherer sends", () => {
    expect(documents.map(([name]) => name)).toEqual(
      expect.arrayContaining(["PR_QUERY", "FILES_PAGE_QUERY", "HEAD_CHECKS_QUERY"]),
    );
    // Anything else exported is a constant (a slot count), never a document built at run time.
    const others = Object.values(queries as Record<string, unknown>).filter((v) => typeof v !== "string");
    expect(others.every((v) => typeof v === "number")).toBe(true);
  });

  it.each(documents)("%s validates with no errors", (_name, doc) => {
    expect(validate(doc).map((e) => e.message)).toEqual([]);
  });

  it("rejects a field GitHub does not have", () => {
    const bad = queries.FILES_PAGE_QUERY.replace("changeType", "changeKind");
    expect(bad).not.toBe(queries.FILES_PAGE_QUERY);
    expect(
      validate(bad)
        .map((e) => e.message)
        .join("\n"),
    ).toMatch(/Cannot query field "changeKind" on type "PullRequestChangedFile"/);
  });

  it("has no App attribution of labels, comments or auto-merge, and no Copilot work events: those stay with the REST timeline", () => {
    const fields = (type: string) => Object.keys((github.getType(type) as GraphQLObjectType).getFields());
    for (const type of [
      "LabeledEvent",
      "UnlabeledEvent",
      "IssueComment",
      "AutoMergeEnabledEvent",
      "AddedToMergeQueueEvent",
    ]) {
      expect(fields(type), type).not.toEqual([]);
      expect(
        fields(type).filter((f) => /app|integration/i.test(f)),
        type,
      ).toEqual([]);
    }
    const itemTypes = (github.getType("PullRequestTimelineItemsItemType") as GraphQLEnumType)
      .getValues()
      .map((v) => v.name);
    expect(itemTypes).toContain("LABELED_EVENT");
    expect(itemTypes.filter((t) => /COPILOT/.test(t))).toEqual([]);
  });

  it("rejects a timeline item type GitHub does not have", () => {
    const bad = queries.TIMELINE_PAGE_QUERY.replace("READY_FOR_REVIEW_EVENT", "COPILOT_WORK_STARTED_EVENT");
    expect(validate(bad).length).toBeGreaterThan(0);
  });
});
