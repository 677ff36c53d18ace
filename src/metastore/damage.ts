// One vocabulary for everything the readers find wrong, so inspect/repair can report it uniformly.

export type DamageKind =
  | 'checksum' // a record or block whose CRC does not match
  | 'corrected' // a CRC mismatch undone by a unique single-bit correction
  | 'structure' // bytes that do not parse (bad length, bad type, bad entry, bad footer…)
  | 'torn-tail' // a log that ends inside a record (writer died)
  | 'zero-fill' // a zeroed region in a log (preallocation or wiped sectors)
  | 'truncated' // a file shorter than its format or its manifest entry requires
  | 'missing' // a file the manifest lists that is absent
  | 'decode' // a record that passed its checksum but does not decode (batch, version edit)
  | 'unreadable' // a store file that is not a readable regular file (FIFO, device, directory, link loop, permission)
  | 'sequence'; // a sequence number that cannot be right (> 2^56−1, or going backwards)

export interface Damage {
  readonly file: string;
  /** byte offset in `file` where the damaged region starts */
  readonly offset: number;
  /** bytes affected (0 when unknown) */
  readonly length: number;
  readonly kind: DamageKind;
  readonly message: string;
  /** what the region held, when known (e.g. "data block, keys /sectors/1…/sectors/9") */
  readonly held?: string;
  /** unreadable only: why (permission = the environment; the rest = the store's own state) */
  readonly cause?: 'permission' | 'not-a-file' | 'symlink-loop' | 'vanished' | 'io';
}
