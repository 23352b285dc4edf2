// Master formats: parse a master text into desired sections, and name its format.
export { detectFormat } from './detect.js';
export { quoteBigIntegers } from './json-numbers.js';
export { parse } from './parse.js';
