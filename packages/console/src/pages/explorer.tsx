import type { ReactNode } from 'react';
import { useApp } from '../app.js';

export function ExplorerPage({ args: _args }: { args: readonly string[] }): ReactNode {
  const { t } = useApp();
  return <p>{t('common.loading')}</p>;
}
