// The numeric constants of the C headers an addon was compiled against, exported to JS under their
// C names, so the TypeScript side can check its own tables against the real headers.
#ifndef SYSBIND_CORE_CONSTANTS_H
#define SYSBIND_CORE_CONSTANTS_H

#include <napi.h>

#include <cstddef>

namespace sysbind {

struct Constant {
  const char *name;
  double value;
};

// One entry of ConstantsObject: the constant under its own C name, so the name and the value
// cannot disagree.
#define SYSBIND_CONSTANT(NAME) (::sysbind::Constant{#NAME, static_cast<double>(NAME)})

// A plain object with each constant as a number property.
template <std::size_t N> Napi::Object ConstantsObject(Napi::Env env, const Constant (&constants)[N]) {
  Napi::Object object = Napi::Object::New(env);
  for (const Constant &constant : constants)
    object.Set(constant.name, Napi::Number::New(env, constant.value));
  return object;
}

} // namespace sysbind

#endif
