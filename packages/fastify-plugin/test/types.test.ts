import type { Db, SectionStore } from '@section-sync/postgres';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { describe, expectTypeOf, it } from 'vitest';
import sectionSync, { type SectionSyncOptions, type SectionSyncService } from '../src/index.js';

// Checked by `tsc -p packages/fastify-plugin/tsconfig.json` (the typecheck task).
describe('public types', () => {
  it('decorates FastifyInstance with the typed service', () => {
    expectTypeOf<FastifyInstance['sectionSync']>().toEqualTypeOf<SectionSyncService>();
    expectTypeOf<SectionSyncService['store']>().toEqualTypeOf<SectionStore>();
    expectTypeOf<SectionSyncService['db']>().toEqualTypeOf<Db | undefined>();
  });

  it('takes its options when registered', () => {
    expectTypeOf(sectionSync).toMatchTypeOf<FastifyPluginAsync<SectionSyncOptions>>();
    expectTypeOf<SectionSyncOptions['prefix']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<SectionSyncOptions['decorate']>().toEqualTypeOf<string | false | undefined>();
    // @ts-expect-error prefix is a string
    const wrong: SectionSyncOptions = { prefix: 1 };
    // @ts-expect-error decorate is a name or false
    const notAName: SectionSyncOptions = { decorate: true };
    void wrong;
    void notAName;
  });
});
