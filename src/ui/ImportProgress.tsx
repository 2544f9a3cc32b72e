/** The status line while a Keras file is imported: what is being read, a progress bar and Cancel. */
import { cancelImport, type ImportJob } from '../store/index.ts';

export function ImportProgress({ job }: { job: ImportJob }) {
  const percent = Math.round(job.fraction * 100);
  return (
    <div className="status-line import-progress" role="status" aria-live="polite" data-testid="import-progress">
      <span>
        Importing {job.name}: {job.what}…
      </span>
      <progress max={100} value={percent} aria-label={`Import of ${job.name}`}>
        {percent}%
      </progress>
      <button type="button" className="btn small" onClick={cancelImport}>
        Cancel
      </button>
    </div>
  );
}
