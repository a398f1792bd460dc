/**
 * The producer registers a product (SKU or ISBN, name, category, factory price, attributes): checked in
 * the page first (lib/forms.ts), then that the SKU is new on chain, then signed with the producer's key.
 */
import { items as itemCalls } from '@hanglian/sdk';
import { type FormEvent, type ReactNode, useState } from 'react';
import { useApp } from '../appContext.js';
import { chain } from '../lib/chain.js';
import { act } from '../lib/company.js';
import { type ProductDraft, productParams } from '../lib/forms.js';
import { RunnerStatus, useRunner } from './action.js';
import { TextField } from './fields.js';

const EMPTY: ProductDraft = { sku: '', name: '', category: '', price: '', attributes: '' };

export function RegisterProductForm({ org, onDone }: { org: string; onDone: () => void }): ReactNode {
  const { t } = useApp();
  const runner = useRunner(onDone);
  const [draft, setDraft] = useState<ProductDraft>(EMPTY);
  const set = (patch: Partial<ProductDraft>) => setDraft({ ...draft, ...patch });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    let params: ReturnType<typeof productParams>;
    try {
      params = productParams(t, draft);
    } catch (error) {
      return runner.fail(error);
    }
    void runner
      .run(
        t('register.registering', { sku: params.sku }),
        async (step) => {
          const existing = await chain.product(params.sku);
          if (existing !== null)
            throw new Error(t('form.skuTaken', { sku: params.sku, producer: existing.producer }));
          await act(org, itemCalls.registerProduct(params), [], step);
        },
        t('register.done', { sku: params.sku }),
      )
      .then((ok) => {
        if (ok) setDraft(EMPTY);
      });
  };
  return (
    <form className="card" onSubmit={submit} data-testid="register-form" noValidate>
      <h3>{t('register.title')}</h3>
      <p className="muted">{t('register.lead')}</p>
      <div className="form-row">
        <TextField
          label={t('register.sku')}
          id="register-sku"
          value={draft.sku}
          placeholder="isbn-9787544253994"
          onChange={(v) => set({ sku: v })}
        />
        <TextField
          label={t('register.name')}
          id="register-name"
          value={draft.name}
          grow
          onChange={(v) => set({ name: v })}
        />
        <TextField
          label={t('register.category')}
          id="register-category"
          value={draft.category}
          placeholder="books"
          onChange={(v) => set({ category: v })}
        />
        <TextField
          label={t('register.price')}
          id="register-price"
          value={draft.price}
          inputMode="decimal"
          placeholder="35.00"
          onChange={(v) => set({ price: v })}
        />
      </div>
      <div className="form-row">
        <TextField
          label={t('register.attributes')}
          id="register-attributes"
          value={draft.attributes}
          multiline
          grow
          placeholder={'author=曹雪芹\nbinding=hardcover'}
          onChange={(v) => set({ attributes: v })}
        />
        <button type="submit" data-testid="register-submit" disabled={runner.busy !== undefined}>
          {t('register.submit')}
        </button>
      </div>
      <RunnerStatus runner={runner} testId="register-action" />
    </form>
  );
}
