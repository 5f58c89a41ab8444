/** A minimal path router: "/repos/:owner/:repo/contents/*path" patterns, parameters URL-decoded. */

export interface Compiled<T> {
  method: string;
  pattern: string;
  regex: RegExp;
  keys: string[];
  value: T;
}

export function compile<T>(method: string, pattern: string, value: T): Compiled<T> {
  const keys: string[] = [];
  const source = pattern
    .split("/")
    .map((segment) => {
      if (segment.startsWith(":")) {
        keys.push(segment.slice(1));
        return "([^/]+)";
      }
      if (segment.startsWith("*")) {
        keys.push(segment.slice(1));
        return "(.+)";
      }
      return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    })
    .join("/");
  return { method, pattern, regex: new RegExp(`^${source}/?$`), keys, value };
}

function decode(value: string): string | null {
  try {
    return decodeURIComponent(value);
  } catch {
    return null;
  }
}

export interface Match<T> {
  route: Compiled<T>;
  params: Record<string, string>;
}

/** The first route whose method and pattern match; a parameter that is not valid URL encoding never matches. */
export function match<T>(routes: Compiled<T>[], method: string, path: string): Match<T> | null {
  for (const route of routes) {
    if (route.method !== method) continue;
    const found = route.regex.exec(path);
    if (!found) continue;
    const params: Record<string, string> = {};
    const values = route.keys.map((_, i) => decode(found[i + 1] ?? ""));
    if (values.some((v) => v === null)) continue;
    route.keys.forEach((key, i) => {
      params[key] = values[i] ?? "";
    });
    return { route, params };
  }
  return null;
}
