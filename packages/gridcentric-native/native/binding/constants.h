#ifndef SYSBIND_GRIDCENTRIC_CONSTANTS_H
#define SYSBIND_GRIDCENTRIC_CONSTANTS_H

#include <napi.h>

namespace sysbind {

// The status and exit-reason codes of the header this build was compiled against, by C name.
Napi::Object GridcentricConstants(Napi::Env env);

} // namespace sysbind

#endif
