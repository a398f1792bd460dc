/** Pieces every company view shares: a table of orders with their actions, earnings, implementations and their use. */
import type { ReactNode } from 'react';
import { useApp } from '../appContext.js';
import { chain } from '../lib/chain.js';
import { type CompanyOrder, earningsOf, payeeBalance, SHARE_OF, usageOf } from '../lib/company.js';
import { money, short, time } from '../lib/format.js';
import type { Role } from '../lib/roles.js';
import { href } from '../lib/router.js';
import { useAsync } from '../lib/useAsync.js';
import type { MessageKey } from '../messages.js';
import { ErrorBox, Loading } from './status.js';

export function OrdersTable({
  orders,
  companyRole: role,
  actions,
  testId,
  empty,
}: {
  orders: readonly CompanyOrder[];
  companyRole: Role;
  actions?: (order: CompanyOrder) => ReactNode;
  testId: string;
  empty: string;
}): ReactNode {
  const { t, lang } = useApp();
  const share = SHARE_OF[role];
  if (orders.length === 0)
    return (
      <p className="muted" data-testid={testId}>
        {empty}
      </p>
    );
  return (
    <div className="table-wrap">
      <table data-testid={testId}>
        <thead>
          <tr>
            <th scope="col">{t('co.order')}</th>
            <th scope="col">{t('co.listing')}</th>
            <th scope="col">{t('co.status')}</th>
            <th scope="col">{t('co.placed')}</th>
            <th scope="col" className="num">
              {t('co.total')}
            </th>
            {share !== undefined && (
              <th scope="col" className="num">
                {t('co.myShare')}
              </th>
            )}
            {actions !== undefined && <th scope="col">{t('co.action')}</th>}
          </tr>
        </thead>
        <tbody>
          {orders.map((o) => (
            <tr key={o.id} data-testid="queue-row" data-order={o.id}>
              <td>
                <a href={href('order', o.id)}>
                  <code>{short(o.id, 6)}</code>
                </a>
              </td>
              <td>
                {o.listing} ×{o.quantity}
              </td>
              <td>{t(`status.${o.status}` as MessageKey)}</td>
              <td>{time(o.createdAt, lang)}</td>
              <td className="num">{money(o.composition.total)}</td>
              {share !== undefined && (
                <td className="num">{money(o.payouts?.[share] ?? o.composition[share])}</td>
              )}
              {actions !== undefined && <td>{actions(o)}</td>}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Paid shares (ended orders' payouts), what is still held in escrow, and the payee account's balance. */
export function Earnings({
  org,
  companyRole: role,
  orders,
}: {
  org: string;
  companyRole: Role;
  orders: readonly CompanyOrder[];
}): ReactNode {
  const { t } = useApp();
  const balance = useAsync(() => payeeBalance(org), [org, orders.length]);
  const e = earningsOf(orders, role);
  return (
    <section aria-labelledby="earnings" data-testid="earnings">
      <h2 id="earnings">{t('co.earnings')}</h2>
      <dl className="facts">
        <dt>{t('co.paid')}</dt>
        <dd data-testid="earnings-paid">
          {money(e.paid)} <span className="muted">{t('co.fromOrders', { n: e.paidOrders })}</span>
        </dd>
        <dt>{t('co.pending')}</dt>
        <dd>
          {money(e.pending)} <span className="muted">{t('co.fromOrders', { n: e.pendingOrders })}</span>
        </dd>
        <dt>{t('co.payee')}</dt>
        <dd>
          {balance.loading && <Loading />}
          {balance.data !== undefined && (
            <>
              <span data-testid="payee-balance">{money(balance.data.amount)}</span>{' '}
              <code className="muted">{short(balance.data.address, 6)}</code>
            </>
          )}
          <ErrorBox error={balance.error} onRetry={balance.reload} />
        </dd>
      </dl>
    </section>
  );
}

/** The organisation's implementations, and how many of the orders it sees chose each one. */
export function ImplementationsUsage({
  org,
  orders,
}: {
  org: string;
  orders: readonly CompanyOrder[] | undefined;
}): ReactNode {
  const { t } = useApp();
  const impls = useAsync(() => chain.implementations(), []);
  const mine = impls.data?.filter((i) => i.org === org) ?? [];
  const usage = orders === undefined ? undefined : usageOf(orders);
  return (
    <section aria-labelledby="impls">
      <h2 id="impls">{t('company.implementations')}</h2>
      {impls.loading && <Loading />}
      <ErrorBox error={impls.error} onRetry={impls.reload} />
      {impls.data !== undefined && mine.length === 0 && <p>{t('company.noImplementations')}</p>}
      {mine.length > 0 && (
        <div className="table-wrap">
          <table data-testid="implementations">
            <thead>
              <tr>
                <th scope="col">{t('co.implementation')}</th>
                <th scope="col">{t('co.standard')}</th>
                <th scope="col" className="num">
                  {t('co.chosen')}
                </th>
              </tr>
            </thead>
            <tbody>
              {mine.map((i) => (
                <tr key={i.id}>
                  <td>
                    <strong>{i.displayName ?? i.id}</strong> <code>{i.id}</code>
                  </td>
                  <td>{i.standard}</td>
                  <td className="num" data-testid={`chosen-${i.id}`}>
                    {i.standard.startsWith('commerce.search/')
                      ? t('co.chosenInBrowser')
                      : usage === undefined
                        ? '…'
                        : t('co.chosenCount', { n: usage.get(i.id) ?? 0 })}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
