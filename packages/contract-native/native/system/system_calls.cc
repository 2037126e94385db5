// System flavor of the binding's seam (see native/binding/system_calls.h): the real calls.
#include "system_calls.h"

#include <fcntl.h>
#include <unistd.h>

namespace sysbind {
namespace sys {

int open(const char *path, int oflag) {
  return ::open(path, oflag);
}

int close(int fd) {
  return ::close(fd);
}

const bool kBlockingCallsOffJsThread = true;

} // namespace sys

void AddFlavorExports(Napi::Env, Napi::Object) {}

} // namespace sysbind
