/**
 * The React Flow canvas, controlled by the store: it renders store state and turns every React Flow event into a
 * store action with its history intent (drag = one step at the end, select/measure/viewport = never a step).
 */
import {
  Background, BackgroundVariant, Controls, MiniMap, Panel, ReactFlow, useConnection, useNodesInitialized, useReactFlow,
  type Connection, type EdgeChange, type FinalConnectionState, type IsValidConnection, type NodeChange, type OnConnectEnd,
} from '@xyflow/react';
import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { LAYER_KINDS, NODE_SIZE, type LayerKind } from '../../graph/index.ts';
import { LAYERS } from '../../layers/index.ts';
import {
  addLayer, applyLive, beginGesture, connect, connectCheck, endDrag, moveNodes, notify, reconnectEdge, removeElements,
  requestFit, selectCompiled, selectElements, setMeasured, setViewport, useStore, withoutEdge, type StoreState,
} from '../../store/index.ts';
import { openFile } from '../files.ts';
import { CATEGORY_COLOURS } from '../theme.ts';
import { BidirectionalNode } from './BidirectionalNode.tsx';
import { ContextMenu, type MenuTarget } from './ContextMenu.tsx';
import { FIT_ZOOM, fitAll, MINIMAP_SIZE, overlaysFit, registerFlow } from './focus.ts';
import { autoLayout } from './layout.ts';
import { toFlowEdges, toFlowNodes, type FlowEdge, type FlowNode } from './flow.ts';
import { LayerNode } from './LayerNode.tsx';
import { ShapeEdge } from './ShapeEdge.tsx';

export const PALETTE_MIME = 'application/x-rnn-studio-kind';

const nodeTypes = { layer: LayerNode, bidirectional: BidirectionalNode };
const edgeTypes = { shape: ShapeEdge };
const SNAP: [number, number] = [15, 15];
const DELETE_KEYS = ['Backspace', 'Delete'];
const MULTI_KEYS = ['Meta', 'Control'];

const minimapColour = (n: FlowNode) => CATEGORY_COLOURS[LAYERS[n.data.kind].category];

const selectCanvas = (s: StoreState) => ({ doc: s.doc, selection: s.selection, edgeSelection: s.edgeSelection, measured: s.measured });

type Handle = { type: string; id?: string | null };
/** Source and target of a connection, and the ports it joins, whichever end the user started from. */
const ends = (c: { fromNode: { id: string }; toNode: { id: string } | null; fromHandle: Handle; toHandle?: Handle | null }) =>
  c.fromHandle.type === 'source'
    ? { source: c.fromNode.id, target: c.toNode?.id, handles: { sourceHandle: c.fromHandle.id, targetHandle: c.toHandle?.id } }
    : { source: c.toNode?.id, target: c.fromNode.id, handles: { sourceHandle: c.toHandle?.id, targetHandle: c.fromHandle.id } };
const handlesOf = (c: Connection) => ({ sourceHandle: c.sourceHandle, targetHandle: c.targetHandle });

/**
 * The edge whose end is being dragged to a new port, if any: while it moves, connections are checked as if it
 * were gone (module state: React Flow's validity callback and the hint both need it, and only one drag happens).
 */
let reconnecting: string | null = null;

/** While a connection is dragged over a layer, says whether it may connect and why not. */
function ConnectionHint() {
  const c = useConnection();
  const doc = useStore((s) => s.doc);
  if (!c.inProgress || !c.toNode) return null;
  const { source, target, handles } = ends(c);
  if (!source || !target) return null;
  const check = connectCheck(withoutEdge(doc, reconnecting), source, target, handles);
  return (
    <div className={`connection-hint ${check.ok ? 'ok' : 'refused'}`} role="status" data-testid="connection-hint">
      {check.ok ? 'Release to connect' : check.reason}
    </div>
  );
}

export function Canvas() {
  const { doc, selection, edgeSelection, measured } = useStore(useShallow(selectCanvas));
  const compiled = useStore(selectCompiled);
  const fitRequest = useStore((s) => s.fitRequest);
  const rf = useReactFlow<FlowNode, FlowEdge>();
  const wrapper = useRef<HTMLDivElement>(null);

  const nodes = useMemo(() => toFlowNodes({ doc, compiled, selection: new Set(selection), measured }), [doc, compiled, selection, measured]);
  const edges = useMemo(() => toFlowEdges(doc, compiled, new Set(edgeSelection)), [doc, compiled, edgeSelection]);

  useEffect(() => {
    registerFlow(rf, wrapper.current);
    return () => registerFlow(null, null);
  }, [rf]);
  useEffect(() => {
    if (fitRequest > 0) void fitAll();
  }, [fitRequest]);
  // The minimap and the controls show only where they leave room for the layers.
  const [roomy, setRoomy] = useState(true);
  useEffect(() => {
    const el = wrapper.current!;
    const ro = new ResizeObserver(() => setRoomy(overlaysFit(el.clientWidth, el.clientHeight)));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  // The canvas refits when the window or the dock changes its size, once the resizing rests (not when a status
  // message or a panel below nudges it: a view the user panned to stays).
  const dockSize = useStore((s) => s.dockSize);
  const dockFull = useStore((s) => s.dockFull);
  const refit = useRef<() => void>(null);
  useEffect(() => {
    let t: ReturnType<typeof setTimeout> | undefined;
    refit.current = () => {
      clearTimeout(t);
      t = setTimeout(requestFit, 150);
    };
    const onResize = () => refit.current?.();
    window.addEventListener('resize', onResize);
    return () => {
      clearTimeout(t);
      window.removeEventListener('resize', onResize);
    };
  }, []);
  const dockShape = useRef(`${dockSize} ${dockFull}`);
  useEffect(() => {
    if (dockShape.current === `${dockSize} ${dockFull}`) return;
    dockShape.current = `${dockSize} ${dockFull}`;
    refit.current?.();
  }, [dockSize, dockFull]);
  const layoutRequest = useStore((s) => s.layoutRequest);
  const initialized = useNodesInitialized();
  const laidOut = useRef(0);
  const [layoutDone, setLayoutDone] = useState(0);
  useEffect(() => {
    if (!initialized || layoutRequest === laidOut.current) return;
    laidOut.current = layoutRequest;
    void autoLayout({ record: false }).then(() => setLayoutDone(layoutRequest));
  }, [initialized, layoutRequest]);

  const onNodesChange = useCallback((changes: NodeChange<FlowNode>[]) => {
    const s = useStore.getState();
    const sel = new Set(s.selection);
    let selChanged = false;
    const sizes: Record<string, { width: number; height: number }> = {};
    const moves: { id: string; position: { x: number; y: number } }[] = [];
    let dragging = false;
    for (const c of changes) {
      if (c.type === 'select') {
        selChanged = true;
        if (c.selected) sel.add(c.id);
        else sel.delete(c.id);
      } else if (c.type === 'dimensions' && c.dimensions) {
        const m = s.measured[c.id];
        if (!m || m.width !== c.dimensions.width || m.height !== c.dimensions.height) sizes[c.id] = c.dimensions;
      } else if (c.type === 'position' && c.position) {
        dragging ||= !!c.dragging;
        const cur = s.doc.nodes.find((n) => n.id === c.id)?.position;
        if (!cur || cur.x !== c.position.x || cur.y !== c.position.y) moves.push({ id: c.id, position: c.position });
      }
      // 'remove' arrives through onDelete as one step; 'add'/'replace' never come from the user here.
    }
    if (selChanged) selectElements([...sel], s.edgeSelection);
    if (Object.keys(sizes).length) setMeasured(sizes);
    if (moves.length) {
      if (dragging) {
        beginGesture();
        applyLive([{ type: 'moveNodes', moves }]);
      } else if (s.gesture) applyLive([{ type: 'moveNodes', moves }]);
      else moveNodes(moves); // keyboard arrows: one step per press
    }
  }, []);

  const onEdgesChange = useCallback((changes: EdgeChange<FlowEdge>[]) => {
    const s = useStore.getState();
    const sel = new Set(s.edgeSelection);
    let changed = false;
    for (const c of changes)
      if (c.type === 'select') {
        changed = true;
        if (c.selected) sel.add(c.id);
        else sel.delete(c.id);
      }
    if (changed) selectElements(s.selection, [...sel]);
  }, []);

  // A recurrent layer dragged onto an empty Bidirectional goes inside it (same undo step as the drag).
  const onNodeDragStop = useCallback((_e: unknown, _n: FlowNode, dragged: FlowNode[]) => endDrag(dragged.map((n) => n.id)), []);
  const onSelectionDragStop = useCallback((_e: unknown, dragged: FlowNode[]) => endDrag(dragged.map((n) => n.id)), []);

  const isValidConnection: IsValidConnection<FlowEdge> = useCallback(
    (c) => connectCheck(withoutEdge(useStore.getState().doc, reconnecting), c.source, c.target, handlesOf(c as Connection)).ok,
    [],
  );
  // Drag an edge's end to another port to re-route it; drop it on empty canvas to delete it.
  const reconnected = useRef(false);
  const onReconnectStart = useCallback((_e: unknown, edge: FlowEdge) => {
    reconnecting = edge.id;
    reconnected.current = false;
  }, []);
  const onReconnect = useCallback((old: FlowEdge, c: Connection) => {
    reconnected.current = true;
    reconnectEdge(old.id, c.source, c.target, handlesOf(c));
  }, []);
  const onReconnectEnd = useCallback((_e: unknown, edge: FlowEdge, _h: unknown, state: FinalConnectionState) => {
    reconnecting = null;
    if (reconnected.current) return;
    if (!state.toNode) {
      removeElements([], [edge.id]);
      return;
    }
    const { source, target, handles } = ends(state as Parameters<typeof ends>[0]);
    const check = source && target ? connectCheck(withoutEdge(useStore.getState().doc, edge.id), source, target, handles) : null;
    if (check && !check.ok) notify(`${check.reason} The connection stays where it was.`, 'error');
  }, []);
  const onConnect = useCallback((c: Connection) => void connect(c.source, c.target, handlesOf(c)), []);
  const onConnectEnd: OnConnectEnd = useCallback((_e, state) => {
    if (!state.toNode || state.isValid) return;
    const { source, target, handles } = ends(state as Parameters<typeof ends>[0]);
    if (!source || !target) return;
    const check = connectCheck(useStore.getState().doc, source, target, handles);
    if (!check.ok) notify(check.reason, 'error');
  }, []);

  const onDelete = useCallback(({ nodes, edges }: { nodes: FlowNode[]; edges: FlowEdge[] }) => {
    removeElements(nodes.map((n) => n.id), edges.map((e) => e.id));
  }, []);

  const onDragOver = useCallback((e: DragEvent) => {
    e.preventDefault();
    e.dataTransfer.dropEffect = e.dataTransfer.types.includes('Files') ? 'copy' : 'move';
  }, []);
  const onDrop = useCallback(
    (e: DragEvent) => {
      e.preventDefault();
      const file = e.dataTransfer.files?.[0];
      if (file) {
        void openFile(file, [...e.dataTransfer.files]);
        return;
      }
      const kind = e.dataTransfer.getData(PALETTE_MIME);
      if (!(LAYER_KINDS as readonly string[]).includes(kind)) return;
      const p = rf.screenToFlowPosition({ x: e.clientX, y: e.clientY });
      // The drop point is where the pointer is: centre the new layer's header on it. Dropped on an empty
      // Bidirectional, a recurrent layer goes inside it (as a dragged one does).
      addLayer(kind as LayerKind, { x: Math.round(p.x - NODE_SIZE.width / 2), y: Math.round(p.y - 20) });
    },
    [rf],
  );

  const [menu, setMenu] = useState<MenuTarget | null>(null);
  const closeMenu = useCallback(() => setMenu(null), []);
  /** Menu position relative to the canvas wrapper (the menu is absolutely positioned inside it). */
  const local = (e: { clientX: number; clientY: number }) => {
    const r = wrapper.current!.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  };
  const onNodeContextMenu = useCallback((e: React.MouseEvent, n: FlowNode) => {
    e.preventDefault();
    setMenu({ type: 'node', id: n.id, ...local(e) });
  }, []);
  const onEdgeContextMenu = useCallback((e: React.MouseEvent, ed: FlowEdge) => {
    e.preventDefault();
    setMenu({ type: 'edge', id: ed.id, ...local(e) });
  }, []);
  const onPaneContextMenu = useCallback(
    (e: React.MouseEvent | MouseEvent) => {
      e.preventDefault();
      setMenu({ type: 'pane', ...local(e), flow: rf.screenToFlowPosition({ x: e.clientX, y: e.clientY }) });
    },
    [rf],
  );

  // Double-click on empty canvas opens the same "add a layer here" menu (the pane's own zoom-on-double-click is off).
  const onDoubleClick = useCallback(
    (e: React.MouseEvent) => {
      if ((e.target as HTMLElement).classList.contains('react-flow__pane'))
        setMenu({ type: 'pane', ...local(e), flow: rf.screenToFlowPosition({ x: e.clientX, y: e.clientY }) });
    },
    [rf],
  );

  const defaultViewport = useMemo(() => useStore.getState().doc.viewport ?? { x: 0, y: 0, zoom: 1 }, []);

  return (
    <div
      className="canvas"
      ref={wrapper}
      onDragOver={onDragOver}
      onDrop={onDrop}
      onDoubleClick={onDoubleClick}
      data-testid="canvas"
      data-layout-pending={layoutDone !== layoutRequest ? '' : undefined}
    >
      <ReactFlow<FlowNode, FlowEdge>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onNodeDragStop={onNodeDragStop}
        onSelectionDragStop={onSelectionDragStop}
        onConnect={onConnect}
        onConnectEnd={onConnectEnd}
        isValidConnection={isValidConnection}
        onDelete={onDelete}
        onReconnectStart={onReconnectStart}
        onReconnect={onReconnect}
        onReconnectEnd={onReconnectEnd}
        onNodeContextMenu={onNodeContextMenu}
        onEdgeContextMenu={onEdgeContextMenu}
        onPaneContextMenu={onPaneContextMenu}
        onMoveEnd={(_e, vp) => setViewport(vp)}
        defaultViewport={defaultViewport}
        zoomOnDoubleClick={false}
        snapToGrid
        snapGrid={SNAP}
        deleteKeyCode={DELETE_KEYS}
        multiSelectionKeyCode={MULTI_KEYS}
        selectionKeyCode="Shift"
        panActivationKeyCode="Space"
        minZoom={FIT_ZOOM.min}
        maxZoom={2}
        connectionRadius={28}
        proOptions={{ hideAttribution: true }}
        ariaLabelConfig={{ 'node.a11yDescription.default': 'Press Enter or Space to select this layer. Arrow keys move it; Delete removes it.' }}
      >
        <Background variant={BackgroundVariant.Dots} gap={15} size={1.2} color="#c9ced8" />
        {roomy && <MiniMap pannable zoomable nodeStrokeWidth={2} nodeColor={minimapColour} style={MINIMAP_SIZE} ariaLabel="Minimap" />}
        {roomy && <Controls position="bottom-left" onFitView={requestFit} />}
        <Panel position="top-center">
          <ConnectionHint />
          {doc.nodes.length === 0 && (
            <div className="empty-hint" role="note">
              An empty graph. Add an <strong>Input</strong> from the palette (drag it here, or click it), or pick one of the
              <strong> Presets</strong>. Right-click or double-click the canvas to add a layer at that spot.
            </div>
          )}
        </Panel>
      </ReactFlow>
      {menu && <ContextMenu target={menu} onClose={closeMenu} />}
    </div>
  );
}
