// Filled by the formats work: parse(text, limits?) and detectFormat(text).
import type { DesiredSection, MasterFormat, SectionLimits } from '../types.js';

export function parse(
  _text: string | null | undefined,
  _limits?: Partial<SectionLimits>,
): DesiredSection[] {
  throw new Error('parse: not implemented yet');
}

export function detectFormat(_text: string | null | undefined): MasterFormat {
  throw new Error('detectFormat: not implemented yet');
}
