#include "library_calls.h"

#include <cerrno>
#include <cstring>

namespace sysbind {
namespace {

// Lists fill at most `max` entries and return the total; a list that grew between two calls is
// asked again with room for the new total. The cap keeps a broken library from exhausting memory.
constexpr int kInitialListRoom = 16;
constexpr int kMaxListEntries = 1 << 20;

Outcome Number(const char *syscall, int ret) {
  Outcome outcome;
  outcome.shape = OutcomeShape::Number;
  outcome.syscall = syscall;
  outcome.ret = ret;
  return outcome;
}

Outcome Nothing(const char *syscall, int ret) {
  Outcome outcome = Number(syscall, ret);
  outcome.shape = OutcomeShape::Nothing;
  return outcome;
}

// A -1 with errno 0 would read as success: report EIO rather than lie.
int SavedErrno() {
  return errno != 0 ? errno : EIO;
}

template <typename Entry, typename Fill>
Outcome List(const char *syscall, OutcomeShape shape, std::vector<Entry> Outcome::*field, Fill fill) {
  std::vector<Entry> entries(kInitialListRoom);
  for (;;) {
    errno = 0;
    int total = fill(entries.data(), static_cast<int>(entries.size()));
    if (total == -1)
      return Outcome::Failure(syscall, SavedErrno());
    if (total < 0 || total > kMaxListEntries)
      return Outcome::Failure(syscall, ERANGE);
    if (static_cast<std::size_t>(total) <= entries.size()) {
      entries.resize(static_cast<std::size_t>(total));
      Outcome outcome = Number(syscall, total);
      outcome.shape = shape;
      outcome.*field = std::move(entries);
      return outcome;
    }
    entries.resize(static_cast<std::size_t>(total));
  }
}

Outcome Exit(const char *syscall, int ret, const gc_domain_exit_t &exit) {
  Outcome outcome = Number(syscall, ret);
  outcome.shape = OutcomeShape::Exit;
  outcome.exit = exit;
  return outcome;
}

} // namespace

Outcome CallVersion() {
  const char *version = gc_version();
  Outcome outcome = Number("gc_version", 0);
  outcome.shape = OutcomeShape::Text;
  outcome.text = version != nullptr ? version : "";
  return outcome;
}

Outcome CallCheck() {
  errno = 0;
  if (gc_check() == -1)
    return Outcome::Failure("gc_check", SavedErrno());
  return Nothing("gc_check", 0);
}

Outcome CallMyIp() {
  // Room for any textual address the library might report, not just a dotted quad.
  char address[64] = {};
  errno = 0;
  if (gc_my_ip(address, sizeof address) == -1)
    return Outcome::Failure("gc_my_ip", SavedErrno());
  Outcome outcome = Number("gc_my_ip", 0);
  outcome.shape = OutcomeShape::Text;
  outcome.text.assign(address, strnlen(address, sizeof address));
  return outcome;
}

Outcome CallRequestTickets(int count) {
  errno = 0;
  int ticket = gc_request_tickets(count);
  if (ticket == -1)
    return Outcome::Failure("gc_request_tickets", SavedErrno());
  return Number("gc_request_tickets", ticket);
}

Outcome CallCancelTicket(int ticket) {
  errno = 0;
  if (gc_cancel_ticket(ticket) == -1)
    return Outcome::Failure("gc_cancel_ticket", SavedErrno());
  return Nothing("gc_cancel_ticket", 0);
}

Outcome CallMakeTicketIndependent(int ticket) {
  errno = 0;
  if (gc_make_ticket_independent(ticket) == -1)
    return Outcome::Failure("gc_make_ticket_independent", SavedErrno());
  return Nothing("gc_make_ticket_independent", 0);
}

Outcome CallListTickets() {
  return List<gc_ticket_info_t>("gc_list_tickets", OutcomeShape::Tickets, &Outcome::tickets,
                                [](gc_ticket_info_t *out, int max) { return gc_list_tickets(out, max); });
}

Outcome CallClone(int ticket) {
  errno = 0;
  int vmid = gc_clone(ticket);
  if (vmid == -1)
    return Outcome::Failure("gc_clone", SavedErrno());
  return Number("gc_clone", vmid);
}

Outcome CallListCloneDomains() {
  return List<gc_domain_info_t>(
      "gc_list_clone_domains", OutcomeShape::Domains, &Outcome::domains,
      [](gc_domain_info_t *out, int max) { return gc_list_clone_domains(out, max); });
}

Outcome CallListTicketDomains(int ticket) {
  return List<gc_domain_info_t>(
      "gc_list_ticket_domains", OutcomeShape::Domains, &Outcome::domains,
      [ticket](gc_domain_info_t *out, int max) { return gc_list_ticket_domains(ticket, out, max); });
}

Outcome CallGetDomainStatus(int vmid) {
  errno = 0;
  int status = gc_get_domain_status(vmid);
  if (status == -1)
    return Outcome::Failure("gc_get_domain_status", SavedErrno());
  return Number("gc_get_domain_status", status);
}

Outcome CallKillCloneDomain(int vmid) {
  errno = 0;
  if (gc_kill_clone_domain(vmid) == -1)
    return Outcome::Failure("gc_kill_clone_domain", SavedErrno());
  return Nothing("gc_kill_clone_domain", 0);
}

Outcome CallKillallCloneDomains() {
  errno = 0;
  int killed = gc_killall_clone_domains();
  if (killed == -1)
    return Outcome::Failure("gc_killall_clone_domains", SavedErrno());
  return Number("gc_killall_clone_domains", killed);
}

Outcome CallKillallTicketDomains(int ticket) {
  errno = 0;
  int killed = gc_killall_ticket_domains(ticket);
  if (killed == -1)
    return Outcome::Failure("gc_killall_ticket_domains", SavedErrno());
  return Number("gc_killall_ticket_domains", killed);
}

Outcome CallWaitDomain(int vmid) {
  gc_domain_exit_t exit{};
  errno = 0;
  int ret = gc_wait_domain(vmid, &exit);
  if (ret == -1)
    return Outcome::Failure("gc_wait_domain", SavedErrno());
  return Exit("gc_wait_domain", ret, exit);
}

Outcome CallWaitAny() {
  gc_domain_exit_t exit{};
  errno = 0;
  int ret = gc_wait_any(&exit);
  if (ret == -1)
    return Outcome::Failure("gc_wait_any", SavedErrno());
  return Exit("gc_wait_any", ret, exit);
}

Outcome CallSyncTicket(int ticket) {
  errno = 0;
  if (gc_sync_ticket(ticket) == -1)
    return Outcome::Failure("gc_sync_ticket", SavedErrno());
  return Nothing("gc_sync_ticket", 0);
}

} // namespace sysbind
