/**
 * The company view of the organisation chosen in the header: who it is, its roles, and the
 * implementations of commerce standards it publishes. Queues, earnings and the 带数 dashboard are marked
 * places still to build (README "Not built yet").
 */
import type { ReactNode } from 'react';
import { useApp } from '../app.js';
import { ErrorBox, Loading } from '../components/status.js';
import { chain } from '../lib/chain.js';
import { useAsync } from '../lib/useAsync.js';

export function CompanyPage(): ReactNode {
  const { t, org, organisations, role } = useApp();
  const impls = useAsync(() => chain.implementations(), []);
  const me = organisations.find((o) => o.id === org);
  if (role === 'shopper') return <p>{t('company.pickRole')}</p>;
  if (me === undefined) return <Loading />;
  const mine = impls.data?.filter((i) => i.org === me.id) ?? [];
  return (
    <section>
      <h1 data-testid="company-name">{me.name}</h1>
      <p className="lead">{t('company.roles', { roles: me.roles.join(', '), id: me.id })}</p>
      <h2>{t('company.implementations')}</h2>
      {impls.loading && <Loading />}
      <ErrorBox error={impls.error} onRetry={impls.reload} />
      {impls.data !== undefined && mine.length === 0 && <p>{t('company.noImplementations')}</p>}
      <ul>
        {mine.map((i) => (
          <li key={i.id}>
            <strong>{i.displayName ?? i.id}</strong> <code>{i.id}</code> · {i.standard}
          </li>
        ))}
      </ul>
      <section className="placeholder" data-placeholder="company-queues">
        {/* PLACEHOLDER (issue #7, step 5): queues (orders to ship, payments to confirm, parcels to deliver,
            disputes), earnings, products/batches/channels/recalls, how often each implementation is chosen. */}
        <h2>{t('company.queues')}</h2>
        <p>{t('company.queuesSoon')}</p>
      </section>
      <section className="placeholder" data-placeholder="insights-dashboard">
        {/* PLACEHOLDER: the 带数 dashboard (insights module aggregates by SKU, region and period). */}
        <h2>{t('company.insights')}</h2>
        <p>{t('company.insightsSoon')}</p>
      </section>
    </section>
  );
}
