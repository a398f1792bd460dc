/**
 * The merchant creates a listing (id, product, title, price, carriers, regions shipped to and from, return
 * policy, host commission) and edits one (price, carriers, ships from, return policy, commission, paused
 * or active). Input is checked in the page (lib/forms.ts) and the product on chain before signing.
 */
import { catalog } from '@hanglian/sdk';
import { type FormEvent, type ReactNode, useState } from 'react';
import { useApp } from '../appContext.js';
import { chain, type Listing } from '../lib/chain.js';
import { act, memberQuery } from '../lib/company.js';
import {
  type ListingDraft,
  type ListingTermsDraft,
  listingParams,
  listingUpdateParams,
} from '../lib/forms.js';
import { useAsync } from '../lib/useAsync.js';
import { RunnerStatus, useRunner } from './action.js';
import { CheckList, TextField } from './fields.js';

/** The SKUs of the items `org` has received by shipment (suggestions for a new listing). */
async function receivedSkus(org: string): Promise<string[]> {
  const received = await memberQuery(org, 'distribution', 'shipments', {
    to: org,
    status: 'received',
    limit: 500,
  });
  const skus = received.map((s) =>
    'range' in s.items ? s.items.range.sku : (s.items.codes[0]?.split(':')[0] ?? ''),
  );
  return [...new Set(skus.filter((s) => s !== ''))].sort();
}

function useCarriers(): Array<{ value: string; label: string }> {
  const { organisations } = useApp();
  return organisations
    .filter((o) => o.status === 'active' && o.roles.includes('carrier'))
    .map((o) => ({ value: o.id, label: `${o.name} (${o.id})` }));
}

/** The terms a listing can change, shared by the create and edit forms. */
function TermsFields({
  prefix,
  draft,
  set,
}: {
  prefix: string;
  draft: ListingTermsDraft;
  set: (patch: Partial<ListingTermsDraft>) => void;
}): ReactNode {
  const { t } = useApp();
  const carriers = useCarriers();
  return (
    <>
      <div className="form-row">
        <TextField
          label={t('listing.price')}
          id={`${prefix}-price`}
          value={draft.price}
          inputMode="decimal"
          placeholder="45.00"
          onChange={(v) => set({ price: v })}
        />
        <TextField
          label={t('listing.shipsFrom')}
          id={`${prefix}-ships-from`}
          value={draft.shipsFrom}
          placeholder="CN-31"
          onChange={(v) => set({ shipsFrom: v })}
        />
        <TextField
          label={t('listing.returnDays')}
          id={`${prefix}-return-days`}
          value={draft.returnDays}
          inputMode="numeric"
          onChange={(v) => set({ returnDays: v })}
        />
        <TextField
          label={t('listing.restocking')}
          id={`${prefix}-restocking`}
          value={draft.restockingPercent}
          inputMode="decimal"
          onChange={(v) => set({ restockingPercent: v })}
        />
        <TextField
          label={t('listing.commission')}
          id={`${prefix}-commission`}
          value={draft.commissionPercent}
          inputMode="decimal"
          onChange={(v) => set({ commissionPercent: v })}
        />
      </div>
      {carriers.length === 0 ? (
        <p className="muted">{t('listing.noCarriers')}</p>
      ) : (
        <CheckList
          legend={t('listing.carriers')}
          id={`${prefix}-carriers`}
          options={carriers}
          chosen={draft.carriers}
          onChange={(v) => set({ carriers: v })}
        />
      )}
    </>
  );
}

const NEW: ListingDraft = {
  listing: '',
  sku: '',
  title: '',
  price: '',
  carriers: [],
  shipsTo: 'CN',
  shipsFrom: '',
  returnDays: '7',
  restockingPercent: '0',
  commissionPercent: '0',
};

export function CreateListingForm({
  org,
  listings,
  onDone,
}: {
  org: string;
  listings: readonly Listing[];
  onDone: () => void;
}): ReactNode {
  const { t } = useApp();
  const runner = useRunner(onDone);
  const [draft, setDraft] = useState<ListingDraft>(NEW);
  const set = (patch: Partial<ListingDraft>) => setDraft({ ...draft, ...patch });
  const held = useAsync(() => receivedSkus(org), [org, listings]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    let params: ReturnType<typeof listingParams>;
    try {
      const taken = listings.filter((l) => l.merchant === org).map((l) => l.id.slice(org.length + 1));
      params = listingParams(t, draft, taken);
    } catch (error) {
      return runner.fail(error);
    }
    void runner
      .run(t('listing.creating', { id: `${org}/${params.listing}` }), async (step) => {
        if ((await chain.product(params.sku)) === null)
          throw new Error(t('form.listingSkuUnknown', { sku: params.sku }));
        await act(org, catalog.createListing(params), [], step);
      })
      .then((ok) => {
        if (ok) setDraft(NEW);
      });
  };
  return (
    <form className="card" onSubmit={submit} data-testid="listing-form" noValidate>
      <h3>{t('listing.create')}</h3>
      <p className="muted">{t('listing.lead')}</p>
      {held.data !== undefined && held.data.length > 0 && (
        <p className="muted" data-testid="listing-held">
          {t('listing.held', { skus: held.data.join(', ') })}
        </p>
      )}
      <div className="form-row">
        <TextField
          label={t('listing.id')}
          id="listing-id"
          value={draft.listing}
          placeholder="solitude-2027"
          onChange={(v) => set({ listing: v })}
        />
        <label htmlFor="listing-sku">
          <span>{t('listing.product')}</span>
          <input
            id="listing-sku"
            data-testid="listing-sku"
            list="listing-sku-options"
            value={draft.sku}
            placeholder={held.data?.[0] ?? 'isbn-…'}
            onChange={(e) => set({ sku: e.target.value })}
          />
          <datalist id="listing-sku-options">
            {(held.data ?? []).map((sku) => (
              <option key={sku} value={sku} />
            ))}
          </datalist>
        </label>
        <TextField
          label={t('listing.title')}
          id="listing-title"
          value={draft.title}
          grow
          onChange={(v) => set({ title: v })}
        />
        <TextField
          label={t('listing.shipsTo')}
          id="listing-ships-to"
          value={draft.shipsTo}
          placeholder="CN, CN-31"
          onChange={(v) => set({ shipsTo: v })}
        />
      </div>
      <TermsFields prefix="listing" draft={draft} set={set} />
      <div className="form-row">
        <button type="submit" data-testid="listing-submit" disabled={runner.busy !== undefined}>
          {t('listing.submit')}
        </button>
      </div>
      <RunnerStatus runner={runner} testId="listing-action" />
    </form>
  );
}

const pct = (bps: number) => (bps / 100).toString();

export function EditListingForm({
  org,
  listing,
  onSaved,
  onClose,
}: {
  org: string;
  listing: Listing;
  onSaved: () => void;
  onClose: () => void;
}): ReactNode {
  const { t } = useApp();
  const runner = useRunner(onSaved);
  const [draft, setDraft] = useState<ListingTermsDraft & { status: 'active' | 'paused' }>({
    price: (listing.price / 100).toFixed(2),
    carriers: [...listing.carriers],
    shipsFrom: listing.shipsFrom ?? '',
    returnDays: String(listing.returnPolicy?.days ?? 0),
    restockingPercent: pct(listing.returnPolicy?.restockingFeeBps ?? 0),
    commissionPercent: pct(listing.hostCommissionBps ?? 0),
    status: listing.status === 'paused' ? 'paused' : 'active',
  });
  const set = (patch: Partial<typeof draft>) => setDraft({ ...draft, ...patch });
  const local = listing.id.slice(org.length + 1);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    let params: ReturnType<typeof listingUpdateParams>;
    try {
      params = listingUpdateParams(t, local, draft);
    } catch (error) {
      return runner.fail(error);
    }
    void runner.run(t('listing.saving', { id: listing.id }), (step) =>
      act(org, catalog.updateListing(params), [], step),
    );
  };
  return (
    <form className="card" onSubmit={submit} data-testid="listing-edit-form" noValidate>
      <h3>{t('listing.editTitle', { id: listing.id })}</h3>
      <p className="muted">{t('listing.editLead')}</p>
      <TermsFields prefix="edit" draft={draft} set={set} />
      <div className="form-row">
        <label htmlFor="edit-status">
          <span>{t('listing.status')}</span>
          <select
            id="edit-status"
            data-testid="edit-status"
            value={draft.status}
            onChange={(e) => set({ status: e.target.value as 'active' | 'paused' })}
          >
            <option value="active">{t('listing.active')}</option>
            <option value="paused">{t('listing.paused')}</option>
          </select>
        </label>
        <button type="submit" data-testid="edit-submit" disabled={runner.busy !== undefined}>
          {t('listing.save')}
        </button>
        <button type="button" className="secondary" data-testid="edit-cancel" onClick={onClose}>
          {t('listing.close')}
        </button>
      </div>
      <RunnerStatus runner={runner} testId="edit-action" />
    </form>
  );
}
