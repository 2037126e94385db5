#include "status_object.h"

#include <sys/contract/device.h>
#include <sys/contract/process.h>

#include <cstring>

namespace sysbind {
namespace {

template <typename T> Napi::Array NumberArray(Napi::Env env, const T *values, uint_t count) {
  Napi::Array array = Napi::Array::New(env, count);
  for (uint_t i = 0; i < count; i++)
    array.Set(i, Napi::Number::New(env, values[i]));
  return array;
}

void AddProcessFields(Napi::Env env, Napi::Object object, ct_stathdl_t status) {
  uint_t bits = 0;
  if (ct_pr_status_get_param(status, &bits) == 0)
    object.Set("param", Napi::Number::New(env, bits));
  if (ct_pr_status_get_fatal(status, &bits) == 0)
    object.Set("fatal", Napi::Number::New(env, bits));
  char *text = nullptr;
  if (ct_pr_status_get_svc_fmri(status, &text) == 0 && text != nullptr)
    object.Set("svcFmri", Napi::String::New(env, text));
  ctid_t ctid = 0;
  if (ct_pr_status_get_svc_ctid(status, &ctid) == 0)
    object.Set("svcCtid", Napi::Number::New(env, ctid));
  pid_t *members = nullptr;
  uint_t count = 0;
  if (ct_pr_status_get_members(status, &members, &count) == 0)
    object.Set("members", NumberArray(env, members, members == nullptr ? 0 : count));
  ctid_t *contracts = nullptr;
  if (ct_pr_status_get_contracts(status, &contracts, &count) == 0)
    object.Set("contracts", NumberArray(env, contracts, contracts == nullptr ? 0 : count));
  if (ct_pr_status_get_svc_aux(status, &text) == 0 && text != nullptr)
    object.Set("svcAux", Napi::String::New(env, text));
  if (ct_pr_status_get_svc_creator(status, &text) == 0 && text != nullptr)
    object.Set("svcCreator", Napi::String::New(env, text));
}

void AddDeviceFields(Napi::Env env, Napi::Object object, ct_stathdl_t status) {
  uint_t value = 0;
  if (ct_dev_status_get_dev_state(status, &value) == 0)
    object.Set("deviceState", Napi::Number::New(env, value));
  if (ct_dev_status_get_aset(status, &value) == 0)
    object.Set("aset", Napi::Number::New(env, value));
  if (ct_dev_status_get_noneg(status, &value) == 0)
    object.Set("noneg", Napi::Boolean::New(env, value != 0));
  char *minor = nullptr;
  if (ct_dev_status_get_minor(status, &minor) == 0 && minor != nullptr)
    object.Set("minor", Napi::String::New(env, minor));
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
    AddProcessFields(env, object, status);
  else if (type != nullptr && std::strcmp(type, "device") == 0)
    AddDeviceFields(env, object, status);
  return object;
}

} // namespace sysbind
