/**
 * The browser wallet: create (or restore from 24 words) a seed that never leaves this browser, kept
 * encrypted at rest; unlock, lock; and "my purchases", which only this wallet can list, by re-deriving
 * its one-time order keys and asking for the orders each placed; grants of that history to a platform.
 */
import { type FormEvent, type ReactNode, useState } from 'react';
import { useApp } from '../appContext.js';
import { useWalletState } from '../components/buy.js';
import { WalletGrants } from '../components/grants.js';
import { SearchHistory } from '../components/personalSearch.js';
import { ErrorBox, Loading } from '../components/status.js';
import { money, short } from '../lib/format.js';
import { myPurchases } from '../lib/grants.js';
import { href } from '../lib/router.js';
import { useAsync } from '../lib/useAsync.js';
import { browserWallet, MIN_PASSWORD } from '../lib/wallet.js';

function Purchases(): ReactNode {
  const { t } = useApp();
  const used = browserWallet.used();
  // By buckets of key prefixes with decoys: the node never learns which order keys are this wallet's.
  const purchases = useAsync(async () => (await myPurchases()).map(({ order }) => order), [used]);
  if (purchases.loading) return <Loading label={t('wallet.listing', { n: used })} />;
  if (purchases.error !== undefined) return <ErrorBox error={purchases.error} onRetry={purchases.reload} />;
  if (purchases.data!.length === 0) return <p data-testid="purchases">{t('wallet.noPurchases')}</p>;
  return (
    <ul className="reviews" data-testid="purchases">
      {purchases.data!.map((o) => (
        <li key={o.id} className="card">
          <a href={href('order', o.id)}>{o.listing}</a> · {money(o.composition.total)} ·{' '}
          <strong>{t(`status.${o.status}` as 'status.created')}</strong>{' '}
          <span className="muted">{t('wallet.orderKey', { key: short(o.buyer, 6) })}</span>
        </li>
      ))}
    </ul>
  );
}

export function WalletPage(): ReactNode {
  const { t } = useApp();
  const state = useWalletState();
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [phrase, setPhrase] = useState('');
  const [restoring, setRestoring] = useState(false);
  const [backup, setBackup] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  const run = async (task: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await task();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  const create = (e: FormEvent) => {
    e.preventDefault();
    if (password.length < MIN_PASSWORD)
      return setError(new Error(t('wallet.shortPassword', { n: MIN_PASSWORD })));
    if (password !== repeat) return setError(new Error(t('wallet.mismatch')));
    void run(async () => {
      const wallet = await browserWallet.create(password, restoring ? phrase : undefined);
      if (!restoring) setBackup(wallet.backupPhrase());
      setPassword('');
      setRepeat('');
    });
  };
  const unlock = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      await browserWallet.unlock(password);
      setPassword('');
    });
  };

  return (
    <section>
      <h1>{t('wallet.title')}</h1>
      <p className="lead">{t('wallet.lead')}</p>
      <ErrorBox error={error} />
      {busy && <Loading label={t('wallet.working')} />}
      {!state.exists && (
        <form className="card" onSubmit={create} data-testid="wallet-create">
          <h2>{restoring ? t('wallet.restore') : t('wallet.create')}</h2>
          {restoring && (
            <label>
              <span>{t('wallet.phrase')}</span>
              <textarea rows={3} value={phrase} onChange={(e) => setPhrase(e.target.value)} />
            </label>
          )}
          <div className="form-row">
            <label>
              <span>{t('wallet.password')}</span>
              <input
                type="password"
                data-testid="wallet-password"
                autoComplete="new-password"
                value={password}
                onChange={(e) => setPassword(e.target.value)}
              />
            </label>
            <label>
              <span>{t('wallet.repeat')}</span>
              <input
                type="password"
                data-testid="wallet-repeat"
                autoComplete="new-password"
                value={repeat}
                onChange={(e) => setRepeat(e.target.value)}
              />
            </label>
            <button type="submit" disabled={busy} data-testid="wallet-create-submit">
              {restoring ? t('wallet.restore') : t('wallet.create')}
            </button>
            <button type="button" className="secondary" onClick={() => setRestoring(!restoring)}>
              {restoring ? t('wallet.create') : t('wallet.restoreInstead')}
            </button>
          </div>
        </form>
      )}
      {backup !== undefined && (
        <div className="banner warn" data-testid="backup">
          <p>
            <strong>{t('wallet.backupTitle')}</strong> {t('wallet.backupText')}
          </p>
          <p>
            <code>{backup}</code>
          </p>
          <button type="button" className="secondary" onClick={() => setBackup(undefined)}>
            {t('wallet.backupDone')}
          </button>
        </div>
      )}
      {state.exists && !state.unlocked && (
        <form className="card form-row" onSubmit={unlock}>
          <label>
            <span>{t('wallet.password')}</span>
            <input
              type="password"
              data-testid="wallet-unlock-password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </label>
          <button type="submit" disabled={busy}>
            {t('wallet.unlock')}
          </button>
        </form>
      )}
      {state.unlocked && (
        <>
          <p className="banner good" data-testid="wallet-unlocked">
            {t('wallet.unlocked', { n: browserWallet.used() })}{' '}
            <button type="button" className="secondary" onClick={() => browserWallet.lock()}>
              {t('wallet.lock')}
            </button>
          </p>
          <h2>{t('wallet.purchases')}</h2>
          <p className="muted">{t('wallet.purchasesLead')}</p>
          <Purchases />
        </>
      )}
      {state.unlocked ? (
        <WalletGrants />
      ) : (
        <p className="muted" data-testid="grants-locked">
          {t('grants.unlock')}
        </p>
      )}
      <SearchHistory />
      {state.exists && (
        <p>
          <button
            type="button"
            className="secondary"
            onClick={() => {
              if (window.confirm(t('wallet.forgetConfirm'))) browserWallet.forget();
            }}
          >
            {t('wallet.forget')}
          </button>
        </p>
      )}
    </section>
  );
}
