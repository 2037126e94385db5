// The system flavor: the guest's own libgridcentric, one per process, reached directly by
// whichever thread calls it. It has no way to withdraw a blocking call (see the guide).
#ifndef SYSBIND_SIM

#include "binding.h"
#include "errors.h"
#include "flavor_exports.h"
#include "library.h"

namespace sysbind {
namespace {

class SystemLibrary final : public Library {
public:
  void Enter(std::uint64_t) override {}
  void Leave() override {}
  bool Interrupt(std::uint64_t) override { return false; }
  bool CanInterrupt() const override { return false; }
  bool TakeInterrupted() override { return false; }
  std::uint64_t LastStamp() override { return 0; }
  std::vector<std::uint64_t> TakeCallStamps() override { return {}; }
  bool CanShutDownCalls() const override { return false; }
  void Shutdown() override {}
  void ReleaseJs(bool) override {}
};

Napi::Value OpenSystemBinding(const Napi::CallbackInfo &info) {
  std::size_t limit = Binding::WaitLimit(info.Env(), info[0]);
  // The process runs in one guest VM: every backend of every environment acts as that VM.
  static const std::shared_ptr<VmState> *vm = new std::shared_ptr<VmState>(std::make_shared<VmState>());
  return Binding::NewInstance(info.Env(), std::make_shared<SystemLibrary>(), limit, *vm);
}

} // namespace

void AddFlavorExports(Napi::Env env, Napi::Object exports) {
  exports.Set("openBinding", Napi::Function::New(env, OpenSystemBinding, "openBinding"));
}

} // namespace sysbind

#endif
