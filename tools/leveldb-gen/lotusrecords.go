package main

// `leveldb-gen sectorinfo -dir D -truth T.json`: a small store of SectorInfo records encoded by
// cbor-gen marshallers (lotustypes/, the generator lotus uses), one per shape a lotus-miner store
// holds — CC, builtin-market deal, snapped (CCUpdate) with a DDO piece, pre-committed only, not yet
// pre-committed, remote data, and a legacy (pre-snap) record — plus the expected decoded values,
// written from the Go values (not from any decoder of ours).

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"strconv"

	"github.com/filecoin-project/go-address"
	"github.com/filecoin-project/go-state-types/abi"
	"github.com/filecoin-project/go-state-types/big"
	market "github.com/filecoin-project/go-state-types/builtin/v16/market"
	miner "github.com/filecoin-project/go-state-types/builtin/v16/miner"
	miner8 "github.com/filecoin-project/go-state-types/builtin/v8/miner"
	"github.com/ipfs/go-cid"
	mh "github.com/multiformats/go-multihash"
	"github.com/syndtr/goleveldb/leveldb"
	"github.com/syndtr/goleveldb/leveldb/opt"

	lt "sealer-recover/tools/leveldb-gen/lotustypes"
)

type J = map[string]interface{}

func digest(tag string) []byte {
	h := sha256.Sum256([]byte(tag))
	return h[:]
}

// Filecoin commitment CIDs: codec fil-commitment-unsealed 0xf101 / sealed 0xf102 with multihash
// sha2-256-trunc254-padded 0x1012 / poseidon-bls12_381-a2-fc1 0xb401; the digest is a field element
// (top two bits of the last byte clear).
func commCid(tag string, sealed bool) cid.Cid {
	d := digest(tag)
	d[31] &= 0x3f
	codec, code := uint64(0xf101), uint64(0x1012)
	if sealed {
		codec, code = 0xf102, 0xb401
	}
	m, err := mh.Encode(d, code)
	if err != nil {
		die("%v", err)
	}
	return cid.NewCidV1(codec, m)
}

// a message or block CID: dag-cbor over blake2b-256
func msgCid(tag string) cid.Cid {
	m, err := mh.Encode(digest(tag), 0xb220)
	if err != nil {
		die("%v", err)
	}
	return cid.NewCidV1(0x71, m)
}

func pc(c cid.Cid) *cid.Cid { return &c }
func cs(c *cid.Cid) interface{} {
	if c == nil {
		return nil
	}
	return c.String()
}
func hx(b []byte) interface{} {
	if len(b) == 0 {
		return nil
	}
	return hex.EncodeToString(b)
}
func i64(n int64) string  { return strconv.FormatInt(n, 10) }
func u64(n uint64) string { return strconv.FormatUint(n, 10) }

func idAddr(n uint64) address.Address {
	a, err := address.NewIDAddress(n)
	if err != nil {
		die("%v", err)
	}
	return a
}

func tipsetKey(cids ...cid.Cid) ([]byte, []string) {
	var b bytes.Buffer
	var s []string
	for _, c := range cids {
		b.Write(c.Bytes())
		s = append(s, c.String())
	}
	return b.Bytes(), s
}

func pieceJSON(p lt.SectorPiece) J {
	out := J{"size": u64(uint64(p.Piece.Size)), "pieceCid": p.Piece.PieceCID.String(), "deal": nil}
	d := p.DealInfo
	if d == nil {
		out["dealId"] = nil
		return out
	}
	out["dealId"] = u64(uint64(d.DealID))
	deal := J{
		"publishCid":         cs(d.PublishCid),
		"dealId":             u64(uint64(d.DealID)),
		"schedule":           J{"startEpoch": i64(int64(d.DealSchedule.StartEpoch)), "endEpoch": i64(int64(d.DealSchedule.EndEpoch))},
		"keepUnsealed":       d.KeepUnsealed,
		"proposal":           nil,
		"activationManifest": nil,
	}
	if d.PublishCid != nil {
		deal["kind"] = "builtin-market"
	} else if d.PieceActivationManifest != nil {
		deal["kind"] = "ddo"
	}
	if p := d.DealProposal; p != nil {
		label, _ := p.Label.ToString()
		deal["proposal"] = J{
			"pieceCid": p.PieceCID.String(), "pieceSize": u64(uint64(p.PieceSize)), "verifiedDeal": p.VerifiedDeal,
			"client": p.Client.String(), "provider": p.Provider.String(), "label": label,
			"startEpoch": i64(int64(p.StartEpoch)), "endEpoch": i64(int64(p.EndEpoch)),
			"storagePricePerEpoch": p.StoragePricePerEpoch.String(), "providerCollateral": p.ProviderCollateral.String(), "clientCollateral": p.ClientCollateral.String(),
		}
	}
	if m := d.PieceActivationManifest; m != nil {
		var va interface{}
		if m.VerifiedAllocationKey != nil {
			va = J{"client": u64(uint64(m.VerifiedAllocationKey.Client)), "id": u64(uint64(m.VerifiedAllocationKey.ID))}
		}
		notify := []J{}
		for _, n := range m.Notify {
			notify = append(notify, J{"address": n.Address.String(), "payload": hex.EncodeToString(n.Payload)})
		}
		deal["activationManifest"] = J{"cid": m.CID.String(), "size": u64(uint64(m.Size)), "verifiedAllocation": va, "notify": notify}
	}
	out["deal"] = deal
	return out
}

func locJSON(l *lt.SectorLocation) interface{} {
	if l == nil {
		return nil
	}
	hs := []J{}
	for _, h := range l.Headers {
		hs = append(hs, J{"key": h.Key, "value": h.Value})
	}
	return J{"local": l.Local, "url": l.URL, "headers": hs}
}

func str(s string) interface{} {
	if s == "" {
		return nil
	}
	return s
}

func sectorJSON(s *lt.SectorInfo, ts []string) J {
	var pieces, cc []J
	for _, p := range s.Pieces {
		pieces = append(pieces, pieceJSON(p))
	}
	for _, p := range s.CCPieces {
		cc = append(cc, pieceJSON(p))
	}
	if pieces == nil {
		pieces = []J{}
	}
	if cc == nil {
		cc = []J{}
	}
	logJ := J{"count": len(s.Log), "errors": 0, "first": nil, "last": nil}
	errs := 0
	for _, l := range s.Log {
		if l.Trace != "" {
			errs++
		}
	}
	logJ["errors"] = errs
	if n := len(s.Log); n > 0 {
		e := func(l lt.Log) J {
			return J{"timestamp": u64(l.Timestamp), "kind": l.Kind, "message": l.Message}
		}
		logJ["first"] = e(s.Log[0])
		logJ["last"] = e(s.Log[n-1])
	}
	// cbor-gen writes a nil big.Int as zero (go-state-types big.Int MarshalCBOR)
	deposit := "0"
	if !s.PreCommitDeposit.Nil() {
		deposit = s.PreCommitDeposit.String()
	}
	return J{
		"shape": "current", "number": u64(uint64(s.SectorNumber)), "state": s.State, "sectorType": int64(s.SectorType),
		"creationTime": i64(s.CreationTime), "pieces": pieces,
		"ticket": hx(s.TicketValue), "ticketEpoch": i64(int64(s.TicketEpoch)), "preCommit1OutBytes": len(s.PreCommit1Out),
		"commDCid": cs(s.CommD), "commRCid": cs(s.CommR), "proofBytes": len(s.Proof),
		"preCommitDeposit": deposit, "preCommitMessage": cs(s.PreCommitMessage), "preCommitTipSet": ts,
		"preCommit2Fails": u64(s.PreCommit2Fails), "seedValue": hx(s.SeedValue), "seedEpoch": i64(int64(s.SeedEpoch)),
		"commitMessage": cs(s.CommitMessage), "invalidProofs": u64(s.InvalidProofs),
		"ccUpdate": s.CCUpdate, "ccPieces": cc, "updateSealedCid": cs(s.UpdateSealed), "updateUnsealedCid": cs(s.UpdateUnsealed),
		"replicaUpdateProofBytes": len(s.ReplicaUpdateProof), "replicaUpdateMessage": cs(s.ReplicaUpdateMessage),
		"faultReportMsg": cs(s.FaultReportMsg), "returnState": str(s.Return),
		"terminateMessage": cs(s.TerminateMessage), "terminatedAt": i64(int64(s.TerminatedAt)),
		"remote": J{
			"unsealed": locJSON(s.RemoteDataUnsealed), "sealed": locJSON(s.RemoteDataSealed), "cache": locJSON(s.RemoteDataCache),
			"commit1Endpoint": str(s.RemoteCommit1Endpoint), "commit2Endpoint": str(s.RemoteCommit2Endpoint),
			"sealingDoneEndpoint": str(s.RemoteSealingDoneEndpoint), "finalized": s.RemoteDataFinalized,
		},
		"lastErr": str(s.LastErr), "log": logJ,
	}
}

func filler(tag string, size abi.PaddedPieceSize) lt.SectorPiece {
	return lt.SectorPiece{Piece: abi.PieceInfo{Size: size, PieceCID: commCid(tag, false)}}
}

func writeSectorInfoStore(dir, truthPath string) {
	address.CurrentNetwork = address.Mainnet
	const kib2 = abi.PaddedPieceSize(2048)
	const proof2k = abi.RegisteredSealProof_StackedDrg2KiBV1_1
	ticket := func(tag string) []byte { d := digest(tag); return d }
	logs := []lt.Log{
		{Timestamp: 1700000000, Message: "sector created", Kind: "event;sealing.SectorStartCC"},
		{Timestamp: 1700000100, Trace: "worker lost", Message: "precommit 2 failed: worker lost", Kind: "event;sealing.SectorSealPreCommit2Failed"},
		{Timestamp: 1700000500, Message: "", Kind: "event;sealing.SectorProving"},
	}
	tsBytes, tsStrings := tipsetKey(msgCid("block-a"), msgCid("block-b"))
	client, err := address.NewSecp256k1Address(digest("client-pubkey"))
	if err != nil {
		die("%v", err)
	}
	label, _ := market.NewLabelFromString("bafy-label")

	var records []*lt.SectorInfo
	var truths []J

	// 1: committed-capacity sector, proving, every sealing field set
	s1 := &lt.SectorInfo{
		State: "Proving", SectorNumber: 1, SectorType: proof2k, CreationTime: 1700000000,
		Pieces:      []lt.SectorPiece{filler("cc-1", kib2)},
		TicketValue: ticket("ticket-1"), TicketEpoch: 1200, PreCommit1Out: bytes.Repeat([]byte{7}, 300),
		CommD: pc(commCid("commd-1", false)), CommR: pc(commCid("commr-1", true)), Proof: bytes.Repeat([]byte{9}, 192),
		PreCommitDeposit: big.NewInt(1234567890123), PreCommitMessage: pc(msgCid("pc-msg-1")), PreCommitTipSet: tsBytes,
		PreCommit2Fails: 1, SeedValue: ticket("seed-1"), SeedEpoch: 1350, CommitMessage: pc(msgCid("c-msg-1")), InvalidProofs: 2,
		TerminatedAt: 0, Log: logs,
	}
	// 2: builtin-market deal
	dealPiece := commCid("piece-2", false)
	s2 := &lt.SectorInfo{
		State: "Proving", SectorNumber: 2, SectorType: proof2k, CreationTime: 1700001000,
		Pieces: []lt.SectorPiece{{Piece: abi.PieceInfo{Size: kib2, PieceCID: dealPiece}, DealInfo: &lt.PieceDealInfo{
			PublishCid: pc(msgCid("publish-2")), DealID: 77,
			DealProposal: &market.DealProposal{
				PieceCID: dealPiece, PieceSize: kib2, VerifiedDeal: true, Client: client, Provider: idAddr(1000), Label: label,
				StartEpoch: 2000, EndEpoch: 600000, StoragePricePerEpoch: big.NewInt(5), ProviderCollateral: big.NewInt(1000000), ClientCollateral: big.Zero(),
			},
			DealSchedule: lt.DealSchedule{StartEpoch: 2000, EndEpoch: 600000}, KeepUnsealed: true,
		}}},
		TicketValue: ticket("ticket-2"), TicketEpoch: 1900, CommD: pc(commCid("commd-2", false)), CommR: pc(commCid("commr-2", true)),
		PreCommitDeposit: big.NewInt(0), PreCommitMessage: pc(msgCid("pc-msg-2")), SeedValue: ticket("seed-2"), SeedEpoch: 2050, CommitMessage: pc(msgCid("c-msg-2")),
	}
	// 3: snapped: CC sealed first (CommR = sector key), then updated with a DDO piece
	ddoPiece := commCid("piece-3", false)
	s3 := &lt.SectorInfo{
		State: "Proving", SectorNumber: 3, SectorType: proof2k, CreationTime: 1700002000,
		Pieces: []lt.SectorPiece{{Piece: abi.PieceInfo{Size: kib2, PieceCID: ddoPiece}, DealInfo: &lt.PieceDealInfo{
			DealSchedule: lt.DealSchedule{StartEpoch: 3000, EndEpoch: 700000},
			PieceActivationManifest: &miner.PieceActivationManifest{
				CID: ddoPiece, Size: kib2,
				VerifiedAllocationKey: &miner.VerifiedAllocationKey{Client: 1234, ID: 99},
				Notify:                []miner.DataActivationNotification{{Address: idAddr(5), Payload: []byte{0xde, 0xad}}},
			},
		}}},
		TicketValue: ticket("ticket-3"), TicketEpoch: 2900, CommD: pc(commCid("commd-3-cc", false)), CommR: pc(commCid("commr-3-key", true)),
		PreCommitDeposit: big.NewInt(42), SeedValue: ticket("seed-3"), SeedEpoch: 2950, CommitMessage: pc(msgCid("c-msg-3")),
		CCUpdate: true, CCPieces: []lt.SectorPiece{filler("cc-3", kib2)},
		UpdateSealed: pc(commCid("commr-3-updated", true)), UpdateUnsealed: pc(commCid("commd-3-updated", false)),
		ReplicaUpdateProof: bytes.Repeat([]byte{1}, 64), ReplicaUpdateMessage: pc(msgCid("ru-msg-3")),
	}
	// 4: pre-committed, waiting for the seed
	s4 := &lt.SectorInfo{
		State: "WaitSeed", SectorNumber: 4, SectorType: proof2k, CreationTime: 1700003000,
		Pieces:      []lt.SectorPiece{filler("cc-4", kib2)},
		TicketValue: ticket("ticket-4"), TicketEpoch: 3900, CommD: pc(commCid("commd-4", false)), CommR: pc(commCid("commr-4", true)),
		PreCommitDeposit: big.NewInt(7), PreCommitMessage: pc(msgCid("pc-msg-4")),
	}
	// 5: still in PreCommit1 (no CommR yet)
	s5 := &lt.SectorInfo{State: "PreCommit1", SectorNumber: 5, SectorType: proof2k, CreationTime: 1700004000, Pieces: []lt.SectorPiece{filler("cc-5", kib2)}, TicketValue: ticket("ticket-5"), TicketEpoch: 4900, PreCommitDeposit: big.Int{}}
	// 6: remote data import, with the failure and termination fields
	loc := func(u string) *lt.SectorLocation {
		return &lt.SectorLocation{URL: u, Headers: []lt.SecDataHttpHeader{{Key: "Authorization", Value: "Bearer x"}}}
	}
	s6 := &lt.SectorInfo{
		State: "Removed", SectorNumber: 6, SectorType: proof2k, CreationTime: 1700005000, Pieces: []lt.SectorPiece{filler("cc-6", kib2)},
		TicketValue: ticket("ticket-6"), TicketEpoch: 5900, CommD: pc(commCid("commd-6", false)), CommR: pc(commCid("commr-6", true)),
		PreCommitDeposit: big.NewInt(1), FaultReportMsg: pc(msgCid("fault-6")), Return: "PreCommit1",
		TerminateMessage: pc(msgCid("term-6")), TerminatedAt: 9000,
		RemoteDataUnsealed: loc("https://data.example/unsealed/6"), RemoteDataSealed: loc("https://data.example/sealed/6"),
		RemoteDataCache:       &lt.SectorLocation{Local: true, URL: "file:///cache/6"},
		RemoteCommit1Endpoint: "https://data.example/c1", RemoteCommit2Endpoint: "https://data.example/c2", RemoteSealingDoneEndpoint: "https://data.example/done",
		RemoteDataFinalized: true, LastErr: "remote commit 2 failed", Log: logs[:1],
	}
	records = append(records, s1, s2, s3, s4, s5, s6)
	for _, s := range records {
		ts := []string(nil)
		if len(s.PreCommitTipSet) > 0 {
			ts = tsStrings
		}
		truths = append(truths, sectorJSON(s, ts))
	}

	// 7: legacy record (lotus before snap deals): PreCommitInfo copy, pieces without DDO fields
	legacyPiece := commCid("piece-7", false)
	s7 := &lt.LegacySectorInfo{
		State: "Proving", SectorNumber: 7, SectorType: abi.RegisteredSealProof_StackedDrg2KiBV1, CreationTime: 1600000000,
		Pieces:      []lt.LegacyPiece{{Piece: abi.PieceInfo{Size: kib2, PieceCID: legacyPiece}, DealInfo: &lt.LegacyDealInfo{PublishCid: pc(msgCid("publish-7")), DealID: 12, DealSchedule: lt.DealSchedule{StartEpoch: 100, EndEpoch: 500000}}}},
		TicketValue: ticket("ticket-7"), TicketEpoch: 90, CommD: pc(commCid("commd-7", false)), CommR: pc(commCid("commr-7", true)),
		PreCommitInfo:    &miner8.SectorPreCommitInfo{SealProof: abi.RegisteredSealProof_StackedDrg2KiBV1, SectorNumber: 7, SealedCID: commCid("commr-7", true), SealRandEpoch: 90, DealIDs: []abi.DealID{12}, Expiration: 600000},
		PreCommitDeposit: big.NewInt(3), PreCommitMessage: pc(msgCid("pc-msg-7")), SeedValue: ticket("seed-7"), SeedEpoch: 150, CommitMessage: pc(msgCid("c-msg-7")),
	}

	// 8: early mainnet-era record: deal info is a deal id and schedule only
	earlyPiece := commCid("piece-8", false)
	s8 := &lt.EarlySectorInfo{
		State: "Proving", SectorNumber: 8, SectorType: abi.RegisteredSealProof_StackedDrg2KiBV1,
		Pieces:      []lt.EarlyPiece{{Piece: abi.PieceInfo{Size: kib2, PieceCID: earlyPiece}, DealInfo: &lt.EarlyDealInfo{DealID: 3, DealSchedule: lt.DealSchedule{StartEpoch: 10, EndEpoch: 400000}}}},
		TicketValue: ticket("ticket-8"), TicketEpoch: 5, CommD: pc(commCid("commd-8", false)), CommR: pc(commCid("commr-8", true)),
		PreCommitMessage: pc(msgCid("pc-msg-8")), SeedValue: ticket("seed-8"), SeedEpoch: 60, CommitMessage: pc(msgCid("c-msg-8")),
	}

	db, err := leveldb.OpenFile(dir, &opt.Options{Compression: opt.NoCompression, Strict: opt.StrictAll, NoSync: true})
	if err != nil {
		die("open: %v", err)
	}
	put := func(k string, v []byte) {
		if err := db.Put([]byte(k), v, nil); err != nil {
			die("put: %v", err)
		}
	}
	put("/miner-address", idAddr(1000).Bytes())
	put("/storage/nextid", uvarint(8))
	for _, s := range records {
		var b bytes.Buffer
		if err := s.MarshalCBOR(&b); err != nil {
			die("marshal: %v", err)
		}
		put(sectorKey(uint64(s.SectorNumber)), b.Bytes())
	}
	var b bytes.Buffer
	if err := s7.MarshalCBOR(&b); err != nil {
		die("marshal: %v", err)
	}
	put(sectorKey(7), b.Bytes())
	b.Reset()
	if err := s8.MarshalCBOR(&b); err != nil {
		die("marshal: %v", err)
	}
	put(sectorKey(8), b.Bytes())
	if err := db.Close(); err != nil {
		die("close: %v", err)
	}
	var lp []J
	lp = append(lp, J{"size": u64(uint64(kib2)), "pieceCid": legacyPiece.String(), "dealId": "12", "deal": J{"publishCid": msgCid("publish-7").String(), "dealId": "12", "kind": "builtin-market", "proposal": nil, "activationManifest": nil, "keepUnsealed": false, "schedule": J{"startEpoch": "100", "endEpoch": "500000"}}})
	truths = append(truths, J{
		"shape": "legacy", "number": "7", "state": "Proving", "sectorType": int64(s7.SectorType), "creationTime": "1600000000", "pieces": lp,
		"ticket": hx(s7.TicketValue), "ticketEpoch": "90", "commDCid": cs(s7.CommD), "commRCid": cs(s7.CommR),
		"preCommitDeposit": "3", "preCommitMessage": cs(s7.PreCommitMessage), "seedValue": hx(s7.SeedValue), "seedEpoch": "150", "commitMessage": cs(s7.CommitMessage),
		"ccUpdate": false, "ccPieces": []J{}, "updateSealedCid": nil, "updateUnsealedCid": nil,
		"legacyPreCommitInfo": J{"sealProof": int64(s7.PreCommitInfo.SealProof), "sectorNumber": "7", "sealedCid": s7.PreCommitInfo.SealedCID.String(), "sealRandEpoch": "90", "dealIds": []string{"12"}, "expiration": "600000"},
	})
	truths = append(truths, J{
		"shape": "legacy", "number": "8", "state": "Proving", "sectorType": int64(s8.SectorType), "creationTime": nil,
		"pieces": []J{{"size": u64(uint64(kib2)), "pieceCid": earlyPiece.String(), "dealId": "3", "deal": J{"publishCid": nil, "dealId": "3", "kind": "builtin-market", "proposal": nil, "activationManifest": nil, "keepUnsealed": false, "schedule": J{"startEpoch": "10", "endEpoch": "400000"}}}},
		"ticket": hx(s8.TicketValue), "ticketEpoch": "5", "commDCid": cs(s8.CommD), "commRCid": cs(s8.CommR), "preCommitDeposit": nil, "preCommitTipSet": nil,
		"preCommitMessage": cs(s8.PreCommitMessage), "seedValue": hx(s8.SeedValue), "seedEpoch": "60", "commitMessage": cs(s8.CommitMessage),
		"ccUpdate": false, "ccPieces": []J{}, "legacyPreCommitInfo": nil,
	})
	out, _ := json.MarshalIndent(J{"miner": "f01000", "sectors": truths}, "", "  ")
	if err := os.WriteFile(truthPath, out, 0o644); err != nil {
		die("%v", err)
	}
}
