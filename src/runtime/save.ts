/** Trained weights in the TF.js format (`model.json` + `weights.bin`) without tfjs-node: a save handler that hands back the artifacts as plain data. */
import * as tf from '@tensorflow/tfjs';

export interface ModelFiles {
  modelJson: string;
  weights: Uint8Array;
}

export async function modelFiles(model: tf.LayersModel, weightsName = 'weights.bin'): Promise<ModelFiles> {
  let files: ModelFiles | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      const data = a.weightData ? tf.io.CompositeArrayBuffer.join(a.weightData) : new ArrayBuffer(0);
      const json = {
        modelTopology: a.modelTopology,
        format: a.format,
        generatedBy: a.generatedBy,
        convertedBy: a.convertedBy,
        weightsManifest: [{ paths: [`./${weightsName}`], weights: a.weightSpecs ?? [] }],
      };
      files = { modelJson: JSON.stringify(json), weights: new Uint8Array(data) };
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: data.byteLength } };
    }),
  );
  return files!;
}
