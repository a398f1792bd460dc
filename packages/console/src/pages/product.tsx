/**
 * A product page: the listing's price and stock, the product and its producer, whether the seller is an
 * authorised channel, the price composition (who gets what) for the carrier and payment provider the
 * shopper picks, the reviews of verified buyers with the merchant's answers, and buying.
 */
import { type ReactNode, useState } from 'react';
import { useApp } from '../appContext.js';
import { BuyBox } from '../components/buy.js';
import { Badge, ErrorBox, Loading } from '../components/status.js';
import { chain, client, type Listing } from '../lib/chain.js';
import { type CompositionPreview, previewComposition } from '../lib/composition.js';
import { bps, money, time } from '../lib/format.js';
import { href } from '../lib/router.js';
import { useAsync } from '../lib/useAsync.js';

export const REGIONS = ['CN-11', 'CN-31', 'CN-44', 'CN-51', 'CN-33', 'CN-32'] as const;
/** Parcel weight when the product does not state one (attribute `weightGrams`). */
export const DEFAULT_WEIGHT_GRAMS = 1_200;

export function weightOf(attributes: Record<string, string> | undefined, quantity: number): number {
  const stated = Number(attributes?.weightGrams);
  return (Number.isInteger(stated) && stated > 0 ? stated : DEFAULT_WEIGHT_GRAMS) * quantity;
}

async function loadProduct(listingId: string) {
  const listing = await chain.listing(listingId);
  if (listing === null) return null;
  const { latestBlockTime } = await client().getStatus();
  const [product, reviews, rating, channels, logistics, payments, sessions] = await Promise.all([
    chain.product(listing.sku),
    chain.reviews(listing.id),
    chain.rating(listing.id),
    chain.channels(listing.producer),
    chain.implementations('commerce.logistics/1'),
    chain.implementations('commerce.payment/1'),
    // Sessions running now that feature the listing: an order naming one pays its host (orders README).
    chain.sessions({ listing: listing.id, at: latestBlockTime }),
  ]);
  return {
    listing,
    product,
    reviews,
    rating,
    channel: channels.find((c) => c.org === listing.merchant) as
      | { regions: string[]; until: number; grantedAt: number }
      | undefined,
    carriers: logistics.filter((i) => listing.carriers.includes(i.org)),
    payments,
    sessions,
  };
}

export function CompositionTable({
  listing,
  logistics,
  payment,
  region,
  quantity,
  weightGrams,
  hostBps,
  then,
}: {
  listing: Listing;
  logistics: string;
  payment: string;
  region: string;
  quantity: number;
  weightGrams: number;
  hostBps: number;
  /** What follows the table once priced (buying: the order key signs the total shown here). */
  then?: (preview: CompositionPreview) => ReactNode;
}): ReactNode {
  const { t } = useApp();
  const preview = useAsync(
    () =>
      previewComposition({
        price: listing.price,
        quantity,
        logistics,
        payment,
        fromRegion: listing.shipsFrom ?? 'CN',
        toRegion: region,
        weightGrams,
        hostCommissionBps: hostBps,
      }),
    [listing.id, logistics, payment, region, quantity, weightGrams, hostBps],
  );
  if (preview.loading) return <Loading label={t('product.quoting')} />;
  if (preview.error !== undefined) return <ErrorBox error={preview.error} onRetry={preview.reload} />;
  const c = preview.data!;
  const rows: Array<[string, string, number]> = [
    [t('composition.merchant'), listing.merchant, c.merchant],
    [t('composition.carrier'), logistics, c.carrier],
    [t('composition.payment'), payment, c.payment],
    [t('composition.platform'), bps(c.platformFeeBps), c.platform],
    [t('composition.host'), bps(hostBps), c.host],
  ];
  return (
    <>
      <table className="composition" data-testid="composition">
        <caption>{t('composition.caption', { days: c.days })}</caption>
        <thead>
          <tr>
            <th scope="col">{t('composition.who')}</th>
            <th scope="col">{t('composition.detail')}</th>
            <th scope="col" className="num">
              {t('composition.amount')}
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([who, detail, amount]) => (
            <tr key={who}>
              <th scope="row">{who}</th>
              <td>{detail}</td>
              <td className="num">{money(amount)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">{t('composition.total')}</th>
            <td>{t('composition.totalDetail', { goods: money(c.goods), shipping: money(c.shipping) })}</td>
            <td className="num" data-testid="composition-total">
              {money(c.total)}
            </td>
          </tr>
        </tfoot>
      </table>
      {then?.(c)}
    </>
  );
}

export function ProductPage({ listingId }: { listingId: string }): ReactNode {
  const { t, lang } = useApp();
  const data = useAsync(() => loadProduct(listingId), [listingId]);
  const [logistics, setLogistics] = useState<string | undefined>();
  const [payment, setPayment] = useState<string | undefined>();
  const [region, setRegion] = useState<string>('CN-11');
  const [quantity, setQuantity] = useState(1);
  const [session, setSession] = useState('');

  if (data.loading && data.data === undefined) return <Loading />;
  if (data.error !== undefined) return <ErrorBox error={data.error} onRetry={data.reload} />;
  if (data.data === null || data.data === undefined) {
    return (
      <section>
        <h1>{t('product.notFound')}</h1>
        <p>
          <code>{listingId}</code> · <a href={href('shop')}>{t('nav.shop')}</a>
        </p>
      </section>
    );
  }
  const { listing, product, reviews, rating, channel, carriers, payments, sessions } = data.data;
  const chosenLogistics = logistics ?? carriers[0]?.id;
  const chosenPayment = payment ?? payments[0]?.id;
  const live = sessions.find((s) => s.id === session);
  const hostBps = live?.featured.find((f) => f.listing === listing.id)?.commissionBps ?? 0;
  const weightGrams = weightOf(product?.attributes, quantity);

  return (
    <article className="product">
      <p>
        <a href={href('shop')}>← {t('nav.shop')}</a>
      </p>
      <h1 data-testid="product-title">{listing.title}</h1>
      <div className="columns">
        <section aria-labelledby="offer">
          <h2 id="offer">{t('product.offer')}</h2>
          <p className="price big" data-testid="price">
            {money(listing.price)}
          </p>
          <dl className="facts">
            <dt>{t('product.stock')}</dt>
            <dd data-testid="stock">
              {listing.stock > 0 ? t('shop.inStock', { n: listing.stock }) : t('shop.soldOut')}
            </dd>
            <dt>{t('product.merchant')}</dt>
            <dd>{listing.merchant}</dd>
            <dt>{t('product.shipsFrom')}</dt>
            <dd>
              {listing.shipsFrom ?? '—'} → {listing.shipsTo.join(', ')}
            </dd>
            <dt>{t('product.returns')}</dt>
            <dd>
              {listing.returnPolicy === undefined
                ? t('product.noReturns')
                : t('product.returnPolicy', {
                    days: listing.returnPolicy.days,
                    fee: bps(listing.returnPolicy.restockingFeeBps),
                  })}
            </dd>
            <dt>{t('product.rating')}</dt>
            <dd>
              {rating.count === 0
                ? t('shop.noReviews')
                : t('shop.rating', { stars: (rating.averageTimes100 / 100).toFixed(1), count: rating.count })}
            </dd>
          </dl>
        </section>
        <section aria-labelledby="provenance">
          <h2 id="provenance">{t('product.provenance')}</h2>
          <dl className="facts" data-testid="provenance">
            <dt>{t('product.product')}</dt>
            <dd>
              {product?.name ?? listing.sku} <code>{listing.sku}</code>
            </dd>
            <dt>{t('product.category')}</dt>
            <dd>{listing.category}</dd>
            <dt>{t('product.producer')}</dt>
            <dd>{listing.producer}</dd>
            {product !== null &&
              Object.entries(product.attributes).map(([k, v]) => (
                <span key={k} className="contents">
                  <dt>{k}</dt>
                  <dd>{v}</dd>
                </span>
              ))}
            <dt>{t('product.channel')}</dt>
            <dd>
              {listing.channel === 'authorised' ? (
                <Badge tone="good">{t('shop.authorised')}</Badge>
              ) : (
                <Badge tone="bad">{t('shop.outsideChannel')}</Badge>
              )}{' '}
              {channel !== undefined &&
                t('product.channelDetail', {
                  producer: listing.producer,
                  merchant: listing.merchant,
                  regions: channel.regions.join(', '),
                  height: channel.grantedAt,
                })}
            </dd>
          </dl>
          <p>{t('product.verifyHint')}</p>
          <p>
            <a className="button secondary" href={href('verify')}>
              {t('product.verifyLink')}
            </a>
          </p>
        </section>
      </div>

      <section aria-labelledby="who-gets-what">
        <h2 id="who-gets-what">{t('product.composition')}</h2>
        <p className="lead">{t('product.compositionLead')}</p>
        <div className="form-row">
          <label>
            <span>{t('product.carrier')}</span>
            <select
              data-testid="carrier"
              value={chosenLogistics ?? ''}
              onChange={(e) => setLogistics(e.target.value)}
            >
              {carriers.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.displayName ?? c.id} ({c.org})
                </option>
              ))}
            </select>
          </label>
          <label>
            <span>{t('product.payment')}</span>
            <select
              data-testid="payment"
              value={chosenPayment ?? ''}
              onChange={(e) => setPayment(e.target.value)}
            >
              {payments.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.displayName ?? p.id} ({p.org})
                </option>
              ))}
            </select>
          </label>
          <label>
            <span>{t('product.region')}</span>
            <select data-testid="region" value={region} onChange={(e) => setRegion(e.target.value)}>
              {REGIONS.map((r) => (
                <option key={r} value={r}>
                  {t(`region.${r}` as 'region.CN-11')} ({r})
                </option>
              ))}
            </select>
          </label>
          <label>
            <span>{t('product.quantity')}</span>
            <input
              type="number"
              min={1}
              max={Math.max(1, listing.stock)}
              value={quantity}
              data-testid="quantity"
              onChange={(e) => {
                const n = Number(e.target.value);
                setQuantity(Number.isInteger(n) && n >= 1 ? Math.min(n, Math.max(1, listing.stock)) : 1);
              }}
            />
          </label>
          {sessions.length > 0 && (
            <label htmlFor="session">
              <span>{t('product.session')}</span>
              <select
                id="session"
                data-testid="session"
                value={session}
                onChange={(e) => setSession(e.target.value)}
              >
                <option value="">{t('product.noSession')}</option>
                {sessions.map((s) => (
                  <option key={s.id} value={s.id}>
                    {t('product.live', {
                      title: s.title,
                      host: s.host,
                      bps: bps(s.featured.find((f) => f.listing === listing.id)?.commissionBps),
                    })}
                  </option>
                ))}
              </select>
            </label>
          )}
        </div>
        {chosenLogistics === undefined || chosenPayment === undefined ? (
          <p className="banner warn">{t('product.noImplementations')}</p>
        ) : (
          <CompositionTable
            listing={listing}
            logistics={chosenLogistics}
            payment={chosenPayment}
            region={region}
            quantity={quantity}
            weightGrams={weightGrams}
            hostBps={hostBps}
            then={(preview) => (
              <BuyBox
                listing={listing}
                logistics={{
                  id: chosenLogistics,
                  org: carriers.find((c) => c.id === chosenLogistics)?.org ?? chosenLogistics,
                }}
                payment={chosenPayment}
                region={region}
                quantity={quantity}
                weightGrams={weightGrams}
                maxTotal={preview.total}
                {...(live === undefined ? {} : { session: live.id })}
              />
            )}
          />
        )}
      </section>

      <section aria-labelledby="reviews">
        <h2 id="reviews">{t('product.reviews', { n: reviews.length })}</h2>
        <p className="muted">{t('product.reviewsLead')}</p>
        {reviews.length === 0 && <p>{t('shop.noReviews')}</p>}
        <ul className="reviews" data-testid="reviews">
          {reviews.map((r) => (
            <li key={r.order} className="card">
              <p>
                <span role="img" aria-label={t('product.stars', { n: r.rating })}>
                  {'★'.repeat(r.rating).padEnd(5, '☆')}
                </span>{' '}
                <Badge tone="good">{t('product.verifiedBuyer')}</Badge>{' '}
                <span className="muted">{time(r.writtenAt, lang)}</span>
              </p>
              <p>{r.text}</p>
              {r.reply !== undefined && (
                <blockquote>
                  <strong>{t('product.reply', { merchant: r.merchant })}</strong> {r.reply.text}
                </blockquote>
              )}
              <p className="muted">
                <a href={href('order', r.order)}>
                  {t('product.reviewOrder', { order: r.order.slice(0, 8) })}
                </a>
              </p>
            </li>
          ))}
        </ul>
      </section>
    </article>
  );
}
