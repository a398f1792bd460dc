/**
 * Buying from a product page: the shopper's delivery details (sealed in this browser to the carrier and
 * the merchant), a fresh order key from the browser wallet, and the order submitted through the platform
 * gateway. On a network that gives the console no gateway key, buying is explained, not faked.
 */
import { type FormEvent, type ReactNode, useState, useSyncExternalStore } from 'react';
import { useApp } from '../appContext.js';
import type { Listing } from '../lib/chain.js';
import { devSigners } from '../lib/devKeys.js';
import { DEFAULT_PLATFORM, placeOrder } from '../lib/orderActions.js';
import { href, navigate } from '../lib/router.js';
import { useAsync } from '../lib/useAsync.js';
import { browserWallet } from '../lib/wallet.js';
import { ErrorBox, Loading } from './status.js';

export interface BuyBoxProps {
  readonly listing: Listing;
  readonly logistics: { id: string; org: string };
  readonly payment: string;
  readonly region: string;
  readonly quantity: number;
  readonly weightGrams: number;
  /** The total the shopper was shown: the order key signs it as the most the order may cost. */
  readonly maxTotal: number;
  /** The live session the shopper buys in (its host is paid a commission on completion). */
  readonly session?: string;
}

export function useWalletState(): { exists: boolean; unlocked: boolean } {
  const snapshot = useSyncExternalStore(browserWallet.subscribe, () =>
    [browserWallet.exists(), browserWallet.isUnlocked(), browserWallet.used()].join('/'),
  );
  const [exists, unlocked] = snapshot.split('/');
  return { exists: exists === 'true', unlocked: unlocked === 'true' };
}

/** Characters per delivery field in the buy box (200 CJK characters of address are 600 bytes). */
const DETAIL_MAX_CHARS = { name: 64, phone: 32, address: 200 } as const;

export function BuyBox(props: BuyBoxProps): ReactNode {
  const { t } = useApp();
  const wallet = useWalletState();
  const gateway = useAsync(() => devSigners(), []);
  const [details, setDetails] = useState({ name: '', phone: '', address: '' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  if (gateway.loading) return <Loading />;
  if (gateway.data === undefined) return <p className="banner warn">{t('buy.noGateway')}</p>;
  if (!wallet.unlocked)
    return (
      <p className="banner warn" data-testid="buy-needs-wallet">
        {t('buy.needWallet')} <a href={href('wallet')}>{t('nav.wallet')}</a>
      </p>
    );
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (details.name.trim() === '' || details.phone.trim() === '' || details.address.trim() === '') {
      setError(new Error(t('buy.needDetails')));
      return;
    }
    if (props.listing.stock < props.quantity) {
      setError(new Error(t('buy.noStock')));
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const { id } = await placeOrder({
        ...props,
        platform: DEFAULT_PLATFORM,
        arbiter: 'regulator',
        details: { ...details, region: props.region },
      });
      navigate('order', id);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="card" onSubmit={submit} data-testid="buy">
      <h3>{t('buy.title')}</h3>
      <p className="muted">{t('buy.lead', { platform: DEFAULT_PLATFORM })}</p>
      <div className="form-row">
        {(['name', 'phone', 'address'] as const).map((field) => (
          <label key={field} className={field === 'address' ? 'grow' : undefined}>
            <span>{t(`buy.${field}`)}</span>
            <input
              data-testid={`buy-${field}`}
              value={details[field]}
              autoComplete={field === 'name' ? 'name' : field === 'phone' ? 'tel' : 'street-address'}
              // Every envelope carries at most 1,022 bytes of details (one size for all, docs/privacy.md):
              // these lengths fit in any script but the rarest; beyond, the SDK's SDK_SEALED_TOO_LARGE shows.
              maxLength={DETAIL_MAX_CHARS[field]}
              onChange={(e) => setDetails({ ...details, [field]: e.target.value })}
            />
          </label>
        ))}
      </div>
      <ErrorBox error={error} />
      <button type="submit" disabled={busy} data-testid="buy-submit">
        {busy ? t('buy.placing') : t('buy.submit')}
      </button>
    </form>
  );
}
