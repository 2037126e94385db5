// Sim flavor: ct_status_read, ct_status_free and the status getters, forwarded to the simulator.
// A ct_stathdl_t is a SimHandle wrapping the simulator's status object.
#include <libcontract.h>
#include <sys/contract/device.h>
#include <sys/contract/process.h>

#include "shim_values.h"

using namespace sysbind::sim;

namespace {

SimHandle *HandleOf(ct_stathdl_t status) {
  return static_cast<SimHandle *>(status);
}

template <typename T, typename Convert>
T Common(ct_stathdl_t status, const char *method, T fallback, Convert convert) {
  ShimScope scope;
  Reply reply = CallOnHandle(scope, HandleOf(status), method);
  T value = fallback;
  if (reply.error != 0 || !convert(reply.value, &value))
    return fallback;
  return value;
}

int Number(ct_stathdl_t status, const char *method) {
  return Common<int>(status, method, -1, ToInt);
}
unsigned int Bits(ct_stathdl_t status, const char *method) {
  return Common<unsigned int>(status, method, 0, ToUint);
}
uint64_t Wide(ct_stathdl_t status, const char *method) {
  return Common<uint64_t>(status, method, 0, ToUint64);
}

int StringDatum(ct_stathdl_t status, const char *method, char **out) {
  ShimScope scope;
  std::string value;
  int error = OutInto(CallOnHandle(scope, HandleOf(status), method), &value, ToString);
  if (error != 0)
    return error;
  *out = HandleOf(status)->strings.emplace_back(std::move(value)).data();
  return 0;
}

bool ToIntArray(const Napi::Value &value, std::vector<int> *out) {
  if (!value.IsArray())
    return false;
  Napi::Array array = value.As<Napi::Array>();
  for (uint32_t i = 0; i < array.Length(); i++) {
    int element = 0;
    if (!ToInt(array.Get(i), &element))
      return false;
    out->push_back(element);
  }
  return true;
}

int ArrayDatum(ct_stathdl_t status, const char *method, int **values, uint_t *count) {
  ShimScope scope;
  std::vector<int> array;
  int error = OutInto(CallOnHandle(scope, HandleOf(status), method), &array, ToIntArray);
  if (error != 0)
    return error;
  std::vector<int> &stored = HandleOf(status)->arrays.emplace_back(std::move(array));
  stored.reserve(1); // a valid pointer even for no elements
  *values = stored.data();
  *count = static_cast<uint_t>(stored.size());
  return 0;
}

} // namespace

extern "C" {

int ct_status_read(int fd, int detail, ct_stathdl_t *status) {
  ShimScope scope;
  Bridge *bridge = scope.bridge();
  if (bridge == nullptr)
    return EBADF;
  Reply reply = CallOnFd(scope, fd, "ct_status_read", {Napi::Number::New(bridge->env, detail)});
  SimHandle *handle = nullptr;
  int error = HandleFromReply(scope, fd, reply, &handle);
  if (error == 0)
    *status = handle;
  return error;
}

void ct_status_free(ct_stathdl_t status) {
  ShimScope scope;
  CallOnHandle(scope, HandleOf(status), "ct_status_free");
  delete HandleOf(status);
}

ctid_t ct_status_get_id(ct_stathdl_t s) {
  return Number(s, "ct_status_get_id");
}
zoneid_t ct_status_get_zoneid(ct_stathdl_t s) {
  return Number(s, "ct_status_get_zoneid");
}
id_t ct_status_get_holder(ct_stathdl_t s) {
  return static_cast<id_t>(Number(s, "ct_status_get_holder"));
}
ctstate_t ct_status_get_state(ct_stathdl_t s) {
  return static_cast<ctstate_t>(Number(s, "ct_status_get_state"));
}
int ct_status_get_nevents(ct_stathdl_t s) {
  return Number(s, "ct_status_get_nevents");
}
int ct_status_get_ntime(ct_stathdl_t s) {
  return Number(s, "ct_status_get_ntime");
}
int ct_status_get_qtime(ct_stathdl_t s) {
  return Number(s, "ct_status_get_qtime");
}
ctevid_t ct_status_get_nevid(ct_stathdl_t s) {
  return Wide(s, "ct_status_get_nevid");
}
uint64_t ct_status_get_cookie(ct_stathdl_t s) {
  return Wide(s, "ct_status_get_cookie");
}
uint_t ct_status_get_informative(ct_stathdl_t s) {
  return Bits(s, "ct_status_get_informative");
}
uint_t ct_status_get_critical(ct_stathdl_t s) {
  return Bits(s, "ct_status_get_critical");
}

const char *ct_status_get_type(ct_stathdl_t status) {
  ShimScope scope;
  std::string type;
  if (!ToString(CallOnHandle(scope, HandleOf(status), "ct_status_get_type").value, &type))
    return nullptr;
  return HandleOf(status)->strings.emplace_back(std::move(type)).c_str();
}

int ct_pr_status_get_param(ct_stathdl_t s, uint_t *out) {
  ShimScope scope;
  return OutInto(CallOnHandle(scope, HandleOf(s), "ct_pr_status_get_param"), out, ToUint);
}

int ct_pr_status_get_fatal(ct_stathdl_t s, uint_t *out) {
  ShimScope scope;
  return OutInto(CallOnHandle(scope, HandleOf(s), "ct_pr_status_get_fatal"), out, ToUint);
}

int ct_pr_status_get_members(ct_stathdl_t s, pid_t **members, uint_t *count) {
  return ArrayDatum(s, "ct_pr_status_get_members", members, count);
}

int ct_pr_status_get_contracts(ct_stathdl_t s, ctid_t **contracts, uint_t *count) {
  return ArrayDatum(s, "ct_pr_status_get_contracts", contracts, count);
}

int ct_pr_status_get_svc_fmri(ct_stathdl_t s, char **out) {
  return StringDatum(s, "ct_pr_status_get_svc_fmri", out);
}
int ct_pr_status_get_svc_aux(ct_stathdl_t s, char **out) {
  return StringDatum(s, "ct_pr_status_get_svc_aux", out);
}

int ct_pr_status_get_svc_creator(ct_stathdl_t s, char **out) {
  return StringDatum(s, "ct_pr_status_get_svc_creator", out);
}

int ct_pr_status_get_svc_ctid(ct_stathdl_t s, ctid_t *out) {
  ShimScope scope;
  return OutInto(CallOnHandle(scope, HandleOf(s), "ct_pr_status_get_svc_ctid"), out, ToInt);
}

int ct_dev_status_get_dev_state(ct_stathdl_t s, uint_t *out) {
  ShimScope scope;
  return OutInto(CallOnHandle(scope, HandleOf(s), "ct_dev_status_get_dev_state"), out, ToUint);
}

int ct_dev_status_get_aset(ct_stathdl_t s, uint_t *out) {
  ShimScope scope;
  return OutInto(CallOnHandle(scope, HandleOf(s), "ct_dev_status_get_aset"), out, ToUint);
}

int ct_dev_status_get_noneg(ct_stathdl_t s, uint_t *out) {
  ShimScope scope;
  return OutInto(CallOnHandle(scope, HandleOf(s), "ct_dev_status_get_noneg"), out, ToUint);
}

int ct_dev_status_get_minor(ct_stathdl_t s, char **out) {
  return StringDatum(s, "ct_dev_status_get_minor", out);
}

} // extern "C"
