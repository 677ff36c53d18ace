package main

// A tiny CBOR writer that emits exactly the byte forms cbor-gen produces for lotus's SectorInfo
// (lotus: storage/pipeline/cbor_gen.go): definite-length maps keyed by text, minimal-length
// headers, CIDs as tag 42 over a byte string with a leading 0x00, null as 0xf6.
// It is written here (not taken from lotus) so the TS decoder is tested against an independent encoder.

import (
	"bytes"
	"sort"
)

type cborBuf struct{ bytes.Buffer }

func (b *cborBuf) header(major byte, n uint64) {
	m := major << 5
	switch {
	case n < 24:
		b.WriteByte(m | byte(n))
	case n < 1<<8:
		b.WriteByte(m | 24)
		b.WriteByte(byte(n))
	case n < 1<<16:
		b.WriteByte(m | 25)
		b.WriteByte(byte(n >> 8))
		b.WriteByte(byte(n))
	case n < 1<<32:
		b.WriteByte(m | 26)
		for s := 24; s >= 0; s -= 8 {
			b.WriteByte(byte(n >> uint(s)))
		}
	default:
		b.WriteByte(m | 27)
		for s := 56; s >= 0; s -= 8 {
			b.WriteByte(byte(n >> uint(s)))
		}
	}
}

func (b *cborBuf) uint(n uint64) { b.header(0, n) }
func (b *cborBuf) int(n int64) {
	if n >= 0 {
		b.header(0, uint64(n))
	} else {
		b.header(1, uint64(-1-n))
	}
}
func (b *cborBuf) bytes(p []byte) { b.header(2, uint64(len(p))); b.Write(p) }
func (b *cborBuf) text(s string)  { b.header(3, uint64(len(s))); b.WriteString(s) }
func (b *cborBuf) null()          { b.WriteByte(0xf6) }
func (b *cborBuf) bool(v bool) {
	if v {
		b.WriteByte(0xf5)
	} else {
		b.WriteByte(0xf4)
	}
}

// cid writes tag 42 + bytes(0x00 || cid), or null for an empty cid (cbor-gen's *cid.Cid nil).
func (b *cborBuf) cid(c []byte) {
	if c == nil {
		b.null()
		return
	}
	b.WriteByte(0xd8)
	b.WriteByte(42)
	b.bytes(append([]byte{0}, c...))
}

// field is one map entry whose value is already encoded.
type field struct {
	key string
	val []byte
}

// mapCanonical writes a map in cbor-gen's canonical key order (lotus ≥ v1.23: shorter key first,
// then bytewise), which is how a current lotus-miner store holds SectorInfo.
func (b *cborBuf) mapCanonical(fs []field) {
	sort.SliceStable(fs, func(i, j int) bool {
		if len(fs[i].key) != len(fs[j].key) {
			return len(fs[i].key) < len(fs[j].key)
		}
		return fs[i].key < fs[j].key
	})
	b.mapInOrder(fs)
}

// mapInOrder keeps struct order (lotus ≤ v1.22).
func (b *cborBuf) mapInOrder(fs []field) {
	b.header(5, uint64(len(fs)))
	for _, f := range fs {
		b.text(f.key)
		b.Write(f.val)
	}
}

func enc(f func(b *cborBuf)) []byte {
	var b cborBuf
	f(&b)
	return b.Bytes()
}
