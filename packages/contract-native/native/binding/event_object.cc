#include "event_object.h"

#include <sys/contract/process.h>

namespace sysbind {
namespace {

void AddProcessFields(Napi::Env env, Napi::Object object, ct_evthdl_t event) {
  pid_t pid = 0;
  if (ct_pr_event_get_pid(event, &pid) == 0)
    object.Set("pid", Napi::Number::New(env, pid));
  if (ct_pr_event_get_ppid(event, &pid) == 0)
    object.Set("ppid", Napi::Number::New(env, pid));
  int value = 0;
  if (ct_pr_event_get_exitstatus(event, &value) == 0)
    object.Set("exitStatus", Napi::Number::New(env, value));
  if (ct_pr_event_get_signal(event, &value) == 0)
    object.Set("signal", Napi::Number::New(env, value));
  if (ct_pr_event_get_sender(event, &pid) == 0)
    object.Set("sender", Napi::Number::New(env, pid));
  ctid_t ctid = 0;
  if (ct_pr_event_get_senderct(event, &ctid) == 0)
    object.Set("senderCtid", Napi::Number::New(env, ctid));
  const char *path = nullptr;
  if (ct_pr_event_get_pcorefile(event, &path) == 0 && path != nullptr)
    object.Set("pcorefile", Napi::String::New(env, path));
  if (ct_pr_event_get_gcorefile(event, &path) == 0 && path != nullptr)
    object.Set("gcorefile", Napi::String::New(env, path));
  if (ct_pr_event_get_zcorefile(event, &path) == 0 && path != nullptr)
    object.Set("zcorefile", Napi::String::New(env, path));
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
    ctid_t newct = 0;
    if (ct_event_get_newct(event, &newct) == 0)
      object.Set("newct", Napi::Number::New(env, newct));
  } else if (contractType == "process") {
    AddProcessFields(env, object, event);
  }
  return object;
}

} // namespace sysbind
