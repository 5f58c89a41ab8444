/**
 * The runtime the project declares is one its production dependencies support: every package reachable
 * from package.json `dependencies` in the installed node_modules (what `npm ls --omit=dev --all` lists)
 * must accept, in its own `engines.node`, the lowest Node version package.json `engines.node` allows,
 * the Node version the Dockerfile's base image carries, and every other version `engines.node` claims.
 * A dependency upgrade that needs a newer Node (content-type 3 needs Node 22) fails here instead of
 * surfacing as an EBADENGINE warning on `npm ci`.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import semver, { type Comparator, type Range } from "semver";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

interface Manifest {
  name: string;
  version: string;
  engines?: { node?: string };
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

const readManifest = (dir: string): Manifest => JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));

/** Where Node would load `name` from when required inside `from`: the nearest node_modules up the tree. */
function resolvePackage(name: string, from: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", name);
    if (existsSync(join(candidate, "package.json"))) return candidate;
    if (dir === ROOT || dirname(dir) === dir) return undefined;
  }
}

/** Every installed package reachable from the root's `dependencies` (dependencies, optional and peer). */
function runtimePackages(): Map<string, Manifest> {
  const seen = new Map<string, Manifest>();
  const queue: string[] = [ROOT];
  while (queue.length > 0) {
    const dir = queue.pop() as string;
    const manifest = readManifest(dir);
    const names =
      dir === ROOT
        ? Object.keys(manifest.dependencies ?? {})
        : [
            ...Object.keys(manifest.dependencies ?? {}),
            ...Object.keys(manifest.optionalDependencies ?? {}),
            ...Object.keys(manifest.peerDependencies ?? {}),
          ];
    for (const name of names) {
      const found = resolvePackage(name, dir);
      // A missing optional or peer dependency is not installed for production either.
      if (found === undefined || seen.has(found)) continue;
      seen.set(found, readManifest(found));
      queue.push(found);
    }
  }
  return seen;
}

/** The Node version of the Dockerfile's base image, from its `FROM node:<version>-…` line. */
function dockerNodeVersion(): string {
  const dockerfile = readFileSync(join(ROOT, "Dockerfile"), "utf8");
  const args = new Map(
    [...dockerfile.matchAll(/^ARG\s+(\w+)=(\S+)/gm)].map((m) => [m[1] as string, m[2] as string]),
  );
  const from = /^FROM\s+(?:docker\.io\/(?:library\/)?)?node:(\S+)/m.exec(dockerfile);
  if (!from) throw new Error("the Dockerfile has no `FROM node:` line");
  const tag = (from[1] as string).replace(/\$\{?(\w+)\}?/g, (_, name: string) => args.get(name) ?? "");
  const version = /^(\d+(?:\.\d+){0,2})(?=$|[-@])/.exec(tag)?.[1];
  if (!version) throw new Error(`cannot read a Node version from the Dockerfile tag node:${tag}`);
  return version;
}

/** A range's `||` alternatives, each as a range of its own (semver has no intersection of ranges). */
const alternatives = (range: Range, extra: readonly Comparator[] = []): Range[] =>
  range.set.map((set) => new semver.Range([...set, ...extra].map((c) => c.value || "*").join(" ")));

/**
 * The Node versions the Docker image may carry: exactly `x.y.z` when the tag says so, otherwise the
 * versions of that line that package.json also declares (one range per declared alternative, the
 * empty ones dropped).
 */
function dockerRanges(version: string, declared: Range): Range[] {
  if (semver.valid(version)) return [new semver.Range(version)];
  const line = new semver.Range(version).set[0] ?? []; // "20" → >=20.0.0 <21.0.0-0
  return alternatives(declared, line).filter((range) => semver.minVersion(range) !== null);
}

const project = readManifest(ROOT);
const declared = new semver.Range(project.engines?.node ?? "*");
const minimum = semver.minVersion(declared);
const docker = dockerNodeVersion();
const packages = [...runtimePackages().values()];

/** `name@version (engines.node)` for each runtime package whose engines.node misses some of `nodes`. */
function unsupported(...nodes: (Range | string)[]): string[] {
  return packages
    .filter((m) => m.engines?.node !== undefined)
    .filter((m) => {
      const range = new semver.Range(m.engines?.node as string);
      return nodes.some((node) =>
        typeof node === "string" ? !semver.satisfies(node, range) : !semver.subset(node, range),
      );
    })
    .map((m) => `${m.name}@${m.version} (engines.node ${m.engines?.node})`)
    .sort();
}

describe("runtime: Node versions", () => {
  it("finds the production dependency tree in node_modules", () => {
    const names = new Set(packages.map((m) => m.name));
    for (const name of Object.keys(project.dependencies ?? {})) expect(names).toContain(name);
    expect(names).toContain("@octokit/request"); // transitive, through probot
  });

  it("declares a Node range with a minimum, and the Dockerfile's Node is in it", () => {
    expect(minimum).not.toBeNull();
    expect(dockerRanges(docker, declared)).not.toEqual([]);
    if (semver.valid(docker)) expect(semver.satisfies(docker, declared)).toBe(true);
  });

  it("every runtime dependency supports the lowest declared Node version", () => {
    expect(unsupported(minimum?.version ?? "0.0.0")).toEqual([]);
  });

  it("every runtime dependency supports the Dockerfile's Node version", () => {
    expect(unsupported(...dockerRanges(docker, declared))).toEqual([]);
  });

  it("every runtime dependency supports every Node version package.json declares", () => {
    expect(unsupported(...alternatives(declared))).toEqual([]);
  });
});
