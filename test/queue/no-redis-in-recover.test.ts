// The single-machine path never needs Redis: nothing `recover` loads statically reaches bullmq,
// ioredis or src/queue/ runtime code (the queue commands import them lazily). Walks the static
// import graph from the CLI entry; `import type` is erased and does not count.
import { describe, expect, it } from 'vitest';
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function staticImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/^\s*(import|export)\s+(?!type\b)[^'"]*?from\s+['"]([^'"]+)['"]/gm)) out.push(m[2]!);
  for (const m of text.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm)) out.push(m[1]!);
  return out;
}

function graph(entry: string): Set<string> {
  const seen = new Set<string>();
  const todo = [entry];
  while (todo.length) {
    const f = todo.pop()!;
    if (seen.has(f)) continue;
    seen.add(f);
    for (const spec of staticImports(f)) {
      if (!spec.startsWith('.')) {
        seen.add(`pkg:${spec}`);
        continue;
      }
      const ts = resolve(dirname(f), spec.replace(/\.js$/, '.ts'));
      if (existsSync(ts)) todo.push(ts);
    }
  }
  return seen;
}

describe('recover without Redis', () => {
  it('the CLI entry (every command registered) loads no bullmq, ioredis or queue runtime module', () => {
    const g = [...graph(join(root, 'src', 'cli', 'main.ts'))];
    expect(g.filter((f) => f === 'pkg:bullmq' || f === 'pkg:ioredis' || (f.includes('/src/queue/') && !f.endsWith('/queue/url.ts')))).toEqual([]);
    // the walk did reach the recover pipeline and the queue commands
    expect(g.some((f) => f.endsWith('src/recover/recover.ts'))).toBe(true);
    expect(g.some((f) => f.endsWith('src/cli/commands/worker.ts'))).toBe(true);
  });

  it('the queue modules do use bullmq (the walk would see it)', () => {
    expect([...graph(join(root, 'src', 'queue', 'worker.ts'))]).toContain('pkg:bullmq');
  });
});
