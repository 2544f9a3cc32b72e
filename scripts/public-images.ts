/**
 * Renders the PNG files in public/ with Debian's Chromium (playwright-core, no downloaded browser):
 * `icon-512.png` from `public/favicon.svg`, and `social.png` (1200×630, the link preview image) from the SVG below.
 * Run: `npx tsx scripts/public-images.ts`
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const PUBLIC = join(import.meta.dirname, '..', 'public');

/** A small graph as the canvas draws it: Input → Embedding → LSTM → Dense, with the name and what the app does. */
const node = (x: number, label: string, colour: string) => `
  <g transform="translate(${x} 400)">
    <rect width="200" height="96" rx="14" fill="#ffffff" stroke="#cfd5e0" stroke-width="2"/>
    <rect width="8" height="96" rx="4" fill="${colour}"/>
    <text x="104" y="58" text-anchor="middle" font-size="28" font-weight="600" fill="#1c2330">${label}</text>
  </g>`;
const SOCIAL = `<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="630" viewBox="0 0 1200 630" font-family="DejaVu Sans, sans-serif">
  <rect width="1200" height="630" fill="#f4f6fa"/>
  <g transform="translate(80 90) scale(1.6)">${readFileSync(join(PUBLIC, 'favicon.svg'), 'utf8').replace(/<\/?svg[^>]*>|<title>.*<\/title>/g, '')}</g>
  <text x="210" y="160" font-size="72" font-weight="700" fill="#1c2330">RNN Studio</text>
  <text x="82" y="250" font-size="36" fill="#667085">Build, train and look inside recurrent neural networks</text>
  <text x="82" y="298" font-size="36" fill="#667085">in the browser, then export them to Keras, PyTorch or TF.js.</text>
  <g stroke="#4f46e5" stroke-width="4">${[280, 550, 820].map((x) => `<line x1="${x}" y1="448" x2="${x + 70}" y2="448"/>`).join('')}</g>
  ${node(80, 'Input', '#64748b')}${node(350, 'Embedding', '#0f766e')}${node(620, 'LSTM', '#4f46e5')}${node(890, 'Dense', '#c2410c')}
</svg>`;

const browser = await chromium.launch({ executablePath: '/usr/lib/chromium/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
for (const [file, svg, w, h] of [['social.png', SOCIAL, 1200, 630], ['icon-512.png', readFileSync(join(PUBLIC, 'favicon.svg'), 'utf8').replace('<svg ', '<svg width="512" height="512" '), 512, 512]] as const) {
  const page = await browser.newPage({ viewport: { width: w, height: h } });
  await page.setContent(`<html><body style="margin:0">${svg}</body></html>`);
  await page.screenshot({ path: join(PUBLIC, file), omitBackground: file.startsWith('icon') });
  await page.close();
}
await browser.close();
