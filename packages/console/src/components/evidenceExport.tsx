/**
 * Evidence-bundle export (证据先行): transactions and state values packed by the SDK's `exportEvidence`
 * with every header, commit and validator set needed to check them offline (`hanglian evidence verify`),
 * downloaded as JSON. Transaction proofs are members-only reads: on a devnet they are signed as the
 * regulator (its dev key).
 */
import { exportEvidence } from '@hanglian/sdk';
import { type FormEvent, type ReactNode, useEffect, useState } from 'react';
import { useApp } from '../appContext.js';
import { memberClient } from '../lib/chain.js';
import { ErrorBox, Loading } from './status.js';

const TX_ID = /^[0-9a-fA-F]{64}$/;
const PATH = /^[a-z][a-zA-Z0-9]*\/[a-zA-Z0-9]+\/\S+$/;

/** Splits a textarea into its non-empty lines. */
function lines(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
}

export function EvidenceExport({ tx }: { tx?: string }): ReactNode {
  const { t, role, org } = useApp();
  const signer = role === 'regulator' && org !== null ? org : 'regulator';
  const [title, setTitle] = useState('');
  const [txs, setTxs] = useState(tx ?? '');
  const [paths, setPaths] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [ready, setReady] = useState<{ url: string; name: string; items: number; heights: number }>();
  useEffect(() => () => (ready === undefined ? undefined : URL.revokeObjectURL(ready.url)), [ready]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    const ids = lines(txs);
    const state = lines(paths);
    if (title.trim() === '') return setError(new Error(t('evidence.needTitle')));
    if (ids.length + state.length === 0) return setError(new Error(t('evidence.needItems')));
    const badId = ids.find((id) => !TX_ID.test(id));
    if (badId !== undefined) return setError(new Error(t('evidence.badTx', { id: badId })));
    const badPath = state.find((p) => !PATH.test(p));
    if (badPath !== undefined) return setError(new Error(t('evidence.badPath', { path: badPath })));
    setBusy(true);
    try {
      const bundle = await exportEvidence(await memberClient(signer), {
        title: title.trim(),
        transactions: ids,
        state: state.map((path) => ({ path })),
      });
      const text = JSON.stringify(bundle, null, 1);
      const name = `evidence-${new Date(bundle.exportedAt).toISOString().slice(0, 19).replace(/[:T]/g, '-')}.json`;
      setReady({
        url: URL.createObjectURL(new Blob([text], { type: 'application/json' })),
        name,
        items: bundle.items.length,
        heights: bundle.heights.length,
      });
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card" onSubmit={(e) => void submit(e)} data-testid="evidence-export">
      <h2>{t('evidence.title')}</h2>
      <p className="muted">{t('evidence.lead', { org: signer })}</p>
      <div className="form-row">
        <label htmlFor="evidence-title" className="grow">
          <span>{t('evidence.caseTitle')}</span>
          <input
            id="evidence-title"
            data-testid="evidence-title"
            value={title}
            maxLength={200}
            onChange={(e) => setTitle(e.target.value)}
          />
        </label>
      </div>
      <div className="form-row">
        <label htmlFor="evidence-txs" className="grow">
          <span>{t('evidence.txs')}</span>
          <textarea
            id="evidence-txs"
            data-testid="evidence-txs"
            rows={2}
            value={txs}
            onChange={(e) => setTxs(e.target.value)}
          />
        </label>
        <label htmlFor="evidence-paths" className="grow">
          <span>{t('evidence.paths')}</span>
          <textarea
            id="evidence-paths"
            data-testid="evidence-paths"
            rows={2}
            placeholder="orders/orders/<id>"
            value={paths}
            onChange={(e) => setPaths(e.target.value)}
          />
        </label>
      </div>
      <button type="submit" data-testid="evidence-submit" disabled={busy}>
        {t('evidence.export')}
      </button>
      {busy && <Loading label={t('evidence.working')} />}
      <ErrorBox error={error} />
      {ready !== undefined && !busy && (
        <p className="banner good" role="status" data-testid="evidence-ready">
          {t('evidence.ready', { items: ready.items, heights: ready.heights })}{' '}
          <a href={ready.url} download={ready.name} data-testid="evidence-download">
            {t('evidence.download', { name: ready.name })}
          </a>
        </p>
      )}
    </form>
  );
}
