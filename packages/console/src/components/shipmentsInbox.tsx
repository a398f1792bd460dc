/**
 * The merchant's incoming wholesale shipments (`distribution shipments {to, status: sent}`, members-only,
 * signed with its key): each one received (ownership of its named items moves, item by item) or refused
 * (they go back to the sender's stock), both signed with its key.
 */
import { distribution } from '@hanglian/sdk';
import { type ReactNode, useState } from 'react';
import { useApp } from '../appContext.js';
import { act, memberQuery } from '../lib/company.js';
import { href } from '../lib/router.js';
import { useAsync } from '../lib/useAsync.js';
import { RunnerStatus, useRunner } from './action.js';
import { TextField } from './fields.js';
import { ErrorBox, Loading } from './status.js';

export interface ShipmentView {
  id: string;
  from: string;
  to: string;
  items: { codes: string[] } | { range: { sku: string; batch: string; from: number; to: number } };
  count: number;
  status: 'sent' | 'received' | 'refused';
  sentAt: number;
  settledAt?: number;
}

/** Shipments addressed to `org` still waiting for it. */
export const incomingShipments = (org: string) =>
  memberQuery(org, 'distribution', 'shipments', { to: org, status: 'sent', limit: 500 });

export function ShipmentsInbox({
  org,
  tick,
  onDone,
}: {
  org: string;
  tick: number;
  onDone: () => void;
}): ReactNode {
  const { t } = useApp();
  const runner = useRunner(onDone);
  const shipments = useAsync(() => incomingShipments(org), [org, tick]);
  const [where, setWhere] = useState('');
  const settle = (s: ShipmentView, accept: boolean) => {
    if (where.trim() === '') return runner.fail(new Error(t('inbox.needWhere')));
    if (
      !accept &&
      !window.confirm(t('inbox.refuseConfirm', { shipment: s.id, count: s.count, from: s.from }))
    )
      return;
    void runner.run(
      t(accept ? 'inbox.receiving' : 'inbox.refusing', { shipment: `${s.from}/${s.id}` }),
      (step) =>
        act(
          org,
          distribution.receive({ from: s.from, shipment: s.id, accept, where: where.trim() }),
          [],
          step,
        ),
    );
  };
  const describe = (s: ShipmentView) =>
    'range' in s.items
      ? t('inbox.rangeOf', {
          sku: s.items.range.sku,
          batch: s.items.range.batch,
          from: s.items.range.from,
          to: s.items.range.to,
        })
      : t('inbox.codesOf', { n: s.items.codes.length });
  const list = shipments.data ?? [];
  return (
    <section aria-labelledby="inbox" data-testid="inbox">
      <h2 id="inbox">{t('inbox.title')}</h2>
      <p className="muted">{t('inbox.lead')}</p>
      <RunnerStatus runner={runner} testId="inbox-action" />
      {shipments.loading && <Loading label={t('inbox.loading')} />}
      <ErrorBox error={shipments.error} onRetry={shipments.reload} />
      {shipments.data !== undefined && list.length === 0 && (
        <p className="muted" data-testid="inbox-none">
          {t('inbox.none')}
        </p>
      )}
      {list.length > 0 && (
        <>
          <div className="form-row">
            <TextField
              label={t('inbox.where')}
              id="inbox-where"
              value={where}
              grow
              placeholder="Riverside Books warehouse"
              onChange={setWhere}
            />
          </div>
          <div className="table-wrap">
            <table data-testid="inbox-table">
              <thead>
                <tr>
                  <th scope="col">{t('inbox.shipment')}</th>
                  <th scope="col">{t('inbox.from')}</th>
                  <th scope="col">{t('inbox.items')}</th>
                  <th scope="col">{t('inbox.sent')}</th>
                  <th scope="col">{t('co.action')}</th>
                </tr>
              </thead>
              <tbody>
                {list.map((s) => (
                  <tr key={`${s.from}/${s.id}`} data-testid="inbox-row" data-shipment={`${s.from}/${s.id}`}>
                    <td>
                      <code>{s.id}</code>
                    </td>
                    <td>{s.from}</td>
                    <td>
                      {describe(s)} · {t('shipCodes.count', { n: s.count })}
                    </td>
                    <td>
                      <a href={href('explorer', 'block', s.sentAt)}>#{s.sentAt}</a>
                    </td>
                    <td>
                      <button
                        type="button"
                        data-testid="inbox-receive"
                        disabled={runner.busy !== undefined}
                        onClick={() => settle(s, true)}
                      >
                        {t('inbox.receive')}
                      </button>{' '}
                      <button
                        type="button"
                        className="secondary"
                        data-testid="inbox-refuse"
                        disabled={runner.busy !== undefined}
                        onClick={() => settle(s, false)}
                      >
                        {t('inbox.refuse')}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
