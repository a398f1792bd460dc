/**
 * The shop front: the public catalogue ranked by the search implementation the shopper chose (any
 * registered `commerce.search/1` implementation, switchable at any moment, the choice always shown),
 * optionally passed through the shopper's own category filter (`filter.category`), run read-only on the node.
 */
import { type FormEvent, type ReactNode, useState } from 'react';
import { useApp } from '../appContext.js';
import { useWalletState } from '../components/buy.js';
import { IndexShop } from '../components/indexShop.js';
import { PersonalSearch } from '../components/personalSearch.js';
import { Badge, ErrorBox, Loading } from '../components/status.js';
import { chain, type Implementation, type Listing } from '../lib/chain.js';
import { money } from '../lib/format.js';
import { findIndex } from '../lib/indexApi.js';
import { myCategoryCounts, personalRank } from '../lib/personal.js';
import { href } from '../lib/router.js';
import { settings } from '../lib/settings.js';
import { useAsync } from '../lib/useAsync.js';

export const SEARCH_STANDARD = 'commerce.search/1';
const CATEGORY_FILTER = 'filter.category';
const MAX_QUERY = 200;

interface Ranked {
  readonly listings: Array<Listing & { rating?: number; ratingCount: number }>;
  readonly total: number;
  readonly ranker: string;
  readonly filtered: boolean;
}

async function search(ranker: string, query: string, categories: string): Promise<Ranked> {
  const all = await chain.listings({});
  const ratings = await Promise.all(all.slice(0, 100).map((l) => chain.rating(l.id).catch(() => undefined)));
  const withRatings = all.map((l, i) => {
    const r = ratings[i];
    return r !== undefined && r.count > 0
      ? { ...l, rating: r.averageTimes100, ratingCount: r.count }
      : { ...l, ratingCount: r?.count ?? 0 };
  });
  const byId = new Map(withRatings.map((l) => [l.id, l]));
  const { ids } = await chain.callReadOnly<{ ids: string[] }>(ranker, 'rank', [
    { query, listings: withRatings },
  ]);
  let ranked = ids.map((id) => byId.get(id)).filter((l) => l !== undefined);
  const filtered = categories.trim().length > 0 && ranker !== CATEGORY_FILTER;
  if (filtered) {
    const kept = await chain.callReadOnly<{ ids: string[] }>(CATEGORY_FILTER, 'rank', [
      { query: categories, listings: ranked },
    ]);
    ranked = kept.ids.map((id) => byId.get(id)).filter((l) => l !== undefined);
  }
  return { listings: ranked, total: all.length, ranker, filtered };
}

function Stars({ times100, count }: { times100: number | undefined; count: number }): ReactNode {
  const { t } = useApp();
  if (times100 === undefined || count === 0) return <span className="muted">{t('shop.noReviews')}</span>;
  const stars = times100 / 100;
  return (
    <span title={t('shop.ratingTitle', { stars: stars.toFixed(2), count })}>
      <span aria-hidden="true">{'★'.repeat(Math.round(stars)).padEnd(5, '☆')}</span>{' '}
      {t('shop.rating', { stars: stars.toFixed(1), count })}
    </span>
  );
}

export function ListingCard({ listing }: { listing: Ranked['listings'][number] }): ReactNode {
  const { t } = useApp();
  return (
    <li className="card listing" data-testid="listing">
      <h3>
        <a href={href('product', listing.id)}>{listing.title}</a>
      </h3>
      <p className="price">{money(listing.price)}</p>
      <p>
        {listing.stock > 0 ? (
          <Badge tone="good">{t('shop.inStock', { n: listing.stock })}</Badge>
        ) : (
          <Badge tone="warn">{t('shop.soldOut')}</Badge>
        )}{' '}
        {listing.channel === 'authorised' ? (
          <Badge tone="info">{t('shop.authorised')}</Badge>
        ) : (
          <Badge tone="bad">{t('shop.outsideChannel')}</Badge>
        )}
      </p>
      <p className="muted">
        {t('shop.soldBy', { merchant: listing.merchant })} · {listing.category}
      </p>
      <p>
        <Stars times100={listing.rating} count={listing.ratingCount} />
      </p>
    </li>
  );
}

/**
 * The shop: instant search on the index when one answers beside the node (lib/indexApi.ts), or the
 * ranking by a chosen search implementation on chain; the shopper may switch either way.
 */
export function ShopPage(): ReactNode {
  const { t } = useApp();
  const index = useAsync(() => findIndex(), []);
  const [onChain, setOnChain] = useState(false);
  if (index.loading) return <Loading />;
  if (index.data !== undefined && !onChain) {
    return (
      <section>
        <h1>{t('shop.title')}</h1>
        <PersonalSearch />
        <IndexShop index={index.data} onUseChain={() => setOnChain(true)} />
      </section>
    );
  }
  return (
    <>
      <PersonalSearch />
      {index.data !== undefined && (
        <p>
          <button type="button" className="link" data-testid="use-index" onClick={() => setOnChain(false)}>
            {t('ix.useIndex')}
          </button>
        </p>
      )}
      <ChainShop />
    </>
  );
}

function ChainShop(): ReactNode {
  const { t } = useApp();
  const [ranker, setRanker] = useState(settings.search);
  const [draft, setDraft] = useState('');
  const [query, setQuery] = useState('');
  const [categories, setCategories] = useState('');
  const [draftCategories, setDraftCategories] = useState('');
  const [inputError, setInputError] = useState<string | undefined>();
  const impls = useAsync(() => chain.implementations(SEARCH_STANDARD), []);
  const results = useAsync(() => search(ranker, query, categories), [ranker, query, categories]);
  const chosen: Implementation | undefined = impls.data?.find((i) => i.id === ranker);
  const wallet = useWalletState();
  const [personal, setPersonal] = useState(false);
  const counts = useAsync(
    async () => (personal && wallet.unlocked ? myCategoryCounts() : undefined),
    [personal, wallet.unlocked],
  );
  const shown =
    results.data === undefined
      ? undefined
      : counts.data === undefined
        ? results.data.listings
        : personalRank(results.data.listings, counts.data);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (draft.length > MAX_QUERY) {
      setInputError(t('shop.queryTooLong', { max: MAX_QUERY }));
      return;
    }
    if (draftCategories.length > MAX_QUERY) {
      setInputError(t('shop.queryTooLong', { max: MAX_QUERY }));
      return;
    }
    setInputError(undefined);
    setQuery(draft.trim());
    setCategories(draftCategories.trim());
  };

  return (
    <section>
      <h1>{t('shop.title')}</h1>
      <p className="lead">{t('shop.lead')}</p>
      <search>
        <form className="search" onSubmit={submit}>
          <label className="grow">
            <span>{t('shop.query')}</span>
            <input
              type="search"
              data-testid="query"
              value={draft}
              maxLength={MAX_QUERY + 1}
              placeholder={t('shop.queryPlaceholder')}
              onChange={(e) => setDraft(e.target.value)}
              aria-invalid={inputError !== undefined}
            />
          </label>
          <label>
            <span>{t('shop.myFilter')}</span>
            <input
              type="text"
              data-testid="categories"
              value={draftCategories}
              placeholder={t('shop.myFilterPlaceholder')}
              onChange={(e) => setDraftCategories(e.target.value)}
            />
          </label>
          <button type="submit" data-testid="search">
            {t('shop.search')}
          </button>
        </form>
      </search>
      {inputError !== undefined && (
        <p className="banner error" role="alert">
          {inputError}
        </p>
      )}
      <fieldset className="rankers">
        <legend>{t('shop.rankedBy')}</legend>
        {impls.loading && impls.data === undefined && <Loading />}
        <ErrorBox error={impls.error} onRetry={impls.reload} />
        {impls.data?.length === 0 && <p>{t('shop.noRankers')}</p>}
        {impls.data?.map((impl) => (
          <label key={impl.id} className="radio">
            <input
              type="radio"
              name="ranker"
              value={impl.id}
              checked={ranker === impl.id}
              data-testid={`ranker-${impl.id}`}
              onChange={() => {
                setRanker(impl.id);
                settings.setSearch(impl.id);
              }}
            />
            <span>
              <strong>{impl.displayName ?? impl.id}</strong> <code>{impl.id}</code>{' '}
              <span className="muted">{t('shop.by', { org: impl.org })}</span>
            </span>
          </label>
        ))}
      </fieldset>
      <p className="choice" data-testid="ranker-choice" aria-live="polite">
        {t('shop.choice', { name: chosen?.displayName ?? ranker, id: ranker, org: chosen?.org ?? '?' })}
        {categories.length > 0 && ` ${t('shop.choiceFilter', { categories })}`}
      </p>
      <div className="personal">
        <label className="check">
          <input
            type="checkbox"
            data-testid="personal"
            checked={personal}
            disabled={!wallet.unlocked}
            onChange={(e) => setPersonal(e.target.checked)}
          />
          <span>{t('shop.personal')}</span>
        </label>{' '}
        {!wallet.unlocked && (
          <span className="muted">
            {t('shop.personalNeedsWallet')} <a href={href('wallet')}>{t('nav.wallet')}</a>
          </span>
        )}
        {counts.loading && personal && <Loading label={t('shop.personalReading')} />}
        <ErrorBox error={counts.error} onRetry={counts.reload} />
        {counts.data !== undefined && (
          <p className="choice" data-testid="personal-choice">
            {t('shop.personalChoice', {
              id: ranker,
              bought:
                counts.data.size === 0
                  ? t('shop.personalNothing')
                  : [...counts.data].map(([c, n]) => `${c} ×${n}`).join(', '),
            })}
          </p>
        )}
      </div>
      {results.loading && <Loading label={t('shop.ranking', { id: ranker })} />}
      <ErrorBox error={results.error} onRetry={results.reload} />
      {results.data !== undefined && !results.loading && (
        <>
          <p className="muted" data-testid="result-count">
            {t('shop.results', { shown: results.data.listings.length, total: results.data.total })}
          </p>
          {shown === undefined || shown.length === 0 ? (
            <p>{t('shop.nothing')}</p>
          ) : (
            <ul className="grid">
              {shown.map((l) => (
                <ListingCard key={l.id} listing={l} />
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}
