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
    /** jsfive's header reader (internal; pinned by package-lock): the layout message says where the data lies. */
    readonly _dataobjects: {
      readonly fh: ArrayBuffer;
      readonly filter_pipeline: unknown[] | null;
      find_msg_type(type: number): Map<string, number>[];
      /** [version, dims, layout class, offset of the layout's properties] */
      _get_data_message_properties(offset: number): [number, number, number, number];
    };
  }
  export class File extends Group {
    constructor(buffer: ArrayBuffer, filename: string);
  }
}
