// libgridcentric's structs as JS sees them (GcDomainExit, GcDomainInfo, GcTicketInfo): the
// property each integer field travels under, written once for both directions, the binding's
// (C struct to JS object, js_values.cc) and the sim shim's (the simulator's JS object to the C
// struct, sim_library.cc), so that the two cannot name a field differently. `ip` (text) and
// `independent` (a boolean in JS) are converted where they are used.
#ifndef SYSBIND_GRIDCENTRIC_RECORDS_H
#define SYSBIND_GRIDCENTRIC_RECORDS_H

#include <napi.h>

#include <cstddef>

#include "gc_api.h"

namespace sysbind {

template <typename Record> struct IntField {
  const char *key;
  int Record::*member;
};

inline constexpr IntField<gc_domain_exit_t> kExitFields[] = {
    {"vmid", &gc_domain_exit_t::vmid},
    {"reason", &gc_domain_exit_t::reason},
    {"code", &gc_domain_exit_t::code},
};

inline constexpr IntField<gc_domain_info_t> kDomainIntFields[] = {
    {"vmid", &gc_domain_info_t::vmid},
    {"ticket", &gc_domain_info_t::ticket},
    {"status", &gc_domain_info_t::status},
};

inline constexpr IntField<gc_ticket_info_t> kTicketIntFields[] = {
    {"ticket", &gc_ticket_info_t::ticket},   {"requested", &gc_ticket_info_t::requested},
    {"granted", &gc_ticket_info_t::granted}, {"used", &gc_ticket_info_t::used},
    {"domains", &gc_ticket_info_t::domains},
};

// A new object with the integer `fields` of `record`.
template <typename Record, std::size_t N>
Napi::Object ObjectWithFields(Napi::Env env, const Record &record, const IntField<Record> (&fields)[N]) {
  Napi::Object object = Napi::Object::New(env);
  for (const IntField<Record> &field : fields)
    object.Set(field.key, Napi::Number::New(env, record.*field.member));
  return object;
}

} // namespace sysbind

#endif
