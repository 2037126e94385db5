// Sim flavor: ct_status_read, ct_status_free and the status getters, forwarded to the simulator.
// A ct_stathdl_t is a SimHandle wrapping the simulator's status object.
#include <libcontract.h>
#include <sys/contract/device.h>
#include <sys/contract/process.h>

#include "handle_getters.h"

using namespace sysbind::sim;

namespace {

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

// The member and contract lists: the array stays valid in the handle until it is freed.
int ArrayDatum(ct_stathdl_t status, const char *method, int **values, uint_t *count) {
  std::vector<int> array;
  int error = DatumOf<std::vector<int>>(status, method, &array, ToIntArray);
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

// In libcontract.h's order.

int ct_status_read(int fd, int detail, ct_stathdl_t *status) {
  ShimScope scope;
  Bridge *bridge = scope.bridge();
  if (bridge == nullptr)
    return EBADF;
  return ReadHandle(scope, fd,
                    CallOnFd(scope, fd, "ct_status_read", {Napi::Number::New(bridge->env, detail)}), status);
}

void ct_status_free(ct_stathdl_t status) {
  FreeHandle(status, "ct_status_free");
}

SYSBIND_SIM_VALUE_GETTER(ctid_t, ct_status_get_id, ct_stathdl_t, IntValue)
SYSBIND_SIM_VALUE_GETTER(zoneid_t, ct_status_get_zoneid, ct_stathdl_t, IntValue)

// The simulator returns the type name itself (not an Out<T>); the handle keeps the string.
const char *ct_status_get_type(ct_stathdl_t status) {
  ShimScope scope;
  std::string type;
  if (!ToString(CallOnHandle(scope, HandleOf(status), "ct_status_get_type").value, &type))
    return nullptr;
  return HandleOf(status)->strings.emplace_back(std::move(type)).c_str();
}

SYSBIND_SIM_VALUE_GETTER(id_t, ct_status_get_holder, ct_stathdl_t, IntValue)
SYSBIND_SIM_VALUE_GETTER(ctstate_t, ct_status_get_state, ct_stathdl_t, IntValue)
SYSBIND_SIM_VALUE_GETTER(int, ct_status_get_nevents, ct_stathdl_t, IntValue)
SYSBIND_SIM_VALUE_GETTER(int, ct_status_get_ntime, ct_stathdl_t, IntValue)
SYSBIND_SIM_VALUE_GETTER(int, ct_status_get_qtime, ct_stathdl_t, IntValue)
SYSBIND_SIM_VALUE_GETTER(ctevid_t, ct_status_get_nevid, ct_stathdl_t, WideValue)
SYSBIND_SIM_VALUE_GETTER(uint_t, ct_status_get_informative, ct_stathdl_t, BitsValue)
SYSBIND_SIM_VALUE_GETTER(uint_t, ct_status_get_critical, ct_stathdl_t, BitsValue)
SYSBIND_SIM_VALUE_GETTER(uint64_t, ct_status_get_cookie, ct_stathdl_t, WideValue)

SYSBIND_SIM_OUT_GETTER(ct_pr_status_get_param, ct_stathdl_t, uint_t, BitsDatum)
SYSBIND_SIM_OUT_GETTER(ct_pr_status_get_fatal, ct_stathdl_t, uint_t, BitsDatum)

int ct_pr_status_get_members(ct_stathdl_t status, pid_t **members, uint_t *count) {
  return ArrayDatum(status, "ct_pr_status_get_members", members, count);
}

int ct_pr_status_get_contracts(ct_stathdl_t status, ctid_t **contracts, uint_t *count) {
  return ArrayDatum(status, "ct_pr_status_get_contracts", contracts, count);
}

SYSBIND_SIM_OUT_GETTER(ct_pr_status_get_svc_fmri, ct_stathdl_t, char *, StringDatum)
SYSBIND_SIM_OUT_GETTER(ct_pr_status_get_svc_aux, ct_stathdl_t, char *, StringDatum)
SYSBIND_SIM_OUT_GETTER(ct_pr_status_get_svc_ctid, ct_stathdl_t, ctid_t, IntDatum)
SYSBIND_SIM_OUT_GETTER(ct_pr_status_get_svc_creator, ct_stathdl_t, char *, StringDatum)

SYSBIND_SIM_OUT_GETTER(ct_dev_status_get_dev_state, ct_stathdl_t, uint_t, BitsDatum)
SYSBIND_SIM_OUT_GETTER(ct_dev_status_get_aset, ct_stathdl_t, uint_t, BitsDatum)
SYSBIND_SIM_OUT_GETTER(ct_dev_status_get_minor, ct_stathdl_t, char *, StringDatum)
SYSBIND_SIM_OUT_GETTER(ct_dev_status_get_noneg, ct_stathdl_t, uint_t, BitsDatum)

} // extern "C"
