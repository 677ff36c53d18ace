// stdout/stderr streams for a command's deps, collecting what the command writes.
import { PassThrough } from 'node:stream';

export function io() {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c) => (out += c));
  stderr.on('data', (c) => (err += c));
  return { stdout, stderr, out: () => out, err: () => err };
}
