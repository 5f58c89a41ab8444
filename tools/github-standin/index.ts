/**
 * A faithful local stand-in for the GitHub API, for end-to-end tests and the demo: REST and GraphQL over
 * an in-memory store, GitHub App authentication, fault injection, and signed webhook deliveries.
 * See README.md.
 */
export type { ActiveFault, Fault, FaultKind } from "./faults.js";
export {
  FAULT_KINDS,
  Faults,
  faultKindsFor,
  GRAPHQL_ONLY_FAULTS,
  HTTP_FAULTS,
  onCall,
  TOKEN_CALL,
  TOKEN_ONLY_FAULTS,
} from "./faults.js";
export type { RequestInfo } from "./http.js";
export { type AppKeys, makeAppKeys } from "./keys.js";
export * as payloads from "./payloads.js";
export { type LoggedRequest, RequestLog } from "./request-log.js";
export { MAX_PR_COMMITS, MAX_PR_FILES } from "./rest/routes.js";
export type { Scenario, ScenarioEvent } from "./scenarios.js";
export * as scenarios from "./scenarios.js";
export { installationToken, type StandIn, type StandInOptions, startStandIn } from "./server.js";
export * from "./store.js";
export { sendWebhook, signWebhook, type WebhookDelivery } from "./webhooks.js";
