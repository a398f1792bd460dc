/**
 * The explorer's transaction search on the index: every transaction, newest first, by organisation
 * and module, paged back in time. Transactions are members-only, so the read is signed (on a devnet,
 * with the key of the organisation viewed, or the regulator's). Shown only when an index answers.
 */
import { type ReactNode, useState } from 'react';
import { useApp } from '../appContext.js';
import { short, time } from '../lib/format.js';
import { findIndex, type IndexTx, indexApi } from '../lib/indexApi.js';
import { href } from '../lib/router.js';
import { useAsync } from '../lib/useAsync.js';
import { ErrorBox, Loading } from './status.js';

const MODULES = [
  'items',
  'distribution',
  'catalog',
  'orders',
  'reviews',
  'registry',
  'settlement',
  'privacy',
  'identity',
  'governance',
];

export function IndexTransactions(): ReactNode {
  const { t, lang, org, organisations } = useApp();
  const [filterOrg, setFilterOrg] = useState('');
  const [module, setModule] = useState('');
  const [pages, setPages] = useState<string[]>([]);
  const index = useAsync(() => findIndex(), []);
  const reader = org ?? 'regulator';
  const list = useAsync(async () => {
    if (index.data === undefined) return undefined;
    return indexApi.txs(reader, {
      ...(filterOrg === '' ? {} : { org: filterOrg }),
      ...(module === '' ? {} : { module }),
      ...(pages.length === 0 ? {} : { before: pages.at(-1)! }),
      limit: 20,
    });
  }, [index.data, reader, filterOrg, module, pages]);
  if (index.data === undefined) return null;
  return (
    <section className="panel" data-testid="index-txs">
      <h2>{t('ix.txs.title')}</h2>
      <p className="filters">
        <label>
          {t('ix.txs.org')}{' '}
          <select
            data-testid="txs-org"
            value={filterOrg}
            onChange={(e) => {
              setFilterOrg(e.target.value);
              setPages([]);
            }}
          >
            <option value="">{t('ix.txs.any')}</option>
            {organisations.map((o) => (
              <option key={o.id} value={o.id}>
                {o.id}
              </option>
            ))}
          </select>
        </label>{' '}
        <label>
          {t('ix.txs.module')}{' '}
          <select
            data-testid="txs-module"
            value={module}
            onChange={(e) => {
              setModule(e.target.value);
              setPages([]);
            }}
          >
            <option value="">{t('ix.txs.any')}</option>
            {MODULES.map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </select>
        </label>
      </p>
      <ErrorBox error={list.error} onRetry={list.reload} />
      {list.loading && list.data === undefined && <Loading />}
      {list.data !== undefined && (
        <div className="table-wrap">
          <table data-testid="txs-table">
            <thead>
              <tr>
                <th>{t('explorer.height')}</th>
                <th>{t('ix.txs.time')}</th>
                <th>{t('ix.txs.org')}</th>
                <th>{t('ix.txs.command')}</th>
                <th>{t('ix.txs.result')}</th>
              </tr>
            </thead>
            <tbody>
              {list.data.txs.map((tx: IndexTx) => (
                <tr key={tx.id} data-testid="tx-row">
                  <td>
                    <a href={href('explorer', 'block', tx.height)}>#{tx.height}</a>
                  </td>
                  <td>{time(tx.time, lang)}</td>
                  <td>{tx.org ?? '—'}</td>
                  <td>
                    <a href={href('explorer', 'tx', tx.id)}>
                      {tx.module}.{tx.command}
                    </a>{' '}
                    <code className="muted">{short(tx.id)}</code>
                  </td>
                  <td>{tx.code}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {list.data.next !== null && (
            <button
              type="button"
              className="secondary"
              data-testid="txs-more"
              onClick={() => setPages([...pages, list.data!.next!])}
            >
              {t('ix.txs.more')}
            </button>
          )}
        </div>
      )}
    </section>
  );
}
