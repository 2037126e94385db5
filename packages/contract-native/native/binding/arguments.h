// Validation of the arguments JS passes in. Every check throws a TypeError or RangeError with
// Node's error codes before anything reaches libcontract, so a bad argument can never be
// misread as a C value.
#ifndef SYSBIND_CONTRACT_ARGUMENTS_H
#define SYSBIND_CONTRACT_ARGUMENTS_H

#include <napi.h>

#include <cstdint>
#include <string>

namespace sysbind {

// A contract type name: "process" or "device".
std::string ContractTypeArg(const Napi::CallbackInfo &info, std::size_t index, const char *name);

// A contract id: an integer from 0 to 2^31-1 (ctid_t is a 32-bit id_t).
int32_t CtidArg(const Napi::CallbackInfo &info, std::size_t index, const char *name);

// A uint_t (event sets, parameter sets, A-sets): an integer from 0 to 2^32-1.
uint32_t UintArg(const Napi::CallbackInfo &info, std::size_t index, const char *name);

// An int (detail levels, signals): an integer from -2^31 to 2^31-1.
int32_t IntArg(const Napi::CallbackInfo &info, std::size_t index, const char *name);

// A uint64_t (cookies, event ids): a bigint from 0 to 2^64-1.
uint64_t BigUint64Arg(const Napi::CallbackInfo &info, std::size_t index, const char *name);

// A string without NUL characters (C strings end at the first one).
std::string StringArg(const Napi::CallbackInfo &info, std::size_t index, const char *name);

} // namespace sysbind

#endif
