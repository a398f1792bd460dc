/**
 * The producer's view: its products and their batches, minting a batch, its channels and authorising
 * one, shipping named items wholesale, recording a traceability event, recalling a batch (after a
 * confirmation), and the 带数 dashboard. Every command is signed with the producer's key; 带数 is a
 * members-only read signed with it.
 */
import { distribution, items as itemCalls } from '@hanglian/sdk';
import { type FormEvent, type ReactNode, useState } from 'react';
import { useApp } from '../appContext.js';
import { RunnerStatus, useRunner } from '../components/action.js';
import { RegisterProductForm } from '../components/registerProduct.js';
import { Badge, ErrorBox, Loading } from '../components/status.js';
import type { Batch, Product } from '../lib/chain.js';
import { act, BATCH_PATTERN, producerReads, REGION_PATTERN, SKU_PATTERN } from '../lib/company.js';
import { money, time } from '../lib/format.js';
import { MAX_CODES, parseCodes } from '../lib/forms.js';
import { href } from '../lib/router.js';
import { useAsync } from '../lib/useAsync.js';
import { InsightsDashboard } from './insights.js';

const MAX_MINT = 1_000_000;
const MAX_RANGE = 10_000;

function Field({
  label,
  id,
  value,
  onChange,
  placeholder,
  type = 'text',
  grow,
}: {
  label: string;
  id: string;
  value: string;
  onChange: (v: string) => void;
  placeholder?: string;
  type?: string;
  grow?: boolean;
}): ReactNode {
  return (
    <label htmlFor={id} className={grow ? 'grow' : undefined}>
      <span>{label}</span>
      <input
        id={id}
        data-testid={id}
        type={type}
        value={value}
        placeholder={placeholder}
        onChange={(e) => onChange(e.target.value)}
      />
    </label>
  );
}

function whole(text: string, min: number, max: number): number | undefined {
  if (!/^\d{1,9}$/.test(text.trim())) return undefined;
  const n = Number(text.trim());
  return n >= min && n <= max ? n : undefined;
}

function list(text: string): string[] {
  return text
    .split(/[,，\s]+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

export function ProducerView({ org }: { org: string }): ReactNode {
  const { t, lang, organisations } = useApp();
  const [tick, setTick] = useState(0);
  const reload = () => setTick((n) => n + 1);
  const runner = useRunner(reload);
  const catalogue = useAsync(async () => {
    const products = await producerReads.products(org);
    const batches = await Promise.all(products.map((p) => producerReads.batches(p.sku)));
    return products.map((product, i) => ({ product, batches: batches[i] ?? [] }));
  }, [org, tick]);
  const channels = useAsync(() => producerReads.channels(org), [org, tick]);
  const products: Product[] = catalogue.data?.map((c) => c.product) ?? [];
  const firstSku = products[0]?.sku ?? '';
  const others = organisations.filter((o) => o.id !== org && o.status === 'active');

  // Mint.
  const [mint, setMint] = useState({ sku: '', batch: '', count: '1000', site: '' });
  const submitMint = (e: FormEvent) => {
    e.preventDefault();
    const sku = mint.sku || firstSku;
    const count = whole(mint.count, 1, MAX_MINT);
    if (!SKU_PATTERN.test(sku)) return runner.fail(new Error(t('producer.needProduct')));
    if (!BATCH_PATTERN.test(mint.batch)) return runner.fail(new Error(t('producer.badBatch')));
    if (count === undefined) return runner.fail(new Error(t('producer.badCount', { max: MAX_MINT })));
    if (mint.site.trim() === '') return runner.fail(new Error(t('producer.needSite')));
    void runner.run(t('producer.minting', { count, batch: mint.batch }), (step) =>
      act(org, itemCalls.mintBatch({ sku, batch: mint.batch, count, site: mint.site.trim() }), [], step),
    );
  };

  // Authorise a channel.
  const [channel, setChannel] = useState({ org: '', skus: '', regions: 'CN', until: '' });
  const submitChannel = (e: FormEvent) => {
    e.preventDefault();
    const to = channel.org || others[0]?.id || '';
    const skus = list(channel.skus);
    const regions = list(channel.regions);
    if (to === '') return runner.fail(new Error(t('producer.needOrg')));
    if (skus.some((s) => !products.some((p) => p.sku === s)))
      return runner.fail(new Error(t('producer.notMyProduct')));
    if (regions.some((r) => !REGION_PATTERN.test(r))) return runner.fail(new Error(t('producer.badRegion')));
    let until: number | undefined;
    if (channel.until !== '') {
      until = Date.parse(`${channel.until}T23:59:59`);
      if (!Number.isFinite(until) || until <= Date.now())
        return runner.fail(new Error(t('producer.badUntil')));
    }
    void runner.run(t('producer.authorising', { org: to }), (step) =>
      act(
        org,
        distribution.authoriseChannel({
          org: to,
          ...(skus.length > 0 ? { skus } : {}),
          ...(regions.length > 0 ? { regions } : {}),
          ...(until === undefined ? {} : { until }),
        }),
        [],
        step,
      ),
    );
  };

  // Items chosen by range (wholesale and trace events share the picker).
  const [range, setRange] = useState({ sku: '', batch: '', from: '1', to: '10' });
  const rangeOf = () => {
    const sku = range.sku || firstSku;
    const batch = range.batch || catalogue.data?.find((c) => c.product.sku === sku)?.batches[0]?.batch || '';
    const from = whole(range.from, 1, 999_999_999);
    const to = whole(range.to, 1, 999_999_999);
    if (!SKU_PATTERN.test(sku) || !BATCH_PATTERN.test(batch)) throw new Error(t('producer.needBatch'));
    if (from === undefined || to === undefined || to < from) throw new Error(t('producer.badRange'));
    if (to - from + 1 > MAX_RANGE) throw new Error(t('producer.rangeTooBig', { max: MAX_RANGE }));
    return { range: { sku, batch, from, to } };
  };
  const [ship, setShip] = useState({ shipment: '', to: '', where: '', mode: 'range', codes: '' });
  const codesOf = () => {
    const sku = range.sku || firstSku;
    const batch = range.batch || catalogue.data?.find((c) => c.product.sku === sku)?.batches[0]?.batch || '';
    return parseCodes(t, ship.codes, sku, batch);
  };
  const submitShip = (e: FormEvent) => {
    e.preventDefault();
    try {
      const selection = ship.mode === 'codes' ? codesOf() : rangeOf();
      const to = ship.to || others[0]?.id || '';
      if (!BATCH_PATTERN.test(ship.shipment)) throw new Error(t('producer.badShipment'));
      if (to === '') throw new Error(t('producer.needOrg'));
      if (ship.where.trim() === '') throw new Error(t('producer.needWhere'));
      void runner.run(t('producer.shipping', { to }), (step) =>
        act(
          org,
          distribution.ship({ shipment: ship.shipment, to, items: selection, where: ship.where.trim() }),
          [],
          step,
        ),
      );
    } catch (error) {
      runner.fail(error);
    }
  };
  const [trace, setTrace] = useState<{
    bizStep: 'packing' | 'inspecting' | 'destroying';
    where: string;
    why: string;
  }>({ bizStep: 'inspecting', where: '', why: '' });
  const submitTrace = (e: FormEvent) => {
    e.preventDefault();
    try {
      const selection = rangeOf();
      if (trace.where.trim() === '' || trace.why.trim() === '') throw new Error(t('producer.needWhereWhy'));
      if (trace.bizStep === 'destroying' && !window.confirm(t('producer.destroyConfirm'))) return;
      void runner.run(t('producer.recording'), (step) =>
        act(
          org,
          itemCalls.recordEvent({
            items: selection,
            bizStep: trace.bizStep,
            where: trace.where.trim(),
            why: trace.why.trim(),
          }),
          [],
          step,
        ),
      );
    } catch (error) {
      runner.fail(error);
    }
  };

  const recall = (b: Batch) => {
    const reason = window.prompt(t('producer.recallReason', { batch: b.batch }));
    if (reason === null) return;
    if (reason.trim() === '') return runner.fail(new Error(t('producer.recallNeedReason')));
    if (!window.confirm(t('producer.recallConfirm', { batch: b.batch, count: b.count }))) return;
    void runner.run(t('producer.recalling', { batch: b.batch }), (step) =>
      act(org, itemCalls.recallBatch({ sku: b.sku, batch: b.batch, reason: reason.trim() }), [], step),
    );
  };

  const skuSelect = (id: string, value: string, onChange: (v: string) => void) => (
    <label htmlFor={id}>
      <span>{t('producer.product')}</span>
      <select id={id} data-testid={id} value={value || firstSku} onChange={(e) => onChange(e.target.value)}>
        {products.map((p) => (
          <option key={p.sku} value={p.sku}>
            {p.sku}
          </option>
        ))}
      </select>
    </label>
  );
  const orgSelect = (id: string, value: string, onChange: (v: string) => void) => (
    <label htmlFor={id}>
      <span>{t('producer.toOrg')}</span>
      <select
        id={id}
        data-testid={id}
        value={value || others[0]?.id}
        onChange={(e) => onChange(e.target.value)}
      >
        {others.map((o) => (
          <option key={o.id} value={o.id}>
            {o.name} ({o.id})
          </option>
        ))}
      </select>
    </label>
  );
  const current = channels.data?.find((c) => c.org === (channel.org || others[0]?.id));
  const rangeSku = range.sku || firstSku;
  const rangeBatches = catalogue.data?.find((c) => c.product.sku === rangeSku)?.batches ?? [];

  return (
    <>
      <RunnerStatus runner={runner} testId="producer-action" />
      <section aria-labelledby="products">
        <h2 id="products">{t('producer.products')}</h2>
        {catalogue.loading && <Loading />}
        <ErrorBox error={catalogue.error} onRetry={catalogue.reload} />
        {catalogue.data?.length === 0 && <p>{t('producer.noProducts')}</p>}
        <RegisterProductForm org={org} onDone={reload} />
        {catalogue.data?.map(({ product, batches }) => (
          <div key={product.sku} className="card" data-testid="product-card">
            <h3>
              {product.name} <code>{product.sku}</code>
            </h3>
            <p className="muted">
              {product.category} · {t('producer.factoryPrice')} {money(product.factoryPrice)}
            </p>
            <div className="table-wrap">
              <table data-testid={`batches-${product.sku}`}>
                <thead>
                  <tr>
                    <th scope="col">{t('producer.batch')}</th>
                    <th scope="col" className="num">
                      {t('producer.count')}
                    </th>
                    <th scope="col">{t('producer.site')}</th>
                    <th scope="col">{t('producer.minted')}</th>
                    <th scope="col">{t('co.status')}</th>
                  </tr>
                </thead>
                <tbody>
                  {batches.map((b) => (
                    <tr key={b.batch} data-testid={`batch-${b.batch}`}>
                      <td>
                        <code>{b.batch}</code>
                      </td>
                      <td className="num">{b.count.toLocaleString('en-US')}</td>
                      <td>{b.site ?? '—'}</td>
                      <td>
                        <a href={href('explorer', 'block', b.mintedAt)}>#{b.mintedAt}</a>
                      </td>
                      <td>
                        {b.recalled ? (
                          <Badge tone="bad">{t('producer.recalled')}</Badge>
                        ) : (
                          <button
                            type="button"
                            className="secondary"
                            data-testid={`recall-${b.batch}`}
                            disabled={runner.busy !== undefined}
                            onClick={() => recall(b)}
                          >
                            {t('producer.recall')}
                          </button>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </div>
        ))}
      </section>

      <form className="card" onSubmit={submitMint} data-testid="mint-form">
        <h3>{t('producer.mint')}</h3>
        <p className="muted">{t('producer.mintLead', { max: MAX_MINT.toLocaleString('en-US') })}</p>
        <div className="form-row">
          {skuSelect('mint-sku', mint.sku, (v) => setMint({ ...mint, sku: v }))}
          <Field
            label={t('producer.batch')}
            id="mint-batch"
            value={mint.batch}
            placeholder="b2027-01"
            onChange={(v) => setMint({ ...mint, batch: v })}
          />
          <Field
            label={t('producer.count')}
            id="mint-count"
            value={mint.count}
            onChange={(v) => setMint({ ...mint, count: v })}
          />
          <Field
            label={t('producer.site')}
            id="mint-site"
            value={mint.site}
            grow
            onChange={(v) => setMint({ ...mint, site: v })}
          />
          <button type="submit" data-testid="mint-submit" disabled={runner.busy !== undefined}>
            {t('producer.mintSubmit')}
          </button>
        </div>
      </form>

      <section aria-labelledby="channels">
        <h2 id="channels">{t('producer.channels')}</h2>
        {channels.loading && <Loading />}
        <ErrorBox error={channels.error} onRetry={channels.reload} />
        {channels.data !== undefined && (
          <div className="table-wrap">
            <table data-testid="channels">
              <thead>
                <tr>
                  <th scope="col">{t('producer.channel')}</th>
                  <th scope="col">{t('producer.skus')}</th>
                  <th scope="col">{t('producer.regions')}</th>
                  <th scope="col">{t('producer.until')}</th>
                </tr>
              </thead>
              <tbody>
                {channels.data.map((c) => (
                  <tr key={c.org}>
                    <td>{c.org}</td>
                    <td>{c.skus.length === 0 ? t('producer.all') : c.skus.join(', ')}</td>
                    <td>{c.regions.length === 0 ? t('producer.all') : c.regions.join(', ')}</td>
                    <td>{c.until === 0 ? t('producer.untilRevoked') : time(c.until, lang)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <form className="card" onSubmit={submitChannel} data-testid="channel-form">
          <h3>{t('producer.authorise')}</h3>
          <div className="form-row">
            {orgSelect('channel-org', channel.org, (v) => setChannel({ ...channel, org: v }))}
            <Field
              label={t('producer.skusHint')}
              id="channel-skus"
              value={channel.skus}
              placeholder={firstSku}
              onChange={(v) => setChannel({ ...channel, skus: v })}
            />
            <Field
              label={t('producer.regionsHint')}
              id="channel-regions"
              value={channel.regions}
              placeholder="CN, CN-31"
              onChange={(v) => setChannel({ ...channel, regions: v })}
            />
            <Field
              label={t('producer.untilHint')}
              id="channel-until"
              type="date"
              value={channel.until}
              onChange={(v) => setChannel({ ...channel, until: v })}
            />
            <button type="submit" data-testid="channel-submit" disabled={runner.busy !== undefined}>
              {t('producer.authoriseSubmit')}
            </button>
          </div>
          {current !== undefined && (
            <p className="banner warn" data-testid="channel-replaces">
              {t('channel.replaces', {
                org: current.org,
                skus: current.skus.length === 0 ? t('producer.all') : current.skus.join(', '),
                regions: current.regions.length === 0 ? t('producer.all') : current.regions.join(', '),
              })}
            </p>
          )}
        </form>
      </section>

      <section aria-labelledby="items-range">
        <h2 id="items-range">{t('producer.itemsTitle')}</h2>
        <p className="muted">{t('producer.itemsLead', { max: MAX_RANGE.toLocaleString('en-US') })}</p>
        <div className="form-row">
          {skuSelect('range-sku', range.sku, (v) => setRange({ ...range, sku: v, batch: '' }))}
          <label htmlFor="range-batch">
            <span>{t('producer.batch')}</span>
            <select
              id="range-batch"
              data-testid="range-batch"
              value={range.batch || rangeBatches[0]?.batch || ''}
              onChange={(e) => setRange({ ...range, batch: e.target.value })}
            >
              {rangeBatches.map((b) => (
                <option key={b.batch} value={b.batch}>
                  {b.batch}
                </option>
              ))}
            </select>
          </label>
          <Field
            label={t('producer.from')}
            id="range-from"
            value={range.from}
            onChange={(v) => setRange({ ...range, from: v })}
          />
          <Field
            label={t('producer.to')}
            id="range-to"
            value={range.to}
            onChange={(v) => setRange({ ...range, to: v })}
          />
        </div>
        <div className="columns">
          <form className="card" onSubmit={submitShip} data-testid="ship-form">
            <h3>{t('producer.ship')}</h3>
            <div className="form-row">
              <Field
                label={t('producer.shipment')}
                id="ship-id"
                value={ship.shipment}
                placeholder="wholesale-002"
                onChange={(v) => setShip({ ...ship, shipment: v })}
              />
              {orgSelect('ship-to', ship.to, (v) => setShip({ ...ship, to: v }))}
              <label htmlFor="ship-mode">
                <span>{t('shipCodes.mode')}</span>
                <select
                  id="ship-mode"
                  data-testid="ship-mode"
                  value={ship.mode}
                  onChange={(e) => setShip({ ...ship, mode: e.target.value })}
                >
                  <option value="range">{t('shipCodes.range')}</option>
                  <option value="codes">{t('shipCodes.codes')}</option>
                </select>
              </label>
              {ship.mode === 'codes' && (
                <Field
                  label={t('shipCodes.codesLabel', { max: MAX_CODES })}
                  id="ship-codes"
                  value={ship.codes}
                  placeholder="1-10, 15"
                  grow
                  onChange={(v) => setShip({ ...ship, codes: v })}
                />
              )}
              <Field
                label={t('producer.where')}
                id="ship-where"
                value={ship.where}
                grow
                onChange={(v) => setShip({ ...ship, where: v })}
              />
              <button type="submit" data-testid="ship-submit" disabled={runner.busy !== undefined}>
                {t('producer.shipSubmit')}
              </button>
            </div>
          </form>
          <form className="card" onSubmit={submitTrace} data-testid="trace-form">
            <h3>{t('producer.trace')}</h3>
            <div className="form-row">
              <label htmlFor="trace-step">
                <span>{t('producer.bizStep')}</span>
                <select
                  id="trace-step"
                  data-testid="trace-step"
                  value={trace.bizStep}
                  onChange={(e) => setTrace({ ...trace, bizStep: e.target.value as typeof trace.bizStep })}
                >
                  <option value="inspecting">{t('producer.step.inspecting')}</option>
                  <option value="packing">{t('producer.step.packing')}</option>
                  <option value="destroying">{t('producer.step.destroying')}</option>
                </select>
              </label>
              <Field
                label={t('producer.where')}
                id="trace-where"
                value={trace.where}
                onChange={(v) => setTrace({ ...trace, where: v })}
              />
              <Field
                label={t('producer.why')}
                id="trace-why"
                value={trace.why}
                grow
                onChange={(v) => setTrace({ ...trace, why: v })}
              />
              <button type="submit" data-testid="trace-submit" disabled={runner.busy !== undefined}>
                {t('producer.traceSubmit')}
              </button>
            </div>
          </form>
        </div>
      </section>

      <InsightsDashboard org={org} skus={products.map((p) => p.sku)} />
    </>
  );
}
