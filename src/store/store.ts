/**
 * The app state: one zustand store made of three slices — the graph document, its undo history, and UI state
 * (selection, measured sizes, messages). Actions are module-level functions so non-React code (the training
 * client, tests, the console) can call them. Every action states its history intent:
 *   record  — one undo step (`commit`)
 *   merge   — a gesture (drag) commits one step when it ends (`beginGesture` … `endGesture`)
 *   ignore  — selection, sizes, viewport, messages (`useStore.setState` directly)
 */
import { create } from 'zustand';
import { canConnect, compile, DEFAULT_SEED, type CompileResult, type ConnectCheck } from '../compiler/index.ts';
import { apply, defaultSize, freshId, parseDocument, roomBelow, serializeDocument, settleIntoWrappers, wrapInto, type Change, type GraphDoc, type GraphEdge, type GraphNode, type LayerKind, type ParamValue, type TrainingSettings, type Viewport, type XY } from '../graph/index.ts';
import { isRecurrentKind, LAYERS, withDefaults } from '../layers/index.ts';
import { copyNodes, pasteClip, type Clip } from './clipboard.ts';
import { emptyHistory, pushStep, redoStep, sameContent, undoStep, type History } from './history.ts';

/** The dock's default share of the workspace height. */
export const DEFAULT_DOCK_SIZE = 0.26;
export const DOCK_FULL_KEY = 'rnn-studio:dock-full';
function readDockFull(): boolean {
  try {
    return globalThis.localStorage?.getItem(DOCK_FULL_KEY) === '1';
  } catch {
    return false;
  }
}

export interface Status {
  kind: 'info' | 'error';
  text: string;
  /** Increases with every message, so the same text shown twice is still a new message. */
  seq: number;
}

export interface GraphSlice {
  doc: GraphDoc;
}
export interface HistorySlice {
  history: History;
  /** The document as it was when the current gesture (a drag) began; null outside a gesture. */
  gesture: GraphDoc | null;
}
export interface UiSlice {
  selection: string[];
  edgeSelection: string[];
  /** Node sizes measured by the canvas (React Flow needs them back on controlled nodes). Never saved. */
  measured: Record<string, { width: number; height: number }>;
  status: Status | null;
  /** Another tab saved over our autosave; autosave pauses until the user chooses. */
  conflict: boolean;
  clipboard: Clip | null;
  dockTab: string;
  /** The dock's share of the workspace height (0.15–0.85); the user drags its top edge to change it. */
  dockSize: number;
  /** The dock takes the whole window (the canvas shrinks to a strip); remembered in localStorage. */
  dockFull: boolean;
  /** Bumped to ask the canvas to fit the view (after open, preset, auto-layout). */
  fitRequest: number;
  /** Bumped to ask the canvas to auto-layout once nodes are measured (presets carry rough positions). */
  layoutRequest: number;
  /** The file text at the last Save/Open, for "unsaved changes". */
  savedText: string | null;
}
export type StoreState = GraphSlice & HistorySlice & UiSlice;

export const EMPTY_DOC: GraphDoc = { nodes: [], edges: [], training: { seed: DEFAULT_SEED } };

const initialState = (): StoreState => ({
  doc: EMPTY_DOC,
  history: emptyHistory(),
  gesture: null,
  selection: [],
  edgeSelection: [],
  measured: {},
  status: null,
  conflict: false,
  clipboard: null,
  dockTab: 'summary',
  dockSize: DEFAULT_DOCK_SIZE,
  dockFull: readDockFull(),
  fitRequest: 0,
  layoutRequest: 0,
  savedText: null,
});

export const useStore = create<StoreState>()(initialState);

/** Back to a blank store (tests). */
export const resetStore = () => useStore.setState(initialState(), true);

// ── selectors ────────────────────────────────────────────────────────────────────────────────────────
export const selectDoc = (s: StoreState) => s.doc;
export const selectCanUndo = (s: StoreState) => s.history.past.length > 0;
export const selectCanRedo = (s: StoreState) => s.history.future.length > 0;
const savedForm = new WeakMap<GraphDoc, string>();
/** The file text of a document without its viewport, cached per document object (the toolbar asks on every update). */
const contentText = (doc: GraphDoc) => {
  let t = savedForm.get(doc);
  if (t === undefined) savedForm.set(doc, (t = serializeDocument(withoutViewport(doc))));
  return t;
};
export const selectIsDirty = (s: StoreState) => s.savedText !== null && s.savedText !== contentText(s.doc);

const withoutViewport = ({ viewport: _v, ...doc }: GraphDoc): GraphDoc => doc;

let compiled: { nodes: unknown; edges: unknown; training: unknown; outputOrder: unknown; result: CompileResult } | null = null;
/** `compile(doc)`, recomputed only when nodes, edges, training settings or the output order change (not on viewport moves). */
export function compiledOf(doc: GraphDoc): CompileResult {
  if (!compiled || compiled.nodes !== doc.nodes || compiled.edges !== doc.edges || compiled.training !== doc.training || compiled.outputOrder !== doc.outputOrder)
    compiled = { nodes: doc.nodes, edges: doc.edges, training: doc.training, outputOrder: doc.outputOrder, result: compile(doc) };
  return compiled.result;
}
export const selectCompiled = (s: StoreState) => compiledOf(s.doc);

// ── history-aware core ───────────────────────────────────────────────────────────────────────────────
const get = () => useStore.getState();

/**
 * Applies changes as one undo step. Changes that leave the content as it was make no step. Inside a gesture the
 * step starts where the gesture started, so "drag into a wrapper" is one step.
 */
export function commit(changes: Change[], select?: string[]): GraphDoc {
  const s = get();
  const prev = s.doc;
  const doc = changes.reduce(apply, prev);
  if (sameContent(doc, prev)) return prev;
  useStore.setState({
    doc,
    history: pushStep(s.history, s.gesture ?? prev),
    gesture: null,
    ...(select ? { selection: select, edgeSelection: [] } : {}),
  });
  return doc;
}

/** Starts a gesture: changes until `endGesture` are shown live and become one undo step. */
export function beginGesture(): void {
  if (!get().gesture) useStore.setState({ gesture: get().doc });
}
export function applyLive(changes: Change[]): void {
  useStore.setState((s) => ({ doc: changes.reduce(apply, s.doc) }));
}
export function endGesture(): void {
  const s = get();
  if (!s.gesture) return;
  useStore.setState({ gesture: null, ...(sameContent(s.gesture, s.doc) ? {} : { history: pushStep(s.history, s.gesture) }) });
}

export function undo(): void {
  endGesture();
  const s = get();
  const r = undoStep(s.history, s.doc);
  if (r) restore(r.doc, r.history);
}
export function redo(): void {
  endGesture();
  const s = get();
  const r = redoStep(s.history, s.doc);
  if (r) restore(r.doc, r.history);
}
function restore(doc: GraphDoc, history: History) {
  const s = get();
  const ids = new Set(doc.nodes.map((n) => n.id));
  useStore.setState({
    doc: { ...doc, viewport: s.doc.viewport },
    history,
    selection: s.selection.filter((id) => ids.has(id)),
    edgeSelection: [],
  });
}

// ── messages and UI (never recorded) ─────────────────────────────────────────────────────────────────
let seq = 0;
export const notify = (text: string, kind: Status['kind'] = 'info') => useStore.setState({ status: { kind, text, seq: ++seq } });
export const clearStatus = () => useStore.setState({ status: null });
export const selectNodes = (ids: string[]) => useStore.setState({ selection: ids, edgeSelection: [] });
export const selectElements = (nodes: string[], edges: string[]) => useStore.setState({ selection: nodes, edgeSelection: edges });
export const setDockTab = (id: string) => useStore.setState({ dockTab: id });
/** Never a history step: layout, like the viewport. */
export const setDockSize = (size: number) => useStore.setState({ dockSize: Math.min(0.85, Math.max(0.15, size)) });
/** Dock over the whole window, or back; the choice is remembered for the next visit. */
export const toggleDockFull = () => {
  const dockFull = !useStore.getState().dockFull;
  useStore.setState((s) => ({ dockFull, fitRequest: s.fitRequest + 1 }));
  try {
    globalThis.localStorage?.setItem(DOCK_FULL_KEY, dockFull ? '1' : '0');
  } catch {
    // storage full or disabled: the choice lasts for this visit
  }
};
/** The dock over the whole window or not, for this visit only (the guided lesson arranges the window per step). */
export const showDockFull = (dockFull: boolean) => {
  if (useStore.getState().dockFull !== dockFull) useStore.setState((s) => ({ dockFull, fitRequest: s.fitRequest + 1 }));
};
export const requestFit = () => useStore.setState((s) => ({ fitRequest: s.fitRequest + 1 }));
export const setViewport = (viewport: Viewport) => useStore.setState((s) => ({ doc: apply(s.doc, { type: 'setViewport', viewport }) }));
export const setMeasured = (sizes: Record<string, { width: number; height: number }>) =>
  useStore.setState((s) => ({ measured: { ...s.measured, ...sizes } }));
export const setConflict = (conflict: boolean) => useStore.setState({ conflict });

// ── editing actions (recorded) ───────────────────────────────────────────────────────────────────────
/** The wrappers that `changes` put layers into (what a move into a wrapper selects). */
const wrappersFilled = (changes: Change[]) => changes.flatMap((c) => (c.type === 'setParent' && c.parentId ? [c.parentId] : []));

/**
 * Adds nodes as one step and selects `ids` (the new top-level nodes). With `into` (a selected wrapper), a single new
 * layer of a kind it holds goes inside it; otherwise each new layer whose centre lies on an empty wrapper that holds it does.
 */
function addPlaced(nodes: GraphNode[], edges: GraphEdge[], ids: string[], into?: string): void {
  const s = get();
  const add: Change = { type: 'addNodes', nodes, edges };
  const next = apply(s.doc, add);
  const wrap = into !== undefined && ids.length === 1 ? wrapInto(next, ids[0], into) : [];
  commit([add, ...(wrap.length ? wrap : settleIntoWrappers(next, ids, s.measured))], ids);
}

/** The selected node when exactly one is selected: where a palette click or a paste may put a recurrent layer. */
const selectedOne = () => (get().selection.length === 1 ? get().selection[0] : undefined);

/**
 * Adds a layer with default params at `position` and selects it; returns its id. A recurrent layer goes inside an
 * empty wrapper when `into` names one (the palette passes the selected node) or when it lands on one.
 */
export function addLayer(kind: LayerKind, position: XY, into?: string): string {
  const id = freshId(get().doc, 'n');
  addPlaced([{ id, position, data: { kind, params: withDefaults(LAYERS[kind].params, {}) } }], [], [id], into);
  return id;
}
/** Adds a layer from the palette (click or Enter): into the selected empty wrapper if it holds that kind. */
export const addFromPalette = (kind: LayerKind, position: XY): string => addLayer(kind, position, selectedOne());

export const setParam = (id: string, key: string, value: ParamValue) => commit([{ type: 'setParam', id, key, value }]);
export const renameNode = (id: string, name: string) => commit([{ type: 'rename', id, name }]);
/** Moves nodes as one step (arrow keys, auto-layout); a recurrent layer moved onto an empty wrapper goes inside it. */
export function moveNodes(moves: { id: string; position: XY }[]): void {
  const s = get();
  const move: Change = { type: 'moveNodes', moves };
  const wrap = settleIntoWrappers(apply(s.doc, move), moves.map((m) => m.id), s.measured);
  commit([move, ...wrap], wrap.length ? wrappersFilled(wrap) : undefined);
}

/** Ends a drag: dragged recurrent layers whose centre is on an empty wrapper go inside it, in the drag's undo step. */
export function endDrag(ids: string[]): void {
  const s = get();
  const wrap = settleIntoWrappers(s.doc, ids, s.measured);
  if (wrap.length) commit(wrap, wrappersFilled(wrap));
  endGesture();
}

/** Removes nodes (with their wrapped layers and connections) and edges as one step. */
export function removeElements(nodeIds: string[], edgeIds: string[] = []): void {
  const changes: Change[] = [];
  if (edgeIds.length) changes.push({ type: 'disconnect', ids: edgeIds });
  if (nodeIds.length) changes.push({ type: 'removeNodes', ids: nodeIds });
  const doc = commit(changes);
  const left = new Set(doc.nodes.map((n) => n.id));
  const edgesLeft = new Set(doc.edges.map((e) => e.id));
  useStore.setState((s) => ({ selection: s.selection.filter((id) => left.has(id)), edgeSelection: s.edgeSelection.filter((id) => edgesLeft.has(id)) }));
}
export const removeSelection = () => removeElements(get().selection, get().edgeSelection);

/** The ports a connection joins (React Flow's handle ids); absent or null: the layers' first ports. */
export type Handles = Pick<GraphEdge, 'sourceHandle' | 'targetHandle'>;
/** An edge's handle fields, kept only when they name a port. */
const handleFields = (h: Handles): Handles => ({ ...(h.sourceHandle ? { sourceHandle: h.sourceHandle } : {}), ...(h.targetHandle ? { targetHandle: h.targetHandle } : {}) });

/** Connects `source` → `target` when the compiler allows it; otherwise shows why and returns the refusal. */
export function connect(source: string, target: string, handles: Handles = {}): ConnectCheck {
  const doc = get().doc;
  const check = connectCheck(doc, source, target, handles);
  if (!check.ok) {
    notify(check.reason, 'error');
    return check;
  }
  commit([{ type: 'connect', edge: { id: freshId(doc, 'e'), source, target, ...handleFields(handles) } }]);
  return check;
}
export const connectCheck = (doc: GraphDoc, source: string, target: string, handles: Handles = {}): ConnectCheck =>
  canConnect(doc, { source, target, ...handleFields(handles) });

/** The document as it would be without one edge (what a reconnection is checked against). */
export const withoutEdge = (doc: GraphDoc, edgeId: string | null): GraphDoc =>
  edgeId ? { ...doc, edges: doc.edges.filter((e) => e.id !== edgeId) } : doc;

/** Moves an existing connection to new ends as one step, if the compiler allows the new one; else says why. */
export function reconnectEdge(edgeId: string, source: string, target: string, handles: Handles = {}): ConnectCheck {
  const doc = get().doc;
  const check = connectCheck(withoutEdge(doc, edgeId), source, target, handles);
  if (!check.ok) {
    notify(check.reason, 'error');
    return check;
  }
  commit([
    { type: 'disconnect', ids: [edgeId] },
    { type: 'connect', edge: { id: freshId(doc, 'e'), source, target, ...handleFields(handles) } },
  ]);
  return check;
}

/**
 * Inserts a new layer into a connection (source → new → target) as one step and selects it. It goes right under
 * the source; the layers below move down to make room (see `roomBelow`). The compiler then says whether the new
 * layer fits there.
 */
export function insertOnEdge(edgeId: string, kind: LayerKind): string | null {
  const { doc, measured } = get();
  const e = doc.edges.find((x) => x.id === edgeId);
  const source = doc.nodes.find((n) => n.id === e?.source);
  if (!e || !source || !doc.nodes.some((n) => n.id === e.target)) return null;
  const id = freshId(doc, 'n');
  const first = freshId(doc, 'e');
  const second = freshId(doc, 'e', new Set([first]));
  const room = roomBelow(doc, source.parentId ?? source.id, defaultSize(kind), measured);
  commit(
    [
      { type: 'disconnect', ids: [edgeId] },
      { type: 'moveNodes', moves: room.moves },
      {
        type: 'addNodes',
        nodes: [{ id, position: room.position, data: { kind, params: withDefaults(LAYERS[kind].params, {}) } }],
        edges: [{ id: first, source: e.source, target: id }, { id: second, source: id, target: e.target }],
      },
    ],
    [id],
  );
  return id;
}

/** Edges that re-route `from`'s connections to `to`, with fresh ids. */
function rewire(doc: GraphDoc, from: string, to: string): GraphEdge[] {
  const taken = new Set<string>();
  return doc.edges
    .filter((e) => e.source === from || e.target === from)
    .map((e) => {
      const id = freshId(doc, 'e', taken);
      taken.add(id);
      return { id, source: e.source === from ? to : e.source, target: e.target === from ? to : e.target };
    });
}

/** Puts a free-standing recurrent layer inside a new Bidirectional, which takes over its connections. */
export function wrapInBidirectional(id: string): string | null {
  const doc = get().doc;
  const n = doc.nodes.find((x) => x.id === id);
  if (!n || n.parentId || !isRecurrentKind(n.data.kind)) return null;
  const b = freshId(doc, 'n');
  const add: Change = { type: 'addNodes', nodes: [{ id: b, position: n.position, data: { kind: 'Bidirectional', params: withDefaults(LAYERS.Bidirectional.params, {}) } }], edges: rewire(doc, id, b) };
  commit([add, ...wrapInto(apply(doc, add), id, b)], [b]);
  return b;
}

/** Takes the layer out of its wrapper, which is removed; the layer takes over the wrapper's connections. */
export function unwrap(childId: string): void {
  const doc = get().doc;
  const child = doc.nodes.find((x) => x.id === childId);
  const wrapper = child?.parentId ? doc.nodes.find((x) => x.id === child.parentId) : undefined;
  if (!child || !wrapper) return;
  const moved = apply(doc, { type: 'setParent', id: childId, parentId: undefined, position: wrapper.position });
  commit(
    [
      { type: 'setParent', id: childId, parentId: undefined, position: wrapper.position },
      { type: 'addNodes', nodes: [], edges: rewire(moved, wrapper.id, childId) },
      { type: 'removeNodes', ids: [wrapper.id] },
    ],
    [childId],
  );
}

/** Sets the one-click fix for "needs returnSequences": the layer feeding `nodeId` returns every timestep. */
export function fixReturnSequences(nodeId: string): void {
  const doc = get().doc;
  const src = doc.edges.find((e) => e.target === nodeId)?.source;
  const srcNode = doc.nodes.find((n) => n.id === src);
  if (!srcNode) return;
  const target = LAYERS[srcNode.data.kind].wraps ? doc.nodes.find((n) => n.parentId === srcNode.id) : srcNode;
  if (target && isRecurrentKind(target.data.kind)) setParam(target.id, 'returnSequences', true);
}

export function updateTraining(patch: Partial<TrainingSettings>): void {
  const doc = get().doc;
  commit([{ type: 'replace', doc: { ...doc, training: { seed: DEFAULT_SEED, ...doc.training, ...patch } } }]);
}

// ── clipboard ────────────────────────────────────────────────────────────────────────────────────────
export function copySelection(): void {
  const s = get();
  if (s.selection.length) useStore.setState({ clipboard: copyNodes(s.doc, s.selection) });
}
export function cutSelection(): void {
  copySelection();
  removeSelection();
}
/**
 * Pastes as one step and selects the pasted nodes; the next paste lands further along. A copied recurrent layer
 * pasted while an empty Bidirectional is selected goes inside it, as one pasted onto an empty wrapper does.
 */
export function paste(): void {
  const s = get();
  if (!s.clipboard?.nodes.length) return;
  const p = pasteClip(s.doc, s.clipboard);
  addPlaced(p.nodes, p.edges, p.ids, selectedOne());
  useStore.setState({ clipboard: { nodes: p.nodes, edges: p.edges } });
}
export function duplicateSelection(): void {
  const s = get();
  if (!s.selection.length) return;
  const p = pasteClip(s.doc, copyNodes(s.doc, s.selection));
  addPlaced(p.nodes, p.edges, p.ids);
}
export const selectAll = () => useStore.setState((s) => ({ selection: s.doc.nodes.filter((n) => !n.parentId).map((n) => n.id) }));

// ── whole documents ──────────────────────────────────────────────────────────────────────────────────
let onReplace: ((old: GraphDoc, why: string) => void) | null = null;
/** Called with every document `loadDocument` replaces, before it goes (the autosave keeps it as a version). */
export const setOnReplace = (f: typeof onReplace) => void (onReplace = f);

/**
 * Replaces the document (open, preset, share link) as one undoable step and fits the view. `layout` asks for an
 * auto-layout once the canvas has measured the nodes; it joins this step. `fit: false` keeps the document's
 * own viewport (a restored autosave shows what the user last saw). `why` says what happened to the document it
 * replaces ("replaced by preset copy-lstm"), for the version kept of it.
 */
export function loadDocument(doc: GraphDoc, opts: { saved?: boolean; record?: boolean; layout?: boolean; fit?: boolean; why?: string } = {}): void {
  const s = get();
  onReplace?.(s.doc, opts.why ?? 'replaced by another graph');
  const next = doc.training ? doc : { ...doc, training: { seed: DEFAULT_SEED } };
  useStore.setState({
    doc: next,
    history: opts.record === false ? emptyHistory() : pushStep(s.history, s.doc),
    gesture: null,
    selection: [],
    edgeSelection: [],
    fitRequest: s.fitRequest + (opts.fit === false ? 0 : 1),
    layoutRequest: s.layoutRequest + (opts.layout ? 1 : 0),
    ...(opts.saved ? { savedText: contentText(next) } : {}),
  });
}
export const markSaved = () => useStore.setState((s) => ({ savedText: contentText(s.doc) }));

/**
 * Opens a graph file's text. A malformed, wrong-version or hostile file is refused with the reason and the
 * current graph (and its history) stays exactly as it was; an older version is migrated and says so.
 */
export function openDocumentText(fileName: string, text: string): boolean {
  const r = parseDocument(text);
  if (!r.ok) {
    notify(`Could not open ${fileName}: ${r.error}`, 'error');
    return false;
  }
  loadDocument(r.doc, { saved: true, why: `replaced by the file ${fileName}` });
  notify(r.migratedFrom ? `Opened ${fileName} (upgraded from file version ${r.migratedFrom}).` : `Opened ${fileName}.`);
  return true;
}
