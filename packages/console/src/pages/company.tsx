import type { ReactNode } from 'react';
import { useApp } from '../app.js';

export function CompanyPage(): ReactNode {
  const { t } = useApp();
  return <p>{t('common.loading')}</p>;
}
