// Sim flavor: the event functions of libcontract (ct_event_*, ct_pr_event_get_*), forwarded to the
// simulator. A ct_evthdl_t is a SimHandle wrapping the simulator's event object.
#include <libcontract.h>
#include <sys/contract/process.h>

#include "shim_values.h"

using namespace sysbind::sim;

namespace {

SimHandle *HandleOf(ct_evthdl_t event) {
  return static_cast<SimHandle *>(event);
}

int ReadEvent(int fd, const char *method, ct_evthdl_t *event) {
  ShimScope scope;
  Reply reply = CallOnFd(scope, fd, method); // EBADF when no simulator is bound
  SimHandle *handle = nullptr;
  int error = HandleFromReply(scope, fd, reply, &handle);
  if (error == 0)
    *event = handle;
  return error;
}

template <typename T, typename Convert>
T Common(ct_evthdl_t event, const char *method, T fallback, Convert convert) {
  ShimScope scope;
  Reply reply = CallOnHandle(scope, HandleOf(event), method);
  T value = fallback;
  if (reply.error != 0 || !convert(reply.value, &value))
    return fallback;
  return value;
}

template <typename T, typename Convert>
int Datum(ct_evthdl_t event, const char *method, T *out, Convert convert) {
  ShimScope scope;
  return OutInto(CallOnHandle(scope, HandleOf(event), method), out, convert);
}

int PathDatum(ct_evthdl_t event, const char *method, const char **out) {
  std::string path;
  int error = Datum(event, method, &path, ToString);
  if (error != 0)
    return error;
  *out = HandleOf(event)->strings.emplace_back(std::move(path)).c_str();
  return 0;
}

} // namespace

extern "C" {

int ct_event_read(int fd, ct_evthdl_t *event) {
  return ReadEvent(fd, "ct_event_read", event);
}
int ct_event_read_critical(int fd, ct_evthdl_t *event) {
  return ReadEvent(fd, "ct_event_read_critical", event);
}

int ct_event_reset(int fd) {
  ShimScope scope;
  return ErrnoOf(CallOnFd(scope, fd, "ct_event_reset"));
}

int ct_event_reliable(int fd) {
  ShimScope scope;
  return ErrnoOf(CallOnFd(scope, fd, "ct_event_reliable"));
}

void ct_event_free(ct_evthdl_t event) {
  ShimScope scope;
  CallOnHandle(scope, HandleOf(event), "ct_event_free");
  delete HandleOf(event);
}

uint_t ct_event_get_flags(ct_evthdl_t e) {
  return Common<unsigned int>(e, "ct_event_get_flags", 0, ToUint);
}
ctid_t ct_event_get_ctid(ct_evthdl_t e) {
  return Common<int>(e, "ct_event_get_ctid", -1, ToInt);
}
ctevid_t ct_event_get_evid(ct_evthdl_t e) {
  return Common<uint64_t>(e, "ct_event_get_evid", 0, ToUint64);
}
uint_t ct_event_get_type(ct_evthdl_t e) {
  return Common<unsigned int>(e, "ct_event_get_type", 0, ToUint);
}

int ct_event_get_nevid(ct_evthdl_t e, ctevid_t *out) {
  uint64_t nevid = 0;
  int error = Datum(e, "ct_event_get_nevid", &nevid, ToUint64);
  if (error == 0)
    *out = nevid;
  return error;
}

int ct_event_get_newct(ct_evthdl_t e, ctid_t *out) {
  return Datum(e, "ct_event_get_newct", out, ToInt);
}
int ct_pr_event_get_pid(ct_evthdl_t e, pid_t *out) {
  return Datum(e, "ct_pr_event_get_pid", out, ToInt);
}
int ct_pr_event_get_ppid(ct_evthdl_t e, pid_t *out) {
  return Datum(e, "ct_pr_event_get_ppid", out, ToInt);
}
int ct_pr_event_get_signal(ct_evthdl_t e, int *out) {
  return Datum(e, "ct_pr_event_get_signal", out, ToInt);
}
int ct_pr_event_get_sender(ct_evthdl_t e, pid_t *out) {
  return Datum(e, "ct_pr_event_get_sender", out, ToInt);
}
int ct_pr_event_get_senderct(ct_evthdl_t e, ctid_t *out) {
  return Datum(e, "ct_pr_event_get_senderct", out, ToInt);
}

int ct_pr_event_get_exitstatus(ct_evthdl_t e, int *out) {
  return Datum(e, "ct_pr_event_get_exitstatus", out, ToInt);
}

int ct_pr_event_get_pcorefile(ct_evthdl_t e, const char **out) {
  return PathDatum(e, "ct_pr_event_get_pcorefile", out);
}

int ct_pr_event_get_gcorefile(ct_evthdl_t e, const char **out) {
  return PathDatum(e, "ct_pr_event_get_gcorefile", out);
}

int ct_pr_event_get_zcorefile(ct_evthdl_t e, const char **out) {
  return PathDatum(e, "ct_pr_event_get_zcorefile", out);
}

} // extern "C"
