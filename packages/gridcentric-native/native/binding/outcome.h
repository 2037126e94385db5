// What one libgridcentric call produced, in plain C++ values that any thread may hold: the
// binding's threads fill it in, the JS thread turns it into a value or a GridcentricError.
#ifndef SYSBIND_GRIDCENTRIC_OUTCOME_H
#define SYSBIND_GRIDCENTRIC_OUTCOME_H

#include <cstdint>
#include <string>
#include <vector>

#include "gc_api.h"

namespace sysbind {

// Which JS value a successful call resolves to.
enum class OutcomeShape { Nothing, Number, Text, Exit, Domains, Tickets };

struct Outcome {
  OutcomeShape shape = OutcomeShape::Nothing;
  // The C function that produced it, for GridcentricError.syscall.
  const char *syscall = "";
  // The C return value (-1 on failure).
  int ret = 0;
  // The positive errno of a failure, 0 on success.
  int error = 0;
  std::string text;
  gc_domain_exit_t exit{};
  std::vector<gc_domain_info_t> domains;
  std::vector<gc_ticket_info_t> tickets;
  // The library's completion order of this call (0: unordered); see Library::TakeCallStamps.
  std::uint64_t stamp = 0;
  // Deliver only once every stamp up to this one was delivered (0: no such condition).
  std::uint64_t fence = 0;

  bool failed() const { return error != 0; }

  static Outcome Failure(const char *syscall, int error) {
    Outcome outcome;
    outcome.syscall = syscall;
    outcome.ret = -1;
    outcome.error = error;
    return outcome;
  }
};

} // namespace sysbind

#endif
