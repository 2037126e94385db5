#include "js_values.h"

#include <cstring>
#include <string>

namespace sysbind {
namespace {

Napi::Object ExitObject(Napi::Env env, const gc_domain_exit_t &exit) {
  Napi::Object object = Napi::Object::New(env);
  object.Set("vmid", Napi::Number::New(env, exit.vmid));
  object.Set("reason", Napi::Number::New(env, exit.reason));
  object.Set("code", Napi::Number::New(env, exit.code));
  return object;
}

Napi::Object DomainObject(Napi::Env env, const gc_domain_info_t &domain) {
  Napi::Object object = Napi::Object::New(env);
  object.Set("vmid", Napi::Number::New(env, domain.vmid));
  object.Set("ticket", Napi::Number::New(env, domain.ticket));
  object.Set("status", Napi::Number::New(env, domain.status));
  // The library may fill the whole buffer without a terminating NUL.
  object.Set("ip", Napi::String::New(env, std::string(domain.ip, strnlen(domain.ip, sizeof domain.ip))));
  return object;
}

Napi::Object TicketObject(Napi::Env env, const gc_ticket_info_t &ticket) {
  Napi::Object object = Napi::Object::New(env);
  object.Set("ticket", Napi::Number::New(env, ticket.ticket));
  object.Set("requested", Napi::Number::New(env, ticket.requested));
  object.Set("granted", Napi::Number::New(env, ticket.granted));
  object.Set("used", Napi::Number::New(env, ticket.used));
  object.Set("domains", Napi::Number::New(env, ticket.domains));
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
    return ExitObject(env, outcome.exit);
  case OutcomeShape::Domains:
    return ArrayOf(env, outcome.domains, DomainObject);
  case OutcomeShape::Tickets:
    return ArrayOf(env, outcome.tickets, TicketObject);
  }
  return env.Undefined();
}

} // namespace sysbind
