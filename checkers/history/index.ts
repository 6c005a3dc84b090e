export * from './types.js';
export * from './errors.js';
export * from './parse.js';
export * from './format.js';
export { parseEdn, toEdn, ednToJs, kw, Keyword, EdnSymbol, EdnSet, EdnReader } from './edn.js';
export type { EdnValue, EdnMap } from './edn.js';
