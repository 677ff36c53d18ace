// partialfile-gen: writes the trailers of lotus unsealed "partial files" for a few allocation
// patterns, with the code lotus runs (go-bitfield rle EncodeRuns, as storage/sealer/partialfile
// writeTrailer frames it: [padded sector data][rle+ runs over padded bytes][u32 LE rle+ length]),
// so the TypeScript writer (src/unseal/partial-file.ts) is tested against bytes Go produced.
//
//	go run . > ../../fixtures/partialfile/trailers.json
package main

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"os"

	rlepluslazy "github.com/filecoin-project/go-bitfield/rle"
)

type run struct {
	Val bool   `json:"val"`
	Len uint64 `json:"len"`
}

type testCase struct {
	Name       string `json:"name"`
	SectorSize uint64 `json:"sectorSize"`
	// the runs handed to EncodeRuns (lotus PieceRun: false up to the offset, then true for the size)
	Runs []run `json:"runs"`
	// rle+ bytes followed by their u32 LE length: what lotus writes from byte sectorSize on
	Trailer string `json:"trailer"`
}

func pieceRun(offset, size uint64) []run {
	var rs []run
	if offset > 0 {
		rs = append(rs, run{false, offset})
	}
	return append(rs, run{true, size})
}

func trailer(rs []run) string {
	var runs []rlepluslazy.Run
	for _, r := range rs {
		runs = append(runs, rlepluslazy.Run{Val: r.Val, Len: r.Len})
	}
	enc, err := rlepluslazy.EncodeRuns(&rlepluslazy.RunSliceIterator{Runs: runs}, nil)
	if err != nil {
		panic(err)
	}
	var b bytes.Buffer
	b.Write(enc)
	if err := binary.Write(&b, binary.LittleEndian, uint32(len(enc))); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b.Bytes())
}

func main() {
	var cases []testCase
	add := func(name string, size uint64, rs []run) {
		cases = append(cases, testCase{name, size, rs, trailer(rs)})
	}
	for _, size := range []uint64{2048, 8 << 20, 512 << 20, 32 << 30, 64 << 30} {
		add("whole sector", size, pieceRun(0, size))
	}
	add("first 1KiB piece of 2KiB", 2048, pieceRun(0, 1024))
	add("second 1KiB piece of 2KiB", 2048, pieceRun(1024, 1024))
	add("128 B piece at 512 of 2KiB", 2048, pieceRun(512, 128))
	add("1MiB piece at 2MiB of 8MiB", 8<<20, pieceRun(2<<20, 1<<20))
	add("16GiB piece at 16GiB of 32GiB", 32<<30, pieceRun(16<<30, 16<<30))
	add("two pieces with a hole", 8<<20, []run{{true, 1 << 20}, {false, 3 << 20}, {true, 4 << 20}})
	add("nothing allocated", 2048, nil)
	out := json.NewEncoder(os.Stdout)
	out.SetIndent("", "  ")
	if err := out.Encode(map[string]any{
		"generator": "tools/partialfile-gen (github.com/filecoin-project/go-bitfield/rle EncodeRuns, lotus partialfile writeTrailer framing)",
		"cases":     cases,
	}); err != nil {
		panic(err)
	}
}
