/** A QR code drawn as SVG from the `qrcode` library's module matrix (no canvas, no HTML injection). */
import QRCode from 'qrcode';
import type { ReactNode } from 'react';

export function QrCode({ text, label }: { text: string; label: string }): ReactNode {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const size = qr.modules.size;
  const margin = 2;
  let path = '';
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) {
      if (qr.modules.get(row, col)) path += `M${col + margin} ${row + margin}h1v1h-1z`;
    }
  }
  const full = size + margin * 2;
  return (
    <svg
      viewBox={`0 0 ${full} ${full}`}
      role="img"
      aria-label={label}
      shapeRendering="crispEdges"
      data-testid="qr"
    >
      <title>{label}</title>
      <rect width={full} height={full} fill="#fff" />
      <path d={path} fill="#000" />
    </svg>
  );
}

/** The verification address an item's QR code carries: this console's verify page for the code. */
export function verifyUrl(code: string): string {
  const base = `${window.location.origin}${window.location.pathname}${window.location.search}`;
  return `${base}#/verify/${encodeURIComponent(code)}`;
}
