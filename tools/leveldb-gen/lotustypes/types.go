// Package lotustypes declares the shapes lotus-miner stores under /sectors/<n> (field names, types
// and order as lotus declares them), so that cbor-gen — the generator lotus itself uses — writes
// their marshallers (cbor_gen.go, produced by ./gen). Test fixtures encoded with these are what a
// real lotus-miner would have written; the TypeScript decoder is checked against them
// (docs/metastore-recovery.md#sectorinfo). Shapes as of lotus master in 2025 (storage/pipeline
// types.go at commit 016d0a1d; api.SectorPiece, piece.PieceDealInfo, storiface.SectorLocation), with
// go-state-types v0.16.0 for the actor types (DealProposal, PieceActivationManifest). After editing
// this file, regenerate with `go run ./lotustypes/gen` from tools/leveldb-gen.
package lotustypes

import (
	"github.com/filecoin-project/go-state-types/abi"
	"github.com/filecoin-project/go-state-types/big"
	market "github.com/filecoin-project/go-state-types/builtin/v16/market"
	miner "github.com/filecoin-project/go-state-types/builtin/v16/miner"
	miner8 "github.com/filecoin-project/go-state-types/builtin/v8/miner"
	"github.com/ipfs/go-cid"
)

// SectorInfo: current lotus (storage/pipeline), map-encoded.
type SectorInfo struct {
	State        string
	SectorNumber abi.SectorNumber
	SectorType   abi.RegisteredSealProof

	CreationTime int64
	Pieces       []SectorPiece

	TicketValue   abi.SealRandomness
	TicketEpoch   abi.ChainEpoch
	PreCommit1Out []byte

	CommD *cid.Cid
	CommR *cid.Cid
	Proof []byte

	PreCommitDeposit big.Int
	PreCommitMessage *cid.Cid
	PreCommitTipSet  []byte // lotus TipSetKey: one byte string of the concatenated block CIDs

	PreCommit2Fails uint64

	SeedValue abi.InteractiveSealRandomness
	SeedEpoch abi.ChainEpoch

	CommitMessage *cid.Cid
	InvalidProofs uint64

	CCUpdate             bool
	CCPieces             []SectorPiece
	UpdateSealed         *cid.Cid
	UpdateUnsealed       *cid.Cid
	ReplicaUpdateProof   []byte
	ReplicaUpdateMessage *cid.Cid

	FaultReportMsg *cid.Cid

	Return string

	TerminateMessage *cid.Cid
	TerminatedAt     abi.ChainEpoch

	RemoteDataUnsealed        *SectorLocation
	RemoteDataSealed          *SectorLocation
	RemoteDataCache           *SectorLocation
	RemoteCommit1Endpoint     string
	RemoteCommit2Endpoint     string
	RemoteSealingDoneEndpoint string
	RemoteDataFinalized       bool

	LastErr string

	Log []Log
}

// SectorPiece: lotus api.SectorPiece (DealInfo nil for filler pieces).
type SectorPiece struct {
	Piece    abi.PieceInfo
	DealInfo *PieceDealInfo
}

// PieceDealInfo: lotus api/piece PieceDealInfo (builtin-market deal or DDO manifest).
type PieceDealInfo struct {
	PublishCid              *cid.Cid
	DealID                  abi.DealID
	DealProposal            *market.DealProposal
	DealSchedule            DealSchedule
	PieceActivationManifest *miner.PieceActivationManifest
	KeepUnsealed            bool
}

type DealSchedule struct {
	StartEpoch abi.ChainEpoch
	EndEpoch   abi.ChainEpoch
}

// SectorLocation: lotus storiface.SectorLocation (remote sector data).
type SectorLocation struct {
	Local   bool
	URL     string
	Headers []SecDataHttpHeader
}

type SecDataHttpHeader struct {
	Key   string
	Value string
}

type Log struct {
	Timestamp uint64
	Trace     string
	Message   string
	Kind      string
}

// LegacySectorInfo: the record as lotus ~1.10–1.14 wrote it (before snap deals and remote
// data): a PreCommitInfo copy of the on-chain pre-commit, pieces without DDO manifests.
type LegacySectorInfo struct {
	State        string
	SectorNumber abi.SectorNumber
	SectorType   abi.RegisteredSealProof

	CreationTime int64
	Pieces       []LegacyPiece

	TicketValue   abi.SealRandomness
	TicketEpoch   abi.ChainEpoch
	PreCommit1Out []byte

	CommD *cid.Cid
	CommR *cid.Cid
	Proof []byte

	PreCommitInfo    *miner8.SectorPreCommitInfo
	PreCommitDeposit big.Int
	PreCommitMessage *cid.Cid
	PreCommitTipSet  []byte

	PreCommit2Fails uint64

	SeedValue abi.InteractiveSealRandomness
	SeedEpoch abi.ChainEpoch

	CommitMessage *cid.Cid
	InvalidProofs uint64

	FaultReportMsg *cid.Cid

	Return string

	TerminateMessage *cid.Cid
	TerminatedAt     abi.ChainEpoch

	LastErr string

	Log []Log
}

type LegacyPiece struct {
	Piece    abi.PieceInfo
	DealInfo *LegacyDealInfo
}

type LegacyDealInfo struct {
	PublishCid   *cid.Cid
	DealID       abi.DealID
	DealSchedule DealSchedule
	KeepUnsealed bool
}

// EarlySectorInfo: the record of lotus's first mainnet-era releases (around 0.5–0.10): no
// CreationTime, deposit or tipset, and deal info that is only a deal id with its schedule.
type EarlySectorInfo struct {
	State        string
	SectorNumber abi.SectorNumber
	SectorType   abi.RegisteredSealProof

	Pieces []EarlyPiece

	TicketValue   abi.SealRandomness
	TicketEpoch   abi.ChainEpoch
	PreCommit1Out []byte

	CommD *cid.Cid
	CommR *cid.Cid
	Proof []byte

	PreCommitMessage *cid.Cid

	SeedValue abi.InteractiveSealRandomness
	SeedEpoch abi.ChainEpoch

	CommitMessage *cid.Cid
	InvalidProofs uint64

	FaultReportMsg *cid.Cid

	LastErr string

	Log []Log
}

type EarlyPiece struct {
	Piece    abi.PieceInfo
	DealInfo *EarlyDealInfo
}

type EarlyDealInfo struct {
	DealID       abi.DealID
	DealSchedule DealSchedule
}
