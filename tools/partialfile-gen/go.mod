module sealer-recover/tools/partialfile-gen

go 1.21

require github.com/filecoin-project/go-bitfield v0.2.4

require golang.org/x/xerrors v0.0.0-20191204190536-9bdfabe68543 // indirect
