/**
 * One order, followed live (SDK subscribe to the order's chain events): status, the price composition
 * fixed on chain, and the next step. Consumer steps are co-signed by this wallet's order key; on a dev
 * network the console also takes the members' steps (pay, ship, deliver) so the story can be clicked.
 */
import { subscribe } from '@hanglian/sdk';
import { type ReactNode, useEffect, useState } from 'react';
import { useApp } from '../appContext.js';
import { useWalletState } from '../components/buy.js';
import { Badge, ErrorBox, Loading } from '../components/status.js';
import { chain, memberClient, type OrderView } from '../lib/chain.js';
import { money, time } from '../lib/format.js';
import { orderSteps } from '../lib/orderActions.js';
import { href } from '../lib/router.js';
import { useAsync } from '../lib/useAsync.js';
import { browserWallet } from '../lib/wallet.js';
import type { MessageKey } from '../messages.js';

export function OrderPage({ orderId }: { orderId: string }): ReactNode {
  const { t, lang } = useApp();
  useWalletState();
  const [events, setEvents] = useState<string[]>([]);
  const [poll, setPoll] = useState(0);
  const order = useAsync(() => chain.order(orderId), [orderId, events.length, poll]);
  const platform = order.data?.platform;
  const [busy, setBusy] = useState<string | undefined>();
  const [error, setError] = useState<unknown>();
  const [review, setReview] = useState({ rating: 5, text: '' });

  useEffect(() => {
    if (!/^[0-9a-f]{32}$/.test(orderId)) return;
    // Chain-event streams are members-only: the platform gateway relays them (its dev key on a devnet);
    // without one, the page polls the order, which is public to anyone who knows its id.
    let close = () => {};
    let stopped = false;
    memberClient(platform ?? 'platform-a').then(
      (reader) => {
        if (stopped) return;
        const sub = subscribe(
          reader,
          { module: 'orders', topic: orderId },
          { onEvent: (e) => setEvents((list) => [...list, `${e.name} @${e.height}`]) },
        );
        close = () => sub.close();
      },
      () => {
        const timer = setInterval(() => setPoll((n) => n + 1), 3_000);
        close = () => clearInterval(timer);
      },
    );
    return () => {
      stopped = true;
      close();
    };
  }, [orderId, platform]);

  if (!/^[0-9a-f]{32}$/.test(orderId)) return <p className="banner error">{t('order.badId')}</p>;
  if (order.data === undefined && order.loading) return <Loading />;
  if (order.error !== undefined) return <ErrorBox error={order.error} onRetry={order.reload} />;
  const o = order.data;
  if (o === null || o === undefined) return <p>{t('order.notFound')}</p>;
  const mine = browserWallet.keyFor(o.buyer) !== undefined;

  const act = (label: string, step: (o: OrderView) => Promise<string>) => async () => {
    setBusy(label);
    setError(undefined);
    try {
      await step(o);
      order.reload();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(undefined);
    }
  };
  const button = (id: string, label: string, step: (o: OrderView) => Promise<string>, member?: string) => (
    <button
      key={id}
      type="button"
      data-testid={`order-${id}`}
      disabled={busy !== undefined}
      onClick={act(id, step)}
    >
      {label}
      {member !== undefined && ` (${t('order.devAs', { org: member })})`}
    </button>
  );
  const c = o.composition;
  return (
    <article>
      <h1>{t('order.title')}</h1>
      <p>
        <code>{o.id}</code> · <a href={href('product', o.listing)}>{o.listing}</a>
      </p>
      <p className="verdict genuine" data-testid="order-status" aria-live="polite">
        {t(`status.${o.status}` as MessageKey)}
      </p>
      <div className="columns">
        <dl className="facts">
          <dt>{t('order.items')}</dt>
          <dd>
            {o.codes.map((code) => (
              // The buyer checks its own copy: as its owner, a sold copy reads genuine (not merely sold).
              <a key={code} href={`${href('verify', code)}?owner=${encodeURIComponent(`acct:${o.buyer}`)}`}>
                {code}{' '}
              </a>
            ))}
          </dd>
          <dt>{t('order.created')}</dt>
          <dd>{time(o.createdAt, lang)}</dd>
          <dt>{t('order.deadline')}</dt>
          <dd>{o.deadline === 0 ? '—' : time(o.deadline, lang)}</dd>
          <dt>{t('order.escrow')}</dt>
          <dd>{o.escrowBalance === undefined ? '—' : money(o.escrowBalance)}</dd>
          <dt>{t('order.key')}</dt>
          <dd>
            <code>{o.buyer}</code> {mine && <Badge tone="good">{t('order.mine')}</Badge>}
          </dd>
        </dl>
        <table className="composition">
          <caption>{t('order.composition')}</caption>
          <tbody>
            <tr>
              <th scope="row">{t('composition.merchant')}</th>
              <td>{o.merchant}</td>
              <td className="num">{money(c.merchant)}</td>
            </tr>
            <tr>
              <th scope="row">{t('composition.carrier')}</th>
              <td>{o.carrier}</td>
              <td className="num">{money(c.carrier)}</td>
            </tr>
            <tr>
              <th scope="row">{t('composition.payment')}</th>
              <td>{o.paymentProvider}</td>
              <td className="num">{money(c.payment)}</td>
            </tr>
            <tr>
              <th scope="row">{t('composition.platform')}</th>
              <td>{o.platform}</td>
              <td className="num">{money(c.platform)}</td>
            </tr>
            <tr>
              <th scope="row">{t('composition.host')}</th>
              <td>{o.host ?? '—'}</td>
              <td className="num">{money(c.host)}</td>
            </tr>
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">{t('composition.total')}</th>
              <td />
              <td className="num">{money(c.total)}</td>
            </tr>
          </tfoot>
        </table>
      </div>
      <h2>{t('order.next')}</h2>
      <ErrorBox error={error} />
      {busy !== undefined && <Loading label={t('order.signing')} />}
      <div className="form-row">
        {o.status === 'created' && button('pay', t('order.pay'), orderSteps.pay, o.paymentProvider)}
        {o.status === 'paid' && button('ship', t('order.ship'), orderSteps.ship, o.merchant)}
        {o.status === 'shipped' &&
          mine &&
          button('deliver', t('order.deliver'), orderSteps.deliver, o.carrier)}
        {o.status === 'delivered' && mine && button('confirm', t('order.confirm'), orderSteps.confirm)}
        {o.status === 'delivered' && mine && button('return', t('order.return'), orderSteps.requestReturn)}
        {o.status === 'delivered' &&
          mine &&
          button('dispute', t('order.dispute'), (x) => orderSteps.dispute(x, 'not as described'))}
        {!mine && <p className="muted">{t('order.notMine')}</p>}
      </div>
      {o.status === 'completed' && mine && (
        <form
          className="card form-row"
          onSubmit={(e) => {
            e.preventDefault();
            if (review.text.trim().length === 0) return setError(new Error(t('order.reviewEmpty')));
            void act('review', (x) => orderSteps.review(x, review.rating, review.text.trim()))();
          }}
        >
          <label>
            <span>{t('order.stars')}</span>
            <select
              value={review.rating}
              onChange={(e) => setReview({ ...review, rating: Number(e.target.value) })}
            >
              {[5, 4, 3, 2, 1].map((n) => (
                <option key={n} value={n}>
                  {'★'.repeat(n)}
                </option>
              ))}
            </select>
          </label>
          <label className="grow">
            <span>{t('order.reviewText')}</span>
            <input
              data-testid="review-text"
              maxLength={2000}
              value={review.text}
              onChange={(e) => setReview({ ...review, text: e.target.value })}
            />
          </label>
          <button type="submit" data-testid="review-submit" disabled={busy !== undefined}>
            {t('order.review')}
          </button>
        </form>
      )}
      <h2>{t('order.live')}</h2>
      <ul data-testid="order-events">
        {events.length === 0 && <li className="muted">{t('order.waiting')}</li>}
        {events.map((e) => (
          <li key={e}>{e}</li>
        ))}
      </ul>
    </article>
  );
}
