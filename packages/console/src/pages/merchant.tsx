/**
 * The merchant's view: its listings with live stock, orders to ship, returns to receive, disputes,
 * reviews to answer, earnings, and its implementations with how often orders chose them. Reads of its
 * order queue and balance are members-only (signed with its key); ship, returnReceived and reply are
 * signed with its key.
 */
import { orders as orderCalls, reviews as reviewCalls } from '@hanglian/sdk';
import { type ReactNode, useState } from 'react';
import { useApp } from '../appContext.js';
import { RunnerStatus, useRunner } from '../components/action.js';
import { Earnings, ImplementationsUsage, OrdersTable } from '../components/companyParts.js';
import { CreateListingForm, EditListingForm } from '../components/listingForms.js';
import { ShipmentsInbox } from '../components/shipmentsInbox.js';
import { Badge, ErrorBox, Loading } from '../components/status.js';
import { chain, type Review } from '../lib/chain.js';
import { act, type CompanyOrder, ordersOf } from '../lib/company.js';
import { money, short, time } from '../lib/format.js';
import { href } from '../lib/router.js';
import { useAsync } from '../lib/useAsync.js';

const MAX_REPLY = 2_000;

function ReviewReply({
  org,
  review,
  onDone,
}: {
  org: string;
  review: Review;
  onDone: () => void;
}): ReactNode {
  const { t } = useApp();
  const [text, setText] = useState('');
  const runner = useRunner(onDone);
  const id = `reply-${review.order}`;
  return (
    <form
      className="form-row"
      onSubmit={(e) => {
        e.preventDefault();
        const trimmed = text.trim();
        if (trimmed.length === 0) return runner.fail(new Error(t('merchant.replyEmpty')));
        if (trimmed.length > MAX_REPLY)
          return runner.fail(new Error(t('merchant.replyLong', { n: MAX_REPLY })));
        void runner.run(t('merchant.replying'), (step) =>
          act(org, reviewCalls.reply({ order: review.order, text: trimmed }), [], step),
        );
      }}
    >
      <label className="grow" htmlFor={id}>
        <span>{t('merchant.reply')}</span>
        <input id={id} data-testid="reply-text" value={text} onChange={(e) => setText(e.target.value)} />
      </label>
      <button type="submit" data-testid="reply-submit" disabled={runner.busy !== undefined}>
        {t('merchant.replySubmit')}
      </button>
      <RunnerStatus runner={runner} />
    </form>
  );
}

export function MerchantView({ org }: { org: string }): ReactNode {
  const { t, lang, organisations } = useApp();
  const [tick, setTick] = useState(0);
  const reload = () => setTick((n) => n + 1);
  const listings = useAsync(() => chain.listings({ merchant: org, includePaused: true }), [org, tick]);
  const orders = useAsync(
    () => ordersOf(org, 'merchant', organisations, undefined),
    [org, tick, organisations],
  );
  const reviews = useAsync(async () => {
    const mine = listings.data ?? [];
    const lists = await Promise.all(mine.map((l) => chain.reviews(l.id)));
    return lists.flat();
  }, [listings.data]);
  const runner = useRunner(reload);
  const [editing, setEditing] = useState<string | undefined>();
  const editedListing = listings.data?.find((l) => l.id === editing);

  const all = orders.data ?? [];
  const by = (status: string) => all.filter((o) => o.status === status);
  const step =
    (label: string, call: (o: CompanyOrder) => ReturnType<typeof orderCalls.ship>) => (o: CompanyOrder) => (
      <button
        type="button"
        data-testid={`${label}-${o.id}`}
        disabled={runner.busy !== undefined}
        onClick={() =>
          void runner.run(`${t(`merchant.${label}` as 'merchant.ship')} ${short(o.id, 4)}`, (s) =>
            act(org, call(o), [], s),
          )
        }
      >
        {t(`merchant.${label}` as 'merchant.ship')}
      </button>
    );
  const unanswered = (reviews.data ?? []).filter((r) => r.reply === undefined);

  return (
    <>
      <ShipmentsInbox org={org} tick={tick} onDone={reload} />
      <section aria-labelledby="listings">
        <h2 id="listings">{t('merchant.listings')}</h2>
        {listings.loading && <Loading />}
        <ErrorBox error={listings.error} onRetry={listings.reload} />
        {listings.data !== undefined && listings.data.length === 0 && <p>{t('merchant.noListings')}</p>}
        {listings.data !== undefined && listings.data.length > 0 && (
          <div className="table-wrap">
            <table data-testid="merchant-listings">
              <thead>
                <tr>
                  <th scope="col">{t('co.listing')}</th>
                  <th scope="col" className="num">
                    {t('merchant.price')}
                  </th>
                  <th scope="col" className="num">
                    {t('merchant.stock')}
                  </th>
                  <th scope="col">{t('merchant.channel')}</th>
                  <th scope="col">{t('co.status')}</th>
                  <th scope="col">{t('co.action')}</th>
                </tr>
              </thead>
              <tbody>
                {listings.data.map((l) => (
                  <tr key={l.id}>
                    <td>
                      <a href={href('product', l.id)}>{l.title}</a> <code>{l.id}</code>
                    </td>
                    <td className="num" data-testid={`price-${l.id}`}>
                      {money(l.price)}
                    </td>
                    <td className="num" data-testid={`stock-${l.id}`}>
                      {l.stock}
                    </td>
                    <td>
                      {l.channel === 'authorised' ? (
                        <Badge tone="good">{t('shop.authorised')}</Badge>
                      ) : (
                        <Badge tone="bad">{t('shop.outsideChannel')}</Badge>
                      )}
                    </td>
                    <td>{l.status}</td>
                    <td>
                      <button
                        type="button"
                        className="secondary"
                        data-testid={`edit-${l.id}`}
                        aria-expanded={editing === l.id}
                        onClick={() => setEditing(editing === l.id ? undefined : l.id)}
                      >
                        {t('listing.edit')}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {editedListing !== undefined && (
          <EditListingForm
            key={editedListing.id}
            org={org}
            listing={editedListing}
            onSaved={reload}
            onClose={() => setEditing(undefined)}
          />
        )}
        <CreateListingForm org={org} listings={listings.data ?? []} onDone={reload} />
      </section>

      <RunnerStatus runner={runner} testId="merchant-action" />

      {orders.loading && <Loading label={t('co.loadingOrders')} />}
      <ErrorBox error={orders.error} onRetry={orders.reload} />
      {orders.data !== undefined && (
        <>
          <h2>{t('merchant.toShip')}</h2>
          <OrdersTable
            orders={by('paid')}
            companyRole="merchant"
            testId="to-ship"
            empty={t('merchant.nothingToShip')}
            actions={step('ship', (o) => orderCalls.ship({ order: o.id, where: org }))}
          />
          <h2>{t('merchant.returns')}</h2>
          <OrdersTable
            orders={by('returning')}
            companyRole="merchant"
            testId="returns"
            empty={t('merchant.noReturns')}
            actions={step('received', (o) => orderCalls.returnReceived({ order: o.id, where: org }))}
          />
          <h2>{t('merchant.disputes')}</h2>
          <OrdersTable
            orders={by('disputed')}
            companyRole="merchant"
            testId="disputes"
            empty={t('merchant.noDisputes')}
          />
        </>
      )}

      <section aria-labelledby="reviews-to-answer">
        <h2 id="reviews-to-answer">{t('merchant.reviews')}</h2>
        {reviews.loading && <Loading />}
        <ErrorBox error={reviews.error} onRetry={reviews.reload} />
        {reviews.data !== undefined && unanswered.length === 0 && (
          <p className="muted" data-testid="reviews-none">
            {t('merchant.noReviews')}
          </p>
        )}
        <ul className="reviews" data-testid="reviews-to-answer">
          {unanswered.map((r) => (
            <li key={r.order} className="card" data-testid="review-to-answer">
              <p>
                <strong>
                  <span aria-hidden="true">{'★'.repeat(r.rating)}</span>
                  <span className="sr-only">{t('shop.ratingTitle', { stars: r.rating, count: 1 })}</span>
                </strong>{' '}
                {r.listing} · <span className="muted">{time(r.writtenAt, lang)}</span>
              </p>
              <blockquote>{r.text}</blockquote>
              <ReviewReply org={org} review={r} onDone={reload} />
            </li>
          ))}
        </ul>
      </section>

      {orders.data !== undefined && <Earnings org={org} companyRole="merchant" orders={orders.data} />}
      <ImplementationsUsage org={org} orders={orders.data} />
    </>
  );
}
