// The errors the binding throws: ContractError for failures of libcontract and system calls
// (constructed from the JS class the loader handed over), TypeError/RangeError with Node's codes
// for bad arguments and wrong receivers.
#ifndef SYSBIND_CONTRACT_ERRORS_H
#define SYSBIND_CONTRACT_ERRORS_H

#include <napi.h>

#include <string>

namespace sysbind {

// What a ContractError names besides errno and syscall. ctid < 0 means "no contract".
struct ErrorSubject {
  int ctid = -1;
  std::string path;
};

// A ContractError for `errnum` (positive, as libcontract returns it) from `syscall`.
Napi::Error ContractErrno(Napi::Env env, int errnum, const char *syscall, const ErrorSubject &subject = {});

// A TypeError with code ERR_INVALID_ARG_TYPE: argument `name` should have been `expected`.
Napi::Error InvalidArgType(Napi::Env env, const char *name, const char *expected,
                           const Napi::Value &received);

// A TypeError with code ERR_INVALID_ARG_VALUE.
Napi::Error InvalidArgValue(Napi::Env env, const char *name, const std::string &why);

// A RangeError with code ERR_OUT_OF_RANGE.
Napi::Error OutOfRange(Napi::Env env, const char *name, const char *range);

// A TypeError with code ERR_INVALID_THIS: a method called on something that is not its handle.
Napi::Error InvalidThis(Napi::Env env, const char *className, const char *method);

// A TypeError with code ERR_ILLEGAL_CONSTRUCTOR: handles only come from the open* functions.
Napi::Error IllegalConstructor(Napi::Env env, const char *className);

} // namespace sysbind

#endif
