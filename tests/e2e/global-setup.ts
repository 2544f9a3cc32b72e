/**
 * Builds the app (`vite build`) and serves it with `vite preview` on 127.0.0.1 (port 4173, or the next free one
 * when another run holds it) for the browser tests; the URL reaches the tests through `inject('baseUrl')`.
 * The build goes to a private folder, so parallel runs (or a developer's own `vite build`) never clash in dist/.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    /** The production build's folder (what `vite build` writes to dist/), for tests of its contents. */
    distDir: string;
  }
}

const HOST = '127.0.0.1';

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer()
      .once('error', () => resolve(false))
      .once('listening', () => srv.close(() => resolve(true)))
      .listen(port, HOST);
  });
}

/** Waits until `url` serves our own build (the same index.html, whose asset names are content hashes). */
async function waitForServer(url: string, child: ChildProcess, html: string, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (child.exitCode !== null) throw new Error(`vite preview exited with code ${child.exitCode}`);
    try {
      const res = await fetch(url);
      if (res.ok && (await res.text()) === html) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`vite preview did not answer at ${url} within ${ms} ms`);
}

export default async function setup(project: TestProject) {
  const outDir = mkdtempSync(join(tmpdir(), 'rnn-studio-e2e-'));
  const build = spawnSync('npx', ['vite', 'build', '--logLevel', 'error', '--outDir', outDir, '--emptyOutDir', '--bypass-lock'], { stdio: 'inherit' });
  if (build.status !== 0) throw new Error('vite build failed');
  const html = readFileSync(join(outDir, 'index.html'), 'utf8');
  // Another run may take a port between our check and vite's bind: then vite exits and we try the next one.
  let child: ChildProcess | null = null;
  let url = '';
  for (let port = 4173; !child && port < 4173 + 50; port++) {
    if (!(await portFree(port))) continue;
    const c = spawn('npx', ['vite', 'preview', '--outDir', outDir, '--host', HOST, '--port', String(port), '--strictPort'], { stdio: 'ignore', detached: true });
    url = `http://${HOST}:${port}`;
    try {
      await waitForServer(url, c, html, 30_000);
      child = c;
    } catch (e) {
      if (c.exitCode === null) throw e;
    }
  }
  if (!child) throw new Error('no free port for vite preview');
  const server = child;
  project.provide('baseUrl', url);
  project.provide('distDir', outDir);
  return () => {
    // The preview server is `npx` → node; kill the whole process group we started.
    if (server.pid) process.kill(-server.pid, 'SIGTERM');
    rmSync(outDir, { recursive: true, force: true });
  };
}
