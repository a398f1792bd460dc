/** Preferences kept in localStorage: language, role, the organisation viewed, the search implementation. */
import { isRole, type Role } from './roles.js';

export type Lang = 'zh' | 'en';
const PREFIX = 'hanglian.console.';

function read(key: string): string | null {
  try {
    return window.localStorage.getItem(PREFIX + key);
  } catch {
    return null;
  }
}

function write(key: string, value: string | null): void {
  try {
    if (value === null) window.localStorage.removeItem(PREFIX + key);
    else window.localStorage.setItem(PREFIX + key, value);
  } catch {
    // Storage may be disabled (private mode): the choice then lasts for this page only.
  }
}

/** The keys kept under `prefix` (without the console's own prefix). */
function keys(prefix: string): string[] {
  const out: string[] = [];
  try {
    for (let i = 0; i < window.localStorage.length; i++) {
      const key = window.localStorage.key(i);
      if (key?.startsWith(PREFIX + prefix)) out.push(key.slice(PREFIX.length));
    }
  } catch {
    // Storage disabled: nothing kept.
  }
  return out;
}

export const settings = {
  lang(): Lang {
    const saved = read('lang');
    if (saved === 'zh' || saved === 'en') return saved;
    return navigator.language.toLowerCase().startsWith('zh') ? 'zh' : 'en';
  },
  setLang: (lang: Lang) => write('lang', lang),
  role(): Role {
    const saved = read('role');
    return isRole(saved) ? saved : 'shopper';
  },
  setRole: (role: Role) => write('role', role),
  org: (): string | null => read('org'),
  setOrg: (org: string | null) => write('org', org),
  search: (): string => read('search') ?? 'platform-a.relevance',
  setSearch: (id: string) => write('search', id),
  get: read,
  set: write,
  keys,
};
