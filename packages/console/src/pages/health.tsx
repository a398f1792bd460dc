/** Network health for operators: the node's status (height, consensus round, peers, mempool) and block pace, refreshed live. */
import { type ReactNode, useEffect, useState } from 'react';
import { useApp } from '../appContext.js';
import { ErrorBox, Loading } from '../components/status.js';
import { client } from '../lib/chain.js';
import { short, time } from '../lib/format.js';
import { useAsync } from '../lib/useAsync.js';

const WINDOW = 20;

export function HealthPage(): ReactNode {
  const { t, lang } = useApp();
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setTick((n) => n + 1), 3_000);
    return () => clearInterval(timer);
  }, []);
  const data = useAsync(async () => {
    const status = await client().getStatus();
    const heights = Array.from({ length: Math.min(WINDOW, status.height) }, (_, i) => status.height - i);
    const blocks = await Promise.all(heights.map((height) => client().getHeader({ height })));
    const times = blocks.map((b) => b.header.time);
    const interval =
      times.length > 1 ? (times[0]! - times[times.length - 1]!) / (times.length - 1) : undefined;
    const txs = blocks.reduce((s, b) => s + b.header.txCount, 0);
    return { status, interval, txs, window: blocks.length };
  }, [tick]);
  if (data.data === undefined && data.loading) return <Loading />;
  return (
    <section>
      <h1>{t('health.title')}</h1>
      <p className="lead">{t('health.lead')}</p>
      <ErrorBox error={data.error} onRetry={data.reload} />
      {data.data !== undefined && (
        <dl className="facts card" data-testid="health">
          <dt>{t('health.node')}</dt>
          <dd>{data.data.status.node}</dd>
          <dt>{t('health.chain')}</dt>
          <dd>
            {data.data.status.chainId} <code>{short(data.data.status.genesisHash)}</code>
          </dd>
          <dt>{t('explorer.height')}</dt>
          <dd data-testid="health-height">{data.data.status.height}</dd>
          <dt>{t('health.latest')}</dt>
          <dd>
            {time(data.data.status.latestBlockTime, lang)}{' '}
            <code>{short(data.data.status.latestBlockHash)}</code>
          </dd>
          <dt>{t('health.consensus')}</dt>
          <dd>
            {t('health.round', {
              height: data.data.status.consensus.height ?? '—',
              round: data.data.status.consensus.round ?? '—',
            })}
          </dd>
          <dt>{t('health.peers')}</dt>
          <dd>
            {data.data.status.consensus.peers.length === 0
              ? t('health.noPeers')
              : data.data.status.consensus.peers.join(', ')}
          </dd>
          <dt>{t('health.mempool')}</dt>
          <dd>
            {t('health.mempoolText', {
              size: data.data.status.mempool.size,
              kib: (data.data.status.mempool.bytes / 1024).toFixed(1),
            })}
          </dd>
          <dt>{t('health.pace')}</dt>
          <dd>
            {data.data.interval === undefined
              ? '—'
              : t('health.paceText', {
                  ms: Math.round(data.data.interval),
                  n: data.data.window,
                  txs: data.data.txs,
                })}
          </dd>
        </dl>
      )}
      <p className="muted">
        {t('health.metrics')} <a href={`${client().url}/metrics`}>/metrics</a> ·{' '}
        <a href={`${client().url}/docs`}>/docs</a>
      </p>
    </section>
  );
}
