#include "status_object.h"

#include "getter_fields.h"

#include <sys/contract/device.h>
#include <sys/contract/process.h>

#include <cstring>

namespace sysbind {
namespace {

// The ct_pr_status_get_* getters of a process contract's status.
void AddProcessFields(Napi::Object object, ct_stathdl_t status) {
  SetNumberField(object, "param", ct_pr_status_get_param, status);
  SetNumberField(object, "fatal", ct_pr_status_get_fatal, status);
  SetStringField(object, "svcFmri", ct_pr_status_get_svc_fmri, status);
  SetNumberField(object, "svcCtid", ct_pr_status_get_svc_ctid, status);
  SetArrayField(object, "members", ct_pr_status_get_members, status);
  SetArrayField(object, "contracts", ct_pr_status_get_contracts, status);
  SetStringField(object, "svcAux", ct_pr_status_get_svc_aux, status);
  SetStringField(object, "svcCreator", ct_pr_status_get_svc_creator, status);
}

// The ct_dev_status_get_* getters of a device contract's status; noneg is a flag.
void AddDeviceFields(Napi::Object object, ct_stathdl_t status) {
  SetNumberField(object, "deviceState", ct_dev_status_get_dev_state, status);
  SetNumberField(object, "aset", ct_dev_status_get_aset, status);
  uint_t noneg = 0;
  if (ct_dev_status_get_noneg(status, &noneg) == 0)
    object.Set("noneg", Napi::Boolean::New(object.Env(), noneg != 0));
  SetStringField(object, "minor", ct_dev_status_get_minor, status);
}

} // namespace

Napi::Object StatusObject(Napi::Env env, ct_stathdl_t status, int detail) {
  Napi::Object object = Napi::Object::New(env);
  object.Set("ctid", Napi::Number::New(env, ct_status_get_id(status)));
  object.Set("zoneid", Napi::Number::New(env, ct_status_get_zoneid(status)));
  const char *type = ct_status_get_type(status);
  object.Set("type", Napi::String::New(env, type == nullptr ? "" : type));
  object.Set("state", Napi::Number::New(env, ct_status_get_state(status)));
  object.Set("holder", Napi::Number::New(env, ct_status_get_holder(status)));
  object.Set("nevents", Napi::Number::New(env, ct_status_get_nevents(status)));
  object.Set("ntime", Napi::Number::New(env, ct_status_get_ntime(status)));
  object.Set("qtime", Napi::Number::New(env, ct_status_get_qtime(status)));
  object.Set("nevid", Napi::BigInt::New(env, static_cast<uint64_t>(ct_status_get_nevid(status))));
  object.Set("cookie", Napi::BigInt::New(env, static_cast<uint64_t>(ct_status_get_cookie(status))));
  object.Set("informative", Napi::Number::New(env, ct_status_get_informative(status)));
  object.Set("critical", Napi::Number::New(env, ct_status_get_critical(status)));
  object.Set("detail", Napi::Number::New(env, detail));
  if (type != nullptr && std::strcmp(type, "process") == 0)
    AddProcessFields(object, status);
  else if (type != nullptr && std::strcmp(type, "device") == 0)
    AddDeviceFields(object, status);
  return object;
}

} // namespace sysbind
