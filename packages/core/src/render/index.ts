export { isInSync } from './in-sync.js';
export { type RenderableSection, render } from './render.js';
