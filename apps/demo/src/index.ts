/**
 * @section-sync/demo: the standalone server (`build`) with its web page, seeded sample posts and
 * live updates. The `section-sync` ops CLI is its own package, `@section-sync/cli`.
 */
export { API_PREFIX, type BuildOptions, build, WEB_ROOT } from './app.js';
export { type DemoDatabase, type OpenDatabaseOptions, openDatabase } from './database.js';
export { SAMPLE_POSTS, type SamplePost, seedSamplePosts } from './seed/index.js';
