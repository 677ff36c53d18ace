// Reference digests of whole parents-cache files, keyed by file stem.
// Reference data copied from rfp: storage-proofs-porep/parent_cache.json (via docs/sdr.md#parents-cache-file, which also
// maps each stem to its proof id). digest = lowercase hex SHA-256 of the entire file.
// Only the V1 and V1_1 graphs (ids 0–9) are listed upstream; SyntheticPoRep / NI-PoRep graphs
// (ids 10–19) have no published digest.

export interface ParentsCacheManifestEntry {
  readonly sectorSize: bigint;
  readonly digest: string;
}

export const PARENTS_CACHE_MANIFEST: Readonly<Record<string, ParentsCacheManifestEntry>> = Object.freeze({
  // id 0, 2KiB V1
  'v28-sdr-parent-3f0eef38bb48af1f48ad65e14eb85b4ebfc167cec18cd81764f6d998836c9899': {
    sectorSize: 2048n,
    digest: '3da49221e2ed55371b86d0bf3d6526fcf128af61bed904f966428db1b531750d',
  },
  // id 5, 2KiB V1_1
  'v28-sdr-parent-494d91dc80f2df5272c4b9e129bc7ade9405225993af9fe34e6542a39a47554b': {
    sectorSize: 2048n,
    digest: '840057702eea7652cf97e04306c30fe57174714d90de156a25eddd6075c25b97',
  },
  // id 1, 8MiB V1
  'v28-sdr-parent-dcdabb0fbe4364bf0ac28b6a18c66de246409fa1a9020a00f33fb3e3053da6dc': {
    sectorSize: 8n << 20n,
    digest: 'a76604f2f59f2744c7151653bbb1d8596b6b57d295e6fa6c1f0c41d725b502ce',
  },
  // id 6, 8MiB V1_1
  'v28-sdr-parent-5eed212119fd91aa6220a27f31a8966444a9381842bceb3a1ea61525bd47a5b5': {
    sectorSize: 8n << 20n,
    digest: '03cd13565ded97c240a5f52e54295ad127bd0461b57904cb3a4d79b097bbecab',
  },
  // id 2, 512MiB V1
  'v28-sdr-parent-2aa9c77c3e58259481351cc4be2079cc71e1c9af39700866545c043bfa30fb42': {
    sectorSize: 512n << 20n,
    digest: '3adcc092423aa76d6a7184016893406da44dd974b219a89cd3ece25e4e3018f5',
  },
  // id 7, 512MiB V1_1
  'v28-sdr-parent-7ba215a1d2345774ab90b8cb1158d296e409d6068819d7b8c7baf0b25d63dc34': {
    sectorSize: 512n << 20n,
    digest: 'b5877d1963793efebc261fd8fde4dd6bc59e6b5c7abf52617a4ee023b8dc173a',
  },
  // id 3, 32GiB V1
  'v28-sdr-parent-e1fa5d5b811ddbd118be3412c4a8c329156b8b8acc72632bca459455b5a05a13': {
    sectorSize: 32n << 30n,
    digest: '3c4f9841fcc75aed8c695800e58d08480629f25af3a2aefd81904181d75cc0b6',
  },
  // id 8, 32GiB V1_1
  'v28-sdr-parent-21981246c370f9d76c7a77ab273d94bde0ceb4e938292334960bce05585dc117': {
    sectorSize: 32n << 30n,
    digest: '93deeac5e3052b6927467d4b2641bb782f05491de18d510147c93eeedd8672da',
  },
  // id 4, 64GiB V1
  'v28-sdr-parent-8a99e8d6b6be7ab87a56b632e6739ff201c23ea14e99737c74690f0e265574d6': {
    sectorSize: 64n << 30n,
    digest: '2778a732ad46a7dc18e0564dfdf59fd321dcde74ab476fd6d3c4e6735d7cd89c',
  },
  // id 9, 64GiB V1_1
  'v28-sdr-parent-4905486b7af19558ac3649bc6261411858b6add534438878c4ee3b29d8b9de0b': {
    sectorSize: 64n << 30n,
    digest: '2698b74eb2606b55b98d8b095e18b6320b47f46e00075956d48640ccd1641b03',
  },
});

/** The manifest entry for a cache file name (`<stem>.cache`), or undefined when upstream lists none. */
export function manifestEntryFor(fileName: string): ParentsCacheManifestEntry | undefined {
  return PARENTS_CACHE_MANIFEST[fileName.replace(/\.cache$/, '')];
}
