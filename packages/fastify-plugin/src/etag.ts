import { InvalidIfMatchError } from './errors.js';

// `"7"`, `W/"7"` (weak tags compare by version just the same) or a bare `7`.
const VERSION_TAG = /^(?:W\/)?"(\d{1,16})"$|^(\d{1,16})$/;

/**
 * The `ETag` of a post at `version`: the version as a strong entity tag.
 *
 * @example
 * entityTag(7); // '"7"'
 */
export function entityTag(version: number): string {
  return `"${version}"`;
}

/**
 * The version an `If-Match` header expects, or `undefined` when there is no header or it is `*`
 * (any version). Anything else that is not one version throws `InvalidIfMatchError` (400).
 *
 * @example
 * parseIfMatch('"7"'); // 7
 * parseIfMatch('W/"7"'); // 7
 * parseIfMatch(undefined); // undefined
 */
export function parseIfMatch(header: string | string[] | undefined): number | undefined {
  if (header === undefined) return undefined;
  if (Array.isArray(header)) throw new InvalidIfMatchError();
  const value = header.trim();
  if (value === '*') return undefined;
  const match = VERSION_TAG.exec(value);
  const version = Number(match?.[1] ?? match?.[2]);
  if (!match || !Number.isSafeInteger(version)) throw new InvalidIfMatchError();
  return version;
}
