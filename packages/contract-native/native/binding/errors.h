// The errors the binding throws: ContractError for failures of libcontract and system calls
// (constructed from the JS class the loader handed over), and the Node-style TypeError/RangeError
// builders for bad arguments and wrong receivers, which every @sysbind addon shares.
#ifndef SYSBIND_CONTRACT_ERRORS_H
#define SYSBIND_CONTRACT_ERRORS_H

#include <napi.h>
#include <sysbind/argument_errors.h>

#include <string>

namespace sysbind {

// What a ContractError names besides errno and syscall. ctid < 0 means "no contract".
struct ErrorSubject {
  int ctid = -1;
  std::string path;
};

// A ContractError for `errnum` (positive, as libcontract returns it) from `syscall`.
Napi::Error ContractErrno(Napi::Env env, int errnum, const char *syscall, const ErrorSubject &subject = {});

} // namespace sysbind

#endif
