/** "Recent": the kept versions of the user's documents (store/versions.ts), and the banner for an unreadable autosave. */
import { deleteVersion, dismissUnreadable, restoreVersion, storedVersionText, useStore, useVersions, type Version } from '../store/index.ts';
import { showViewport } from './canvas/focus.ts';
import { downloadText } from './download.ts';
import { Menu, MenuItem } from './Menu.tsx';

const when = (v: Version) => new Date(v.time).toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' });

/** Downloads a version exactly as it is stored (an unreadable autosave byte for byte). */
function download(v: Version) {
  const text = storedVersionText(v);
  if (text !== null) downloadText(text, `unreadable-autosave-${new Date(v.time).toISOString().slice(0, 19).replace(/:/g, '-')}.json`);
}

export function RecentMenu() {
  const versions = useVersions((s) => s.versions);
  const pick = (v: Version) => {
    if (v.unreadable) download(v);
    else if (restoreVersion(v)) {
      const vp = useStore.getState().doc.viewport;
      if (vp) showViewport(vp);
    }
  };
  return (
    <Menu label="Recent" title="Earlier versions of your graphs: whatever was replaced, and the autosave every few minutes">
      {(close) =>
        versions.length === 0 ? (
          <li role="none" className="menu-item menu-item-desc">No earlier versions yet: a graph that something replaces is kept here.</li>
        ) : (
          versions.map((v) => (
            <MenuItem
              key={v.id}
              name={`${v.name} · ${when(v)}`}
              desc={v.unreadable ? `Could not be read (${v.unreadable}). Click to download it as it was stored.` : `${v.why[0].toUpperCase()}${v.why.slice(1)}.`}
              onClick={() => {
                pick(v);
                close();
              }}
            />
          ))
        )
      }
    </Menu>
  );
}

/** Shown when the autosave found at start could not be read: it is kept unchanged, and here is the file. */
export function UnreadableBanner() {
  const v = useVersions((s) => s.unreadable);
  if (!v) return null;
  return (
    <div className="unreadable" role="alert" data-testid="unreadable-autosave">
      <span>Your autosaved graph could not be read ({v.unreadable}). It is kept unchanged under Recent, not overwritten.</span>
      <button type="button" className="btn" onClick={() => download(v)}>Download it</button>
      <button type="button" className="btn" onClick={() => deleteVersion(v)}>Delete it</button>
      <button type="button" className="btn ghost" onClick={dismissUnreadable}>Dismiss</button>
    </div>
  );
}
