/**
 * The tabs of the dock under the canvas. Each area appends its own entry here (training, inside, export);
 * the dock renders them in this order. A tab component takes no props: it reads the store.
 */
import type { ComponentType } from 'react';
import { ExportTab } from '../export/ExportTab.tsx';
import { InsideTab } from '../inside/InsideTab.tsx';
import { ProblemsTab } from './ProblemsTab.tsx';
import { SummaryTab } from './SummaryTab.tsx';
import { TrainingTab } from '../training/TrainingTab.tsx';

export interface DockTab {
  id: string;
  label: string;
  Component: ComponentType;
}

export const DOCK_TABS: DockTab[] = [
  { id: 'summary', label: 'Summary', Component: SummaryTab },
  { id: 'problems', label: 'Problems', Component: ProblemsTab },
  { id: 'inside', label: 'Inside', Component: InsideTab },
  { id: 'export', label: 'Export', Component: ExportTab },
  { id: 'training', label: 'Training', Component: TrainingTab },
];
