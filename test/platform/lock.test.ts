// The generic exclusive lock with real processes: a live holder blocks (the message names it),
// a dead, rebooted, remote-and-silent or pid-reused holder is taken over, and several takers
// racing for one stale lock end with exactly one owner.
import { describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { acquireLock, LockHeldError, processStartTime, type LockOwner } from '../../src/platform/lock.js';
import { IoError } from '../../src/errors.js';

const here = dirname(fileURLToPath(import.meta.url));
const child = (path: string, holdMs: number): ChildProcess =>
  spawn(process.execPath, ['--import', 'tsx', join(here, 'helpers', 'lock-child.ts'), path, String(holdMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
const firstLine = (c: ChildProcess): Promise<{ won: boolean; message?: string }> =>
  new Promise((res, rej) => {
    let buf = '';
    c.stdout!.on('data', (d) => {
      buf += d;
      const i = buf.indexOf('\n');
      if (i >= 0) res(JSON.parse(buf.slice(0, i)));
    });
    c.once('exit', (code) => rej(new Error(`child exited (${code}) before answering`)));
  });
const exited = (c: ChildProcess) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r)));
const lockPath = async () => join(await mkdtemp(join(tmpdir(), 'lock-')), 'x.lock');

/** A record as another sealer-recover run would have written it. */
const record = (o: Partial<LockOwner>): string =>
  JSON.stringify({ tool: 'sealer-recover', hostname: hostname(), cmdline: 'node bin/sealer-recover.js recover 1', nonce: 'n0', purpose: 'the test resource', since: '2026-01-01T00:00:00.000Z', ...o });

describe('exclusive file lock', () => {
  it('a live holder in another process blocks with a message naming it; once it is killed the lock is taken over', async () => {
    const path = await lockPath();
    const holder = child(path, 60_000);
    try {
      expect(await firstLine(holder)).toEqual({ won: true });
      const err = await acquireLock(path, { purpose: 'the test resource', heartbeatMs: 0 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(LockHeldError);
      expect(err).toBeInstanceOf(IoError);
      const msg = (err as Error).message;
      expect(msg).toContain(`the test resource is locked by process ${holder.pid} on ${hostname()}`);
      expect(msg).toContain('lock-child.ts'); // its command line
      expect(msg).toMatch(/since \d{4}-\d\d-\d\dT/);
      expect(msg).toContain(`kill ${holder.pid}`);
      // the heartbeat keeps the mtime fresh
      const before = (await import('node:fs')).statSync(path).mtimeMs;
      await new Promise((r) => setTimeout(r, 350));
      expect((await import('node:fs')).statSync(path).mtimeMs).toBeGreaterThan(before);
    } finally {
      holder.kill('SIGKILL');
      await exited(holder);
    }
    const reasons: string[] = [];
    const l = await acquireLock(path, { purpose: 'the test resource', heartbeatMs: 0, onTakeover: (r) => reasons.push(r) });
    expect(reasons).toEqual([`process ${holder.pid} that took it has exited`]);
    expect(JSON.parse(await readFile(path, 'utf8')).pid).toBe(process.pid);
    await l.release();
  }, 30_000);

  it('a lock naming a live pid that is another program (pid reuse) is taken over, by start time and by command line', async () => {
    const sleeper = spawn('sleep', ['30']);
    try {
      const pid = sleeper.pid!;
      const real = processStartTime(pid)!;
      expect(real).toMatch(/^\d+$/);
      for (const rec of [record({ pid, startTime: String(Number(real) + 1) }), record({ pid })]) {
        const path = await lockPath();
        await writeFile(path, rec);
        const reasons: string[] = [];
        const l = await acquireLock(path, { purpose: 'the test resource', heartbeatMs: 0, onTakeover: (r) => reasons.push(r) });
        expect(reasons).toEqual([`pid ${pid} now belongs to another process (sleep 30)`]);
        await l.release();
      }
      // the same live pid with its own start time and command line is a live holder
      const path = await lockPath();
      await writeFile(path, record({ pid, startTime: real, cmdline: 'sleep 30' }));
      await expect(acquireLock(path, { purpose: 'the test resource', heartbeatMs: 0 })).rejects.toThrow(`locked by process ${pid}`);
    } finally {
      sleeper.kill();
    }
  });

  it('a lock from before a reboot, and a remote one whose heartbeat stopped, are taken over; a fresh remote one blocks', async () => {
    const rebooted = await lockPath();
    await writeFile(rebooted, record({ pid: 1, bootId: '00000000-0000-0000-0000-000000000000' }));
    const reasons: string[] = [];
    await (await acquireLock(rebooted, { purpose: 'r', heartbeatMs: 0, onTakeover: (r) => reasons.push(r) })).release();
    expect(reasons).toEqual(['the machine rebooted since it was taken']);

    const remote = await lockPath();
    await writeFile(remote, record({ pid: 4242, hostname: 'worker-7' }));
    await expect(acquireLock(remote, { purpose: 'r', heartbeatMs: 0 })).rejects.toThrow(/locked by process 4242 on worker-7 .*if worker-7 is down/);
    const old = new Date(Date.now() - 10 * 60_000);
    await utimes(remote, old, old);
    await (await acquireLock(remote, { purpose: 'r', heartbeatMs: 0, onTakeover: (r) => reasons.push(r) })).release();
    expect(reasons[1]).toMatch(/^its owner on worker-7 has not refreshed it for 6\d\d s$/);
  });

  it('waits for a holder that releases, and a lost lock is noticed by its heartbeat', async () => {
    const path = await lockPath();
    const a = await acquireLock(path, { purpose: 'r', heartbeatMs: 0 });
    setTimeout(() => void a.release(), 200);
    const b = await acquireLock(path, { purpose: 'r', heartbeatMs: 0, waitMs: 5000, pollMs: 50 });
    expect(await a.heartbeat()).toBe(false);
    expect(await b.heartbeat()).toBe(true);
    await b.release();
  });

  it('four processes racing to take over one stale lock: exactly one wins', async () => {
    const path = await lockPath();
    await writeFile(path, record({ pid: 999_999_999 })); // no such pid
    const kids = [0, 1, 2, 3].map(() => child(path, 4000));
    try {
      const answers = await Promise.all(kids.map(firstLine));
      expect(answers.filter((a) => a.won)).toHaveLength(1);
      for (const a of answers.filter((x) => !x.won)) expect(a.message).toMatch(/the test resource is locked by process \d+/);
      const owner = JSON.parse(await readFile(path, 'utf8')) as LockOwner;
      expect(kids.map((k) => k.pid)).toContain(owner.pid);
    } finally {
      for (const k of kids) k.kill('SIGKILL');
      await Promise.all(kids.map(exited));
    }
  }, 30_000);
});
