/**
 * The file envelope and its validation. Files, share links and local storage are untrusted: everything goes
 * through `parseDocument`, which migrates old versions and returns either a typed document or a message.
 */
import { z } from 'zod';
import { LAYER_KINDS, type GraphDoc } from './types.ts';
import { CURRENT_VERSION, migrate } from './migrations.ts';

export const FILE_TYPE = 'rnn-studio-graph';
/** The largest file text read at all (graph files, share links once decompressed, imported model JSON). */
export const MAX_BYTES = 5_000_000;
const MAX_NODES = 2000;

const finite = z.number().finite();
const id = z.string().min(1).max(64).regex(/^[A-Za-z0-9_.:-]+$/, 'ids may contain only letters, digits and _ . : -');
const paramValue = z.union([finite, z.boolean(), z.string().max(64)], {
  errorMap: () => ({ message: 'a parameter value must be a finite number, true/false, or a text of at most 64 characters' }),
});
/** Keys that would reach an object's prototype if copied into a plain object (prototype pollution). */
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const paramKey = z
  .string()
  .max(64)
  .refine((k) => !RESERVED_KEYS.has(k), (k) => ({ message: `"${k}" is a reserved name and cannot be a parameter` }));

const nodeSchema = z
  .object({
    id,
    position: z.object({ x: finite, y: finite }).strict(),
    parentId: id.optional(),
    data: z
      .object({
        kind: z.enum(LAYER_KINDS),
        name: z.string().max(100).optional(),
        params: z.record(paramKey, paramValue).refine((r) => Object.keys(r).length <= 64, 'too many params'),
      })
      .strict(),
  })
  .strict();

/** A port name (`output`, `h`, `initial_c`, …); null, as React Flow writes it, is the default port. */
const handle = id.nullable().optional();
const edgeSchema = z.object({ id, source: id, target: id, sourceHandle: handle, targetHandle: handle }).strict();

export const graphDocSchema = z
  .object({
    nodes: z.array(nodeSchema).max(MAX_NODES),
    edges: z.array(edgeSchema).max(4 * MAX_NODES),
    viewport: z.object({ x: finite, y: finite, zoom: finite.positive() }).strict().optional(),
    outputOrder: z.array(id).max(MAX_NODES).optional(),
    training: z
      .object({
        seed: z.number().int().min(0).max(2 ** 31 - 1),
        task: z.string().max(64).optional(),
        seqLen: z.number().int().min(1).max(100000).optional(),
        optimizer: z.enum(['adam', 'rmsprop', 'sgd']).optional(),
        learningRate: finite.positive().max(10).optional(),
        batchSize: z.number().int().min(1).max(4096).optional(),
        epochs: z.number().int().min(1).max(100000).optional(),
        clipNorm: finite.min(0).optional(),
      })
      .strict()
      .optional(),
    meta: z.object({ name: z.string().max(200).optional(), description: z.string().max(2000).optional() }).strict().optional(),
  })
  .strict()
  .superRefine((doc, ctx) => {
    const ids = new Set<string>();
    for (const n of doc.nodes) {
      if (ids.has(n.id)) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `two nodes have the id "${n.id}"` });
      ids.add(n.id);
    }
    for (const e of doc.edges)
      if (!ids.has(e.source) || !ids.has(e.target))
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: `connection "${e.id}" points to a node that does not exist` });
    for (const n of doc.nodes)
      if (n.parentId !== undefined && !ids.has(n.parentId))
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: `node "${n.id}" sits inside "${n.parentId}", which does not exist` });
  });

const envelopeSchema = z
  .object({
    type: z.literal(FILE_TYPE),
    schemaVersion: z.literal(CURRENT_VERSION),
    graph: graphDocSchema,
  })
  .passthrough();

export type ParseResult = { ok: true; doc: GraphDoc; migratedFrom?: number } | { ok: false; error: string };

export const tooLarge = (bytes: number) => `The file is too large (${bytes} bytes; the limit is ${MAX_BYTES}).`;

/** The first problem zod found, as ` at a.b.c: message`. */
function firstIssue(e: z.ZodError): string {
  const issue = e.issues[0];
  return `${issue.path.length ? ` at ${issue.path.join('.')}` : ''}: ${issue.message}`;
}

/**
 * The one validator of a graph document (the `graph` part of a file): the same schema and limits as a graph file.
 * Anything that becomes a document by another way (an imported Keras or TF.js model) goes through it too.
 */
export function validateGraph(raw: unknown): ParseResult {
  const r = graphDocSchema.safeParse(raw);
  return r.success ? { ok: true, doc: r.data as GraphDoc } : { ok: false, error: `The graph is invalid${firstIssue(r.error)}.` };
}

/** Parses file text (or an already-decoded value) into a validated, migrated document. Never throws. */
export function parseDocument(input: string | unknown): ParseResult {
  let raw: unknown = input;
  if (typeof input === 'string') {
    if (input.length > MAX_BYTES) return { ok: false, error: tooLarge(input.length) };
    try {
      raw = JSON.parse(input);
    } catch (e) {
      return { ok: false, error: `This is not a JSON file (${(e as Error).message}). Pick a graph saved by RNN Studio.` };
    }
  }
  const m = migrate(raw);
  if (!m.ok) return m;
  const r = envelopeSchema.safeParse(m.value);
  if (!r.success) return { ok: false, error: `This graph file is invalid${firstIssue(r.error)}. Nothing was changed.` };
  return { ok: true, doc: r.data.graph as GraphDoc, ...(m.from !== CURRENT_VERSION ? { migratedFrom: m.from } : {}) };
}

/** The saved file text for a document (current schema version). */
export function serializeDocument(doc: GraphDoc): string {
  return JSON.stringify({ type: FILE_TYPE, schemaVersion: CURRENT_VERSION, graph: doc }, null, 2) + '\n';
}
