// Paths in the contract filesystem and the opening of them. Every ctfs open uses exactly the mode
// contract(5) requires of that file (the kernel compares flags for equality, FCLOEXEC included, so
// O_CLOEXEC is refused by most ctfs files) and is followed by fcntl(FD_CLOEXEC), the two inside a
// CloexecWindow so that no fork(2) on another thread can see the descriptor in between.
#ifndef SYSBIND_CONTRACT_CTFS_FILES_H
#define SYSBIND_CONTRACT_CTFS_FILES_H

#include <napi.h>

#include <string>

namespace sysbind {

// CTFS_ROOT/<type>/<file>, e.g. /system/contract/process/template.
std::string TypeFilePath(const std::string &type, const char *file);

// CTFS_ROOT/<directory>/<ctid>/<file>, where directory is a type name or "all".
std::string ContractFilePath(const char *directory, int ctid, const char *file);

// sys::open(path, oflag) then FD_CLOEXEC; the fd, or a ContractError (syscall "open" or "fcntl",
// with the path and `ctid` if >= 0).
int OpenCloseOnExec(Napi::Env env, const std::string &path, int oflag, int ctid = -1);

// The type of contract `ctid` ("process" or "device"), from a CTD_COMMON read of its status.
std::string ContractTypeOf(Napi::Env env, int ctid);

} // namespace sysbind

#endif
