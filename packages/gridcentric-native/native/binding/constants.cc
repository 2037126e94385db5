#include "constants.h"

#include <sysbind/constants.h>

#include "gc_api.h"

namespace sysbind {
namespace {

// What `constants` exports: the domain status and exit-reason codes of the header this build
// compiled against.
const Constant kConstants[] = {
    SYSBIND_CONSTANT(GC_DOMAIN_UNKNOWN), SYSBIND_CONSTANT(GC_DOMAIN_CREATING),
    SYSBIND_CONSTANT(GC_DOMAIN_ONLINE),  SYSBIND_CONSTANT(GC_DOMAIN_PAUSED),
    SYSBIND_CONSTANT(GC_DOMAIN_EXITED),  SYSBIND_CONSTANT(GC_DOMAIN_CRASHED),
    SYSBIND_CONSTANT(GC_DOMAIN_KILLED),  SYSBIND_CONSTANT(GC_EXIT_EXITED),
    SYSBIND_CONSTANT(GC_EXIT_CRASHED),   SYSBIND_CONSTANT(GC_EXIT_KILLED),
};

} // namespace

Napi::Object GridcentricConstants(Napi::Env env) {
  return ConstantsObject(env, kConstants);
}

} // namespace sysbind
