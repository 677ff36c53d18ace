// The bounded JSON reader (docs/reliability.md#bounded-inputs) and the readers that use it: export
// files, devnet network files. Expected texts are the inputs' own digits (u64 boundaries are
// 2^53 = 9007199254740992, 2^64 − 1 = 18446744073709551615 by definition).
import { describe, expect, it, beforeAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseJsonBytes, parseJsonText, readJsonFile, readOwnJsonFile, readOwnJsonFileSync } from '../../src/platform/json-text.js';
import { LotusClient, RpcTransportError } from '../../src/chain/lotus-client.js';
import { startDevnet } from '../../src/devnet/server.js';
import { fileURLToPath } from 'node:url';
import { readRecoveryFile, parseRecoveryFile } from '../../src/records/export-file.js';
import { loadNetwork } from '../../src/devnet/network.js';
import { InputError } from '../../src/errors.js';

const CID = 'bagboea4b5abcasqanjadumno7blvgx4k5pk765cki6vurnpgs2q3trt2trkznhj3';
const exportWith = (sectorNumber: string) =>
  `{"Miner":"f01000","SectorSize":2048,"SectorInfos":[{"SectorNumber":${sectorNumber},"Ticket":"${Buffer.alloc(32, 1).toString('base64')}","SealProof":5,"SealedCID":{"/":"${CID}"}}]}`;

function errorOf(f: () => unknown): InputError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error('expected an InputError');
}
async function asyncErrorOf(p: Promise<unknown>): Promise<InputError> {
  const e = await p.then(() => undefined, (x: unknown) => x);
  expect(e).toBeInstanceOf(InputError);
  return e as InputError;
}
const oneLine = (m: string) => {
  expect(m).not.toMatch(/[\n\r\0]/);
  expect(m.length).toBeLessThan(400);
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'json-text-'));
});

describe('nesting', () => {
  it('100 000 nested arrays and objects are refused without a stack overflow', () => {
    for (const text of ['['.repeat(100_000) + ']'.repeat(100_000), '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000)]) {
      const e = errorOf(() => parseJsonText(text, { source: 'deep.json' }));
      expect(e.message).toMatch(/^deep\.json: JSON nested deeper than 64 levels/);
      oneLine(e.message);
    }
  });
  it('64 levels are read, 65 are not; brackets inside strings do not count', () => {
    expect(parseJsonText('['.repeat(64) + ']'.repeat(64), { source: 's' })).toBeDefined();
    expect(() => parseJsonText('['.repeat(65) + ']'.repeat(65), { source: 's' })).toThrow(InputError);
    expect(parseJsonText(`["${'['.repeat(1000)}"]`, { source: 's' })).toEqual(['['.repeat(1000)]);
  });
});

describe('u64 exactness', () => {
  it.each([
    ['9007199254740992', 9007199254740992n],
    ['9007199254740993', 9007199254740993n],
    ['18446744073709551615', 18446744073709551615n],
  ])('sector number %s is kept exact', (lit, want) => {
    expect(parseRecoveryFile(exportWith(lit), 'e.json').sectors[0]!.sectorNumber).toBe(want);
  });
  it('2^64 is refused quoting its exact digits', () => {
    const e = errorOf(() => parseRecoveryFile(exportWith('18446744073709551616'), 'e.json'));
    expect(e.message).toContain('"18446744073709551616"');
  });
  it.each(['9.007199254740993e15', '9007199254740993.0', '1e300'])('%s (would be rounded by JSON.parse) is refused with its exact text', (lit) => {
    const e = errorOf(() => parseRecoveryFile(exportWith(lit), 'e.json'));
    expect(e.message).toContain(`"${lit}"`);
    expect(e.message).toMatch(/^e\.json: number /);
  });
  it('small fractions still parse', () => {
    expect(parseJsonText('[1.5, -2e3, 999999999999999]', { source: 's' })).toEqual([1.5, -2000, 999999999999999]);
  });
});

describe('garbage', () => {
  it('binary bytes are reported by offset, never echoed', () => {
    const bytes = Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x00, 0xff, 0xfe, 0x01]);
    const e = errorOf(() => parseJsonBytes(bytes, { source: 'g.json' }));
    expect(e.message).toBe('g.json: not JSON text: binary byte 0x00 at byte offset 5');
  });
  it('invalid UTF-8 is named, not echoed', () => {
    const e = errorOf(() => parseJsonBytes(Buffer.from([0x5b, 0xff, 0xfe, 0x5d]), { source: 'u.json' }));
    expect(e.message).toBe('u.json: not JSON text: invalid UTF-8');
  });
  it('a syntax error shows a short escaped excerpt', () => {
    const e = errorOf(() => parseJsonText(`{"a": 1} ${'\u2603'.repeat(10_000)}`, { source: 's.json' }));
    oneLine(e.message);
    expect(e.message).toMatch(/^s\.json: not valid JSON \(.*\\u\{2603\}/);
  });
  it('a huge wrong-typed string field is shown short', () => {
    const e = errorOf(() => parseRecoveryFile(`{"Miner":"f01000","SectorSize":"${'x'.repeat(1_000_000)}","SectorInfos":[]}`, 'big-field.json'));
    oneLine(e.message);
  });
});

describe('files', () => {
  it('a 300 MB sparse export file is refused by its size, without reading it', async () => {
    const p = join(dir, 'sparse.json');
    await writeFile(p, '');
    await truncate(p, 300 << 20);
    const before = process.memoryUsage().rss;
    const e = await asyncErrorOf(readRecoveryFile(p));
    expect(e.message).toContain(`${p} is ${300 << 20} bytes, over the ${64 << 20}-byte limit`);
    oneLine(e.message);
    expect(process.memoryUsage().rss - before).toBeLessThan(64 << 20);
  });
  it('a FIFO is refused at once, not waited on', async () => {
    const p = join(dir, 'fifo.json');
    execFileSync('mkfifo', [p]);
    const e = await asyncErrorOf(readJsonFile(p, { what: 'test file', maxBytes: 1024 }));
    expect(e.message).toBe(`the test file ${p} is a FIFO (named pipe), not a regular file`);
    const n = await asyncErrorOf(loadNetwork(p));
    expect(n.message).toContain('FIFO');
    const { readSectorsFile } = await import('../../src/recover/sector-selection.js');
    expect((await asyncErrorOf(readSectorsFile(p))).message).toBe(`--sectors-file ${p}: the sectors file ${p} is a FIFO (named pipe), not a regular file`);
  });
  it('a directory is refused', async () => {
    const p = join(dir, 'd.json');
    await mkdir(p);
    const e = await asyncErrorOf(readRecoveryFile(p));
    expect(e.message).toMatch(/is a directory, not a regular file/);
  });
  it('deep nesting and garbage in a devnet network file name the file', async () => {
    const deep = join(dir, 'net-deep.json');
    await writeFile(deep, '['.repeat(100_000));
    expect((await asyncErrorOf(loadNetwork(deep))).message).toMatch(new RegExp(`^${deep}: JSON nested deeper`));
    const bin = join(dir, 'net-bin.json');
    await writeFile(bin, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect((await asyncErrorOf(loadNetwork(bin))).message).toBe(`${bin}: not JSON text: binary byte 0x1a at byte offset 6`);
  });
});

describe('checkpoint state files (start afresh, never hang)', () => {
  it('valid, deep, garbage, FIFO, directory, oversized', async () => {
    const ok = join(dir, 'state-ok.json');
    await writeFile(ok, '{"version":1,"n":18446744073709551615}');
    expect(await readOwnJsonFile(ok)).toEqual({ version: 1, n: '18446744073709551615' });
    expect(readOwnJsonFileSync(ok)).toEqual({ version: 1, n: '18446744073709551615' });
    const deep = join(dir, 'state-deep.json');
    await writeFile(deep, '['.repeat(100_000) + ']'.repeat(100_000));
    const bin = join(dir, 'state-bin.json');
    await writeFile(bin, Buffer.from([0, 1, 2, 0xff]));
    const fifo = join(dir, 'state-fifo.json');
    execFileSync('mkfifo', [fifo]);
    const big = join(dir, 'state-big.json');
    await writeFile(big, '');
    await truncate(big, 300 << 20);
    for (const p of [deep, bin, fifo, dir, big, join(dir, 'absent.json')]) {
      expect(await readOwnJsonFile(p)).toBeUndefined();
      expect(readOwnJsonFileSync(p)).toBeUndefined();
    }
  });
});

describe('Lotus answers', () => {
  it.each([
    ['100 000 nested arrays', `{"jsonrpc":"2.0","id":1,"result":${'['.repeat(100_000)}`, /non-JSON: JSON nested deeper than 64 levels/],
    ['binary garbage', '\u0000\u00ff\u0001garbage', /non-JSON: not valid JSON \(/],
    ['a rounded u64', '{"jsonrpc":"2.0","id":1,"result":{"Height":1.8446744073709552e19}}', /non-JSON: number "1\.8446744073709552e19"/],
  ])('%s → one-line transport error, nothing echoed raw', async (_name, body, want) => {
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const client = new LotusClient({ api: { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }, timeoutMs: 5000 });
      const e = await client.chainHead().then(() => undefined, (x: unknown) => x as Error);
      expect(e).toBeInstanceOf(RpcTransportError);
      expect(e!.message).toMatch(want);
      oneLine(e!.message);
    } finally {
      server.close();
    }
  });
});

describe('devnet server requests', () => {
  it('a body over 1 MiB gets 413 instead of being buffered whole', async () => {
    const net = await loadNetwork(join(fileURLToPath(new URL('../../fixtures/devnet/network.json', import.meta.url))));
    const d = await startDevnet(net, {});
    try {
      const res = await fetch(d.url, { method: 'POST', body: Buffer.alloc(4 << 20, 0x5b) }).catch((e: Error) => e);
      // either the 413 arrives or the server closed the socket mid-upload; never a parsed answer
      if (!(res instanceof Error)) expect(res.status).toBe(413);
      const ok = await fetch(d.url, { method: 'POST', body: '{"jsonrpc":"2.0","id":1,"method":"Filecoin.ChainHead","params":[]}' });
      expect(ok.status).toBe(200);
    } finally {
      await d.close();
    }
  });
});
