import { DEFAULT_LIMITS, type SectionLimits } from '../types.js';

/**
 * The limits in force: `DEFAULT_LIMITS` with the given overrides (an `undefined` override keeps
 * the default). Returns `DEFAULT_LIMITS` itself when nothing is overridden.
 *
 * @example
 * resolveLimits({ maxSections: 3 }); // { maxSections: 3, maxHeadingLength: 1000, ... }
 */
export function resolveLimits(limits?: Partial<SectionLimits>): Readonly<SectionLimits> {
  if (limits === undefined) return DEFAULT_LIMITS;
  return {
    maxSections: limits.maxSections ?? DEFAULT_LIMITS.maxSections,
    maxHeadingLength: limits.maxHeadingLength ?? DEFAULT_LIMITS.maxHeadingLength,
    maxDescriptionLength: limits.maxDescriptionLength ?? DEFAULT_LIMITS.maxDescriptionLength,
    maxStatusLength: limits.maxStatusLength ?? DEFAULT_LIMITS.maxStatusLength,
  };
}

/** Whether `value` has more than `limit` code points; the UTF-16 length decides most cases. */
export function exceedsLength(value: string, limit: number): boolean {
  const n = value.length;
  if (n <= limit) return false;
  // Each code point takes one or two UTF-16 units, so only this range needs counting.
  if (n > limit * 2) return true;
  return codePointLengthAbove(value, limit);
}

function codePointLengthAbove(value: string, limit: number): boolean {
  let count = 0;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < value.length) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    if (++count > limit) return true;
  }
  return false;
}
