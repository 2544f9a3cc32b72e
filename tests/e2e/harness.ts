/**
 * Shared helpers for browser tests: launch Debian's Chromium through playwright-core (never a downloaded
 * browser), open the production build served by `global-setup.ts`, and act on the editor as a user would.
 * Selectors live in `SEL` so a markup change is fixed in one place.
 */
import { readFileSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, inject } from 'vitest';
import { parseDocument } from '../../src/graph/index.ts';
import { encodeShare } from '../../src/store/persistence.ts';
import { FIXTURE_DIR } from '../fixtures/graphs.ts';

/** Where global-setup.ts serves the production build. */
export const baseUrl = (): string => inject('baseUrl');
export const CHROMIUM = '/usr/lib/chromium/chromium';

export const SEL = {
  node: (id: string) => `.react-flow__node[data-id="${id}"]`,
  nodeOfKind: (kind: string) => `.react-flow__node:has(> [data-kind="${kind}"])`,
  sourceHandle: (id: string) => `.react-flow__handle.source[data-nodeid="${id}"]`,
  targetHandle: (id: string) => `.react-flow__handle.target[data-nodeid="${id}"]`,
  edge: (id: string) => `.react-flow__edge[data-id="${id}"]`,
  edgeLabel: (id: string) => `[data-testid="edge-label-${id}"]`,
  pane: '.react-flow__pane',
  status: '[data-testid="status"]',
  totalParams: '[data-testid="total-params"]',
  openFile: '[data-testid="open-file"]',
  shareUrl: '[data-testid="share-url"]',
  inspector: '[data-testid="inspector"]',
  connectionHint: '[data-testid="connection-hint"]',
} as const;

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

export interface OpenOptions {
  preset?: string;
  /** A graph in tests/fixtures/ (e.g. `invalid/cycle`), opened through a share link: the app has no test hook. */
  fixture?: string;
  /** Extra query parameters (e.g. backend=wasm for training tests). */
  query?: Record<string, string>;
  hash?: string;
  context?: BrowserContext;
  viewport?: { width: number; height: number };
  /** Let the guided lesson open by itself on this first visit (every other test starts with it suppressed). */
  firstVisitLesson?: boolean;
}

/**
 * One Chromium for the calling test file, launched before its tests and closed after them; given options, the editor
 * is also opened once (`openEditor`). Read `.browser` and `.page` inside tests and hooks.
 */
export function useBrowser(editor?: OpenOptions): { browser: Browser; page: Page } {
  const e2e = {} as { browser: Browser; page: Page };
  beforeAll(async () => {
    e2e.browser = await launch();
    if (editor) e2e.page = await openEditor(e2e.browser, editor);
  });
  afterAll(async () => {
    await e2e.browser?.close();
  });
  return e2e;
}

/** The app opens the guided lesson on a first visit unless this key is in local storage (store/lesson.ts SEEN_KEY). */
export const LESSON_SEEN_KEY = 'rnn-studio:lesson-seen';

/** A browser context whose pages start with the first-visit lesson suppressed, as every test but the lesson's wants. */
export async function newContext(browser: Browser, viewport = { width: 1440, height: 900 }): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  await context.addInitScript((key) => localStorage.setItem(key, '1'), LESSON_SEEN_KEY);
  return context;
}

/** Opens the editor in a new page (and a new context unless one is given) and waits until nodes are measured. */
export async function openEditor(browser: Browser, o: OpenOptions = {}): Promise<Page> {
  const context = o.context ?? (o.firstVisitLesson
    ? await browser.newContext({ viewport: o.viewport ?? { width: 1440, height: 900 }, acceptDownloads: true })
    : await newContext(browser, o.viewport));
  const page = await context.newPage();
  const q = new URLSearchParams({ ...(o.preset ? { preset: o.preset } : {}), ...o.query });
  const qs = q.toString();
  await page.goto(`${baseUrl()}/${qs ? `?${qs}` : ''}${o.fixture ? fixtureHash(o.fixture) : (o.hash ?? '')}`);
  await waitForCanvas(page);
  return page;
}

/** The share-link hash of a graph file in tests/fixtures/. */
export function fixtureHash(name: string): string {
  const r = parseDocument(readFileSync(`${FIXTURE_DIR}/${name}.json`, 'utf8'));
  if (!r.ok) throw new Error(`fixture ${name}: ${r.error}`);
  const link = encodeShare(r.doc);
  if (!link.ok) throw new Error(link.error);
  return link.hash;
}

/** Waits until React Flow has measured every node (nodes are hidden until then) and a preset's auto-layout ran. */
export async function waitForCanvas(page: Page): Promise<void> {
  await page.waitForSelector('.react-flow__node', { state: 'visible' });
  await page.waitForSelector('[data-testid="canvas"]:not([data-layout-pending])');
  await page.waitForFunction(() => [...document.querySelectorAll<HTMLElement>('.react-flow__node')].every((n) => getComputedStyle(n).visibility === 'visible'));
}

/** Node ids on the canvas, in DOM order. */
export const nodeIds = (page: Page): Promise<string[]> =>
  page.$$eval('.react-flow__node', (els) => els.map((e) => e.getAttribute('data-id') ?? ''));
export const edgeCount = (page: Page): Promise<number> => page.locator('.react-flow__edge').count();
export const nodeCount = (page: Page): Promise<number> => page.locator('.react-flow__node').count();
/** The Training tab's progress bar: the last finished training step. */
export const trainingStep = async (page: Page): Promise<number> => Number((await page.getByTestId('progress').getAttribute('value')) ?? 0);

export const paletteButton = (page: Page, kind: string): Locator => page.getByRole('navigation', { name: 'Layer palette' }).getByRole('button', { name: kind, exact: true });

/** The id of the only node of `kind`, or of the last one when `nth` is -1. */
export async function nodeIdOfKind(page: Page, kind: string, nth = 0): Promise<string> {
  const nodes = page.locator(SEL.nodeOfKind(kind));
  const el = nth < 0 ? nodes.last() : nodes.nth(nth);
  return (await el.getAttribute('data-id'))!;
}

/** Centre of an element in page coordinates. */
export async function centre(loc: Locator): Promise<{ x: number; y: number }> {
  const b = (await loc.boundingBox())!;
  return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
}

/** A pointer drag with intermediate moves, as a person drags (React Flow needs the moves). */
export async function dragMouse(page: Page, from: { x: number; y: number }, to: { x: number; y: number }): Promise<void> {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(from.x + (to.x - from.x) / 4, from.y + (to.y - from.y) / 4, { steps: 4 });
  await page.mouse.move(to.x, to.y, { steps: 10 });
  await page.mouse.up();
}

/** Drags a node by its header to a point on the page. */
export async function dragNode(page: Page, id: string, to: { x: number; y: number }): Promise<void> {
  const head = page.locator(`${SEL.node(id)} .node-head`).first();
  await dragMouse(page, await centre(head), to);
}

/** Drags from a node's output port to another node's input port. */
export async function dragConnect(page: Page, source: string, target: string): Promise<void> {
  await dragMouse(page, await centre(page.locator(SEL.sourceHandle(source))), await centre(page.locator(SEL.targetHandle(target))));
}

/**
 * Drags a palette item onto the canvas with HTML5 drag and drop. Synthetic pointer drags do not start native DnD
 * in headless Chromium, so the events are dispatched with a DataTransfer made in the page (microsoft/playwright#35749).
 */
export async function dragFromPalette(page: Page, kind: string, to: { x: number; y: number }): Promise<void> {
  const button = await paletteButton(page, kind).elementHandle();
  const pane = await page.locator('[data-testid="canvas"]').elementHandle();
  const dt = await page.evaluateHandle(() => new DataTransfer());
  await button!.dispatchEvent('dragstart', { dataTransfer: dt });
  await pane!.dispatchEvent('dragenter', { dataTransfer: dt, clientX: to.x, clientY: to.y });
  await pane!.dispatchEvent('dragover', { dataTransfer: dt, clientX: to.x, clientY: to.y });
  await pane!.dispatchEvent('drop', { dataTransfer: dt, clientX: to.x, clientY: to.y });
  await button!.dispatchEvent('dragend', { dataTransfer: dt });
}

/** The autosaved document in this page's local storage. */
export async function storedGraph(page: Page): Promise<{ nodes: { id: string; data: { kind: string; params: Record<string, unknown> } }[]; edges: unknown[] }> {
  return page.evaluate(() => JSON.parse(localStorage.getItem('rnn-studio:graph') ?? 'null').graph);
}

/** Focuses the canvas without selecting anything, so keyboard shortcuts reach the editor. */
export async function focusCanvas(page: Page): Promise<void> {
  await page.locator(SEL.pane).click({ position: { x: 5, y: 5 } });
}

export const MOD = process.platform === 'darwin' ? 'Meta' : 'Control';

/** Drops a file on the canvas as the OS would (a DataTransfer holding a File, made in the page). */
export async function dropFileOnCanvas(page: Page, name: string, text: string): Promise<void> {
  const canvas = await page.locator('[data-testid="canvas"]').elementHandle();
  const box = (await canvas!.boundingBox())!;
  const dt = await page.evaluateHandle(([n, t]) => {
    const d = new DataTransfer();
    d.items.add(new File([t], n, { type: 'application/json' }));
    return d;
  }, [name, text] as const);
  const at = { clientX: box.x + box.width / 2, clientY: box.y + box.height / 2 };
  await canvas!.dispatchEvent('dragover', { dataTransfer: dt, ...at });
  await canvas!.dispatchEvent('drop', { dataTransfer: dt, ...at });
}

/** Horizontal overflow of the page and of the dock's scrolling boxes (px; 0 = none). */
export const overflowX = (page: Page): Promise<number> => page.evaluate(() => {
  const boxes = [document.scrollingElement!, ...document.querySelectorAll<HTMLElement>('[data-testid="inside"], .dock-panel, .dock')];
  return Math.max(...boxes.map((b) => b.scrollWidth - b.clientWidth));
});

/**
 * Text in the svg charts under `root` that a plotted line runs through: each line (path.series, path[data-series])
 * is sampled every 2 px with getPointAtLength, mapped to the page, and tested against every text box of its svg.
 * Returns "text ← series" for each collision (empty: no label drawn over a line).
 */
export const labelsOverLines = (page: Page, root: string): Promise<string[]> => page.evaluate((root) => {
  const hits = new Set<string>();
  for (const svg of document.querySelectorAll<SVGSVGElement>(`${root} svg`)) {
    const paths = [...svg.querySelectorAll<SVGPathElement>('path.series, path[data-series]')];
    const boxes = [...svg.querySelectorAll('text')].map((t) => ({ t: t.textContent ?? '', r: t.getBoundingClientRect() })).filter((b) => b.r.width > 0);
    for (const p of paths) {
      const m = p.getScreenCTM();
      if (!m || !p.getAttribute('d')) continue;
      const L = p.getTotalLength();
      for (let l = 0; l <= L; l += 2) {
        const pt = p.getPointAtLength(l);
        const q = new DOMPoint(pt.x, pt.y).matrixTransform(m);
        for (const b of boxes)
          if (q.x > b.r.left + 1 && q.x < b.r.right - 1 && q.y > b.r.top + 1 && q.y < b.r.bottom - 1) hits.add(`${b.t} ← ${p.dataset.series}`);
      }
    }
  }
  return [...hits];
}, root);

/**
 * The heatmaps and axes under `root`, as a reader checks them: per heatmap, how many numeric tick labels its colour
 * bar has, the step numbers on its time axis and how many input labels sit under them; per svg axis, how many
 * numeric tick labels it has (d3 writes − for minus).
 */
export const lookAtCharts = (page: Page, root: string) => page.evaluate((root) => {
  const scope = document.querySelector(root)!;
  const isNum = (t: string | null) => !!t?.trim() && Number.isFinite(Number(t.trim().replace('−', '-')));
  // A tick's own text (the step number), without the input row under it.
  const own = (t: Element) => [...t.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => n.textContent).join('');
  return {
    heatmaps: [...scope.querySelectorAll<HTMLElement>('.heatmap')].map((hm) => {
      const x = hm.querySelector('svg g.axis')!;
      return {
        id: hm.dataset.testid,
        barTicks: [...hm.querySelectorAll('[data-testid="colour-bar"] .colour-tick')].filter((t) => isNum(t.textContent)).length,
        steps: [...x.querySelectorAll('.tick text')].map((t) => Number(own(t))),
        inputs: x.querySelectorAll('.tick-input').length,
      };
    }),
    axes: [...scope.querySelectorAll('g.axis')].map((a) => [...a.querySelectorAll('.tick text')].filter((t) => isNum(own(t))).length),
  };
}, root);

/**
 * What a careful reader sees wrong in the layout, by bounding boxes: the toolbar's or the dock bar's items not on one
 * row (their vertical centres more than 8 px apart); a control or label whose text wraps onto a second line, or is
 * cut off (wider than its box, or past the window's edge where nothing scrolls to it); and two controls (buttons,
 * inputs, selects, tabs) that overlap where both can be seen. An element counts where it can be seen: its box cut
 * by every ancestor that clips (a scrolling panel) and by the window. Each entry names the element by its text.
 */
export const layoutFaults = (page: Page) => page.evaluate(() => {
  type Box = { left: number; top: number; right: number; bottom: number };
  const cut = (a: Box, b: Box): Box => ({ left: Math.max(a.left, b.left), top: Math.max(a.top, b.top), right: Math.min(a.right, b.right), bottom: Math.min(a.bottom, b.bottom) });
  const area = (b: Box) => Math.max(0, b.right - b.left) * Math.max(0, b.bottom - b.top);
  const clipping = (el: Element) => /(auto|scroll|hidden)/.test(getComputedStyle(el).overflow);
  /** The part of `el` that can be seen (empty box when none). */
  const seen = (el: Element): Box => {
    let b: Box = cut(el.getBoundingClientRect(), { left: 0, top: 0, right: innerWidth, bottom: innerHeight });
    for (let p = el.parentElement; p; p = p.parentElement) if (clipping(p)) b = cut(b, p.getBoundingClientRect());
    return b;
  };
  const shown = (el: Element) => getComputedStyle(el).visibility !== 'hidden' && area(seen(el)) > 0;
  const scrolls = (el: Element) => { for (let p = el.parentElement; p; p = p.parentElement) if (/(auto|scroll)/.test(getComputedStyle(p).overflowY) && p.scrollHeight > p.clientHeight) return true; return false; };
  const name = (el: Element) => `${el.tagName.toLowerCase()} "${(el.textContent || el.getAttribute('aria-label') || '').trim().replace(/\s+/g, ' ').slice(0, 40)}"`;
  /** Line boxes of an element's text: rectangles that overlap vertically are one line (a larger glyph included). */
  const lines = (el: Element) => {
    const range = document.createRange();
    range.selectNodeContents(el);
    const rs = [...range.getClientRects()].filter((r) => r.width > 0).sort((a, b) => a.top - b.top);
    let n = 0, bottom = -Infinity;
    for (const r of rs) {
      if (r.top >= bottom - 1) n++;
      bottom = Math.max(bottom, r.bottom);
    }
    return n;
  };
  const oneRow = (sel: string) => {
    const centres = [...document.querySelectorAll(sel)].filter(shown).map((el) => { const r = el.getBoundingClientRect(); return (r.top + r.bottom) / 2; });
    return centres.length < 2 || Math.max(...centres) - Math.min(...centres) <= 8;
  };
  const labels = [...document.querySelectorAll('button, label, th, h2, h3, .brand, .doc-name, .palette-hint, [role="tab"]')].filter(shown);
  const wrapped = labels.filter((el) => el.matches('button, th, [role="tab"], .brand') && lines(el) > 1).map(name);
  // Cut off: wider than its box (a name shortened with an ellipsis whose title holds it whole is not), or past the
  // window's edge with nothing to scroll it into view.
  const whole = (el: Element) => !!el.getAttribute('title') && el.getAttribute('title')!.includes((el.firstChild?.textContent ?? '').trim());
  const past = (el: Element) => { const r = el.getBoundingClientRect(); return (r.right > innerWidth + 0.5 || r.bottom > innerHeight + 0.5) && !scrolls(el); };
  const clipped = labels.filter((el) => (el.scrollWidth > el.clientWidth + 1 && !whole(el)) || past(el)).map(name);
  const controls = [...document.querySelectorAll('button, input:not([type="hidden"]), select, textarea, [role="tab"]')].filter(shown);
  const overlapping: string[] = [];
  for (let i = 0; i < controls.length; i++)
    for (let j = i + 1; j < controls.length; j++) {
      const a = controls[i], b = controls[j];
      if (a.contains(b) || b.contains(a)) continue;
      const o = cut(seen(a), seen(b));
      if (o.right - o.left > 1 && o.bottom - o.top > 1) overlapping.push(`${name(a)} × ${name(b)}`);
    }
  return { headerWraps: !oneRow('.toolbar > *'), dockBarWraps: !oneRow('.dock-bar [role="tab"], .dock-bar > button'), wrapped, clipped, overlapping };
});
