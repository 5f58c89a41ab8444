import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { parse } from "yaml";
import { SUBSCRIPTIONS } from "../../src/app/index.js";

const manifest = parse(readFileSync(new URL("../../app.yml", import.meta.url), "utf8"));

it("subscribes app.yml to exactly the events the app handles", () => {
  expect([...manifest.default_events].sort()).toEqual(SUBSCRIPTIONS.map(([name]) => name).sort());
});

it("asks for least privilege: writes only where the app writes; administration is read only", () => {
  expect(manifest.default_permissions).toEqual({
    checks: "write",
    pull_requests: "write",
    issues: "write",
    contents: "read",
    metadata: "read",
    members: "read",
    statuses: "read",
    merge_queues: "read",
    deployments: "write",
    actions: "read",
    administration: "read",
  });
});
