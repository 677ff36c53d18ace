// Where the package lives and what it ships, for the commands: src/cli and dist/cli are both two
// levels below the package root.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PACKAGE_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The bundled fixture network served by `devnet` and `--devnet`. */
export const DEFAULT_DEVNET_NETWORK = join(PACKAGE_ROOT, 'fixtures', 'devnet', 'network.json');

let cachedVersion: string | undefined;
export function packageVersion(): string {
  if (cachedVersion === undefined) {
    try {
      cachedVersion = (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      cachedVersion = 'unknown';
    }
  }
  return cachedVersion;
}
