// Every error the addon throws or hands to a callback. Failures of libgridcentric are built by
// the JS GridcentricError class (through its fromErrno factory), so that the native backend and
// the simulator's backend agree on one class, one message format and one errno table. Bad
// arguments and wrong receivers get the Node-style builders every @sysbind addon shares.
#ifndef SYSBIND_GRIDCENTRIC_ERRORS_H
#define SYSBIND_GRIDCENTRIC_ERRORS_H

#include <napi.h>
#include <sysbind/argument_errors.h>

#include "outcome.h"

namespace sysbind {

// The argument an error is about, copied to GridcentricError.vmid or .ticket.
struct Subject {
  enum class Kind { None, Vmid, Ticket } kind = Kind::None;
  int value = 0;
};

// A failed library call as a GridcentricError (code = errno name, errno < 0, syscall, subject).
Napi::Value LibraryError(Napi::Env env, const Outcome &outcome, const Subject &subject);
// A GridcentricError with a library-level code (ERR_BACKEND_CLOSED, ...).
Napi::Error CodedError(Napi::Env env, const char *code, const std::string &message);

} // namespace sysbind

#endif
