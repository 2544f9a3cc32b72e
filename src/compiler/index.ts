export * from './compile.ts';
export * from './summary.ts';
export * from './can-connect.ts';
export * from './loss.ts';
export * from './seq2seq.ts';
export { deriveSeed, layerNames, safeName, snakeKind } from './names.ts';
