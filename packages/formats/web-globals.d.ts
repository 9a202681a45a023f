/**
 * The web-standard globals formats uses: in every JavaScript runtime, but not
 * in lib ES2023. Declared here for the pure check (tsconfig.pure.json,
 * no Node types), so formats needs nothing from Node; the root program takes
 * them from @types/node.
 */
interface TextDecodeOptions {
  stream?: boolean;
}
interface TextDecoderOptions {
  fatal?: boolean;
  ignoreBOM?: boolean;
}
interface TextDecoder {
  readonly encoding: string;
  readonly fatal: boolean;
  readonly ignoreBOM: boolean;
  decode(input?: ArrayBufferView | ArrayBuffer, options?: TextDecodeOptions): string;
}
// eslint-disable-next-line no-var -- a global constructor, declared as lib.dom declares it
declare var TextDecoder: {
  prototype: TextDecoder;
  new (label?: string, options?: TextDecoderOptions): TextDecoder;
};
/** A deep copy (the HTML structured clone algorithm). */
declare function structuredClone<T>(value: T): T;
