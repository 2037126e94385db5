#include "event_object.h"

#include "getter_fields.h"

#include <sys/contract/process.h>

namespace sysbind {
namespace {

// Every ct_pr_event_get_* getter of a process contract's event.
void AddProcessFields(Napi::Object object, ct_evthdl_t event) {
  SetNumberField(object, "pid", ct_pr_event_get_pid, event);
  SetNumberField(object, "ppid", ct_pr_event_get_ppid, event);
  SetNumberField(object, "exitStatus", ct_pr_event_get_exitstatus, event);
  SetNumberField(object, "signal", ct_pr_event_get_signal, event);
  SetNumberField(object, "sender", ct_pr_event_get_sender, event);
  SetNumberField(object, "senderCtid", ct_pr_event_get_senderct, event);
  SetStringField(object, "pcorefile", ct_pr_event_get_pcorefile, event);
  SetStringField(object, "gcorefile", ct_pr_event_get_gcorefile, event);
  SetStringField(object, "zcorefile", ct_pr_event_get_zcorefile, event);
}

} // namespace

Napi::Object EventObject(Napi::Env env, ct_evthdl_t event, const std::string &contractType) {
  Napi::Object object = Napi::Object::New(env);
  object.Set("ctid", Napi::Number::New(env, ct_event_get_ctid(event)));
  object.Set("evid", Napi::BigInt::New(env, static_cast<uint64_t>(ct_event_get_evid(event))));
  uint_t type = ct_event_get_type(event);
  object.Set("type", Napi::Number::New(env, type));
  object.Set("flags", Napi::Number::New(env, ct_event_get_flags(event)));
  object.Set("contractType", Napi::String::New(env, contractType));
  if (type == CT_EV_NEGEND) {
    ctevid_t nevid = 0;
    if (ct_event_get_nevid(event, &nevid) == 0)
      object.Set("nevid", Napi::BigInt::New(env, static_cast<uint64_t>(nevid)));
    SetNumberField(object, "newct", ct_event_get_newct, event);
  } else if (contractType == "process") {
    AddProcessFields(object, event);
  }
  return object;
}

} // namespace sysbind
