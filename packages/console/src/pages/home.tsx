/** The landing page: what each part of the console is for, by role. */
import type { ReactNode } from 'react';
import { useApp } from '../appContext.js';
import { href } from '../lib/router.js';

export function HomePage(): ReactNode {
  const { t } = useApp();
  const tiles: Array<[string, string, string]> = [
    ['shop', t('home.shop'), t('home.shopText')],
    ['verify', t('home.verify'), t('home.verifyText')],
    ['wallet', t('home.wallet'), t('home.walletText')],
    ['company', t('home.company'), t('home.companyText')],
    ['explorer', t('home.explorer'), t('home.explorerText')],
    ['health', t('home.health'), t('home.healthText')],
  ];
  return (
    <section>
      <h1>{t('home.title')}</h1>
      <p className="lead">{t('home.lead')}</p>
      <ul className="grid tiles">
        {tiles.map(([page, title, text]) => (
          <li key={page} className="card">
            <h2>
              <a href={href(page)}>{title}</a>
            </h2>
            <p>{text}</p>
          </li>
        ))}
      </ul>
    </section>
  );
}
