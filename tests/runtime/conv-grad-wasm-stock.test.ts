/**
 * Where RNN Studio's SIMD module cannot run (wasm without SIMD), Conv1D and MaxPooling1D train on the stock wasm
 * forward kernels and src/runtime/setup.ts's convolution gradients (matrix products through TF.js's kernels): the same
 * PyTorch float64 comparison as conv-grad-wasm.test.ts, with the backend started without the module.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { initTf } from '../../src/runtime/setup.ts';
import { simdReady } from '../../src/runtime/simd/kernels.ts';
import { describeAgainstTorch } from './conv-reference.ts';

beforeAll(async () => {
  await initTf('wasm', join(dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/');
});

it('the SIMD module does not run', () => expect(simdReady()).toBe(false));
describeAgainstTorch('Conv1D and MaxPooling1D on the stock kernels and setup.ts\'s gradients against PyTorch float64');
