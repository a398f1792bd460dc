import type { ReactNode } from 'react';
import { useApp } from '../app.js';

export function VerifyPage({ code: _code }: { code: string }): ReactNode {
  const { t } = useApp();
  return <p>{t('common.loading')}</p>;
}
