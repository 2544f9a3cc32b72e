/** The dock under the canvas: one tab per entry of DOCK_TABS (summary, problems, and the other areas' tabs). */
import { selectCompiled, setDockTab, useStore } from '../../store/index.ts';
import { DOCK_TABS } from './tabs.ts';

export function Dock() {
  const active = useStore((s) => s.dockTab);
  const problems = useStore((s) => selectCompiled(s).diagnostics.length);
  const current = DOCK_TABS.find((t) => t.id === active) ?? DOCK_TABS[0];
  return (
    <section className="dock" aria-label="Dock">
      <div className="dock-tabs" role="tablist" aria-label="Dock tabs">
        {DOCK_TABS.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            id={`dock-tab-${t.id}`}
            aria-selected={t.id === current.id}
            aria-controls={`dock-panel-${t.id}`}
            className="dock-tab"
            onClick={() => setDockTab(t.id)}
          >
            {t.label}
            {t.id === 'problems' && problems > 0 && <span className="count-badge">{problems}</span>}
          </button>
        ))}
      </div>
      <div className="dock-panel" role="tabpanel" id={`dock-panel-${current.id}`} aria-labelledby={`dock-tab-${current.id}`}>
        <current.Component />
      </div>
    </section>
  );
}
