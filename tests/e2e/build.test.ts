/**
 * The production build (the one global-setup.ts builds and serves) and `npm start`:
 * - every static asset in public/ ships unchanged, index.html links the icon, manifest and social image, and the
 *   preview server serves them;
 * - no test hook or test fixture is in the bundle (e2e tests open fixtures through share links instead);
 * - `npm start` prints the URL, serves the app, opens no browser and prints no error or stack trace.
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { ROOT } from '../fixtures/graphs.ts';
import { baseUrl } from './harness.ts';

const dist = () => inject('distDir');
const files = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));

describe('public/ in the build', () => {
  const publicFiles = files(join(ROOT, 'public')).map((f) => relative(join(ROOT, 'public'), f));

  it('holds the icon, the web manifest and the social image, each copied unchanged into the build', () => {
    expect(publicFiles.sort()).toEqual(['favicon.svg', 'icon-512.png', 'manifest.webmanifest', 'social.png']);
    for (const f of publicFiles) expect(readFileSync(join(dist(), f)).equals(readFileSync(join(ROOT, 'public', f))), f).toBe(true);
  });

  it('index.html links them, the manifest names existing icons, and the server serves each with its type', async () => {
    const html = readFileSync(join(dist(), 'index.html'), 'utf8');
    const links = [...html.matchAll(/<(?:link|meta)\s[^>]*(?:href|content)="(\/[^"/][^"]*\.(?:svg|png|webmanifest))"/g)].map((m) => m[1]).sort();
    expect(links).toEqual(['/favicon.svg', '/icon-512.png', '/manifest.webmanifest', '/social.png']);
    expect(html).toContain('<link rel="icon" href="/favicon.svg" type="image/svg+xml" />');
    expect(html).toContain('<meta property="og:image" content="/social.png" />');
    const manifest = JSON.parse(readFileSync(join(dist(), 'manifest.webmanifest'), 'utf8'));
    for (const icon of manifest.icons) expect(existsSync(join(dist(), icon.src)), icon.src).toBe(true);
    const types: Record<string, RegExp> = { svg: /image\/svg\+xml/, png: /image\/png/, webmanifest: /manifest\+json|application\/json/ };
    for (const href of links) {
      const res = await fetch(`${baseUrl()}${href}`);
      expect(res.status, href).toBe(200);
      expect(res.headers.get('content-type'), href).toMatch(types[href.split('.').pop()!]);
    }
    const png = readFileSync(join(dist(), 'social.png'));
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1200, 630]); // IHDR width and height
  });
});

describe('no test hooks in the build', () => {
  const shipped = () => files(dist()).filter((f) => /\.(js|html|css)$/.test(f)).map((f) => readFileSync(f, 'utf8'));
  /** Whether a file's whole text is in the bundle, as a raw import keeps it (in a template literal, or quoted). */
  const bundled = (texts: string[], raw: string) => texts.some((t) => t.includes(raw) || t.includes(JSON.stringify(raw).slice(1, -1)));

  it('no fixture file, no tests/ path and no ?fixture= parameter is in any shipped file', () => {
    const fixtures = files(join(ROOT, 'tests', 'fixtures')).filter((f) => f.endsWith('.json'));
    expect(fixtures.length).toBeGreaterThan(10);
    const texts = shipped();
    for (const f of fixtures) {
      expect(bundled(texts, readFileSync(f, 'utf8')), relative(ROOT, f)).toBe(false);
    }
    for (const t of texts) {
      expect(t).not.toMatch(/tests\/fixtures/);
      expect(t).not.toMatch(/[`"'?&]fixture\b/);
    }
  });

  it('the checker would see a fixture if one shipped (the presets, shipped on purpose, are found the same way)', () => {
    expect(bundled(shipped(), readFileSync(join(ROOT, 'presets', 'lesson-lstm.json'), 'utf8'))).toBe(true);
  });
});

describe('npm start', () => {
  it('prints the URL, serves the app, opens no browser and prints no error or stack trace', async () => {
    // Vite opens a browser through $BROWSER when asked to: a script that leaves a mark tells us if it ever was.
    const dir = mkdtempSync(join(tmpdir(), 'rnn-start-'));
    const browser = join(dir, 'browser.sh');
    writeFileSync(browser, `#!/bin/sh\necho "$@" > ${join(dir, 'opened')}\n`);
    chmodSync(browser, 0o755);
    const child = spawn('npm', ['start', '--', '--port', '5300', '--clearScreen', 'false'], { cwd: ROOT, env: { ...process.env, BROWSER: browser }, detached: true });
    // What the terminal shows, without colour codes (Vite colours its output when CI is set, as in .ci/run).
    let out = '';
    const add = (d: Buffer) => (out += String(d).replace(/\x1b\[[0-9;]*m/g, ''));
    child.stdout.on('data', add);
    child.stderr.on('data', add);
    try {
      await expect.poll(() => /Local:\s+(http:\/\/\S+)/.exec(out)?.[1], { timeout: 60_000, interval: 200 }).toBeTruthy();
      const url = /Local:\s+(http:\/\/\S+)/.exec(out)![1];
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:53\d\d\/$/);
      expect(await (await fetch(url)).text()).toContain('<div id="root"></div>');
      await new Promise((r) => setTimeout(r, 2000)); // the browser would be opened right after "ready"
      expect(existsSync(join(dir, 'opened')), 'a browser was opened').toBe(false);
      expect(out).not.toMatch(/Error|ENOENT|^\s+at /m);
    } finally {
      if (child.pid) process.kill(-child.pid, 'SIGTERM');
    }
  }, 90_000);
});
