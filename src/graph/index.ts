export * from './types.ts';
export * from './ops.ts';
export * from './schema.ts';
export { CURRENT_VERSION, migrate } from './migrations.ts';
export * from './chain.ts';
export * from './words.ts';
export * from './geometry.ts';
export * from './wrap.ts';
