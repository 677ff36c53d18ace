// Writes ../cbor_gen.go: cbor-gen map encoders for the lotus record shapes in ../types.go, as
// lotus generates its own (run from tools/leveldb-gen: go run ./lotustypes/gen).
package main

import (
	"fmt"
	"os"

	gen "github.com/whyrusleeping/cbor-gen"

	"sealer-recover/tools/leveldb-gen/lotustypes"
)

func main() {
	err := gen.WriteMapEncodersToFile("./lotustypes/cbor_gen.go", "lotustypes",
		lotustypes.SectorInfo{},
		lotustypes.SectorPiece{},
		lotustypes.PieceDealInfo{},
		lotustypes.DealSchedule{},
		lotustypes.SectorLocation{},
		lotustypes.SecDataHttpHeader{},
		lotustypes.Log{},
		lotustypes.LegacySectorInfo{},
		lotustypes.LegacyPiece{},
		lotustypes.LegacyDealInfo{},
		lotustypes.EarlySectorInfo{},
		lotustypes.EarlyPiece{},
		lotustypes.EarlyDealInfo{},
	)
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
}
