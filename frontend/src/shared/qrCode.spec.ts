import jsQR from 'jsqr';
import { describe, expect, it } from 'vitest';

import { qrMatrix, qrPath, type QrMatrix } from './qrCode';

/** The matrix as an RGBA picture (`scale` pixels a module, a quiet zone of 4), as a camera would see it. */
function picture(matrix: QrMatrix, scale = 4): { data: Uint8ClampedArray; width: number } {
  const width = (matrix.size + 8) * scale;
  const data = new Uint8ClampedArray(width * width * 4).fill(255);
  for (let y = 0; y < matrix.size; y++)
    for (let x = 0; x < matrix.size; x++) {
      if (!matrix.modules[y]![x]) continue;
      for (let dy = 0; dy < scale; dy++)
        for (let dx = 0; dx < scale; dx++) {
          const offset = (((y + 4) * scale + dy) * width + (x + 4) * scale + dx) * 4;
          data[offset] = data[offset + 1] = data[offset + 2] = 0;
        }
    }
  return { data, width };
}

function decode(text: string): string | undefined {
  const matrix = qrMatrix(text);
  const { data, width } = picture(matrix);
  return jsQR(data, width, width)?.data;
}

describe('the QR code encoder', () => {
  it.each([
    'A',
    'https://shen.partycloud.test/ballot#K7QXM2PA',
    'https://e2e-shen-1a2b.partycloud.test:8123/ballot#ABCDEFGHJKMN',
    '民主评议党员 · 群众测评',
    'x'.repeat(120),
    'y'.repeat(400),
  ])('encodes %s so that a reader gets it back', (text) => {
    expect(decode(text)).toBe(text);
  });

  it('uses the smallest version that holds the text', () => {
    expect(qrMatrix('HELLO').version).toBe(1);
    expect(qrMatrix('HELLO').size).toBe(21);
    expect(qrMatrix('https://shen.partycloud.test/ballot#K7QXM2PA').version).toBe(4);
  });

  it('draws one square a dark module inside the quiet zone', () => {
    const matrix = qrMatrix('A');
    const dark = matrix.modules.flat().filter(Boolean).length;
    const path = qrPath(matrix);
    expect(path.match(/M/g)?.length).toBe(dark);
    expect(path.startsWith('M4 4h1v1h-1z')).toBe(true); // the finder pattern's corner
  });
});
