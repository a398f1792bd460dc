// Where the node is; its own module so that the dev keys (devKeys.ts) and the chain client both use it.

/** The node's base URL: the page's own origin (the node serves the console), or `?api=` when developing. */
export function nodeUrl(): string {
  const fromQuery = new URLSearchParams(window.location.search).get('api');
  if (fromQuery !== null && /^https?:\/\//.test(fromQuery)) return fromQuery.replace(/\/+$/, '');
  return window.location.origin;
}
