export type { EdnMap, EdnValue } from './edn.js';
export { EdnReader, EdnSet, EdnSymbol, ednToJs, Keyword, kw, parseEdn, toEdn } from './edn.js';
export * from './errors.js';
export * from './format.js';
export * from './parse.js';
export * from './types.js';
