export { SAMPLE_POSTS, type SamplePost } from './sample-posts.js';
export { seedSamplePosts } from './seed.js';
