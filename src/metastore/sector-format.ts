// Human-readable view of a decoded SectorInfo record: a summary line, then one indented line per
// field that holds something (docs/metastore-recovery.md#sectorinfo). `--json` gives every field.
import type { MetastoreDealInfo, MetastorePiece, MetastoreRemoteLocation, MetastoreSector } from './sector-info.js';

const hex = (b: Uint8Array | null): string => (b ? Buffer.from(b).toString('hex') : '-');

/** attoFIL as FIL with up to 18 decimals, trailing zeros trimmed */
export function formatFil(atto: bigint): string {
  const neg = atto < 0n;
  const a = neg ? -atto : atto;
  const whole = a / 10n ** 18n;
  const frac = (a % 10n ** 18n).toString().padStart(18, '0').replace(/0+$/, '');
  return `${neg ? '-' : ''}${whole}${frac ? `.${frac}` : ''} FIL`;
}

function deal(d: MetastoreDealInfo): string {
  const parts: string[] = [d.kind];
  if (d.publishCid) parts.push(`deal ${d.dealId} published in ${d.publishCid}`);
  if (d.schedule) parts.push(`epochs ${d.schedule.startEpoch}–${d.schedule.endEpoch}`);
  if (d.proposal) {
    const p = d.proposal;
    parts.push(`proposal: client ${p.client} provider ${p.provider}${p.verifiedDeal ? ' verified' : ''} label ${JSON.stringify(p.label)} price ${formatFil(p.storagePricePerEpoch)}/epoch collateral ${formatFil(p.providerCollateral)}+${formatFil(p.clientCollateral)}`);
  }
  if (d.activationManifest) {
    const m = d.activationManifest;
    const va = m.verifiedAllocation ? ` allocation ${m.verifiedAllocation.id} of client f0${m.verifiedAllocation.client}` : '';
    const notify = m.notify.length ? ` notify ${m.notify.map((n) => `${n.address}(${n.payload || 'no payload'})`).join(',')}` : '';
    parts.push(`DDO manifest ${m.cid} size ${m.size}${va}${notify}`);
  }
  if (d.keepUnsealed) parts.push('keep unsealed');
  return parts.join('; ');
}

function piece(p: MetastorePiece, i: number): string {
  return `[${i}] ${p.pieceCid ?? '-'} size ${p.size}${p.deal ? ` — ${deal(p.deal)}` : ' (filler)'}`;
}

function location(l: MetastoreRemoteLocation): string {
  return `${l.local ? 'local ' : ''}${l.url ?? '-'}${l.headers.length ? ` (headers: ${l.headers.map((h) => h.key).join(', ')})` : ''}`;
}

/** One-line summary, as the sectors table prints it. */
export function sectorSummary(s: MetastoreSector): string {
  const pieces = s.pieces.map((p) => `${p.size}${p.deal?.kind === 'ddo' ? '@ddo' : p.dealId !== null ? `@deal${p.dealId}` : ''}`).join(',');
  return [
    String(s.number).padStart(8),
    s.state.padEnd(22),
    (s.proof?.name ?? `type ${s.sectorType}`).padEnd(28),
    `ticket ${hex(s.ticket)} @${s.ticketEpoch ?? '-'}`,
    `CommD ${s.commDCid ?? '-'}`,
    `CommR ${s.commRCid ?? '-'}`,
    `pieces [${pieces}]`,
    s.fieldErrors.length ? `FIELD ERRORS: ${s.fieldErrors.join('; ')}` : '',
    s.possiblyStale ? `POSSIBLY STALE: ${s.possiblyStale}` : '',
  ]
    .filter(Boolean)
    .join('  ');
}

/** Summary line plus one line per non-empty field. */
export function formatSector(s: MetastoreSector): string {
  const out = [sectorSummary(s)];
  const add = (k: string, v: unknown) => {
    if (v === null || v === undefined || v === false || v === '' || (Array.isArray(v) && !v.length)) return;
    out.push(`           ${k.padEnd(22)} ${String(v)}`);
  };
  add('record shape', s.shape === 'legacy' ? 'legacy (lotus before snap deals)' : null);
  add('created', s.creationTime !== null && s.creationTime > 0n ? new Date(Number(s.creationTime) * 1000).toISOString() : null);
  s.pieces.forEach((p, i) => add(i ? '' : 'pieces', piece(p, i)));
  add('PreCommit1Out', s.preCommit1OutBytes ? `${s.preCommit1OutBytes} bytes` : null);
  add('proof', s.proofBytes ? `${s.proofBytes} bytes` : null);
  add('pre-commit deposit', s.preCommitDeposit !== null && s.preCommitDeposit !== 0n ? formatFil(s.preCommitDeposit) : null);
  add('pre-commit message', s.preCommitMessage);
  add('pre-commit tipset', s.preCommitTipSet?.join(','));
  add('PreCommit2 fails', s.preCommit2Fails ? s.preCommit2Fails : null);
  add('seed', s.seedValue ? `${s.seedValue} @${s.seedEpoch ?? '-'}` : null);
  add('commit message', s.commitMessage);
  add('invalid proofs', s.invalidProofs ? s.invalidProofs : null);
  add('CC update', s.ccUpdate ? 'yes (snap deal)' : null);
  s.ccPieces.forEach((p, i) => add(i ? '' : 'CC pieces', piece(p, i)));
  add('UpdateSealed (CommR)', s.updateSealedCid);
  add('UpdateUnsealed (CommD)', s.updateUnsealedCid);
  add('replica update proof', s.replicaUpdateProofBytes ? `${s.replicaUpdateProofBytes} bytes` : null);
  add('replica update msg', s.replicaUpdateMessage);
  add('fault report message', s.faultReportMsg);
  add('return state', s.returnState);
  add('terminate message', s.terminateMessage);
  add('terminated at', s.terminatedAt ? s.terminatedAt : null);
  add('remote unsealed', s.remote.unsealed ? location(s.remote.unsealed) : null);
  add('remote sealed', s.remote.sealed ? location(s.remote.sealed) : null);
  add('remote cache', s.remote.cache ? location(s.remote.cache) : null);
  add('remote commit 1', s.remote.commit1Endpoint);
  add('remote commit 2', s.remote.commit2Endpoint);
  add('remote sealing done', s.remote.sealingDoneEndpoint);
  add('remote data final', s.remote.finalized ? 'yes' : null);
  const lp = s.legacyPreCommitInfo;
  add('PreCommitInfo (legacy)', lp ? `proof ${lp.sealProof} sealed ${lp.sealedCid} epoch ${lp.sealRandEpoch} deals [${lp.dealIds.join(',')}] expires ${lp.expiration}` : null);
  add('last error', s.lastErr);
  const l = s.log;
  add('log', l.count ? `${l.count} entries${l.errors ? `, ${l.errors} with an error trace` : ''}; last: ${l.last?.kind ?? ''} ${l.last?.message ?? ''} @${l.last ? new Date(Number(l.last.timestamp) * 1000).toISOString() : ''}` : null);
  for (const [k, v] of Object.entries(s.otherFields)) add(`${k} (unknown field)`, JSON.stringify(v));
  return out.join('\n');
}
