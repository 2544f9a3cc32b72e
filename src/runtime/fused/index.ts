/** Fused recurrent layers for training: same weights and config as stock tfjs, one custom-gradient op per sequence. */
export { engineInUse, fusedLayerCount, fuseLayer, fuseModel, fuseRecurrentLayer, isFused, setTap, type FusedEngine } from './install.ts';
export { probeFused, type FusedDirectionProbe } from './probe.ts';
