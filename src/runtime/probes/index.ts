/** Look inside recurrent layers: probes (tfjs) and the statistics the panels and the CLI show (plain arrays). */
export * from './cells.ts';
export * from './walk.ts';
export * from './probe.ts';
export * from './stats.ts';
export * from './summary.ts';
export * from './record.ts';
export * from './connectivity.ts';
