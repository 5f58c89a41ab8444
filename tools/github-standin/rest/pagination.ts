/**
 * GitHub's REST pagination: `per_page` (default 30, at most 100) and `page` (from 1), and a `link` header
 * with rel="prev", "next", "last", "first" in GitHub's order, pointing at the `/repositories/{id}/…` form
 * of the URL as github.com does.
 */

export interface Page<T> {
  items: T[];
  /** The `link` header value, absent when everything fits on one page. */
  link?: string;
}

function positiveInt(value: string | null, fallback: number): number {
  if (value === null || !/^\d+$/.test(value)) return fallback;
  const n = Number(value);
  return n >= 1 ? n : fallback;
}

/**
 * @param linkBase absolute URL (without query) the page links point to
 * @param query the request's query; every parameter is kept in the links, `page` is replaced
 */
export function paginate<T>(all: T[], query: URLSearchParams, linkBase: string): Page<T> {
  const perPage = Math.min(positiveInt(query.get("per_page"), 30), 100);
  const page = positiveInt(query.get("page"), 1);
  const lastPage = Math.max(1, Math.ceil(all.length / perPage));
  const items = all.slice((page - 1) * perPage, page * perPage);
  if (lastPage === 1) return { items };
  const href = (n: number) => {
    const params = new URLSearchParams(query);
    params.set("page", String(n));
    return `<${linkBase}?${params.toString()}>`;
  };
  const links: string[] = [];
  if (page > 1) links.push(`${href(Math.min(page - 1, lastPage))}; rel="prev"`);
  if (page < lastPage) links.push(`${href(page + 1)}; rel="next"`, `${href(lastPage)}; rel="last"`);
  if (page > 1) links.push(`${href(1)}; rel="first"`);
  return { items, link: links.join(", ") };
}
