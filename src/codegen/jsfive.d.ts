/** The part of jsfive (pure-JS HDF5 reader, no bundled types) that import-keras-file.ts uses. */
declare module 'jsfive' {
  export class Group {
    readonly keys: string[];
    readonly attrs: Record<string, unknown>;
    get(path: string): Group;
  }
  export class Dataset {
    readonly attrs: Record<string, unknown>;
    readonly dtype: string;
    readonly shape: number[];
    readonly value: ArrayLike<number>;
  }
  export class File extends Group {
    constructor(buffer: ArrayBuffer, filename: string);
  }
}
