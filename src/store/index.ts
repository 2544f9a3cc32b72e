export * from './store.ts';
export * from './history.ts';
export * from './clipboard.ts';
export * from './persistence.ts';
export * from './presets.ts';
export * from './startup.ts';
export * from './autosave.ts';
export * from './import.ts';
