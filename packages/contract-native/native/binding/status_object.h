// Conversion of a ct_stathdl_t into the plain object JS receives (RawContractStatus).
#ifndef SYSBIND_CONTRACT_STATUS_OBJECT_H
#define SYSBIND_CONTRACT_STATUS_OBJECT_H

#include <napi.h>

#include <libcontract.h>

namespace sysbind {

// Every common getter, then the getters of the status's type; a type getter that fails (ENOENT:
// not fetched at this detail level) leaves its field out.
Napi::Object StatusObject(Napi::Env env, ct_stathdl_t status, int detail);

} // namespace sysbind

#endif
