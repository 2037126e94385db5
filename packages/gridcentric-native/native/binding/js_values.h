// The JS value of a successful call: the C structs as plain objects with raw integer codes, the
// shapes GridcentricBackend promises (GcDomainInfo, GcTicketInfo, GcDomainExit).
#ifndef SYSBIND_GRIDCENTRIC_JS_VALUES_H
#define SYSBIND_GRIDCENTRIC_JS_VALUES_H

#include <napi.h>

#include "outcome.h"

namespace sysbind {

Napi::Value OutcomeValue(Napi::Env env, const Outcome &outcome);

} // namespace sysbind

#endif
