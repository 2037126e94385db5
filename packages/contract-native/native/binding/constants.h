#ifndef SYSBIND_CONTRACT_CONSTANTS_H
#define SYSBIND_CONTRACT_CONSTANTS_H

#include <napi.h>

namespace sysbind {

// The numeric constants of the headers this build was compiled against, keyed by their C names.
Napi::Object ContractConstants(Napi::Env env);

} // namespace sysbind

#endif
