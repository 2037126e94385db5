// The sim flavor's functions on a status or event handle (ct_status_*, ct_event_*, ct_pr_*,
// ct_dev_*): a ct_stathdl_t or ct_evthdl_t is a SimHandle wrapping the simulator's object, and
// each getter is the simulator method of the same name, called on that object.
#ifndef SYSBIND_SIM_HANDLE_GETTERS_H
#define SYSBIND_SIM_HANDLE_GETTERS_H

#include <napi.h>

#include "shim_values.h"

#include <string>
#include <utility>
#include <vector>

namespace sysbind {
namespace sim {

inline SimHandle *HandleOf(void *handle) {
  return static_cast<SimHandle *>(handle);
}

// ct_status_read, ct_event_read: the handle object the simulator's `reply` holds, as a new
// SimHandle in *out (freed by FreeHandle), or the errno.
template <typename Handle> int ReadHandle(const ShimScope &scope, int fd, const Reply &reply, Handle *out) {
  SimHandle *handle = nullptr;
  int error = HandleFromReply(scope, fd, reply, &handle);
  if (error == 0)
    *out = handle;
  return error;
}

// ct_status_free, ct_event_free: tells the simulator, then frees the handle and every string and
// array handed out from it.
inline void FreeHandle(void *handle, const char *method) {
  ShimScope scope;
  CallOnHandle(scope, HandleOf(handle), method);
  delete HandleOf(handle);
}

// A getter that returns its value: the method's result read with `convert`, or `fallback` (what
// libcontract returns for a handle it cannot read) if the call or the conversion fails.
template <typename T, typename Convert>
T ValueOf(void *handle, const char *method, T fallback, Convert convert) {
  ShimScope scope;
  Reply reply = CallOnHandle(scope, HandleOf(handle), method);
  T value = fallback;
  if (reply.error != 0 || !convert(reply.value, &value))
    return fallback;
  return value;
}
inline int IntValue(void *handle, const char *method) {
  return ValueOf<int>(handle, method, -1, ToInt);
}
inline unsigned int BitsValue(void *handle, const char *method) {
  return ValueOf<unsigned int>(handle, method, 0, ToUint);
}
inline uint64_t WideValue(void *handle, const char *method) {
  return ValueOf<uint64_t>(handle, method, 0, ToUint64);
}

// A getter with an out parameter (the method returns an Out<T>): 0 with *out set, or the errno
// (ENOENT: not fetched at this detail level, or not in this event).
template <typename T, typename Out, typename Convert>
int DatumOf(void *handle, const char *method, Out *out, Convert convert) {
  ShimScope scope;
  T value{};
  int error = OutInto(CallOnHandle(scope, HandleOf(handle), method), &value, convert);
  if (error == 0)
    *out = value;
  return error;
}
template <typename Out> int IntDatum(void *handle, const char *method, Out *out) {
  return DatumOf<int>(handle, method, out, ToInt);
}
template <typename Out> int BitsDatum(void *handle, const char *method, Out *out) {
  return DatumOf<unsigned int>(handle, method, out, ToUint);
}
template <typename Out> int WideDatum(void *handle, const char *method, Out *out) {
  return DatumOf<uint64_t>(handle, method, out, ToUint64);
}

// A string getter (char ** or const char **): the string stays valid in the handle until it is
// freed, as libcontract's do.
template <typename Char> int StringDatum(void *handle, const char *method, Char **out) {
  std::string value;
  int error = DatumOf<std::string>(handle, method, &value, ToString);
  if (error != 0)
    return error;
  *out = HandleOf(handle)->strings.emplace_back(std::move(value)).data();
  return 0;
}

} // namespace sim
} // namespace sysbind

// Defines the getter `name`, which returns `Type` for a handle of type `Handle`, as `read` (one of
// IntValue, BitsValue, WideValue) of the simulator method of the same name.
#define SYSBIND_SIM_VALUE_GETTER(Type, name, Handle, read)                                                   \
  Type name(Handle handle) {                                                                                 \
    return static_cast<Type>(read(handle, #name));                                                           \
  }

// Defines the getter `name`, which fills `Out *` for a handle of type `Handle`, as `read` (one of
// IntDatum, BitsDatum, WideDatum, StringDatum) of the simulator method of the same name.
#define SYSBIND_SIM_OUT_GETTER(name, Handle, Out, read)                                                      \
  int name(Handle handle, Out *out) {                                                                        \
    return read(handle, #name, out);                                                                         \
  }

#endif
