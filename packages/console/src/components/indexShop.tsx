/**
 * The shop front on the index: search as you type (Chinese or English words, every word must match),
 * categories, sorting and paging over the whole catalogue, with drawn covers. The index answers in
 * milliseconds from PostgreSQL; what a listing costs and holds is still read from the chain on its
 * product page.
 */
import { type ReactNode, useEffect, useState } from 'react';
import { useApp } from '../appContext.js';
import { money } from '../lib/format.js';
import { type IndexListing, type IndexStatus, indexApi, type SearchSort } from '../lib/indexApi.js';
import { href } from '../lib/router.js';
import { useAsync } from '../lib/useAsync.js';
import type { MessageKey } from '../messages.js';
import { Cover } from './cover.js';
import { ErrorBox, Loading } from './status.js';

export const PAGE_SIZE = 24;
const SORTS: readonly SearchSort[] = ['relevance', 'price-asc', 'price-desc', 'newest'];
/** How long typing must pause before the search runs, ms. */
const TYPING_PAUSE_MS = 150;

function categoryLabel(t: (key: MessageKey) => string, category: string): string {
  const key = `ix.category.${category}` as MessageKey;
  const text = t(key);
  return text === key ? category : text;
}

function IndexCard({ listing }: { listing: IndexListing }): ReactNode {
  const { t } = useApp();
  return (
    <li className="card listing indexed" data-testid="listing">
      <a href={href('product', listing.id)} className="cover-link" tabIndex={-1} aria-label={listing.title}>
        <Cover sku={listing.sku} title={listing.title} category={listing.category} />
      </a>
      <h3>
        <a href={href('product', listing.id)}>{listing.title}</a>
      </h3>
      <p className="price" data-testid="price" data-fen={listing.price}>
        {money(listing.price)}
      </p>
      <p className="muted">
        {t('ix.from', { merchant: listing.merchant })}
        {listing.reviews > 0 &&
          listing.rating !== null &&
          ` · ★ ${Number(listing.rating).toFixed(1)} (${listing.reviews})`}
      </p>
    </li>
  );
}

export function IndexShop({ index, onUseChain }: { index: IndexStatus; onUseChain: () => void }): ReactNode {
  const { t } = useApp();
  const [draft, setDraft] = useState('');
  const [query, setQuery] = useState('');
  const [category, setCategory] = useState('');
  const [sort, setSort] = useState<SearchSort>('relevance');
  const [page, setPage] = useState(0);
  useEffect(() => {
    const timer = setTimeout(() => {
      setQuery(draft.trim().slice(0, 200));
      setPage(0);
    }, TYPING_PAUSE_MS);
    return () => clearTimeout(timer);
  }, [draft]);
  const categories = useAsync(() => indexApi.categories(), []);
  const results = useAsync(
    () =>
      indexApi.search({
        q: query,
        ...(category === '' ? {} : { category }),
        sort: query === '' && sort === 'relevance' ? 'newest' : sort,
        limit: PAGE_SIZE,
        offset: page * PAGE_SIZE,
      }),
    [query, category, sort, page],
  );
  const pages = Math.max(1, Math.ceil((results.data?.total ?? 0) / PAGE_SIZE));
  return (
    <div className="index-shop">
      <search>
        <form className="search" onSubmit={(e) => e.preventDefault()}>
          <label className="grow">
            <span>{t('ix.searchLabel')}</span>
            <input
              type="search"
              data-testid="index-query"
              value={draft}
              maxLength={200}
              placeholder={t('ix.searchPlaceholder')}
              onChange={(e) => setDraft(e.target.value)}
            />
          </label>
          <label>
            <span>{t('ix.sort')}</span>
            <select
              data-testid="index-sort"
              value={sort}
              onChange={(e) => {
                setSort(e.target.value as SearchSort);
                setPage(0);
              }}
            >
              {SORTS.map((s) => (
                <option key={s} value={s}>
                  {t(`ix.sort.${s}` as MessageKey)}
                </option>
              ))}
            </select>
          </label>
        </form>
      </search>
      <nav className="categories" aria-label={t('ix.sort')} data-testid="index-categories">
        {[
          { category: '', listings: categories.data?.categories.reduce((n, c) => n + c.listings, 0) ?? 0 },
          ...(categories.data?.categories ?? []),
        ].map((c) => (
          <button
            key={c.category || 'all'}
            type="button"
            className={category === c.category ? 'chip active' : 'chip'}
            aria-pressed={category === c.category}
            data-testid={`category-${c.category || 'all'}`}
            onClick={() => {
              setCategory(c.category);
              setPage(0);
            }}
          >
            {c.category === '' ? t('ix.allCategories') : categoryLabel(t, c.category)}{' '}
            <span className="muted">{c.listings}</span>
          </button>
        ))}
      </nav>
      <ErrorBox error={results.error} onRetry={results.reload} />
      {results.loading && results.data === undefined && <Loading />}
      {results.data !== undefined && (
        <>
          <p className="muted" data-testid="result-count" aria-live="polite">
            {t('ix.results', { total: results.data.total, page: page + 1, pages })}
          </p>
          {results.data.listings.length === 0 ? (
            <p>{t('shop.nothing')}</p>
          ) : (
            <ul className="grid" data-testid="index-results">
              {results.data.listings.map((l) => (
                <IndexCard key={l.id} listing={l} />
              ))}
            </ul>
          )}
          <p className="pager">
            <button
              type="button"
              data-testid="page-prev"
              disabled={page === 0}
              onClick={() => setPage(page - 1)}
            >
              {t('ix.prev')}
            </button>{' '}
            <button
              type="button"
              data-testid="page-next"
              disabled={page + 1 >= pages}
              onClick={() => setPage(page + 1)}
            >
              {t('ix.next')}
            </button>
          </p>
        </>
      )}
      <p className="muted small" data-testid="index-source">
        {t('ix.source', { height: index.height })}{' '}
        <button type="button" className="link" data-testid="use-chain" onClick={onUseChain}>
          {t('ix.useChain')}
        </button>
      </p>
    </div>
  );
}
