package main

// Lotus-shaped values for the metadata store (docs/leveldb.md#sectorinfo-records): SectorInfo records, the
// legacy /storage/nextid counter, /miner-address, and sealing-manager call records.

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math/rand"
)

var (
	commDPrefix = []byte{0x01, 0x81, 0xe2, 0x03, 0x92, 0x20, 0x20}       // fil-commitment-unsealed, sha2-256-trunc254-padded
	commRPrefix = []byte{0x01, 0x82, 0xe2, 0x03, 0x81, 0xe8, 0x02, 0x20} // fil-commitment-sealed, poseidon-bls12_381-a2-fc1
	msgPrefix   = []byte{0x01, 0x71, 0xa0, 0xe4, 0x02, 0x20}             // dag-cbor, blake2b-256 (message CIDs)
)

// PieceTruth / SectorTruth are what the generator records so tests can check the TS decoder
// against the encoder's inputs rather than against the decoder's own output.
type PieceTruth struct {
	Size     uint64  `json:"size"`
	PieceCID string  `json:"pieceCid"` // hex of the CID bytes
	DealID   *uint64 `json:"dealId"`
}

type SectorTruth struct {
	Number      uint64       `json:"number"`
	State       string       `json:"state"`
	SectorType  int64        `json:"sectorType"`
	TicketValue string       `json:"ticketValue"`
	TicketEpoch int64        `json:"ticketEpoch"`
	CommD       *string      `json:"commD"` // hex of the 32 raw bytes
	CommR       *string      `json:"commR"`
	Pieces      []PieceTruth `json:"pieces"`
	Canonical   bool         `json:"canonical"`
}

var states = []string{"Proving", "Proving", "Proving", "Available", "WaitSeed", "PreCommit1", "PreCommit2",
	"CommitWait", "FinalizeSector", "Faulty", "SealPreCommit1Failed", "Removed"}

func randBytes(r *rand.Rand, n int) []byte {
	b := make([]byte, n)
	r.Read(b)
	return b
}

func cidHex(c []byte) string { return hex.EncodeToString(c) }

func pieceEnc(b *cborBuf, p PieceTruth, cid []byte, canonical bool) {
	fs := []field{
		{"Piece", enc(func(b *cborBuf) { b.header(4, 2); b.uint(p.Size); b.cid(cid) })},
	}
	if p.DealID == nil {
		fs = append(fs, field{"DealInfo", enc(func(b *cborBuf) { b.null() })})
	} else {
		di := []field{
			{"PublishCid", enc(func(b *cborBuf) { b.cid(append(append([]byte{}, msgPrefix...), make([]byte, 32)...)) })},
			{"DealID", enc(func(b *cborBuf) { b.uint(*p.DealID) })},
			{"DealProposal", enc(func(b *cborBuf) { b.null() })},
			{"DealSchedule", enc(func(b *cborBuf) {
				b.mapCanonical([]field{{"StartEpoch", enc(func(b *cborBuf) { b.int(1000) })}, {"EndEpoch", enc(func(b *cborBuf) { b.int(1540000) })}})
			})},
			{"KeepUnsealed", enc(func(b *cborBuf) { b.bool(true) })},
		}
		fs = append(fs, field{"DealInfo", enc(func(b *cborBuf) {
			if canonical {
				b.mapCanonical(di)
			} else {
				b.mapInOrder(di)
			}
		})})
	}
	if canonical {
		b.mapCanonical(fs)
	} else {
		b.mapInOrder(fs)
	}
}

// sectorInfo encodes a 39-field (lotus v1.25+) SectorInfo. version bumps the state and log so that
// overwrites of the same key carry distinguishable values.
func sectorInfo(r *rand.Rand, n uint64, version int, logEntries int) ([]byte, SectorTruth) {
	st := SectorTruth{Number: n, SectorType: 8, TicketEpoch: int64(100000 + n), Canonical: n%5 != 0}
	st.State = states[(int(n)+version)%len(states)]
	if n%7 == 3 {
		st.SectorType = 5 // StackedDrg2KiBV1_1
	}
	ticket := randBytes(r, 32)
	st.TicketValue = hex.EncodeToString(ticket)
	var commD, commR []byte
	if st.State != "PreCommit1" && st.State != "SealPreCommit1Failed" {
		d := randBytes(r, 32)
		d[31] &= 0x3f
		rr := randBytes(r, 32)
		rr[31] &= 0x1f // below the BLS12-381 modulus, as a real CommR is
		commD = append(append([]byte{}, commDPrefix...), d...)
		commR = append(append([]byte{}, commRPrefix...), rr...)
		dh, rh := hex.EncodeToString(d), hex.EncodeToString(rr)
		st.CommD, st.CommR = &dh, &rh
	}
	size := uint64(34359738368)
	if st.SectorType == 5 {
		size = 2048
	}
	pieceCids := [][]byte{}
	if n%3 == 0 {
		half := size / 2
		id := 5000 + n
		for i := 0; i < 2; i++ {
			pc := append(append([]byte{}, commDPrefix...), randBytes(r, 32)...)
			pt := PieceTruth{Size: half, PieceCID: cidHex(pc)}
			if i == 0 {
				pt.DealID = &id
			}
			st.Pieces = append(st.Pieces, pt)
			pieceCids = append(pieceCids, pc)
		}
	} else {
		pc := append(append([]byte{}, commDPrefix...), randBytes(r, 32)...)
		st.Pieces = append(st.Pieces, PieceTruth{Size: size, PieceCID: cidHex(pc)})
		pieceCids = append(pieceCids, pc)
	}
	canonical := st.Canonical
	nullF := enc(func(b *cborBuf) { b.null() })
	emptyB := enc(func(b *cborBuf) { b.bytes(nil) })
	fs := []field{
		{"State", enc(func(b *cborBuf) { b.text(st.State) })},
		{"SectorNumber", enc(func(b *cborBuf) { b.uint(n) })},
		{"SectorType", enc(func(b *cborBuf) { b.int(st.SectorType) })},
		{"CreationTime", enc(func(b *cborBuf) { b.int(1700000000 + int64(n)) })},
		{"Pieces", enc(func(b *cborBuf) {
			b.header(4, uint64(len(st.Pieces)))
			for i, p := range st.Pieces {
				pieceEnc(b, p, pieceCids[i], canonical)
			}
		})},
		{"TicketValue", enc(func(b *cborBuf) { b.bytes(ticket) })},
		{"TicketEpoch", enc(func(b *cborBuf) { b.int(st.TicketEpoch) })},
		{"PreCommit1Out", enc(func(b *cborBuf) { b.bytes(randBytes(r, 64)) })},
		{"CommD", enc(func(b *cborBuf) { b.cid(commD) })},
		{"CommR", enc(func(b *cborBuf) { b.cid(commR) })},
		{"Proof", enc(func(b *cborBuf) { b.bytes(randBytes(r, 192)) })},
		{"PreCommitDeposit", enc(func(b *cborBuf) { b.bytes([]byte{0x00, 0x0d, 0xe0, 0xb6, 0xb3, 0xa7, 0x64, 0x00, 0x00}) })},
		{"PreCommitMessage", enc(func(b *cborBuf) { b.cid(append(append([]byte{}, msgPrefix...), randBytes(r, 32)...)) })},
		{"PreCommitTipSet", emptyB},
		{"PreCommit1Fails", enc(func(b *cborBuf) { b.uint(0) })},
		{"PreCommit2Fails", enc(func(b *cborBuf) { b.uint(0) })},
		{"SeedValue", enc(func(b *cborBuf) { b.bytes(randBytes(r, 32)) })},
		{"SeedEpoch", enc(func(b *cborBuf) { b.int(st.TicketEpoch + 150) })},
		{"CommitMessage", nullF},
		{"InvalidProofs", enc(func(b *cborBuf) { b.uint(0) })},
		{"CCUpdate", enc(func(b *cborBuf) { b.bool(false) })},
		{"CCPieces", enc(func(b *cborBuf) { b.header(4, 0) })},
		{"UpdateSealed", nullF},
		{"UpdateUnsealed", nullF},
		{"ReplicaUpdateProof", emptyB},
		{"ReplicaUpdateMessage", nullF},
		{"FaultReportMsg", nullF},
		{"Return", enc(func(b *cborBuf) { b.text("") })},
		{"TerminateMessage", nullF},
		{"TerminatedAt", enc(func(b *cborBuf) { b.int(0) })},
		{"RemoteDataUnsealed", nullF},
		{"RemoteDataSealed", nullF},
		{"RemoteDataCache", nullF},
		{"RemoteCommit1Endpoint", enc(func(b *cborBuf) { b.text("") })},
		{"RemoteCommit2Endpoint", enc(func(b *cborBuf) { b.text("") })},
		{"RemoteSealingDoneEndpoint", enc(func(b *cborBuf) { b.text("") })},
		{"RemoteDataFinalized", enc(func(b *cborBuf) { b.bool(false) })},
		{"LastErr", enc(func(b *cborBuf) { b.text("") })},
		{"Log", enc(func(b *cborBuf) {
			b.header(4, uint64(logEntries))
			for i := 0; i < logEntries; i++ {
				lf := []field{
					{"Kind", enc(func(b *cborBuf) { b.text("event;sealing.SectorTicket") })},
					{"Trace", enc(func(b *cborBuf) { b.text("") })},
					{"Message", enc(func(b *cborBuf) {
						b.text(fmt.Sprintf(`{"User":{"TicketValue":"%x","TicketEpoch":%d},"v":%d,"i":%d}`, ticket, st.TicketEpoch, version, i))
					})},
					{"Timestamp", enc(func(b *cborBuf) { b.uint(1700000000 + uint64(i)) })},
				}
				if canonical {
					b.mapCanonical(lf)
				} else {
					b.mapInOrder(lf)
				}
			}
		})},
	}
	var b cborBuf
	if canonical {
		b.mapCanonical(fs)
	} else {
		b.mapInOrder(fs)
	}
	return b.Bytes(), st
}

func uvarint(n uint64) []byte {
	b := make([]byte, binary.MaxVarintLen64)
	return b[:binary.PutUvarint(b, n)]
}
