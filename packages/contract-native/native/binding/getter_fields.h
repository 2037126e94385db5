// Fields of the plain objects JS receives for a status or an event, each read by one libcontract
// getter with out parameters. A getter that fails (ENOENT: not fetched at this detail level, or
// not part of this event) leaves its field out, so JS sees exactly what the handle held.
#ifndef SYSBIND_CONTRACT_GETTER_FIELDS_H
#define SYSBIND_CONTRACT_GETTER_FIELDS_H

#include <napi.h>

namespace sysbind {

// object[key] = the number `getter` reads from `handle`.
template <typename Handle, typename T>
void SetNumberField(Napi::Object object, const char *key, int (*getter)(Handle, T *), Handle handle) {
  T value{};
  if (getter(handle, &value) == 0)
    object.Set(key, Napi::Number::New(object.Env(), value));
}

// object[key] = the string `getter` reads from `handle` (a NULL string is left out too).
template <typename Handle, typename Char>
void SetStringField(Napi::Object object, const char *key, int (*getter)(Handle, Char **), Handle handle) {
  Char *text = nullptr;
  if (getter(handle, &text) == 0 && text != nullptr)
    object.Set(key, Napi::String::New(object.Env(), text));
}

// object[key] = the array of numbers `getter` reads from `handle` (a NULL array is empty).
template <typename Handle, typename T, typename Count>
void SetArrayField(Napi::Object object, const char *key, int (*getter)(Handle, T **, Count *),
                   Handle handle) {
  T *values = nullptr;
  Count count = 0;
  if (getter(handle, &values, &count) != 0)
    return;
  if (values == nullptr)
    count = 0;
  Napi::Array array = Napi::Array::New(object.Env(), count);
  for (Count i = 0; i < count; i++)
    array.Set(i, Napi::Number::New(object.Env(), values[i]));
  object.Set(key, array);
}

} // namespace sysbind

#endif
