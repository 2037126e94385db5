// The sim flavor's libgridcentric: every function of gc-guest.h, answered by the GcGuestApi bound
// to the calling thread (see SimLibrary). Conventions exactly as the header states them: -1 and
// errno on failure; lists fill at most `max` entries and return the total count.
#include <gc-guest.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <new>

#include "sim_library.h"

namespace {

using sysbind::sim::SimCall;
using sysbind::sim::SimFunction;
using sysbind::sim::SimLibrary;

// Runs the call on the current thread's simulator; null when none is bound to this thread (the
// calling code is then no Gridcentric guest: ENODEV, as gc_check reports it).
std::shared_ptr<SimCall> Run(SimFunction function, int arg = 0) {
  SimLibrary *library = SimLibrary::Current();
  if (library == nullptr)
    return nullptr;
  // No C++ exception may leave a C function: out of memory is the C convention's ENOMEM.
  try {
    // The binding tags the thread before a call it may want to interrupt.
    auto call = std::make_shared<SimCall>(function, arg, SimLibrary::CurrentTag());
    library->Run(call);
    return call;
  } catch (...) {
    auto failed = std::shared_ptr<SimCall>(new (std::nothrow) SimCall(function, arg, 0));
    if (failed != nullptr) {
      failed->ret = -1;
      failed->error = ENOMEM;
    }
    return failed;
  }
}

// The return value of a finished call, with errno set on failure.
int Result(const std::shared_ptr<SimCall> &call) {
  if (call == nullptr) {
    errno = ENODEV;
    return -1;
  }
  if (call->ret == -1) {
    errno = call->error;
    return -1;
  }
  return call->ret;
}

template <typename Entry>
int CopyList(const std::shared_ptr<SimCall> &call, std::vector<Entry> SimCall::*field, Entry *out, int max) {
  int ret = Result(call);
  if (ret == -1)
    return -1;
  const std::vector<Entry> &entries = (*call).*field;
  std::size_t room = static_cast<std::size_t>(max);
  std::size_t count = entries.size() < room ? entries.size() : room;
  if (count > 0)
    std::memcpy(out, entries.data(), count * sizeof(Entry));
  return ret;
}

bool BadBuffer(const void *buffer, int max) {
  if (max < 0 || (max > 0 && buffer == nullptr)) {
    errno = EINVAL;
    return true;
  }
  return false;
}

int WaitExit(SimFunction function, int arg, gc_domain_exit_t *exit_info) {
  std::shared_ptr<SimCall> call = Run(function, arg);
  int ret = Result(call);
  if (ret != -1 && exit_info != nullptr)
    *exit_info = call->exit;
  return ret;
}

} // namespace

extern "C" {

const char *gc_version(void) {
  std::shared_ptr<SimCall> call = Run(SimFunction::Version);
  if (call == nullptr || call->ret == -1)
    return "";
  try {
    return SimLibrary::Current()->Intern(call->text);
  } catch (...) {
    return "";
  }
}

int gc_check(void) {
  return Result(Run(SimFunction::Check)) == -1 ? -1 : 0;
}

int gc_my_ip(char *buf, size_t len) {
  if (buf == nullptr || len == 0) {
    errno = EINVAL;
    return -1;
  }
  std::shared_ptr<SimCall> call = Run(SimFunction::MyIp);
  if (Result(call) == -1)
    return -1;
  if (call->text.size() + 1 > len) {
    errno = ERANGE;
    return -1;
  }
  std::memcpy(buf, call->text.c_str(), call->text.size() + 1);
  return 0;
}

int gc_request_tickets(int count) {
  return Result(Run(SimFunction::RequestTickets, count));
}

int gc_cancel_ticket(int ticket) {
  return Result(Run(SimFunction::CancelTicket, ticket));
}

int gc_make_ticket_independent(int ticket) {
  return Result(Run(SimFunction::MakeTicketIndependent, ticket));
}

int gc_list_tickets(gc_ticket_info_t *tickets, int max) {
  if (BadBuffer(tickets, max))
    return -1;
  std::shared_ptr<SimCall> call = Run(SimFunction::ListTickets);
  return CopyList(call, &SimCall::tickets, tickets, max);
}

int gc_clone(int ticket) {
  return Result(Run(SimFunction::Clone, ticket));
}

int gc_list_clone_domains(gc_domain_info_t *domains, int max) {
  if (BadBuffer(domains, max))
    return -1;
  std::shared_ptr<SimCall> call = Run(SimFunction::ListCloneDomains);
  return CopyList(call, &SimCall::domains, domains, max);
}

int gc_list_ticket_domains(int ticket, gc_domain_info_t *domains, int max) {
  if (BadBuffer(domains, max))
    return -1;
  std::shared_ptr<SimCall> call = Run(SimFunction::ListTicketDomains, ticket);
  return CopyList(call, &SimCall::domains, domains, max);
}

int gc_get_domain_status(int vmid) {
  return Result(Run(SimFunction::GetDomainStatus, vmid));
}

int gc_kill_clone_domain(int vmid) {
  return Result(Run(SimFunction::KillCloneDomain, vmid));
}

int gc_killall_clone_domains(void) {
  return Result(Run(SimFunction::KillallCloneDomains));
}

int gc_killall_ticket_domains(int ticket) {
  return Result(Run(SimFunction::KillallTicketDomains, ticket));
}

int gc_wait_domain(int vmid, gc_domain_exit_t *exit_info) {
  return WaitExit(SimFunction::WaitDomain, vmid, exit_info);
}

int gc_wait_any(gc_domain_exit_t *exit_info) {
  return WaitExit(SimFunction::WaitAny, 0, exit_info);
}

int gc_sync_ticket(int ticket) {
  return Result(Run(SimFunction::SyncTicket, ticket));
}

} // extern "C"
