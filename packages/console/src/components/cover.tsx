/**
 * A product's cover, drawn here from its name, category and SKU (no image is downloaded or stored): a
 * colour field and a motif per category, the product's first characters large, so a shelf of covers
 * reads at a glance and the same product always looks the same.
 */
import type { ReactNode } from 'react';

/** One character per category, drawn as a seal in the corner (a CJK font is all it needs). */
const MOTIFS: Record<string, string> = {
  tea: '茶',
  apparel: '衣',
  home: '瓷',
  food: '食',
  electronics: '电',
  books: '书',
};

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

export function Cover({
  sku,
  title,
  category,
}: {
  sku: string;
  title: string;
  category: string | null;
}): ReactNode {
  const h = hash(sku);
  const hue = h % 360;
  const hue2 = (hue + 40 + ((h >> 9) % 80)) % 360;
  const label = [...title.replace(/\s.*$/, '')].slice(0, 4).join('');
  const id = `g-${sku.replace(/[^a-z0-9]/g, '')}`;
  return (
    <svg className="cover" viewBox="0 0 160 120" role="img" aria-label={title} data-testid="cover">
      <defs>
        <linearGradient id={id} x1="0" y1="0" x2="1" y2="1">
          <stop offset="0" stopColor={`hsl(${hue} 55% 62%)`} />
          <stop offset="1" stopColor={`hsl(${hue2} 60% 38%)`} />
        </linearGradient>
      </defs>
      <rect width="160" height="120" rx="10" fill={`url(#${id})`} />
      <circle
        cx={130 - (h % 30)}
        cy={28 + ((h >> 5) % 20)}
        r={18 + ((h >> 3) % 12)}
        fill="rgba(255,255,255,0.18)"
      />
      <rect x="12" y="12" width="30" height="30" rx="4" fill="none" stroke="#fff" strokeWidth="2" />
      <text x="27" y="34" fontSize="18" textAnchor="middle" fill="#fff">
        {MOTIFS[category ?? ''] ?? '品'}
      </text>
      <text x="14" y="92" fontSize="26" fontWeight="700" fill="#fff">
        {label}
      </text>
      <text x="14" y="110" fontSize="10" fill="rgba(255,255,255,0.85)">
        {sku}
      </text>
    </svg>
  );
}
