/** Category colours, shared by node accents (CSS variables in styles.css) and the minimap (which needs literals). */
import type { Category } from '../layers/index.ts';

export const CATEGORY_COLOURS: Record<Category, string> = {
  inputs: '#64748b',
  embedding: '#0f766e',
  recurrent: '#4f46e5',
  wrappers: '#7c3aed',
  dense: '#c2410c',
  merge: '#0369a1',
  convolution: '#be123c',
  pooling: '#a16207',
  normalization: '#be185d',
  reshaping: '#4d7c0f',
};
