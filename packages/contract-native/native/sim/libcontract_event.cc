// Sim flavor: the event functions of libcontract (ct_event_*, ct_pr_event_get_*), forwarded to the
// simulator. A ct_evthdl_t is a SimHandle wrapping the simulator's event object.
#include <libcontract.h>
#include <sys/contract/process.h>

#include "handle_getters.h"

using namespace sysbind::sim;

extern "C" {

// In libcontract.h's order.

int ct_event_reset(int fd) {
  ShimScope scope;
  return ErrnoOf(CallOnFd(scope, fd, "ct_event_reset"));
}

int ct_event_reliable(int fd) {
  ShimScope scope;
  return ErrnoOf(CallOnFd(scope, fd, "ct_event_reliable"));
}

int ct_event_read(int fd, ct_evthdl_t *event) {
  ShimScope scope;
  return ReadHandle(scope, fd, CallOnFd(scope, fd, "ct_event_read"),
                    event); // EBADF when no simulator is bound
}

int ct_event_read_critical(int fd, ct_evthdl_t *event) {
  ShimScope scope;
  return ReadHandle(scope, fd, CallOnFd(scope, fd, "ct_event_read_critical"), event);
}

void ct_event_free(ct_evthdl_t event) {
  FreeHandle(event, "ct_event_free");
}

SYSBIND_SIM_VALUE_GETTER(uint_t, ct_event_get_flags, ct_evthdl_t, BitsValue)
SYSBIND_SIM_VALUE_GETTER(ctid_t, ct_event_get_ctid, ct_evthdl_t, IntValue)
SYSBIND_SIM_VALUE_GETTER(ctevid_t, ct_event_get_evid, ct_evthdl_t, WideValue)
SYSBIND_SIM_VALUE_GETTER(uint_t, ct_event_get_type, ct_evthdl_t, BitsValue)
SYSBIND_SIM_OUT_GETTER(ct_event_get_nevid, ct_evthdl_t, ctevid_t, WideDatum)
SYSBIND_SIM_OUT_GETTER(ct_event_get_newct, ct_evthdl_t, ctid_t, IntDatum)

SYSBIND_SIM_OUT_GETTER(ct_pr_event_get_pid, ct_evthdl_t, pid_t, IntDatum)
SYSBIND_SIM_OUT_GETTER(ct_pr_event_get_ppid, ct_evthdl_t, pid_t, IntDatum)
SYSBIND_SIM_OUT_GETTER(ct_pr_event_get_signal, ct_evthdl_t, int, IntDatum)
SYSBIND_SIM_OUT_GETTER(ct_pr_event_get_sender, ct_evthdl_t, pid_t, IntDatum)
SYSBIND_SIM_OUT_GETTER(ct_pr_event_get_senderct, ct_evthdl_t, ctid_t, IntDatum)
SYSBIND_SIM_OUT_GETTER(ct_pr_event_get_exitstatus, ct_evthdl_t, int, IntDatum)
SYSBIND_SIM_OUT_GETTER(ct_pr_event_get_pcorefile, ct_evthdl_t, const char *, StringDatum)
SYSBIND_SIM_OUT_GETTER(ct_pr_event_get_gcorefile, ct_evthdl_t, const char *, StringDatum)
SYSBIND_SIM_OUT_GETTER(ct_pr_event_get_zcorefile, ct_evthdl_t, const char *, StringDatum)

} // extern "C"
