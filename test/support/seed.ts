/**
 * The seed of a randomized test: `SECTION_SYNC_SEED` when set (to replay a failure), else fixed
 * per test so CI runs are reproducible. Printed, so every failure says how to replay it.
 */
export function testSeed(name: string, fixed: number): number {
  const fromEnv = process.env.SECTION_SYNC_SEED;
  const seed = fromEnv ? Number(fromEnv) : fixed;
  console.info(
    `[section-sync reliability] ${name}: seed ${seed} (SECTION_SYNC_SEED=${seed} replays it)`,
  );
  return seed;
}

/** A small seeded PRNG (mulberry32): the load generators' choices replay from the seed. */
export function randomSource(seed: number): Random {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (max: number) => Math.floor(next() * max);
  return {
    next,
    int,
    pick: <T>(list: readonly T[]) => list[int(list.length)]!,
    chance: (p: number) => next() < p,
    shuffle: <T>(list: readonly T[]) => {
      const out = [...list];
      for (let i = out.length - 1; i > 0; i--) {
        const j = int(i + 1);
        [out[i], out[j]] = [out[j]!, out[i]!];
      }
      return out;
    },
  };
}

export interface Random {
  /** In [0, 1). */
  next(): number;
  /** In [0, max). */
  int(max: number): number;
  pick<T>(list: readonly T[]): T;
  chance(p: number): boolean;
  shuffle<T>(list: readonly T[]): T[];
}

/** A number from the environment (soak runs raise the defaults), else `fallback`. */
export function envNumber(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}
