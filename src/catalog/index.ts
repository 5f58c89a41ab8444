/** The catalog's public face: the data, its lookups, and the views other modules ask for. */
import { CATALOG } from "./agents.js";

export {
  AI_TRAILER_KEYS,
  CATALOG,
  CATALOG_VERSION,
  type CatalogEntry,
  type CatalogKind,
  type RequesterFooter,
} from "./agents.js";
export { CATALOG_INDEX, type CatalogIndex, catalogAccount } from "./lookup.js";

const MENTION_HANDLES: readonly string[] = Object.freeze([
  ...new Set(
    CATALOG.filter((e) => e.kind !== "bot").flatMap((e) => e.mentionHandles.map((h) => h.toLowerCase())),
  ),
]);

/** Lowercase `@handle`s (without the `@`) that make a catalogued agent or AI reviewer act. */
export function agentMentionHandles(): readonly string[] {
  return MENTION_HANDLES;
}
