import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

/** A piece of SQL text built at run time: where, and what is put into it. */
export interface DynamicSql {
  /** Repository-relative path. */
  file: string;
  /** The expressions substituted into the SQL text, as written. */
  substitutions: string[];
}

const ROOT = new URL('../../', import.meta.url).pathname;

// Upper-case SQL words: how this codebase writes SQL (prose and messages are lower case).
const SQL_WORDS =
  /\b(SELECT|INSERT|UPDATE|DELETE|LISTEN|UNLISTEN|NOTIFY|SAVEPOINT|RELEASE|ROLLBACK|BEGIN|CREATE|ALTER|DROP|SET|FROM|WHERE|INTO|VALUES)\b/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory())
      return name === 'node_modules' || name === 'dist' ? [] : sourceFiles(path);
    return /\.ts$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/**
 * Every template literal with substitutions, or string concatenation, in the product's source
 * that reads as SQL. Constant SQL with `$n` parameters is what every statement should be; each
 * of these must put in only validated and quoted identifiers (reviewed in the test's list).
 */
export function findDynamicSql(dirs: readonly string[]): DynamicSql[] {
  const found: DynamicSql[] = [];
  for (const file of dirs.flatMap((dir) => sourceFiles(join(ROOT, dir)))) {
    const source = ts.createSourceFile(
      file,
      readFileSync(file, 'utf8'),
      ts.ScriptTarget.Latest,
      true,
    );
    const visit = (node: ts.Node) => {
      if (ts.isTemplateExpression(node)) {
        const text = [node.head.text, ...node.templateSpans.map((span) => span.literal.text)].join(
          ' ',
        );
        if (SQL_WORDS.test(text)) {
          found.push({
            file: relative(ROOT, file),
            substitutions: node.templateSpans.map((span) => span.expression.getText(source)),
          });
        }
      } else if (
        ts.isBinaryExpression(node) &&
        node.operatorToken.kind === ts.SyntaxKind.PlusToken &&
        [node.left, node.right].some(
          (side) => ts.isStringLiteralLike(side) && SQL_WORDS.test(side.text),
        )
      ) {
        found.push({ file: relative(ROOT, file), substitutions: [node.getText(source)] });
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}

/** `EXECUTE` statements (dynamic SQL) in the product's PL/pgSQL files. */
export function findDynamicPlpgsql(dir: string): string[] {
  return readdirSync(join(ROOT, dir))
    .filter((name) => name.endsWith('.sql'))
    .flatMap((name) =>
      readFileSync(join(ROOT, dir, name), 'utf8')
        .split('\n')
        .filter(
          (line) => /\bEXECUTE\b/i.test(line) && !/EXECUTE\s+(FUNCTION|PROCEDURE)\b/i.test(line),
        )
        .map((line) => `${name}: ${line.trim()}`),
    );
}
