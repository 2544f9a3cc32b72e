/** What the race on screen found, in sentences written from its numbers (sentences.ts), as each model finishes. */
import { useMemo } from 'react';
import { raceSentences, selectRace, useInside } from '../../store/inside.ts';

export function RaceStory() {
  const race = useInside(selectRace);
  const running = useInside((s) => s.runs.find((r) => r.status === 'running'));
  const sentences = useMemo(() => (race && Number.isFinite(race.result.baseline) ? raceSentences(race.result) : []), [race]);
  if (!race) return null;
  const n = race.result.models.length;
  const last = running?.health[running.health.length - 1];
  return (
    <section className="race-story" data-testid="race-story" aria-label="What this race found" aria-live="polite">
      <p className="muted" data-testid="race-status">
        Race on {race.settings.task}, T = {race.settings.seqLen}, {race.settings.units} units, {race.settings.steps} steps per model:{' '}
        {race.status === 'running' ? `${n} of 3 finished${running ? `; training the ${running.label}${last ? ` (step ${last.step})` : ''}` : ''}…` :
          race.status === 'done' ? 'all three finished.' : race.status === 'stopped' ? `stopped (${n} of 3 finished).` : 'failed.'}
      </p>
      {sentences.map((s, i) => <p key={i} data-testid="race-sentence">{s}</p>)}
    </section>
  );
}
