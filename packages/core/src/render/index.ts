export { type RenderableSection, render } from './render.js';
