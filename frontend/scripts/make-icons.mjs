// Draws the PWA icons (a white cloud carrying a red star, on party red) as PNG and SVG into
// public/icons.
// Run with `npm run icons` after changing the design; the output is committed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { deflateSync, crc32 } from 'node:zlib';

const RED = [0xc8, 0x16, 0x1d];
const WHITE = [0xff, 0xff, 0xff];
const OUT = new URL('../public/icons/', import.meta.url);

/** The ten corners of a star centred on (cx, cy), outer radius r, pointing up. */
function star(cx, cy, r) {
  const inner = r * 0.382;
  return Array.from({ length: 10 }, (_, i) => {
    const radius = i % 2 === 0 ? r : inner;
    const angle = -Math.PI / 2 + (i * Math.PI) / 5;
    return [cx + radius * Math.cos(angle), cy + radius * Math.sin(angle)];
  });
}

function inside(polygon, x, y) {
  let hit = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const [xi, yi] = polygon[i];
    const [xj, yj] = polygon[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) hit = !hit;
  }
  return hit;
}

function insideRoundedSquare(size, radius, x, y) {
  const cx = Math.min(Math.max(x, radius), size - radius);
  const cy = Math.min(Math.max(y, radius), size - radius);
  return (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2;
}

// The cloud: circles and a bar in a unit square, scaled and centred by `geometry`.
const CLOUD_CIRCLES = [
  [0.5, 0.43, 0.2],
  [0.31, 0.53, 0.14],
  [0.7, 0.54, 0.13],
  [0.25, 0.62, 0.09],
  [0.75, 0.62, 0.09],
];
const CLOUD_BAR = [0.25, 0.53, 0.75, 0.71]; // x0, y0, x1, y1
const STAR = [0.5, 0.555, 0.13]; // cx, cy, outer radius

function geometry(size, scale) {
  const at = (v) => (0.5 + (v - 0.5) * scale) * size;
  return {
    circles: CLOUD_CIRCLES.map(([x, y, r]) => [at(x), at(y), r * scale * size]),
    bar: CLOUD_BAR.map(at),
    star: star(at(STAR[0]), at(STAR[1]), STAR[2] * scale * size),
  };
}

function inCloud({ circles, bar }, x, y) {
  if (x >= bar[0] && x <= bar[2] && y >= bar[1] && y <= bar[3]) return true;
  return circles.some(([cx, cy, r]) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r);
}

function chunk(type, data) {
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function png(size, { maskable }) {
  const corner = maskable ? 0 : size * 0.2;
  const shapes = geometry(size, maskable ? 0.82 : 1);
  const samples = 4;
  const rows = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 4); // filter byte 0, then RGBA
    for (let x = 0; x < size; x++) {
      let covered = 0;
      let white = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const px = x + (sx + 0.5) / samples;
          const py = y + (sy + 0.5) / samples;
          if (!insideRoundedSquare(size, corner, px, py)) continue;
          covered++;
          if (inCloud(shapes, px, py) && !inside(shapes.star, px, py)) white++;
        }
      }
      const mix = covered ? white / covered : 0;
      const color = RED.map((red, i) => Math.round(red + (WHITE[i] - red) * mix));
      row.set([...color, Math.round((255 * covered) / samples ** 2)], 1 + x * 4);
    }
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows), { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function svg() {
  const hex = (rgb) => `#${rgb.map((c) => c.toString(16).padStart(2, '0')).join('')}`;
  const n = (v) => Number(v.toFixed(2));
  const { circles, bar, star: points } = geometry(100, 1);
  const cloud = [
    ...circles.map(([cx, cy, r]) => `<circle cx="${n(cx)}" cy="${n(cy)}" r="${n(r)}"/>`),
    `<rect x="${n(bar[0])}" y="${n(bar[1])}" width="${n(bar[2] - bar[0])}" height="${n(bar[3] - bar[1])}"/>`,
  ].join('');
  const polygon = points.map(([x, y]) => `${n(x)},${n(y)}`).join(' ');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">` +
    `<rect width="100" height="100" rx="20" fill="${hex(RED)}"/>` +
    `<g fill="${hex(WHITE)}">${cloud}</g>` +
    `<polygon points="${polygon}" fill="${hex(RED)}"/></svg>\n`
  );
}

mkdirSync(OUT, { recursive: true });
writeFileSync(new URL('icon-192.png', OUT), png(192, { maskable: false }));
writeFileSync(new URL('icon-512.png', OUT), png(512, { maskable: false }));
writeFileSync(new URL('icon-maskable-512.png', OUT), png(512, { maskable: true }));
writeFileSync(new URL('icon.svg', OUT), svg());
console.log('icons written to public/icons/');
