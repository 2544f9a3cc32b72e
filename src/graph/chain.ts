/** A linear stack of layers as a document: the shape of every preset and of most test and benchmark graphs. */
import { isWrapperKind, type GraphDoc, type GraphEdge, type GraphNode, type LayerKind, type Params, type WrapperKind } from './types.ts';

/** One layer of a chain; a wrapper step (Bidirectional, TimeDistributed) carries the layer it wraps. */
export type ChainStep = [LayerKind, Params?] | [WrapperKind, Params, [LayerKind, Params?]];

/** Joins the steps source → target with ids n1, n2, … (a wrapped layer is `n<k>_inner`), laid out top to bottom. */
export function chainDoc(steps: ChainStep[]): GraphDoc {
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  steps.forEach((s, i) => {
    const id = `n${i + 1}`;
    nodes.push({ id, position: { x: 0, y: i * 130 }, data: { kind: s[0], params: s[1] ?? {} } });
    if (isWrapperKind(s[0]) && s[2])
      nodes.push({ id: `${id}_inner`, parentId: id, position: { x: 20, y: 40 }, data: { kind: s[2][0], params: s[2][1] ?? {} } });
    if (i > 0) edges.push({ id: `e${i}`, source: `n${i}`, target: id });
  });
  return { nodes, edges };
}
