// The slice of the OpenCL 1.2 API this addon uses, declared here and resolved with dlopen/dlsym
// at run time (docs/gpu.md#loading): the addon builds without OpenCL headers and loads on machines
// without an OpenCL runtime, where probing reports why no GPU backend is available.
#pragma once
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace gpu::cl {

using cl_int = int32_t;
using cl_uint = uint32_t;
using cl_ulong = uint64_t;
using cl_bitfield = uint64_t;
using platform_id = struct _platform*;
using device_id = struct _device*;
using context = struct _context*;
using queue = struct _queue*;
using mem = struct _mem*;
using program = struct _program*;
using kernel = struct _kernel*;
using event = struct _event*;

constexpr cl_uint PLATFORM_VERSION = 0x0901, PLATFORM_NAME = 0x0902, PLATFORM_VENDOR = 0x0903;
constexpr cl_bitfield DEVICE_TYPE_ALL = 0xFFFFFFFF;
constexpr cl_uint DEVICE_TYPE = 0x1000, DEVICE_MAX_COMPUTE_UNITS = 0x1002, DEVICE_MAX_MEM_ALLOC_SIZE = 0x1010,
                  DEVICE_GLOBAL_MEM_SIZE = 0x101F, DEVICE_NAME = 0x102B, DEVICE_VENDOR = 0x102C,
                  DEVICE_VERSION = 0x102F;
constexpr intptr_t CONTEXT_PLATFORM = 0x1084;
constexpr cl_bitfield MEM_READ_WRITE = 1, MEM_WRITE_ONLY = 2, MEM_READ_ONLY = 4, MEM_COPY_HOST_PTR = 1 << 5;
constexpr cl_uint PROGRAM_BUILD_LOG = 0x1183;
constexpr cl_uint TRUE_ = 1;

struct Api {
  cl_int (*GetPlatformIDs)(cl_uint, platform_id*, cl_uint*);
  cl_int (*GetPlatformInfo)(platform_id, cl_uint, size_t, void*, size_t*);
  cl_int (*GetDeviceIDs)(platform_id, cl_bitfield, cl_uint, device_id*, cl_uint*);
  cl_int (*GetDeviceInfo)(device_id, cl_uint, size_t, void*, size_t*);
  context (*CreateContext)(const intptr_t*, cl_uint, const device_id*, void*, void*, cl_int*);
  queue (*CreateCommandQueue)(context, device_id, cl_bitfield, cl_int*);
  program (*CreateProgramWithSource)(context, cl_uint, const char**, const size_t*, cl_int*);
  cl_int (*BuildProgram)(program, cl_uint, const device_id*, const char*, void*, void*);
  cl_int (*GetProgramBuildInfo)(program, device_id, cl_uint, size_t, void*, size_t*);
  kernel (*CreateKernel)(program, const char*, cl_int*);
  cl_int (*SetKernelArg)(kernel, cl_uint, size_t, const void*);
  mem (*CreateBuffer)(context, cl_bitfield, size_t, void*, cl_int*);
  cl_int (*EnqueueWriteBuffer)(queue, mem, cl_uint, size_t, size_t, const void*, cl_uint, const event*, event*);
  cl_int (*EnqueueReadBuffer)(queue, mem, cl_uint, size_t, size_t, void*, cl_uint, const event*, event*);
  cl_int (*EnqueueNDRangeKernel)(queue, kernel, cl_uint, const size_t*, const size_t*, const size_t*, cl_uint,
                                 const event*, event*);
  cl_int (*Finish)(queue);
  cl_int (*ReleaseMemObject)(mem);
  cl_int (*ReleaseKernel)(kernel);
  cl_int (*ReleaseProgram)(program);
  cl_int (*ReleaseCommandQueue)(queue);
  cl_int (*ReleaseContext)(context);
};

// Loads the ICD loader once per library path (SDR_OPENCL_LIBRARY or the platform default).
// Throws std::runtime_error naming the library and dlerror() when it cannot be loaded.
const Api& load(const std::string& library);

// The default library names tried when no path is given.
std::string default_library();

// Throws "what failed: code (NAME)" when code != 0.
void check(cl_int code, const char* what);
const char* error_name(cl_int code);

}  // namespace gpu::cl
