// The one shape of every async export: fn(options, onProgress?, cancelFlag?) → Promise.
//   * options are parsed on the JS thread by the export (napi-args.h); a bad argument rejects the
//     promise with code 'EINVAL' (async exports never throw);
//   * the kernel runs on a libuv worker thread with a CancelFlag (the Int32Array over a
//     SharedArrayBuffer that JavaScript sets to 1) and a Reporter for progress;
//   * progress records are queued to the JS thread in order and handed to onProgress as objects;
//   * the promise settles once every record has been delivered: it resolves with the export's
//     result, or rejects with a coded error (napi-errors.h). If onProgress throws, its first error
//     is the rejection (after the kernel ends) and it is not called again.
#pragma once
#include <napi.h>

#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "failure.h"
#include "napi-args.h"
#include "napi-errors.h"

namespace sdr::napi {

// Progress channel handed to a kernel; callable from any thread. update() is throttled (at most one
// record per interval; the latest one waits and is delivered before the next milestone or at the
// end), milestone() is always delivered, in order.
template <class Event>
class Reporter {
 public:
  using Sink = std::function<void(const Event&)>;
  explicit Reporter(Sink sink, std::chrono::milliseconds interval = std::chrono::milliseconds(250))
      : sink_(std::move(sink)), interval_(interval), last_(Clock::now() - interval) {}

  void update(const Event& e) {
    std::lock_guard<std::mutex> lock(mu_);
    const auto now = Clock::now();
    if (now - last_ < interval_) {
      pending_ = e;
      return;
    }
    pending_.reset();
    last_ = now;
    sink_(e);
  }
  void milestone(const Event& e) {
    std::lock_guard<std::mutex> lock(mu_);
    flush_locked();
    sink_(e);
  }
  void flush() {
    std::lock_guard<std::mutex> lock(mu_);
    flush_locked();
  }

 private:
  using Clock = std::chrono::steady_clock;
  void flush_locked() {
    if (!pending_) return;
    sink_(*pending_);
    pending_.reset();
    last_ = Clock::now();
  }
  Sink sink_;
  std::chrono::milliseconds interval_;
  Clock::time_point last_;
  std::optional<Event> pending_;
  std::mutex mu_;
};

template <class Event>
struct JobSpec {
  const char* name;  // async resource name, e.g. "sdr.labelLayers"
  // Runs on the worker thread; throws to fail (failure.h kinds).
  std::function<void(const CancelFlag&, Reporter<Event>&)> run;
  // Fills the progress object handed to onProgress.
  std::function<void(Napi::Object&, const Event&)> describe;
  // The resolved value, built on the JS thread after run returned; undefined when empty.
  std::function<Napi::Value(Napi::Env)> result;
};

// cancelFlag: absent, or an Int32Array of length ≥ 1; `keep` holds it alive while the kernel polls.
inline CancelFlag cancel_flag(const Napi::Value& v, Napi::ObjectReference& keep) {
  if (absent(v)) return CancelFlag();
  auto a = typed<int32_t>(v, "cancelFlag", napi_int32_array, "an Int32Array (over a SharedArrayBuffer)");
  if (a.ElementLength() < 1) throw_range(v.Env(), "cancelFlag must have at least one element");
  keep = Napi::Persistent(v.As<Napi::Object>());
  return CancelFlag(a.Data());
}

template <class Event>
class Job final : public Napi::AsyncProgressQueueWorker<Event> {
  using Base = Napi::AsyncProgressQueueWorker<Event>;

 public:
  Job(Napi::Env env, JobSpec<Event> spec, Napi::FunctionReference on_progress, Napi::ObjectReference cancel_ref,
      CancelFlag cancel)
      : Base(env, spec.name),
        deferred_(Napi::Promise::Deferred::New(env)),
        spec_(std::move(spec)),
        on_progress_(std::move(on_progress)),
        cancel_ref_(std::move(cancel_ref)),
        cancel_(cancel) {}
  Napi::Promise promise() const { return deferred_.Promise(); }

 protected:
  void Execute(const typename Base::ExecutionProgress& progress) override {
    Reporter<Event> reporter([&progress](const Event& e) { progress.Send(&e, 1); });
    try {
      spec_.run(cancel_, reporter);
      reporter.flush();
    } catch (...) {
      failure_ = current_failure();
    }
  }

  void OnProgress(const Event* data, size_t count) override {
    if (on_progress_.IsEmpty()) return;
    Napi::Env env = this->Env();
    Napi::HandleScope scope(env);
    for (size_t i = 0; i < count && progress_error_.IsEmpty(); i++) {
      Napi::Object o = Napi::Object::New(env);
      spec_.describe(o, data[i]);
      // A throwing callback must not unwind through libuv; its error settles the promise later.
      try {
        on_progress_.Call({o});
      } catch (const Napi::Error& e) {
        keep_progress_error(e.Value());
      }
      // In a thread-safe-function callback the JS exception can stay pending instead of being
      // converted to a C++ one; take it either way.
      if (env.IsExceptionPending()) keep_progress_error(env.GetAndClearPendingException().Value());
    }
  }

  void OnOK() override {
    Napi::Env env = this->Env();
    if (!progress_error_.IsEmpty()) return deferred_.Reject(progress_error_.Value());
    if (failure_) return deferred_.Reject(to_js(env, *failure_).Value());
    try {
      deferred_.Resolve(spec_.result ? spec_.result(env) : env.Undefined());
    } catch (const Napi::Error& e) {
      deferred_.Reject(e.Value());
    }
  }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  void keep_progress_error(Napi::Value err) {
    if (progress_error_.IsEmpty()) progress_error_ = Napi::Persistent(err);
  }

  Napi::Promise::Deferred deferred_;
  JobSpec<Event> spec_;
  Napi::FunctionReference on_progress_;
  Napi::ObjectReference cancel_ref_;
  CancelFlag cancel_;
  std::optional<Failure> failure_;
  Napi::Reference<Napi::Value> progress_error_;
};

// Parses (options, onProgress?, cancelFlag?) with `make` building the job from the options, queues it
// and returns its promise; any parse error becomes the promise's rejection.
template <class Event, class Make>
Napi::Value start_job(const Napi::CallbackInfo& info, Make&& make) {
  Napi::Env env = info.Env();
  try {
    JobSpec<Event> spec = make(Options(info[0]));
    Napi::FunctionReference on_progress;
    if (!absent(info[1])) {
      if (!info[1].IsFunction()) throw_type(env, "onProgress must be a function");
      on_progress = Napi::Persistent(info[1].As<Napi::Function>());
    }
    Napi::ObjectReference keep;
    const CancelFlag cancel = cancel_flag(info[2], keep);
    auto* job = new Job<Event>(env, std::move(spec), std::move(on_progress), std::move(keep), cancel);
    Napi::Promise promise = job->promise();
    job->Queue();
    return promise;
  } catch (...) {
    auto d = Napi::Promise::Deferred::New(env);
    try {
      throw;
    } catch (const Napi::Error& e) {
      d.Reject(e.Value());
    } catch (...) {
      d.Reject(to_js(env, current_failure()).Value());
    }
    return d.Promise();
  }
}

// The progress record most kernels send: units done out of total.
struct Count {
  uint64_t done = 0, total = 0;
};
inline void describe_count(Napi::Object& o, const char* stage, const Count& c) {
  o.Set("stage", stage);
  o.Set("done", Napi::Number::New(o.Env(), double(c.done)));
  o.Set("total", Napi::Number::New(o.Env(), double(c.total)));
}

}  // namespace sdr::napi
