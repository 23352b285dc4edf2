// Master formats: parse a master text into desired sections, and name its format.
export { detectFormat } from './detect.js';
export { parse } from './parse.js';
