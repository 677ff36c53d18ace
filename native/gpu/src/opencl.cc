// dlopen-based OpenCL loader (docs/gpu.md#loading).
#include "opencl.h"

#include <dlfcn.h>

#include <map>
#include <memory>
#include <mutex>

namespace gpu::cl {

std::string default_library() {
#if defined(__APPLE__)
  return "/System/Library/Frameworks/OpenCL.framework/OpenCL";
#else
  return "libOpenCL.so.1";
#endif
}

const Api& load(const std::string& requested) {
  static std::mutex mu;
  static std::map<std::string, std::unique_ptr<Api>> loaded;
  const std::string lib = requested.empty() ? default_library() : requested;
  std::lock_guard<std::mutex> lock(mu);
  auto it = loaded.find(lib);
  if (it != loaded.end()) return *it->second;
  void* h = dlopen(lib.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!h && requested.empty()) h = dlopen("libOpenCL.so", RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    const char* e = dlerror();
    throw std::runtime_error("cannot load the OpenCL library " + lib + ": " + (e ? e : "unknown error"));
  }
  auto api = std::make_unique<Api>();
  auto sym = [&](auto& fn, const char* name) {
    void* p = dlsym(h, name);
    if (!p) throw std::runtime_error(lib + " has no symbol " + name + ": not an OpenCL 1.2 ICD loader");
    fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(p);
  };
  sym(api->GetPlatformIDs, "clGetPlatformIDs");
  sym(api->GetPlatformInfo, "clGetPlatformInfo");
  sym(api->GetDeviceIDs, "clGetDeviceIDs");
  sym(api->GetDeviceInfo, "clGetDeviceInfo");
  sym(api->CreateContext, "clCreateContext");
  sym(api->CreateCommandQueue, "clCreateCommandQueue");
  sym(api->CreateProgramWithSource, "clCreateProgramWithSource");
  sym(api->BuildProgram, "clBuildProgram");
  sym(api->GetProgramBuildInfo, "clGetProgramBuildInfo");
  sym(api->CreateKernel, "clCreateKernel");
  sym(api->SetKernelArg, "clSetKernelArg");
  sym(api->CreateBuffer, "clCreateBuffer");
  sym(api->EnqueueWriteBuffer, "clEnqueueWriteBuffer");
  sym(api->EnqueueReadBuffer, "clEnqueueReadBuffer");
  sym(api->EnqueueNDRangeKernel, "clEnqueueNDRangeKernel");
  sym(api->Finish, "clFinish");
  sym(api->ReleaseMemObject, "clReleaseMemObject");
  sym(api->ReleaseKernel, "clReleaseKernel");
  sym(api->ReleaseProgram, "clReleaseProgram");
  sym(api->ReleaseCommandQueue, "clReleaseCommandQueue");
  sym(api->ReleaseContext, "clReleaseContext");
  return *(loaded[lib] = std::move(api));
}

const char* error_name(cl_int code) {
  switch (code) {
    case -1: return "CL_DEVICE_NOT_FOUND";
    case -2: return "CL_DEVICE_NOT_AVAILABLE";
    case -3: return "CL_COMPILER_NOT_AVAILABLE";
    case -4: return "CL_MEM_OBJECT_ALLOCATION_FAILURE";
    case -5: return "CL_OUT_OF_RESOURCES";
    case -6: return "CL_OUT_OF_HOST_MEMORY";
    case -11: return "CL_BUILD_PROGRAM_FAILURE";
    case -30: return "CL_INVALID_VALUE";
    case -33: return "CL_INVALID_DEVICE";
    case -36: return "CL_INVALID_COMMAND_QUEUE";
    case -38: return "CL_INVALID_MEM_OBJECT";
    case -46: return "CL_INVALID_KERNEL_NAME";
    case -48: return "CL_INVALID_KERNEL";
    case -51: return "CL_INVALID_ARG_SIZE";
    case -52: return "CL_INVALID_KERNEL_ARGS";
    case -54: return "CL_INVALID_WORK_GROUP_SIZE";
    case -61: return "CL_INVALID_BUFFER_SIZE";
    case -1001: return "CL_PLATFORM_NOT_FOUND_KHR (no OpenCL platform installed)";
    default: return "OpenCL error";
  }
}

void check(cl_int code, const char* what) {
  if (code != 0) throw std::runtime_error(std::string(what) + " failed: " + std::to_string(code) + " (" + error_name(code) + ")");
}

}  // namespace gpu::cl
