import type { ReactNode } from 'react';
import { useApp } from '../app.js';

export function OrderPage({ orderId: _orderId }: { orderId: string }): ReactNode {
  const { t } = useApp();
  return <p>{t('common.loading')}</p>;
}
