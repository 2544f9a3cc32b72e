/**
 * Real Keras configs from public repositories (tests/fixtures/keras-real/index.json), opened as `rnn-studio summary`
 * opens them. Every one that opens shows Keras's parameter total as count.py computes it from Keras's formulas; every
 * one that does not is refused with one line, and only those the index says are refused.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DIR, tally } from '../../scripts/keras-real.ts';

const index = JSON.parse(readFileSync(join(DIR, 'index.json'), 'utf8')) as { files: Record<string, { refusedBecause?: string }> };
const t = tally();

describe('real Keras configs', () => {
  it.each(Object.entries(t.files))('%s', (name, f) => {
    expect(index.files[name], 'every fixture has its provenance in index.json').toBeDefined();
    if (index.files[name].refusedBecause) {
      expect(f.opened).toBe(false);
      expect(f.error).not.toContain('\n');
    } else {
      expect(f.error).toBeUndefined();
      expect(f.params).toBe(f.expected);
    }
  });

  it('the tally in docs/data/keras-real.json is this one (npx tsx scripts/keras-real.ts --json)', () => {
    console.log(`real Keras configs: ${t.opened} of ${t.total} open, ${t.sameTotal} with Keras's parameter total`);
    const doc = JSON.parse(readFileSync(new URL('../../docs/data/keras-real.json', import.meta.url), 'utf8'));
    expect({ total: doc.total, opened: doc.opened, sameTotal: doc.sameTotal }).toEqual({ total: t.total, opened: t.opened, sameTotal: t.sameTotal });
  });
});
