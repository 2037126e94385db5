// Argument checks of the addon's functions: wrong types are TypeErrors, numbers a C int cannot
// hold are RangeErrors, as Node's own APIs report them. Never a crash, never a silent truncation.
#ifndef SYSBIND_GRIDCENTRIC_ARGUMENTS_H
#define SYSBIND_GRIDCENTRIC_ARGUMENTS_H

#include <napi.h>

namespace sysbind {

// info[index] as a C int; throws TypeError ERR_INVALID_ARG_TYPE or RangeError ERR_OUT_OF_RANGE.
int IntArgument(const Napi::CallbackInfo &info, std::size_t index, const char *name);
// info[index] as a function; throws TypeError ERR_INVALID_ARG_TYPE.
Napi::Function CallbackArgument(const Napi::CallbackInfo &info, std::size_t index);

} // namespace sysbind

#endif
