// sysbind-contract-enter: how a synchronous child (spawnSync, execSync, execFileSync) is born
// inside a contract while Node itself stays out of the contract's cgroup. A synchronous spawn
// blocks Node until the child ends, so Node cannot move itself in for the fork as it does for an
// asynchronous one; instead libuv forks and execs this helper in the command's place, and the
// helper moves itself into the contract's cgroup and execs the command. exec keeps the pid, so the
// pid that spawnSync reports, waits for and signals is the command's own; everything the command
// forks is born in the contract.
//
//   sysbind-contract-enter <cgroup.procs of the contract> <uid or -> <gid or -> <file> <argv0> [arg...]
//
// <file> is the path the caller resolved (no PATH search here). A uid or gid is taken on after
// the move (the cgroup belongs to the caller), in libuv's order: setgroups, setgid, setuid.
// Failures before the exec are reported on stderr with exit status 127 (as a shell reports a
// command it could not run); the command never runs outside the contract.
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <grp.h>
#include <unistd.h>

namespace {

constexpr int kFailed = 127;

int Fail(const char *what, int error) {
  fprintf(stderr, "sysbind-contract-enter: %s: %s\n", what, strerror(error));
  return kFailed;
}

// Parses a uid or gid argument: "-" for none, else a decimal number.
bool ParseId(const char *text, long &out) {
  if (strcmp(text, "-") == 0) {
    out = -1;
    return true;
  }
  char *end = nullptr;
  errno = 0;
  out = strtol(text, &end, 10);
  return errno == 0 && end != text && *end == '\0' && out >= 0;
}

} // namespace

int main(int argc, char **argv) {
  if (argc < 6) {
    fprintf(stderr, "usage: %s <cgroup.procs> <uid|-> <gid|-> <file> <argv0> [arg...]\n", argv[0]);
    return kFailed;
  }
  long uid = -1;
  long gid = -1;
  if (!ParseId(argv[2], uid) || !ParseId(argv[3], gid))
    return Fail("bad uid or gid", EINVAL);
  // "0" moves the writing process itself.
  int procs = open(argv[1], O_WRONLY | O_CLOEXEC);
  if (procs < 0)
    return Fail("cannot open the contract's cgroup.procs", errno);
  ssize_t written = write(procs, "0", 1);
  int writeError = errno;
  close(procs);
  if (written != 1)
    return Fail("cannot join the contract's cgroup", writeError);
  if (uid >= 0 || gid >= 0)
    (void)setgroups(0, nullptr); // as libuv: allowed to fail (unprivileged callers)
  if (gid >= 0 && setgid(static_cast<gid_t>(gid)) != 0)
    return Fail("setgid", errno);
  if (uid >= 0 && setuid(static_cast<uid_t>(uid)) != 0)
    return Fail("setuid", errno);
  execv(argv[4], argv + 5);
  return Fail(argv[4], errno);
}
