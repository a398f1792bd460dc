/**
 * The console's shell: language, role and organisation (kept in localStorage), the navigation of the
 * chosen role, and the page of the current hash route.
 */
import { type ReactNode, useEffect, useMemo, useState } from 'react';
import { type AppContext, AppContextProvider, useApp } from './appContext.js';
import { chain } from './lib/chain.js';
import { businessRoleOf, pagesOf, ROLES, type Role } from './lib/roles.js';
import { href, useRoute } from './lib/router.js';
import { type Lang, settings } from './lib/settings.js';
import { useAsync } from './lib/useAsync.js';
import { type MessageKey, translate } from './messages.js';
import { CompanyPage } from './pages/company.js';
import { ExplorerPage } from './pages/explorer.js';
import { HealthPage } from './pages/health.js';
import { HomePage } from './pages/home.js';
import { OrderPage } from './pages/order.js';
import { ProductPage } from './pages/product.js';
import { ShopPage } from './pages/shop.js';
import { VerifyPage } from './pages/verify.js';
import { WalletPage } from './pages/wallet.js';

function Page({ page, args }: { page: string; args: readonly string[] }): ReactNode {
  const { t } = useApp();
  switch (page) {
    case 'home':
      return <HomePage />;
    case 'shop':
      return <ShopPage />;
    case 'product':
      return <ProductPage listingId={args.join('/')} />;
    case 'verify':
      return <VerifyPage code={args.join('/')} />;
    case 'explorer':
      return <ExplorerPage args={args} />;
    case 'health':
      return <HealthPage />;
    case 'wallet':
      return <WalletPage />;
    case 'order':
      return <OrderPage orderId={args[0] ?? ''} />;
    case 'company':
      return <CompanyPage />;
    default:
      return (
        <section>
          <h1>{t('notFound.title')}</h1>
          <p>
            {t('notFound.text')} <a href={href('home')}>{t('nav.home')}</a>
          </p>
        </section>
      );
  }
}

export function App(): ReactNode {
  const [lang, setLang] = useState<Lang>(settings.lang);
  const [role, setRole] = useState<Role>(settings.role);
  const [org, setOrg] = useState<string | null>(settings.org);
  const route = useRoute();
  const orgs = useAsync(() => chain.organisations(), []);
  const organisations = orgs.data ?? [];

  useEffect(() => {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
    document.title = lang === 'zh' ? '行链 控制台' : 'Hanglian console';
  }, [lang]);

  // Keep the organisation consistent with the role: one that holds the role, else the first that does.
  const candidates = useMemo(() => {
    const needed = businessRoleOf(role);
    return needed === undefined
      ? organisations
      : organisations.filter((o) => (o.roles as readonly string[]).includes(needed));
  }, [organisations, role]);
  useEffect(() => {
    if (role === 'shopper' || candidates.length === 0) return;
    if (org === null || !candidates.some((o) => o.id === org)) {
      const first = candidates[0]!.id;
      setOrg(first);
      settings.setOrg(first);
    }
  }, [role, candidates, org]);

  const context = useMemo<AppContext>(
    () => ({
      lang,
      t: (key, vars) => translate(lang, key, vars),
      role,
      org: role === 'shopper' ? null : org,
      organisations,
    }),
    [lang, role, org, organisations],
  );
  const t = context.t;
  const pages = pagesOf(role);

  return (
    <AppContextProvider value={context}>
      <a className="skip" href="#main">
        {t('a11y.skip')}
      </a>
      <header className="top">
        <a className="brand" href={href('home')}>
          <span aria-hidden="true">行链</span> <span>Hanglian</span>
        </a>
        <nav aria-label={t('a11y.mainNav')}>
          <ul>
            {pages.map((p) => (
              <li key={p}>
                <a
                  href={href(p)}
                  aria-current={route.page === p ? 'page' : undefined}
                  data-testid={`nav-${p}`}
                >
                  {t(`nav.${p}` as MessageKey)}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div className="switches">
          <label>
            <span>{t('role.label')}</span>
            <select
              data-testid="role"
              value={role}
              onChange={(e) => {
                const next = e.target.value as Role;
                setRole(next);
                settings.setRole(next);
              }}
            >
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {t(`role.${r}` as MessageKey)}
                </option>
              ))}
            </select>
          </label>
          {role !== 'shopper' && (
            <label>
              <span>{t('role.org')}</span>
              <select
                data-testid="org"
                value={org ?? ''}
                onChange={(e) => {
                  setOrg(e.target.value);
                  settings.setOrg(e.target.value);
                }}
              >
                {candidates.length === 0 && <option value="">{t('role.noOrg')}</option>}
                {candidates.map((o) => (
                  <option key={o.id} value={o.id}>
                    {o.name}
                  </option>
                ))}
              </select>
            </label>
          )}
          <button
            type="button"
            className="lang"
            data-testid="lang"
            onClick={() => {
              const next = lang === 'zh' ? 'en' : 'zh';
              setLang(next);
              settings.setLang(next);
            }}
            aria-label={t('lang.switch')}
          >
            {lang === 'zh' ? 'English' : '中文'}
          </button>
        </div>
      </header>
      {orgs.error !== undefined && (
        <p className="banner error" role="alert">
          {t('error.node')} {String((orgs.error as Error).message ?? orgs.error)}
        </p>
      )}
      <main id="main" tabIndex={-1}>
        <Page page={route.page} args={route.args} />
      </main>
      <footer className="foot">
        <span>{t('footer.text')}</span>
      </footer>
    </AppContextProvider>
  );
}
