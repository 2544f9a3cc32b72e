/**
 * docs/keras-import.md's table of Keras layer kinds is drawn from docs/data/keras-kinds.json, which must be what
 * scripts/keras-kinds.ts derives now from the registry and the tests: a kind added, a Keras class added or a test
 * that checks a kind changes it (then: `npx tsx scripts/keras-kinds.ts > docs/data/keras-kinds.json && npm run docs:tables`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { LAYERS } from '../../src/layers/index.ts';
import { kerasKinds } from '../../scripts/keras-kinds.ts';
import { ROOT } from '../../scripts/doc-tables.ts';

it('docs/data/keras-kinds.json is what the registry and the tests give now, one row per kind', () => {
  const stored = JSON.parse(readFileSync(join(ROOT, 'docs/data/keras-kinds.json'), 'utf8'));
  const now = kerasKinds();
  expect(stored).toEqual(now);
  expect(now.kinds.map((k) => k.kind)).toEqual(Object.keys(LAYERS));
  expect(now.kinds.flatMap((k) => k.classNames)).toContain('LSTM');
});
