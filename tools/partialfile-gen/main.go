// partialfile-gen writes lotus unsealed partial files (storage/sealer/partialfile) with go-bitfield,
// the RLE+ implementation lotus uses, so src/sector/unsealed-file.ts is tested against bytes the
// reference produces.
//
//	go run . -out ../../fixtures/unsealed
//
// lotus itself is not imported (its module graph pulls in filecoin-ffi, a cgo build of the Rust
// proofs); the file logic below follows lotus partialfile.go (CreatePartialFile, MarkAllocated,
// writeTrailer, PieceRun) step for step: padded sector bytes, then the RLE+ of the allocated byte
// ranges, then the RLE+ length as a little-endian uint32, the file truncated right after it.
// Each case writes <name>.bin and a line in cases.json with the allocations and the file digest.
package main

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strconv"

	rlepluslazy "github.com/filecoin-project/go-bitfield/rle"
)

type alloc struct {
	Offset uint64 `json:"offset"`
	Size   uint64 `json:"size"`
}

type caseOut struct {
	Name        string  `json:"name"`
	SectorBytes string  `json:"sectorBytes"`
	Allocations []alloc `json:"allocations"`
	// data written into each allocation: byte i of the sector = (i*31 + 7) mod 256, top two bits of
	// every 32nd byte cleared (fr32-shaped nodes)
	DataPattern string `json:"dataPattern"`
	TrailerHex  string `json:"trailerHex"`
	FileBytes   int64  `json:"fileBytes"`
	FileSha256  string `json:"fileSha256"`
	File        string `json:"file"`
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}

// lotus PieceRun: unset up to offset, then size set bits
func pieceRun(offset, size uint64) rlepluslazy.RunIterator {
	var runs []rlepluslazy.Run
	if offset > 0 {
		runs = append(runs, rlepluslazy.Run{Val: false, Len: offset})
	}
	runs = append(runs, rlepluslazy.Run{Val: true, Len: size})
	return &rlepluslazy.RunSliceIterator{Runs: runs}
}

// lotus writeTrailer
func writeTrailer(maxPieceSize int64, w *os.File, r rlepluslazy.RunIterator) []byte {
	trailer, err := rlepluslazy.EncodeRuns(r, nil)
	must(err)
	_, err = w.Seek(maxPieceSize, io.SeekStart)
	must(err)
	rb, err := w.Write(trailer)
	must(err)
	must(binary.Write(w, binary.LittleEndian, uint32(len(trailer))))
	must(w.Truncate(maxPieceSize + int64(rb) + 4))
	return trailer
}

func patternByte(i uint64) byte {
	b := byte((i*31 + 7) % 256)
	if i%32 == 31 {
		b &= 0x3f
	}
	return b
}

func build(dir, name string, sectorBytes uint64, allocs []alloc) caseOut {
	path := filepath.Join(dir, name+".bin")
	_ = os.Remove(path)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	must(err)
	// CreatePartialFile: the sector's bytes (fallocate: zeros), then an empty trailer
	must(f.Truncate(int64(sectorBytes)))
	trailer := writeTrailer(int64(sectorBytes), f, &rlepluslazy.RunSliceIterator{})
	var have rlepluslazy.RLE
	for _, a := range allocs {
		// Writer + MarkAllocated, as lotus's unseal does for each piece range
		buf := make([]byte, a.Size)
		for i := range buf {
			buf[i] = patternByte(a.Offset + uint64(i))
		}
		_, err = f.WriteAt(buf, int64(a.Offset))
		must(err)
		var cur rlepluslazy.RunIterator = &rlepluslazy.RunSliceIterator{}
		if len(trailer) > 0 {
			cur, err = have.RunIterator()
			must(err)
		}
		ored, err := rlepluslazy.Or(cur, pieceRun(a.Offset, a.Size))
		must(err)
		trailer = writeTrailer(int64(sectorBytes), f, ored)
		have, err = rlepluslazy.FromBuf(trailer)
		must(err)
	}
	must(f.Close())
	raw, err := os.ReadFile(path)
	must(err)
	sum := sha256.Sum256(raw)
	if allocs == nil {
		allocs = []alloc{}
	}
	return caseOut{
		Name: name, SectorBytes: strconv.FormatUint(sectorBytes, 10), Allocations: allocs,
		DataPattern: "(i*31+7) mod 256, byte 31 of each node & 0x3f",
		TrailerHex:  hex.EncodeToString(trailer), FileBytes: int64(len(raw)), FileSha256: hex.EncodeToString(sum[:]), File: name + ".bin",
	}
}

func main() {
	out := flag.String("out", "../../fixtures/unsealed", "output directory")
	flag.Parse()
	must(os.MkdirAll(*out, 0o755))
	cases := []caseOut{
		build(*out, "empty-2KiB", 2048, nil),
		build(*out, "full-2KiB", 2048, []alloc{{0, 2048}}),
		build(*out, "first-half-2KiB", 2048, []alloc{{0, 1024}}),
		build(*out, "second-half-2KiB", 2048, []alloc{{1024, 1024}}),
		build(*out, "two-pieces-8KiB", 8192, []alloc{{0, 128}, {4096, 2048}}),
		build(*out, "adjacent-pieces-8KiB", 8192, []alloc{{2048, 2048}, {4096, 4096}}),
		build(*out, "many-small-pieces-64KiB", 65536, []alloc{{0, 128}, {256, 128}, {512, 256}, {2048, 2048}, {32768, 16384}}),
	}
	js, err := json.MarshalIndent(map[string]any{
		"generator": "tools/partialfile-gen (go-bitfield rle, lotus storage/sealer/partialfile trailer logic)",
		"cases":     cases,
	}, "", "  ")
	must(err)
	must(os.WriteFile(filepath.Join(*out, "cases.json"), append(js, '\n'), 0o644))
}
