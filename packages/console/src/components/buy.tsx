/** Buying from a product page: placeholder until the wallet lands (issue #7, step 4). */
import type { ReactNode } from 'react';
import { useApp } from '../app.js';
import type { Listing } from '../lib/chain.js';

export interface BuyBoxProps {
  readonly listing: Listing;
  readonly logistics: string;
  readonly payment: string;
  readonly region: string;
  readonly quantity: number;
  readonly weightGrams: number;
  readonly live: boolean;
}

export function BuyBox(_props: BuyBoxProps): ReactNode {
  const { t } = useApp();
  return <p className="muted">{t('buy.soon')}</p>;
}
