// Conversion of a ct_evthdl_t into the plain object JS receives (RawContractEvent).
#ifndef SYSBIND_CONTRACT_EVENT_OBJECT_H
#define SYSBIND_CONTRACT_EVENT_OBJECT_H

#include <napi.h>

#include <libcontract.h>

#include <string>

namespace sysbind {

// Every common getter; nevid/newct for NEGEND; for process contracts every ct_pr_event_get_*
// getter, each field present exactly when its getter returns 0.
Napi::Object EventObject(Napi::Env env, ct_evthdl_t event, const std::string &contractType);

// Frees an event handle on every path out of a read.
class EventRead {
public:
  EventRead() = default;
  EventRead(const EventRead &) = delete;
  EventRead &operator=(const EventRead &) = delete;
  ~EventRead() {
    if (handle != nullptr)
      ct_event_free(handle);
  }
  ct_evthdl_t handle = nullptr;
};

} // namespace sysbind

#endif
