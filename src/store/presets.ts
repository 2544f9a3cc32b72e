/** The preset graphs in `presets/`, read as text at build time and validated like any file. */
import { parseDocument, type GraphDoc } from '../graph/index.ts';

export interface Preset {
  name: string;
  description: string;
  doc: GraphDoc;
}

export const DEFAULT_PRESET = 'lesson-lstm';

const baseName = (path: string) => path.slice(path.lastIndexOf('/') + 1).replace(/\.json$/, '');

const presetFiles = import.meta.glob<string>('/presets/*.json', { eager: true, query: '?raw', import: 'default' });

/** Every preset, by name. A preset that fails validation is a build bug: it throws at start-up and in the tests. */
export const PRESETS: Preset[] = Object.entries(presetFiles)
  .map(([path, text]) => {
    const r = parseDocument(text);
    if (!r.ok) throw new Error(`preset ${path} is invalid: ${r.error}`);
    return { name: baseName(path), description: r.doc.meta?.description ?? '', doc: r.doc };
  })
  .sort((a, b) => a.name.localeCompare(b.name));

export const presetByName = (name: string): Preset | undefined => PRESETS.find((p) => p.name === name);
