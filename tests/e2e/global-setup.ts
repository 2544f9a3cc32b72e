/**
 * Builds the app (`vite build`) and serves it with `vite preview` on 127.0.0.1 (port 4173, or the next free one
 * when another run holds it) for the browser tests; the URL reaches the tests through `inject('baseUrl')`.
 * The build goes to a private folder, so parallel runs (or a developer's own `vite build`) never clash in dist/.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
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

async function waitForServer(url: string, child: ChildProcess, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (child.exitCode !== null) throw new Error(`vite preview exited with code ${child.exitCode}`);
    try {
      if ((await fetch(url)).ok) return;
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
  let port = 4173;
  while (!(await portFree(port))) port++;
  const child = spawn('npx', ['vite', 'preview', '--outDir', outDir, '--host', HOST, '--port', String(port), '--strictPort'], { stdio: 'ignore', detached: true });
  const url = `http://${HOST}:${port}`;
  await waitForServer(url, child, 30_000);
  project.provide('baseUrl', url);
  return () => {
    // The preview server is `npx` → node; kill the whole process group we started.
    if (child.pid) process.kill(-child.pid, 'SIGTERM');
    rmSync(outDir, { recursive: true, force: true });
  };
}
