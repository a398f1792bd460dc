/**
 * Personal ranking in the browser (issue 19): the shop's panel that runs a platform's `commerce.search/2`
 * code here with the history kept in this browser (lib/localSearch.ts), says which code ranked the results
 * and that the history stayed here, and shows the other choice (granting the platform the history); and
 * the wallet page's panel that keeps, imports or forgets that history.
 */
import { type FormEvent, type ReactNode, useState } from 'react';
import { useApp } from '../appContext.js';
import { chain } from '../lib/chain.js';
import { money } from '../lib/format.js';
import {
  forgetHistory,
  historyFromWallet,
  keepHistory,
  keptHistoryState,
  PERSONAL_SEARCH_STANDARD,
  type PersonalRanking,
  parseHistory,
  rankInBrowser,
  savedHistory,
} from '../lib/localSearch.js';
import { href } from '../lib/router.js';
import { useAsync } from '../lib/useAsync.js';
import { useWalletState } from './buy.js';
import { ErrorBox, Loading } from './status.js';

const MAX_QUERY = 200;

export function PersonalSearch(): ReactNode {
  const { t } = useApp();
  const wallet = useWalletState();
  const platforms = useAsync(() => chain.implementations(PERSONAL_SEARCH_STANDARD), []);
  // Kept encrypted under the wallet's key: read again when the wallet unlocks or locks.
  const history = useAsync(() => savedHistory(), [wallet.unlocked]);
  const [platform, setPlatform] = useState<string | undefined>();
  const [useHistory, setUseHistory] = useState(true);
  const [draft, setDraft] = useState('');
  const [ranking, setRanking] = useState<PersonalRanking | undefined>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const chosen = platform ?? platforms.data?.[0]?.id;
  const withHistory = useHistory && history.data !== undefined;

  const rank = async (e: FormEvent) => {
    e.preventDefault();
    if (chosen === undefined || draft.length > MAX_QUERY) return;
    setBusy(true);
    setError(undefined);
    try {
      setRanking(await rankInBrowser(chosen, draft.trim(), withHistory));
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card personal-search" data-testid="personal-search">
      <h2>{t('ps.title')}</h2>
      <p className="muted">{t('ps.lead')}</p>
      <ErrorBox error={platforms.error} onRetry={platforms.reload} />
      {platforms.data?.length === 0 && <p>{t('ps.noPlatforms')}</p>}
      <form className="search" onSubmit={rank}>
        <fieldset className="rankers">
          <legend>{t('ps.platform')}</legend>
          {platforms.data?.map((impl) => (
            <label key={impl.id} className="radio">
              <input
                type="radio"
                name="personal-platform"
                value={impl.id}
                checked={chosen === impl.id}
                data-testid={`ps-platform-${impl.id}`}
                onChange={() => setPlatform(impl.id)}
              />
              <span>
                <strong>{impl.displayName ?? impl.id}</strong> <code>{impl.id}</code>{' '}
                <span className="muted">{t('shop.by', { org: impl.org })}</span>
              </span>
            </label>
          ))}
        </fieldset>
        <label className="check">
          <input
            type="checkbox"
            data-testid="ps-use-history"
            checked={withHistory}
            disabled={history.data === undefined}
            onChange={(e) => setUseHistory(e.target.checked)}
          />
          <span>{t('ps.useHistory')}</span>
        </label>
        {history.data === undefined && !history.loading && (
          <span className="muted" data-testid="ps-no-history">
            {t('ps.noHistory')} <a href={href('wallet')}>{t('ps.keepHistoryLink')}</a>
          </span>
        )}
        <label className="grow">
          <span>{t('ps.query')}</span>
          <input
            type="search"
            data-testid="ps-query"
            value={draft}
            maxLength={MAX_QUERY}
            onChange={(e) => setDraft(e.target.value)}
          />
        </label>
        <button type="submit" data-testid="ps-rank" disabled={busy || chosen === undefined}>
          {t('ps.rank')}
        </button>
      </form>
      {busy && <Loading label={t('ps.ranking')} />}
      <ErrorBox error={error} />
      {ranking !== undefined && !busy && (
        <div data-testid="ps-result">
          <p className="choice" data-testid="ps-ranked-by">
            {t('ps.rankedBy', {
              name: ranking.displayName,
              id: ranking.implementation,
              org: ranking.org,
              hash: ranking.codeHash.slice(0, 16),
              height: ranking.height,
              ms: ranking.elapsedMs.toFixed(0),
              gas: ranking.gasUsed.toLocaleString('en'),
            })}
          </p>
          <p className="choice" data-testid="ps-history-note">
            {ranking.history === undefined
              ? t('ps.anonymous')
              : t('ps.historyStayed', {
                  purchases: ranking.history.purchases,
                  reviews: ranking.history.reviews,
                  grants: ranking.history.grants,
                })}
          </p>
          <p className="muted">{t('ps.results', { shown: ranking.listings.length, total: ranking.total })}</p>
          <ol className="ranked" data-testid="ps-listings">
            {ranking.listings.slice(0, 12).map((l) => (
              <li key={l.id} data-testid="ps-listing" data-merchant={l.merchant}>
                <a href={href('product', l.id)}>{l.title}</a> · {money(l.price)} ·{' '}
                <span className="muted">
                  {l.merchant} · {l.category}
                </span>
              </li>
            ))}
          </ol>
        </div>
      )}
      <div className="two-choices" data-testid="ps-choices">
        <h3>{t('ps.choices')}</h3>
        <ul>
          <li>{t('ps.choiceLocal')}</li>
          <li>
            {t('ps.choiceGrant')} <a href={href('wallet')}>{t('nav.wallet')}</a>
          </li>
        </ul>
      </div>
    </section>
  );
}

/** The wallet page's panel: the history kept for personal search, from the wallet or a file, or forgotten. */
export function SearchHistory(): ReactNode {
  const { t } = useApp();
  const wallet = useWalletState();
  const history = useAsync(() => savedHistory(), [wallet.unlocked]);
  const kept = useAsync(() => keptHistoryState(), [wallet.unlocked, history.data]);
  const [file, setFile] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const run = async (task: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await task();
      history.reload();
      kept.reload();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="card" data-testid="search-history">
      <h2>{t('ps.historyTitle')}</h2>
      <p data-testid="history-kept">
        {history.data === undefined
          ? kept.data === 'encrypted'
            ? t('ps.historyLocked')
            : kept.data === 'plain'
              ? t('ps.historyPlain')
              : t('ps.historyNone')
          : t('ps.historyKept', {
              purchases: history.data.purchases.length,
              reviews: history.data.reviews.length,
              grants: history.data.grants.length,
            })}
      </p>
      {wallet.unlocked && (
        <button
          type="button"
          disabled={busy}
          data-testid="history-from-wallet"
          onClick={() => run(async () => keepHistory(await historyFromWallet()))}
        >
          {t('ps.fromWallet')}
        </button>
      )}
      {!wallet.unlocked && <p className="muted">{t('ps.unlockToKeep')}</p>}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void run(async () => {
            let parsed: ReturnType<typeof parseHistory>;
            try {
              parsed = parseHistory(file);
            } catch (caught) {
              throw new Error(t('ps.badFile', { reason: (caught as Error).message }));
            }
            await keepHistory(parsed);
            setFile('');
          });
        }}
      >
        <label className="grow">
          <span>{t('ps.importLabel')}</span>
          <textarea
            data-testid="history-file"
            rows={3}
            value={file}
            onChange={(e) => setFile(e.target.value)}
          />
        </label>
        <button
          type="submit"
          disabled={busy || !wallet.unlocked || file.trim().length === 0}
          data-testid="history-import"
        >
          {t('ps.import')}
        </button>
        {kept.data !== undefined && kept.data !== 'none' && (
          <button type="button" className="link" onClick={() => run(forgetHistory)}>
            {t('ps.forget')}
          </button>
        )}
      </form>
      <ErrorBox error={error} />
    </section>
  );
}
