// A scripted ProcessRunner for unit tests: no process is ever started.
#pragma once

#include <functional>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "run/process.hpp"

namespace racelab {

// Reads NAME from a spec's explicit environment ("" when absent).
inline std::string EnvOf(const ProcessSpec& spec, const std::string& name) {
  std::string value;
  ForEachEnv(spec, [&](const std::string& kv) {
    if (kv.rfind(name + "=", 0) == 0) value = kv.substr(name.size() + 1);
  });
  return value;
}

// A run that exited with `code`, having written `out` and `err`.
inline ProcessResult Exited(int code, std::string out = "", std::string err = "") {
  ProcessResult r;
  r.termination = Termination::kExited;
  r.exit_code = code;
  r.out = std::move(out);
  r.err = std::move(err);
  return r;
}

class FakeProcessRunner final : public ProcessRunner {
 public:
  using Script = std::function<ProcessResult(const ProcessSpec&)>;
  explicit FakeProcessRunner(Script script) : script_(std::move(script)) {}
  ProcessResult Run(const ProcessSpec& spec) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (cancelled_) {
        ProcessResult r;
        r.termination = Termination::kCancelled;
        return r;
      }
      specs_.push_back(spec);
    }
    return script_(spec);
  }
  void CancelAll() override {
    std::lock_guard<std::mutex> lock(mu_);
    cancelled_ = true;
  }
  std::vector<ProcessSpec> specs() const {
    std::lock_guard<std::mutex> lock(mu_);
    return specs_;
  }

 private:
  Script script_;
  mutable std::mutex mu_;
  bool cancelled_ = false;
  std::vector<ProcessSpec> specs_;
};

}  // namespace racelab
