// bitfield-gen writes RLE+ bitfield test vectors with go-bitfield, the implementation lotus and the
// actors use, so src/chain/bitfield.ts is checked against the reference encoder and its JSON form
// (the run-length array a Lotus node returns for StateMinerFaults and partitions).
//
//	go run . -out ../../fixtures/bitfields
//
// Each case file holds: the set bits (decimal strings: u64 values beyond 2^53 must not be rounded),
// the RLE+ bytes (hex), the node's JSON text for the bitfield (verbatim from MarshalJSON), and the
// run lengths as decimal strings. Cases that go-bitfield refuses to decode are written to
// invalid.json with go-bitfield's error.
package main

import (
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"strconv"

	"github.com/filecoin-project/go-bitfield"
	rlepluslazy "github.com/filecoin-project/go-bitfield/rle"
)

type vector struct {
	Name string `json:"name"`
	// the set bits as [first, last] inclusive ranges (decimal strings), in order
	Set   [][2]string `json:"setRanges"`
	Count string      `json:"count"`
	RLE   string      `json:"rleHex"`
	JSON  string      `json:"json"`
	Runs  []string    `json:"runs"`
}

// odd byte strings: go-bitfield's verdict, an error or the runs it decodes them to
type oddBytes struct {
	Name  string   `json:"name"`
	RLE   string   `json:"rleHex"`
	Error string   `json:"error,omitempty"`
	Runs  []string `json:"runs,omitempty"`
}

func ranges(set []uint64) [][2]string {
	out := [][2]string{}
	for i := 0; i < len(set); {
		j := i
		for j+1 < len(set) && set[j+1] == set[j]+1 {
			j++
		}
		out = append(out, [2]string{strconv.FormatUint(set[i], 10), strconv.FormatUint(set[j], 10)})
		i = j + 1
	}
	return out
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}

func dec(xs []uint64) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = strconv.FormatUint(x, 10)
	}
	return out
}

func rangeOf(a, b uint64) []uint64 {
	var out []uint64
	for i := a; i < b; i++ {
		out = append(out, i)
	}
	return out
}

func makeVector(name string, set []uint64) vector {
	sort.Slice(set, func(i, j int) bool { return set[i] < set[j] })
	bf := bitfield.NewFromSet(set)
	rle, err := bf.RunIterator()
	must(err)
	enc, err := rlepluslazy.EncodeRuns(rle, nil)
	must(err)
	js, err := bf.MarshalJSON()
	must(err)
	var runs []uint64
	must(json.Unmarshal(js, &runs))
	// the bytes decode back to the same set with go-bitfield itself
	back, err := bitfield.NewFromBytes(enc)
	must(err)
	n, err := back.Count()
	must(err)
	if n != uint64(len(dedup(set))) {
		panic(fmt.Sprintf("%s: count %d != %d", name, n, len(set)))
	}
	return vector{Name: name, Set: ranges(dedup(set)), Count: strconv.FormatUint(n, 10), RLE: hex.EncodeToString(enc), JSON: string(js), Runs: dec(runs)}
}

func dedup(xs []uint64) []uint64 {
	var out []uint64
	for i, x := range xs {
		if i == 0 || x != xs[i-1] {
			out = append(out, x)
		}
	}
	return out
}

func main() {
	out := flag.String("out", "../../fixtures/bitfields", "output directory")
	flag.Parse()
	must(os.MkdirAll(*out, 0o755))

	rng := rand.New(rand.NewSource(12))
	var vs []vector
	vs = append(vs, makeVector("empty", nil))
	vs = append(vs, makeVector("bit-0", []uint64{0}))
	vs = append(vs, makeVector("bit-1", []uint64{1}))
	vs = append(vs, makeVector("0-9", rangeOf(0, 10)))
	vs = append(vs, makeVector("run-of-15-16-17", append(append(rangeOf(3, 18), rangeOf(40, 56)...), rangeOf(100, 117)...)))
	vs = append(vs, makeVector("gaps-1-2-15-16-17", []uint64{0, 2, 5, 21, 38, 56}))
	vs = append(vs, makeVector("sectors-100-180", rangeOf(100, 181)))
	vs = append(vs, makeVector("every-other-to-1000", func() []uint64 {
		var s []uint64
		for i := uint64(0); i < 1000; i += 2 {
			s = append(s, i)
		}
		return s
	}()))
	vs = append(vs, makeVector("long-run-2pow20", rangeOf(7, 7+(1<<20))))
	vs = append(vs, makeVector("beyond-2pow53", []uint64{5, 1<<53 - 1, 1 << 53, 1<<53 + 1, 1<<53 + 3}))
	vs = append(vs, makeVector("near-2pow63", []uint64{1<<63 - 2, 1<<63 - 1}))
	for k := 0; k < 6; k++ {
		var s []uint64
		max := uint64(64) << (3 * k)
		n := 5 + rng.Intn(200)
		for i := 0; i < n; i++ {
			s = append(s, uint64(rng.Int63n(int64(max))))
		}
		vs = append(vs, makeVector(fmt.Sprintf("random-%d-below-%d", k, max), s))
	}
	// dense random clusters: many short runs of both values
	{
		var s []uint64
		pos := uint64(0)
		for i := 0; i < 300; i++ {
			pos += uint64(1 + rng.Intn(40))
			l := uint64(1 + rng.Intn(40))
			s = append(s, rangeOf(pos, pos+l)...)
			pos += l
		}
		vs = append(vs, makeVector("clusters", s))
	}
	for _, v := range vs {
		buf, err := json.MarshalIndent(v, "", "  ")
		must(err)
		must(os.WriteFile(filepath.Join(*out, v.Name+".json"), append(buf, '\n'), 0o644))
	}

	// byte strings go-bitfield refuses (decoded with its own reader)
	bad := map[string][]byte{
		"wrong-version":       {0x01},
		"trailing-zero-byte":  {0x04, 0x00},
		"varint-not-minimal":  {0x00, 0x08, 0x00},
		"run-length-overflow": {0x0c, 0xfc, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x1f, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x1f},
		"truncated-varint":    {0x00, 0x80},
		"varint-below-16":     {0x00, 0x1c},
		"short-run-of-0":      {0x08},
		"all-ones-byte":       {0xfc},
		"two-varint-runs":     {0x00, 0x84, 0x04, 0x08},
	}
	var invs []oddBytes
	names := make([]string, 0, len(bad))
	for k := range bad {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		b := bad[k]
		o := oddBytes{Name: k, RLE: hex.EncodeToString(b)}
		it, err := rlepluslazy.DecodeRLE(b)
		var runs []uint64
		for err == nil && it.HasNext() {
			var r rlepluslazy.Run
			r, err = it.NextRun()
			if err == nil {
				if len(runs) == 0 && r.Val {
					runs = append(runs, 0)
				}
				runs = append(runs, r.Len)
			}
		}
		if err == nil {
			_, err = bitfield.NewFromBytes(b)
		}
		if err != nil {
			o.Error = err.Error()
		} else {
			if len(runs) == 0 {
				runs = []uint64{0}
			}
			o.Runs = dec(runs)
		}
		invs = append(invs, o)
	}
	buf, err := json.MarshalIndent(invs, "", "  ")
	must(err)
	must(os.WriteFile(filepath.Join(*out, "odd-bytes.json"), append(buf, '\n'), 0o644))
	fmt.Printf("wrote %d valid and %d invalid cases to %s\n", len(vs), len(invs), *out)
}
