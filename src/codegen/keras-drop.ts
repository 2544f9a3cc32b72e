/**
 * Opening a Keras model without the layers RNN Studio does not have. Pure, on the file's layer list:
 * - a removed layer with a single input is bridged: that input goes to the removed layer's consumers;
 * - otherwise its branch is cut: its consumers lose that input. A merge left with one input is bridged in turn; any
 *   other layer that loses an input (or a merge left with none) is cut too. Then the layers that fed only removed
 *   layers are dropped, back to the fork.
 * Whether what remains makes a valid graph (shapes included) is for the caller to check.
 */

/** One input of a layer's call (import-keras.ts): the layer it comes from, which of its outputs, and whether it is an initial state. */
export interface FileInbound {
  name: string;
  tensor: number;
  state: boolean;
}

export interface FileLayer {
  name: string;
  className: string;
  inbound: FileInbound[];
}

export type DropResult<L extends FileLayer> = { ok: true; layers: L[]; removed: string[] } | { ok: false; error: string };

/** Removes the layers named in `drop`; `removed` says what went, one line each. `isMerge` tells a merge's class. */
export function dropLayers<L extends FileLayer>(layers: readonly L[], drop: ReadonlySet<string>, isMerge: (className: string) => boolean): DropResult<L> {
  let ls = layers.map((l) => ({ ...l, inbound: [...l.inbound] }));
  const removed: string[] = [];
  /** The inputs of cut layers: those left feeding nothing were only on the cut branch. */
  const orphans: string[] = [];
  const consumersOf = (name: string) => ls.filter((c) => c.inbound.some((i) => i.name === name));
  const describe = (l: L) => `${l.name} (${l.className})`;

  const bridge = (l: L, why: string) => {
    const src = l.inbound[0];
    const users = consumersOf(l.name);
    for (const c of users) c.inbound = c.inbound.map((i) => (i.name === l.name ? { ...src, state: i.state } : i));
    ls = ls.filter((x) => x !== l);
    removed.push(`Removed ${describe(l)}${why}: ${src.name} now feeds ${users.length ? users.map((u) => u.name).join(', ') : 'the output'}.`);
  };
  const cut = (l: L, why: string) => {
    ls = ls.filter((x) => x !== l);
    removed.push(`Removed ${describe(l)}${why}.`);
    orphans.push(...l.inbound.map((i) => i.name));
    for (const c of consumersOf(l.name)) {
      c.inbound = c.inbound.filter((i) => i.name !== l.name);
      if (!isMerge(c.className) || c.inbound.length === 0) cut(c, `: its input ${l.name} was removed`);
      else if (c.inbound.length === 1) bridge(c, ', left with one input');
    }
  };

  for (const name of drop) {
    const l = ls.find((x) => x.name === name);
    if (!l) continue; // already gone with a cut branch
    // Bridged only when every consumer takes its main output (an RNN's h or c has nothing to come from).
    const bridgeable = l.inbound.length === 1 && consumersOf(name).every((c) => c.inbound.every((i) => i.name !== name || i.tensor === 0));
    if (bridgeable) bridge(l, '');
    else cut(l, '');
  }
  for (let name = orphans.shift(); name !== undefined; name = orphans.shift()) {
    const dangling = ls.find((x) => x.name === name);
    if (!dangling || consumersOf(name).length > 0) continue;
    ls = ls.filter((x) => x !== dangling);
    orphans.push(...dangling.inbound.map((i) => i.name));
    removed.push(`Removed ${describe(dangling)}: it fed only removed layers.`);
  }
  if (!ls.some((l) => l.inbound.length > 0)) return { ok: false, error: `nothing of the model is left without ${[...drop].join(', ')}` };
  return { ok: true, layers: ls, removed };
}
