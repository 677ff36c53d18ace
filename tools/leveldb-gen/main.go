// leveldb-gen writes lotus-miner-like metadata stores with goleveldb (the implementation lotus uses)
// and runs goleveldb's own open/recover on a store, so the TypeScript metastore readers are tested
// against real files and real reference behaviour.
//
//	leveldb-gen sectorinfo -dir D -truth T.json   SectorInfo records of every shape, cbor-gen encoded (lotusrecords.go)
//	leveldb-gen write   -dir D -truth T.json [-sectors N] [-compression none|snappy] [-seed S] [-wb BYTES] [-table BYTES] [-log N]
//	leveldb-gen dump    -dir D [-strict all|default|none] [-readonly]   → JSON {ok, error, keys}
//	leveldb-gen recover -dir D [-strict all|default|none]                → JSON {ok, error, keys} (RecoverFile, then iterate)
//	leveldb-gen hold    -dir D      opens the store as lotus does, prints "ready", holds it (and its LOCK) until stdin closes
//	leveldb-gen lotus   -dir D                                           → JSON: what lotus sees (go-ds-leveldb: OpenFile
//	                                                                        with lotus options, RecoverFile on a corruption error)
//
// Stores are written with lotus's options (lotus: node/repo/fsrepo_ds.go: NoCompression, StrictAll)
// except WriteBuffer/CompactionTableSize, which are small by default so that a few hundred keys
// span several tables at several levels; -compression snappy gives goleveldb's Snappy variant.
package main

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/syndtr/goleveldb/leveldb"
	"github.com/syndtr/goleveldb/leveldb/errors"
	"github.com/syndtr/goleveldb/leveldb/opt"
	"github.com/syndtr/goleveldb/leveldb/util"
)

type write struct {
	K string  `json:"k"` // base64 key
	V *string `json:"v"` // base64 value, null = delete
}

type truth struct {
	Writes  []write                `json:"writes"`
	Sectors map[string]SectorTruth `json:"sectors"` // final SectorInfo inputs by key
	Bad     []string               `json:"badSectorKeys"`
}

func die(f string, a ...interface{}) {
	fmt.Fprintf(os.Stderr, "leveldb-gen: "+f+"\n", a...)
	os.Exit(2)
}

func strictOf(s string) opt.Strict {
	switch s {
	case "all":
		return opt.StrictAll
	case "default":
		return opt.DefaultStrict
	case "none":
		return opt.NoStrict
	}
	die("unknown -strict %q (all|default|none)", s)
	return 0
}

func main() {
	if len(os.Args) < 2 {
		die("usage: leveldb-gen write|dump|recover [flags]")
	}
	fs := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
	dir := fs.String("dir", "", "store directory")
	truthPath := fs.String("truth", "", "where to write the ground truth JSON (write)")
	sectors := fs.Int("sectors", 400, "number of sectors in phase 1 (write)")
	comp := fs.String("compression", "none", "none (lotus) | snappy")
	seed := fs.Int64("seed", 1, "random seed")
	wb := fs.Int("wb", 64*1024, "WriteBuffer bytes (lotus uses the 4 MiB default)")
	table := fs.Int("table", 128*1024, "CompactionTableSize bytes (default 2 MiB)")
	logN := fs.Int("log", 3, "Log entries per SectorInfo (value size)")
	strict := fs.String("strict", "all", "all|default|none")
	ro := fs.Bool("readonly", false, "open read-only (dump)")
	summary := fs.Bool("summary", false, "dump/recover/lotus: print {ok, error, count, sha256} instead of every key (large stores)")
	leftover := fs.Bool("leftover", false, "write: compact everything at the end and leave an obsolete phase-1 table behind (a crash leftover)")
	_ = fs.Parse(os.Args[2:])
	if *dir == "" {
		die("-dir is required")
	}
	switch os.Args[1] {
	case "write":
		c := opt.NoCompression
		if *comp == "snappy" {
			c = opt.SnappyCompression
		} else if *comp != "none" {
			die("unknown -compression %q", *comp)
		}
		o := &opt.Options{Compression: c, Strict: opt.StrictAll, WriteBuffer: *wb, CompactionTableSize: *table, NoSync: true}
		t := generate(*dir, o, *sectors, *seed, *logN, *leftover)
		if *truthPath != "" {
			b, _ := json.Marshal(t)
			if err := os.WriteFile(*truthPath, b, 0o644); err != nil {
				die("%v", err)
			}
		}
	case "sectorinfo":
		if *truthPath == "" {
			die("sectorinfo needs -truth")
		}
		writeSectorInfoStore(*dir, *truthPath)
	case "dump":
		o := &opt.Options{Compression: opt.NoCompression, Strict: strictOf(*strict), ReadOnly: *ro, ErrorIfMissing: true}
		db, err := leveldb.OpenFile(*dir, o)
		report(db, err, *summary)
	case "hold":
		o := &opt.Options{Compression: opt.NoCompression, Strict: opt.StrictAll, ErrorIfMissing: true}
		db, err := leveldb.OpenFile(*dir, o)
		if err != nil {
			die("open: %v", err)
		}
		os.Stdout.Write([]byte("ready\n"))
		io.Copy(io.Discard, os.Stdin)
		db.Close()
	case "lotus":
		// ipfs/go-ds-leveldb datastore.go NewDatastore: OpenFile, and RecoverFile if the error IsCorrupted
		o := &opt.Options{Compression: opt.NoCompression, Strict: opt.StrictAll}
		db, err := leveldb.OpenFile(*dir, o)
		if err != nil && errors.IsCorrupted(err) {
			db, err = leveldb.RecoverFile(*dir, o)
		}
		report(db, err, *summary)
	case "recover":
		o := &opt.Options{Compression: opt.NoCompression, Strict: strictOf(*strict)}
		db, err := leveldb.RecoverFile(*dir, o)
		report(db, err, *summary)
	default:
		die("unknown command %q", os.Args[1])
	}
}

type result struct {
	OK     bool              `json:"ok"`
	Error  string            `json:"error,omitempty"`
	Keys   map[string]string `json:"keys"`
	Count  int               `json:"count"`
	SHA256 string            `json:"sha256,omitempty"`
}

// summary digest: sha256 over (u32le len ‖ key ‖ u32le len ‖ value) for every pair in key order
func report(db *leveldb.DB, err error, summary bool) {
	r := result{Keys: map[string]string{}}
	h := sha256.New()
	if err != nil {
		r.Error = err.Error()
	} else {
		it := db.NewIterator(nil, nil)
		var n [4]byte
		for it.Next() {
			r.Count++
			if summary {
				binary.LittleEndian.PutUint32(n[:], uint32(len(it.Key())))
				h.Write(n[:])
				h.Write(it.Key())
				binary.LittleEndian.PutUint32(n[:], uint32(len(it.Value())))
				h.Write(n[:])
				h.Write(it.Value())
				continue
			}
			r.Keys[base64.StdEncoding.EncodeToString(it.Key())] = base64.StdEncoding.EncodeToString(it.Value())
		}
		it.Release()
		if e := it.Error(); e != nil {
			r.Error = e.Error()
		} else {
			r.OK = true
		}
		if e := db.Close(); e != nil && r.Error == "" {
			r.Error = e.Error()
			r.OK = false
		}
	}
	if summary {
		r.SHA256 = hex.EncodeToString(h.Sum(nil))
	}
	b, _ := json.Marshal(r)
	os.Stdout.Write(b)
	os.Stdout.Write([]byte("\n"))
}

type writer struct {
	db *leveldb.DB
	t  *truth
}

func (w *writer) put(k string, v []byte) {
	w.batch([]string{k}, [][]byte{v})
}

func (w *writer) del(k string) { w.batch([]string{k}, [][]byte{nil}) }

// batch writes several records in one WriteBatch (one journal record), like go-datastore batches.
func (w *writer) batch(ks []string, vs [][]byte) {
	var b leveldb.Batch
	for i, k := range ks {
		var s *string
		if vs[i] == nil {
			b.Delete([]byte(k))
		} else {
			b.Put([]byte(k), vs[i])
			e := base64.StdEncoding.EncodeToString(vs[i])
			s = &e
		}
		w.t.Writes = append(w.t.Writes, write{K: base64.StdEncoding.EncodeToString([]byte(k)), V: s})
	}
	if err := w.db.Write(&b, nil); err != nil {
		die("write: %v", err)
	}
}

func open(dir string, o *opt.Options) *leveldb.DB {
	db, err := leveldb.OpenFile(dir, o)
	if err != nil {
		die("open %s: %v", dir, err)
	}
	return db
}

func sectorKey(n uint64) string { return "/sectors/" + strconv.FormatUint(n, 10) }

func generate(dir string, o *opt.Options, n int, seed int64, logN int, leftover bool) *truth {
	r := rand.New(rand.NewSource(seed))
	t := &truth{Sectors: map[string]SectorTruth{}}
	w := &writer{t: t}

	// Phase 1: a miner's history; compacted down so it ends up in the deeper levels.
	w.db = open(dir, o)
	w.put("/miner-address", append([]byte{0x00}, uvarint(1000)...))
	for i := 0; i < n; i++ {
		v, st := sectorInfo(r, uint64(i), 0, logN)
		t.Sectors[sectorKey(uint64(i))] = st
		if i%10 == 0 && i > 0 {
			// a multi-record batch: the sector plus its sealing-manager call record
			w.batch([]string{sectorKey(uint64(i)), fmt.Sprintf("/stmgr/calls/%08d", i)}, [][]byte{v, []byte(fmt.Sprintf(`{"ID":%d,"State":"done"}`, i))})
		} else {
			w.put(sectorKey(uint64(i)), v)
		}
		w.put("/storage/nextid", uvarint(uint64(i)))
	}
	if err := w.db.CompactRange(util.Range{}); err != nil {
		die("compact: %v", err)
	}
	w.db.Close()
	var old []byte
	if leftover {
		// the highest-numbered table now: phase 2 will supersede some of its keys
		ents, _ := os.ReadDir(dir)
		for _, e := range ents {
			if strings.HasSuffix(e.Name(), ".ldb") {
				old, _ = os.ReadFile(filepath.Join(dir, e.Name()))
			}
		}
	}

	// Phase 2: state changes and deletions; the journal is flushed to a level-0 table holding
	// tombstones at the next open. Lotus's default 4 MiB write buffer keeps it in one journal.
	big := *o
	big.WriteBuffer = 4 << 20
	o = &big
	w.db = open(dir, o)
	for i := 0; i < n; i++ {
		switch {
		case i%4 == 1:
			v, st := sectorInfo(r, uint64(i), 1, logN)
			t.Sectors[sectorKey(uint64(i))] = st
			w.put(sectorKey(uint64(i)), v)
		case i%10 == 9:
			delete(t.Sectors, sectorKey(uint64(i)))
			w.del(sectorKey(uint64(i)))
		}
		if i%20 == 0 && i > 0 {
			w.del(fmt.Sprintf("/stmgr/calls/%08d", i))
		}
	}
	w.db.Close()

	// Phase 3: recent activity that stays in the live journal.
	w.db = open(dir, o)
	for i := 0; i < n/8; i++ {
		num := uint64(n + i)
		v, st := sectorInfo(r, num, 0, logN)
		t.Sectors[sectorKey(num)] = st
		w.put(sectorKey(num), v)
		w.put("/storage/nextid", uvarint(num))
		if i%3 == 0 {
			old := uint64(i*4 + 2)
			v, st := sectorInfo(r, old, 2, logN)
			t.Sectors[sectorKey(old)] = st
			w.put(sectorKey(old), v)
		}
	}
	// one record that does not decode as SectorInfo (a truncated value), as a damaged write leaves
	bad := uint64(n + 1000)
	full, _ := sectorInfo(r, bad, 0, logN)
	w.put(sectorKey(bad), full[:len(full)/2])
	t.Bad = append(t.Bad, sectorKey(bad))
	if old != nil {
		// a crash leftover is dangerous once compaction has dropped the tombstones that hid its keys
		if err := w.db.CompactRange(util.Range{}); err != nil {
			die("compact: %v", err)
		}
	}
	w.db.Close()
	if old != nil {
		if err := os.WriteFile(filepath.Join(dir, "000900.ldb"), old, 0o644); err != nil {
			die("%v", err)
		}
	}
	return t
}
