/**
 * How a policy file combines with the one it extends: mappings merge key by key, anything else in
 * the extending file (lists included) replaces the base's value. Concatenating lists would let a
 * base silently widen an extending file's allow lists; replacing keeps each file's lists exact.
 */

/** Mappings whose keys are alternatives (users OR teams OR permission): merging would widen them. */
const REPLACED_WHOLE = new Set(["promotion.governance.from"]);

const isMapping = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

export function mergePolicies(base: unknown, child: unknown, path = ""): unknown {
  if (!isMapping(base) || !isMapping(child) || REPLACED_WHOLE.has(path)) return child;
  // Entries, not assignment, so a key named `__proto__` stays data.
  const merged = new Map(Object.entries(base));
  for (const [key, value] of Object.entries(child)) {
    merged.set(
      key,
      merged.has(key) ? mergePolicies(merged.get(key), value, path === "" ? key : `${path}.${key}`) : value,
    );
  }
  return Object.fromEntries(merged);
}
