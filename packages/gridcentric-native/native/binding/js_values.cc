#include "js_values.h"

#include "records.h"

#include <cstring>
#include <string>

namespace sysbind {
namespace {

Napi::Object DomainObject(Napi::Env env, const gc_domain_info_t &domain) {
  Napi::Object object = ObjectWithFields(env, domain, kDomainIntFields);
  // The library may fill the whole buffer without a terminating NUL.
  object.Set("ip", Napi::String::New(env, std::string(domain.ip, strnlen(domain.ip, sizeof domain.ip))));
  return object;
}

Napi::Object TicketObject(Napi::Env env, const gc_ticket_info_t &ticket) {
  Napi::Object object = ObjectWithFields(env, ticket, kTicketIntFields);
  object.Set("independent", Napi::Boolean::New(env, ticket.independent != 0));
  return object;
}

template <typename Entry, typename Convert>
Napi::Array ArrayOf(Napi::Env env, const std::vector<Entry> &entries, Convert convert) {
  Napi::Array array = Napi::Array::New(env, entries.size());
  for (std::size_t index = 0; index < entries.size(); ++index) {
    array.Set(static_cast<uint32_t>(index), convert(env, entries[index]));
  }
  return array;
}

} // namespace

Napi::Value OutcomeValue(Napi::Env env, const Outcome &outcome) {
  switch (outcome.shape) {
  case OutcomeShape::Nothing:
    return env.Undefined();
  case OutcomeShape::Number:
    return Napi::Number::New(env, outcome.ret);
  case OutcomeShape::Text:
    return Napi::String::New(env, outcome.text);
  case OutcomeShape::Exit:
    return ObjectWithFields(env, outcome.exit, kExitFields);
  case OutcomeShape::Domains:
    return ArrayOf(env, outcome.domains, DomainObject);
  case OutcomeShape::Tickets:
    return ArrayOf(env, outcome.tickets, TicketObject);
  }
  return env.Undefined();
}

} // namespace sysbind
