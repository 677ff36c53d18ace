{
  "targets": [
    {
      "target_name": "gpu",
      # OpenCL is loaded with dlopen at run time (src/opencl.cc): no OpenCL headers or library are
      # needed to build, and the addon loads on machines without any OpenCL runtime.
      "sources": ["src/opencl.cc", "src/addon.cc"],
      "include_dirs": ["<!@(node -p \"require('node-addon-api').include\")", "src"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++17"],
      "cflags_cc": ["-std=c++17", "-O2", "-fexceptions", "-Wall"],
      "libraries": ["-ldl"]
    }
  ]
}
