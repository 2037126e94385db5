// The sim flavor's export: bindSimulator(api) binds one simulated VM's GcGuestApi and returns a
// GridcentricBinding whose calls it answers.
#include "addon_data.h"
#include "binding.h"
#include "errors.h"
#include "flavor_exports.h"
#include "sim_call.h"
#include "sim_library.h"

namespace sysbind {
namespace {

constexpr sim::SimFunction kAllFunctions[] = {
    sim::SimFunction::Version,
    sim::SimFunction::Check,
    sim::SimFunction::MyIp,
    sim::SimFunction::RequestTickets,
    sim::SimFunction::CancelTicket,
    sim::SimFunction::MakeTicketIndependent,
    sim::SimFunction::ListTickets,
    sim::SimFunction::Clone,
    sim::SimFunction::ListCloneDomains,
    sim::SimFunction::ListTicketDomains,
    sim::SimFunction::GetDomainStatus,
    sim::SimFunction::WaitDomain,
    sim::SimFunction::WaitAny,
    sim::SimFunction::SyncTicket,
    sim::SimFunction::KillCloneDomain,
    sim::SimFunction::KillallCloneDomains,
    sim::SimFunction::KillallTicketDomains,
};

Napi::Value BindSimulator(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  if (!info[0].IsObject()) {
    throw InvalidArgType(env, "api", "a GcGuestApi object", info[0]);
  }
  Napi::Object api = info[0].As<Napi::Object>();
  for (sim::SimFunction function : kAllFunctions) {
    if (!api.Get(sim::FunctionName(function)).IsFunction()) {
      throw InvalidArgType(env, "api",
                           std::string("a GcGuestApi object, with a function ") + sim::FunctionName(function),
                           info[0]);
    }
  }
  std::size_t limit = Binding::WaitLimit(env, info[1]);
  // One GcGuestApi object is one simulated VM: backends bound to it share its VM state.
  AddonData &data = GetAddonData(env);
  std::shared_ptr<VmState> vm;
  for (auto entry = data.simVms.begin(); entry != data.simVms.end();) {
    std::shared_ptr<VmState> known = entry->second.lock();
    if (known == nullptr) {
      entry = data.simVms.erase(entry);
      continue;
    }
    if (vm == nullptr && entry->first.Value().StrictEquals(api))
      vm = known;
    ++entry;
  }
  if (vm == nullptr) {
    vm = std::make_shared<VmState>();
    data.simVms.emplace_back(Napi::Persistent(api), vm);
  }
  return Binding::NewInstance(env, sim::SimLibrary::Create(env, api), limit, vm);
}

} // namespace

void AddFlavorExports(Napi::Env env, Napi::Object exports) {
  exports.Set("bindSimulator", Napi::Function::New(env, BindSimulator, "bindSimulator"));
}

} // namespace sysbind
