/**
 * The queues of a platform, payment provider, carrier, live-stream host and arbiter: the orders that name
 * the organisation in that role, by status, with the steps it signs (confirm a payment, arbitrate with a
 * split), the steps it waits for (a delivery needs the buyer's order key to sign the receipt), its
 * earnings, and its implementations with how often orders chose them.
 */
import { orders as orderCalls } from '@hanglian/sdk';
import { type FormEvent, type ReactNode, useState } from 'react';
import { useApp } from '../appContext.js';
import { type Runner, RunnerStatus, useRunner } from '../components/action.js';
import { Earnings, ImplementationsUsage, OrdersTable } from '../components/companyParts.js';
import { PackageCheck } from '../components/grants.js';
import { ErrorBox, Loading } from '../components/status.js';
import { act, type CompanyOrder, ordersOf, parseYuan } from '../lib/company.js';
import { money, short } from '../lib/format.js';
import type { Role } from '../lib/roles.js';
import { useAsync } from '../lib/useAsync.js';

const OPEN = ['created', 'paid', 'shipped', 'delivered', 'returning', 'disputed'];

function SplitForm({ org, order, runner }: { org: string; order: CompanyOrder; runner: Runner }): ReactNode {
  const { t } = useApp();
  const total = order.composition.total;
  const [refund, setRefund] = useState((total / 100).toFixed(2));
  const [items, setItems] = useState<'buyer' | 'merchant'>('merchant');
  const fen = parseYuan(refund);
  const invalid = fen === undefined || fen > total;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (fen === undefined) return runner.fail(new Error(t('arbiter.badAmount')));
    if (fen > total) return runner.fail(new Error(t('arbiter.tooMuch', { total: money(total) })));
    void runner.run(`${t('arbiter.decide')} ${short(order.id, 4)}`, (step) =>
      act(org, orderCalls.arbitrate({ order: order.id, refund: fen, items }), [], step),
    );
  };
  const id = `split-${order.id}`;
  return (
    <form className="form-row split" onSubmit={submit} data-testid="split-form">
      <label htmlFor={`${id}-refund`}>
        <span>{t('arbiter.refund', { total: money(total) })}</span>
        <input
          id={`${id}-refund`}
          data-testid="split-refund"
          inputMode="decimal"
          aria-invalid={invalid}
          value={refund}
          onChange={(e) => {
            setRefund(e.target.value);
            runner.clear();
          }}
        />
      </label>
      <label htmlFor={`${id}-items`}>
        <span>{t('arbiter.items')}</span>
        <select
          id={`${id}-items`}
          data-testid="split-items"
          value={items}
          onChange={(e) => setItems(e.target.value as 'buyer' | 'merchant')}
        >
          <option value="merchant">{t('arbiter.itemsMerchant')}</option>
          <option value="buyer">{t('arbiter.itemsBuyer')}</option>
        </select>
      </label>
      <p className="muted" data-testid="split-preview">
        {fen === undefined || fen > total
          ? t('arbiter.badAmount')
          : t('arbiter.preview', { refund: money(fen), rest: money(total - fen) })}
      </p>
      <button type="submit" data-testid="split-submit" disabled={runner.busy !== undefined}>
        {t('arbiter.decide')}
      </button>
    </form>
  );
}

export function QueuesView({ org, companyRole: role }: { org: string; companyRole: Role }): ReactNode {
  const { t, organisations } = useApp();
  const [tick, setTick] = useState(0);
  const runner = useRunner(() => setTick((n) => n + 1));
  const orders = useAsync(() => ordersOf(org, role, organisations), [org, role, tick, organisations]);
  const all = orders.data ?? [];
  const by = (...statuses: string[]) => all.filter((o) => statuses.includes(o.status));

  const sections: ReactNode[] = [];
  if (role === 'payment') {
    sections.push(
      <section key="pay" aria-labelledby="q-pay">
        <h2 id="q-pay">{t('queue.toConfirm')}</h2>
        <OrdersTable
          orders={by('created')}
          companyRole={role}
          testId="to-confirm"
          empty={t('queue.none')}
          actions={(o) => (
            <button
              type="button"
              data-testid={`confirm-${o.id}`}
              disabled={runner.busy !== undefined}
              onClick={() =>
                void runner.run(`${t('queue.confirmPayment')} ${short(o.id, 4)}`, (s) =>
                  act(org, orderCalls.confirmPayment({ order: o.id }), [], s),
                )
              }
            >
              {t('queue.confirmPayment')}
            </button>
          )}
        />
      </section>,
    );
  }
  if (role === 'carrier') {
    sections.push(
      <section key="carry" aria-labelledby="q-carry">
        <h2 id="q-carry">{t('queue.inTransit')}</h2>
        <OrdersTable
          orders={by('shipped')}
          companyRole={role}
          testId="in-transit"
          empty={t('queue.none')}
          actions={() => <span className="badge info">{t('queue.waitingBuyer')}</span>}
        />
        <h2>{t('queue.returning')}</h2>
        <OrdersTable orders={by('returning')} companyRole={role} testId="returning" empty={t('queue.none')} />
      </section>,
    );
  }
  if (role === 'arbiter') {
    sections.push(
      <section key="arb" aria-labelledby="q-arb">
        <h2 id="q-arb">{t('queue.disputes')}</h2>
        <OrdersTable
          orders={by('disputed')}
          companyRole={role}
          testId="disputed"
          empty={t('queue.none')}
          actions={(o) => <SplitForm org={org} order={o} runner={runner} />}
        />
      </section>,
    );
  }
  sections.push(
    <section key="open" aria-labelledby="q-open">
      <h2 id="q-open">{t('queue.open')}</h2>
      <OrdersTable orders={by(...OPEN)} companyRole={role} testId="open-orders" empty={t('queue.none')} />
      <h2>{t('queue.ended')}</h2>
      <OrdersTable
        orders={all.filter((o) => !OPEN.includes(o.status))}
        companyRole={role}
        testId="ended-orders"
        empty={t('queue.none')}
      />
    </section>,
  );

  return (
    <>
      {(role === 'platform' || role === 'host') && <p className="muted">{t('queue.scanNote')}</p>}
      <RunnerStatus runner={runner} testId="queue-action" />
      {orders.loading && <Loading label={t('co.loadingOrders')} />}
      <ErrorBox error={orders.error} onRetry={orders.reload} />
      {orders.data !== undefined && sections}
      {orders.data !== undefined && role !== 'arbiter' && (
        <Earnings org={org} companyRole={role} orders={all} />
      )}
      <ImplementationsUsage org={org} orders={orders.data} />
      {role === 'platform' && <PackageCheck org={org} />}
    </>
  );
}
