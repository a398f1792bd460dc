/**
 * Hash routing (`#/shop`, `#/product/<listing>`): the node serves one file, so deep links work without a
 * server-side fallback, and a reload keeps the page.
 */
import { useEffect, useState } from 'react';

export interface Route {
  /** The first path segment: `shop`, `product`, `verify`, … (`home` for an empty hash). */
  readonly page: string;
  /** The remaining segments, URL-decoded. */
  readonly args: readonly string[];
  readonly query: URLSearchParams;
}

export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#\/?/, '');
  const [path = '', search = ''] = raw.split('?', 2);
  const parts = path
    .split('/')
    .filter((p) => p.length > 0)
    .map((p) => {
      try {
        return decodeURIComponent(p);
      } catch {
        return p;
      }
    });
  return { page: parts[0] ?? 'home', args: parts.slice(1), query: new URLSearchParams(search) };
}

/** A hash link to a page: `href('product', 'bookstore/hlm-2026')` → `#/product/bookstore%2Fhlm-2026`. */
export function href(page: string, ...args: Array<string | number>): string {
  return `#/${[page, ...args.map((a) => encodeURIComponent(String(a)))].join('/')}`;
}

export function navigate(page: string, ...args: Array<string | number>): void {
  window.location.hash = href(page, ...args);
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseHash(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
