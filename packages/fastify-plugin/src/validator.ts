import type { TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { FastifySchemaCompiler } from 'fastify';

// Only canonical decimal text converts: `7.5` and `1e30` stay strings and fail validation
// instead of being truncated to posts 7 and 1 (TypeBox's Value.Convert does that).
const INTEGER_TEXT = /^-?\d+$/;
const NUMBER_TEXT = /^-?\d+(?:\.\d+)?$/;

function convert(schema: TSchema, text: string): unknown {
  switch (schema.type) {
    case 'integer':
      return INTEGER_TEXT.test(text) ? Number(text) : text;
    case 'number':
      return NUMBER_TEXT.test(text) ? Number(text) : text;
    case 'boolean':
      return text === 'true' ? true : text === 'false' ? false : text;
    default:
      return text;
  }
}

function convertProperties(schema: TSchema, value: unknown): unknown {
  const properties = schema.properties as Record<string, TSchema> | undefined;
  if (!properties || value === null || typeof value !== 'object') return value;
  const converted: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const [key, property] of Object.entries(properties)) {
    const text = converted[key];
    if (typeof text === 'string') converted[key] = convert(property, text);
  }
  return converted;
}

/**
 * Validates with TypeBox's compiled checker. Bodies are checked as sent (no coercion, unknown
 * fields rejected by the schemas); path parameters and query strings convert strictly from
 * text; headers are only checked.
 *
 * @example
 * scope.setValidatorCompiler(validatorCompiler);
 */
export const validatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const checker = TypeCompiler.Compile(schema);
  const converts = httpPart === 'params' || httpPart === 'querystring';
  return (value: unknown) => {
    const candidate = converts ? convertProperties(schema, value) : value;
    if (checker.Check(candidate)) return { value: candidate };
    const error = [...checker.Errors(candidate)].map((issue) => ({
      message: issue.message,
      instancePath: issue.path,
    }));
    // Fastify's result type wants full Ajv errors; message and path are what we report.
    return { error } as unknown as { error: Error };
  };
};
