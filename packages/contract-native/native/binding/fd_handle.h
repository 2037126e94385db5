// The base of every handle class: a JS object that owns one file descriptor.
//
// Ownership rules: the fd is closed exactly once, by whichever comes first of the JS close()
// (idempotent), the finalizer of a handle JS forgot, or the environment's teardown. Methods are
// plain functions on the prototype that check their receiver's type tag before unwrapping it,
// so a method borrowed by another object throws ERR_INVALID_THIS instead of reading the wrong
// C++ type; a closed handle throws ContractError EBADF naming the function that was called.
#ifndef SYSBIND_CONTRACT_FD_HANDLE_H
#define SYSBIND_CONTRACT_FD_HANDLE_H

#include <napi.h>

#include "addon_data.h"
#include "errors.h"
#include "system_calls.h"

#include <cerrno>
#include <initializer_list>
#include <string>
#include <vector>

namespace sysbind {

template <typename Derived> class FdHandle : public Napi::ObjectWrap<Derived>, public OwnedResources {
public:
  explicit FdHandle(const Napi::CallbackInfo &info)
      : Napi::ObjectWrap<Derived>(info), data_(&GetAddonData(info.Env())) {
    // Only the addon's open functions construct handles (they raise this flag around the call;
    // no JS runs in between); `new` from JS, or from a subclass, gets a TypeError.
    if (!data_->constructingHandle)
      throw IllegalConstructor(info.Env(), Derived::kClassName, "the addon's open functions");
    data_->constructingHandle = false;
    info.This().As<Napi::Object>().TypeTag(&Derived::kTypeTag);
  }

  FdHandle(const FdHandle &) = delete;
  FdHandle &operator=(const FdHandle &) = delete;

  // The handle of `info.This()`, or a TypeError if `this` is anything else.
  static Derived &Receiver(const Napi::CallbackInfo &info, const char *method) {
    Napi::Value self = info.This();
    if (!self.IsObject() || !self.As<Napi::Object>().CheckTypeTag(&Derived::kTypeTag))
      throw InvalidThis(info.Env(), Derived::kClassName, method);
    Derived *handle = Derived::Unwrap(self.As<Napi::Object>());
    if (handle == nullptr)
      throw InvalidThis(info.Env(), Derived::kClassName, method);
    return *handle;
  }

  // A new JS handle of this class owning `fd` (which it closes from then on).
  static Napi::Object Create(Napi::Env env, Napi::FunctionReference &cls, int fd) {
    AddonData &data = GetAddonData(env);
    Napi::Object object;
    data.constructingHandle = true;
    try {
      object = cls.New({});
    } catch (...) {
      data.constructingHandle = false;
      sys::close(fd);
      throw;
    }
    data.constructingHandle = false;
    Derived *handle = Derived::Unwrap(object);
    handle->fd_ = fd;
    data.liveHandles.insert(handle);
    return object;
  }

  bool IsOpen() const { return fd_ >= 0; }

  // The fd, or ContractError EBADF (as libcontract would answer for a closed fd) naming `syscall`.
  int FdFor(Napi::Env env, const char *syscall) const {
    if (fd_ < 0)
      throw ContractErrno(env, EBADF, syscall, Subject());
    return fd_;
  }

  void ReleaseAtTeardown() override { static_cast<Derived *>(this)->Release(); }

  // A call that may block starts on the fd off the JS thread (blocking_call.h): the fd, or EBADF.
  // The descriptor stays open until the matching EndBlocking, even if close() comes first: a
  // close() meanwhile only marks the handle closed, and the descriptor goes when the call ends.
  // Whoever calls this keeps the JS object alive until EndBlocking.
  int BeginBlocking(Napi::Env env, const char *syscall) {
    int fd = FdFor(env, syscall);
    ++blocking_;
    return fd;
  }

  void EndBlocking() {
    if (--blocking_ > 0 || deferredFd_ < 0)
      return;
    int fd = deferredFd_;
    deferredFd_ = -1;
    sys::close(fd);
  }

protected:
  ~FdHandle() = default;

  // What errors on this handle name (its ctid, when it has one).
  virtual ErrorSubject Subject() const { return {}; }

  // Closes the fd if still open; never calls into JS in the system flavor. A close error is
  // not reported: the descriptor is released either way, and there is nothing to retry.
  void CloseFd() {
    if (fd_ < 0)
      return;
    int fd = fd_;
    fd_ = -1;
    data_->liveHandles.erase(this);
    if (blocking_ > 0)
      deferredFd_ = fd; // a blocking call still uses it: EndBlocking closes it
    else
      sys::close(fd);
  }

  AddonData &Data() const { return *data_; }

private:
  AddonData *data_;
  int fd_ = -1;
  int blocking_ = 0;
  int deferredFd_ = -1;
};

// A method of a handle class's prototype.
struct PrototypeMethod {
  const char *name;
  Napi::Function::Callback callback;
};

// The JS class of handle type T with `methods` on its prototype. The methods are plain functions
// (not ObjectWrap instance methods, which unwrap `this` before any check can run), each starting
// with T::Receiver.
template <typename T>
Napi::Function DefineHandleClass(Napi::Env env, std::initializer_list<PrototypeMethod> methods) {
  Napi::Function cls =
      Napi::ObjectWrap<T>::DefineClass(env, T::kClassName, std::vector<Napi::ClassPropertyDescriptor<T>>());
  Napi::Object prototype = cls.Get("prototype").As<Napi::Object>();
  for (const PrototypeMethod &method : methods)
    prototype.DefineProperty(Napi::PropertyDescriptor::Function(env, prototype, method.name, method.callback,
                                                                napi_default_method));
  return cls;
}

// Defines an immutable, enumerable own property (type, ctid, kind, path).
inline void DefineReadOnly(Napi::Object object, const char *name, Napi::Value value) {
  object.DefineProperty(Napi::PropertyDescriptor::Value(name, value, napi_enumerable));
}

} // namespace sysbind

#endif
