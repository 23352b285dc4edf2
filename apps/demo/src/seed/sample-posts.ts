/**
 * The demo's blog posts: one master text per format the parser accepts, as LLM workers, old
 * workflow steps and people in psql have written them. Posts 1 and 22 are the ones the original
 * design's curl examples name.
 */
export interface SamplePost {
  postId: number;
  title: string;
  /** What this sample shows (the format, written as people would call it). */
  shows: string;
  master: string;
  /**
   * Rewrite the master into the canonical JSON (with section ids) after the sections exist, as
   * the system itself would have written it.
   */
  canonical?: boolean;
}

const json = (value: unknown) => JSON.stringify(value, null, 2);

export const SAMPLE_POSTS: readonly SamplePost[] = [
  {
    postId: 1,
    title: 'Keeping Two Sources of Truth Honest',
    shows: 'canonical JSON with section ids (what section-sync writes)',
    canonical: true,
    master: json([
      {
        heading: 'Why outlines live in two places',
        description: 'The planning field LLMs write versus the rows editors drag around.',
        status: 'complete',
      },
      {
        heading: 'What goes wrong with delete-and-reinsert',
        description: 'Lost drafts, lost ids, and the reorder that ate a section.',
        status: 'complete',
      },
      {
        heading: 'Matching sections by identity',
        description: 'Ids first, then exact headings, then normalized headings, then position.',
        status: 'in_progress',
      },
      {
        heading: 'Triggers that do not fight each other',
        description: 'A transaction-local guard and statement-level triggers.',
        status: 'draft',
      },
      {
        heading: 'Checking a whole database',
        description: 'Content comparison, not just counts, with a repair command for cron.',
        status: 'draft',
      },
    ]),
  },
  {
    postId: 2,
    title: 'Sourdough for Busy People',
    shows: 'JSON array of strings (legacy simple array)',
    master: json([
      'Why your starter is sluggish',
      'A schedule that fits a work week',
      'Mixing, folding and the poke test',
      'Shaping without tears',
      'Baking in a Dutch oven',
      'Troubleshooting dense crumb',
    ]),
  },
  {
    postId: 3,
    title: 'A Practical Guide to Indexing in PostgreSQL',
    shows: 'mixed JSON strings and objects',
    master: json([
      'What an index really is',
      { heading: 'B-tree: the default for a reason', description: 'Equality, ranges, ORDER BY.' },
      'Partial and expression indexes',
      {
        title: 'GIN for jsonb and full-text search',
        description: 'When containment queries need help.',
        status: 'in_progress',
      },
      'Reading EXPLAIN (ANALYZE, BUFFERS)',
    ]),
  },
  {
    postId: 4,
    title: 'Remote Team Rituals That Actually Work',
    shows: 'an object with a "sections" array',
    master: json({
      sections: [
        { heading: 'The async stand-up', description: 'Written updates people actually read.' },
        { heading: 'Demo Fridays', description: 'Show the work, not the slides.', status: 'done' },
        { heading: 'Office hours instead of meetings', status: 'in_progress' },
        { heading: 'Onboarding buddies', description: 'The first two weeks, planned together.' },
      ],
    }),
  },
  {
    postId: 5,
    title: 'Planning a Week in the Dolomites',
    shows: 'numbered lines "1. "',
    master: [
      '1. Getting there: trains, buses and the Brenner pass',
      '2. Choosing a base: Cortina, Val Gardena or Alta Badia',
      '3. Via ferrata for first-timers',
      '4. Rifugio nights and what to pack',
      '5. Rainy-day plans',
      '6. Budget, huts and the cable car pass',
    ].join('\n'),
  },
  {
    postId: 6,
    title: 'Five Lessons from Migrating to TypeScript',
    shows: 'numbered lines "1) "',
    master: [
      '1) Start with strict off and a plan to turn it on',
      '2) Types for the boundaries first',
      '3) any is a debt; unknown is a decision',
      '4) Let the compiler find the dead code',
      '5) 1.5 Million Lines Later: what we would do again',
    ].join('\n'),
  },
  {
    postId: 7,
    title: 'Composting on a Balcony',
    shows: 'numbered lines "(1) "',
    master: [
      '(1) Bokashi, worms or a tumbler?',
      '(2) Balancing greens and browns',
      '(3) Smells, flies and other neighbours',
      '(4) Using the compost in pots',
    ].join('\n'),
  },
  {
    postId: 8,
    title: 'The Case for Boring Technology in 2025',
    shows: 'bullet list "- " and "* "',
    master: [
      '- Innovation tokens, revisited',
      '- Postgres is probably enough',
      '* Queues you already run',
      '- When the new thing is worth it',
      '- 2024 Review: what we replaced and why',
    ].join('\n'),
  },
  {
    postId: 9,
    title: 'Café Culture Around the World',
    shows: 'bullets "• " with Unicode headings',
    master: [
      '• Vienna: Kaffeehaus und Zeitung',
      '• Lisbon: uma bica, por favor',
      '• Tokyo: kissaten (喫茶店) and the slow pour',
      '• Addis Ababa: the jebena buna ceremony ☕',
      '• Melbourne: the flat white wars',
    ].join('\n'),
  },
  {
    postId: 10,
    title: 'Writing Release Notes People Read',
    shows: 'Markdown headings',
    master: [
      '# Who release notes are for',
      '## Lead with what changed for the reader',
      '## Breaking changes get their own section',
      '## Screenshots beat adjectives',
      '### A template you can steal',
    ].join('\n'),
  },
  {
    postId: 11,
    title: 'Container Gardening for Small Spaces',
    shows: 'delimited lines (one heading per line, CRLF line ends)',
    master: [
      'Light: the one thing you cannot fake',
      'Pots, drainage and soil mixes',
      'Herbs that forgive you',
      'Tomatoes on a windowsill',
      'Watering without drowning',
    ].join('\r\n'),
  },
  {
    postId: 12,
    title: 'Prompting an LLM for Blog Outlines',
    shows: 'JSON in a Markdown code fence (raw LLM output)',
    master: [
      '```json',
      json([
        { order: 1, heading: 'Give the model the audience', status: 'complete' },
        { order: 2, heading: 'Ask for structure, not prose', status: 'in_progress' },
        { order: 3, heading: 'Constrain the format (and validate it)' },
        { order: 4, heading: 'Iterate on headings, keep the drafts' },
      ]),
      '```',
    ].join('\n'),
  },
  {
    postId: 13,
    title: 'Understanding Database Isolation Levels',
    shows: 'one JSON string literal (a list JSON-encoded twice)',
    master: JSON.stringify(
      [
        '1. Dirty reads and why nobody wants them',
        '2. Read committed, the default',
        '3. Repeatable read and snapshot isolation',
        '4. Serializable: retries are part of the deal',
      ].join('\n'),
    ),
  },
  {
    postId: 14,
    title: 'Home Espresso on a Budget',
    shows: 'JSON objects with numeric "order" given out of order (sorted by it)',
    master: json([
      { order: 3, heading: 'Dialing in: grind, dose, time', status: 'draft' },
      { order: 1, heading: 'The grinder matters more than the machine', status: 'complete' },
      { order: 4, heading: 'Milk steaming basics', status: 'draft' },
      { order: 2, heading: 'Second-hand machines worth buying', status: 'in_progress' },
    ]),
  },
  {
    postId: 22,
    title: 'Designing a Content Workflow with LLMs',
    shows: 'the recommended JSON format of the original design (objects without ids)',
    master: json([
      {
        order: 1,
        heading: 'Introduction',
        description: 'Why outlines are the backbone of an LLM-assisted workflow',
        status: 'complete',
      },
      {
        order: 2,
        heading: 'Planning stage: generating section headings',
        description: 'Prompts, constraints and the master field',
        status: 'complete',
      },
      {
        order: 3,
        heading: 'Editing stage: the green sections module',
        description: 'Accordion, drag and drop, inline edits',
        status: 'in_progress',
      },
      {
        order: 4,
        heading: 'Keeping fields in sync',
        description: 'Triggers, the sync endpoint and the consistency check',
        status: 'draft',
      },
      {
        order: 5,
        heading: 'Conclusion',
        description: 'Summary and takeaways',
        status: 'draft',
      },
    ]),
  },
];
