{
  "targets": [
    {
      "target_name": "sdr",
      # Every .cc under src/ is part of the addon; modules register themselves (src/registry.h),
      # so adding a kernel never means editing a shared list.
      "sources": ["<!@(node -p \"require('fs').readdirSync('src').filter(f=>f.endsWith('.cc')).map(f=>'src/'+f).join(' ')\")"],
      "include_dirs": ["<!@(node -p \"require('node-addon-api').include\")", "src"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++17"],
      # No -march=native: the binary must run on any x86-64/aarch64. Fast paths use
      # per-function target attributes and are chosen at run time (cpu-features.cc).
      "cflags_cc": ["-std=c++17", "-O3", "-fexceptions", "-Wall", "-Wno-unused-function"],
      "cflags": ["-O3"]
    }
  ]
}
