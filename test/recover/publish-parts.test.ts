// The one publish protocol (src/recover/publish.ts, docs/sector-layout.md#publish) over its lists of
// parts: a plain sector (sealed/ + cache/), a snapped one (update/ + update-cache/) and a snapped one
// with its key (all four). Interrupted at the same step, each must leave the same state and be
// recovered the same way; the expected states are the protocol's (what the docs promise per step).
import { spawn } from 'node:child_process';
import { access, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { publish, recoverInterruptedPublishes, type PublishStep } from '../../src/recover/publish.js';
import { PART_DIRS, publishLockPath, type PublishPart } from '../../src/recover/result-paths.js';
import { ResultDirError } from '../../src/recover/result-dir.js';
import { decodeTAux } from '../../src/sector/aux-files.js';
import { dirs } from './helpers/setup.js';
import { NAME, workParts } from './helpers/publish-parts.js';

const here = dirname(fileURLToPath(import.meta.url));
const exists = (p: string) => access(p).then(() => true, () => false);

const VARIANTS: Record<string, readonly PublishPart[]> = {
  plain: ['sealed'],
  snapped: ['update'],
  'snapped with its key': ['update', 'sealed'],
};

/** What each part shows under real names after a crash at the step, and whether the next run rolls it forward. */
const AT_STEP: Record<PublishStep, { readonly visible: 'nothing' | 'cache dir only' | 'both'; readonly rolledForward: boolean }> = {
  locked: { visible: 'nothing', rolledForward: false },
  'staged-cache': { visible: 'nothing', rolledForward: false },
  'staged-replica': { visible: 'nothing', rolledForward: false },
  'intent-written': { visible: 'nothing', rolledForward: true },
  'cache-renamed': { visible: 'cache dir only', rolledForward: true },
  'replica-renamed': { visible: 'both', rolledForward: true },
};

async function visible(result: string, part: PublishPart): Promise<string> {
  const r = await exists(join(result, PART_DIRS[part].replica, NAME));
  const c = await exists(join(result, PART_DIRS[part].cache, NAME));
  return r && c ? 'both' : c ? 'cache dir only' : r ? 'replica only' : 'nothing';
}

/** Every part in place with exactly the finalized files; t_aux naming the key's cache dir in the layout. */
async function expectPublished(result: string, parts: readonly PublishPart[]) {
  for (const part of parts) {
    expect(await readFile(join(result, PART_DIRS[part].replica, NAME), 'utf8'), part).toBe(`replica of ${part}`);
    const cache = join(result, PART_DIRS[part].cache, NAME);
    expect((await readdir(cache)).sort(), part).toEqual(['p_aux', 'sc-02-data-tree-r-last.dat', 't_aux']);
    expect(await readFile(join(cache, 'p_aux'), 'utf8')).toBe(`p_aux of ${part}`);
    expect(decodeTAux(await readFile(join(cache, 't_aux'))).treeRLast.path, `${part} t_aux`).toBe(resolve(join(result, 'cache', NAME)));
  }
  expect(await exists(join(result, '.sealer-recover')), 'staging and lock gone').toBe(false);
}

/**
 * A crash at `step` in this process: the fault never returns (no cleanup runs, as with kill -9),
 * then the lock is made to name a dead process, as a killed publisher leaves it.
 */
async function crashAt(step: PublishStep, result: string, work: string, parts: readonly PublishPart[]) {
  const entries = await workParts(work, parts);
  let reached!: () => void;
  const atStep = new Promise<void>((res) => (reached = res));
  void publish(NAME, entries, {
    resultRoot: result,
    fault: (s) => {
      if (s !== step) return;
      reached();
      return new Promise<void>(() => undefined);
    },
  });
  await atStep;
  await writeFile(publishLockPath(result, NAME), '999999999');
}

describe('one publish protocol for plain and snapped sectors', () => {
  it('interrupted at the same step, plain and snapped publishes leave the same state and recover the same way', async () => {
    for (const step of Object.keys(AT_STEP) as PublishStep[]) {
      for (const [variant, parts] of Object.entries(VARIANTS)) {
        const what = `${variant}, crashed at ${step}`;
        const d = await dirs();
        await crashAt(step, d.result, join(d.root, 'work'), parts);
        for (const part of parts) expect(await visible(d.result, part), `${what}: ${part}`).toBe(AT_STEP[step].visible);
        const rolled = await recoverInterruptedPublishes(d.result);
        expect(rolled, what).toEqual(AT_STEP[step].rolledForward ? [NAME] : []);
        expect(await exists(join(d.result, '.sealer-recover')), `${what}: staging and dead lock removed`).toBe(false);
        if (AT_STEP[step].rolledForward) await expectPublished(d.result, parts);
        else {
          for (const part of parts) expect(await visible(d.result, part), `${what}: ${part} after recovery`).toBe('nothing');
          // the rerun publishes from the working dir, which kept everything
          const again = await publish(NAME, await workParts(join(d.root, 'work'), parts), { resultRoot: d.result });
          expect(again.kind, what).toBe('published');
          await expectPublished(d.result, parts);
        }
      }
    }
  });

  it('kill -9 of a real process: a snapped publish recovers as a plain one', async () => {
    const killed = (work: string, result: string, parts: readonly PublishPart[], step: PublishStep) =>
      new Promise<{ signal: NodeJS.Signals | null; out: string }>((res) => {
        const c = spawn(process.execPath, ['--import', 'tsx', join(here, 'helpers', 'publish-parts-child.ts'), work, result, parts.join(','), step]);
        let out = '';
        c.stdout.on('data', (b) => (out += b));
        c.on('exit', (_code, signal) => res({ signal, out }));
      });
    const cases = (['staged-replica', 'cache-renamed'] as const).flatMap((step) => Object.values(VARIANTS).map((parts) => ({ step, parts })));
    const runs = await Promise.all(
      cases.map(async (c) => {
        const d = await dirs();
        return { ...c, d, r: await killed(join(d.root, 'work'), d.result, c.parts, c.step) };
      }),
    );
    for (const { step, parts, d, r } of runs) {
      const what = `${parts.join('+')} at ${step}`;
      expect(r.signal, what).toBe('SIGKILL');
      expect(r.out).not.toContain('finished');
      for (const part of parts) expect(await visible(d.result, part), `${what}: ${part}`).toBe(AT_STEP[step].visible);
      expect(await recoverInterruptedPublishes(d.result), what).toEqual(AT_STEP[step].rolledForward ? [NAME] : []);
      if (AT_STEP[step].rolledForward) await expectPublished(d.result, parts);
      else expect(await exists(join(d.result, '.sealer-recover'))).toBe(false);
    }
  }, 60_000);

  it('the pre-commit files reach the published cache only when asked for', async () => {
    const d = await dirs();
    const [key] = await workParts(join(d.root, 'work'), ['sealed']);
    await publish(NAME, [{ ...key!, keepPrecommitFiles: true }], { resultRoot: d.result });
    expect((await readdir(join(d.result, 'cache', NAME))).sort()).toEqual(['p_aux', 'sc-02-data-layer-1.dat', 'sc-02-data-tree-r-last.dat', 't_aux']);
  });
});

describe('existing files under a snapped sector’s names', () => {
  it('all parts complete: already present, nothing touched', async () => {
    const d = await dirs();
    const parts = VARIANTS['snapped with its key']!;
    await publish(NAME, await workParts(join(d.root, 'w1'), parts), { resultRoot: d.result });
    const again = await publish(NAME, await workParts(join(d.root, 'w2'), parts), { resultRoot: d.result });
    expect(again).toEqual({
      kind: 'already-present',
      paths: {
        sealed: join(d.result, 'sealed', NAME),
        cache: join(d.result, 'cache', NAME),
        update: join(d.result, 'update', NAME),
        updateCache: join(d.result, 'update-cache', NAME),
      },
    });
  });

  it('one part complete, another absent or half: refused naming every file and --overwrite; --overwrite moves them all aside, deleting nothing', async () => {
    const d = await dirs();
    await publish(NAME, await workParts(join(d.root, 'w1'), ['update']), { resultRoot: d.result });
    await mkdir(join(d.result, 'cache', NAME), { recursive: true });
    await writeFile(join(d.result, 'cache', NAME, 'p_aux'), 'old key');
    const entries = await workParts(join(d.root, 'w2'), ['update', 'sealed']);
    const refused = await publish(NAME, entries, { resultRoot: d.result }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ResultDirError);
    const msg = (refused as Error).message;
    for (const p of [join(d.result, 'update', NAME), `${join(d.result, 'update-cache', NAME)}/`, `${join(d.result, 'cache', NAME)}/`]) expect(msg).toContain(p);
    expect(msg).toMatch(new RegExp(`missing ${join(d.result, 'sealed', NAME)}`));
    expect(msg).toContain('--overwrite');
    expect(await readFile(join(d.result, 'update', NAME), 'utf8')).toBe('replica of update');

    const out = await publish(NAME, entries, { resultRoot: d.result, overwrite: { stamp: '20261204T150000Z' } });
    const b = join(d.result, 'sealer-recover-backup', '20261204T150000Z');
    expect(out).toMatchObject({ kind: 'published', backup: [join(b, 'cache', NAME), join(b, 'update-cache', NAME), join(b, 'update', NAME)] });
    expect(await readFile(join(b, 'cache', NAME, 'p_aux'), 'utf8')).toBe('old key');
    expect(await readFile(join(b, 'update', NAME), 'utf8')).toBe('replica of update');
    await expectPublished(d.result, ['update', 'sealed']);
  });
});
