// One instance of libgridcentric as the binding's threads reach it. The real library is one per
// guest VM and needs nothing of this; the sim flavor has one simulator per bound GcGuestApi, so the
// calls a thread makes must know which one they are for, and blocking calls there can be withdrawn.
#ifndef SYSBIND_GRIDCENTRIC_LIBRARY_H
#define SYSBIND_GRIDCENTRIC_LIBRARY_H

#include <cstdint>
#include <vector>

namespace sysbind {

class Library {
public:
  virtual ~Library() = default;

  // The calling thread is about to make library calls for this instance, tagged `tag` (0: a call
  // that is never interrupted). The dispatcher calls it under its own lock, so that an interrupt
  // of `tag` issued under that lock always finds the call or its thread.
  virtual void Enter(std::uint64_t tag) = 0;
  // The calling thread is done with this instance.
  virtual void Leave() = 0;
  // Asks the library to withdraw the blocking call tagged `tag`: unless the library answered it
  // first (then the answer stands), it returns -1 with EINTR and leaves no trace in the library.
  // Never runs user code on the calling thread, so it may be called under any lock. Returns false
  // when the library cannot (libgridcentric has no way to cancel a blocking call). Any thread.
  virtual bool Interrupt(std::uint64_t tag) = 0;
  // True if Interrupt can withdraw calls.
  virtual bool CanInterrupt() const = 0;
  // True if the calling thread's last call ended because of Interrupt (not a library EINTR).
  virtual bool TakeInterrupted() = 0;
  // The last completion stamp the instance handed out (0 when it keeps no order).
  virtual std::uint64_t LastStamp() = 0;
  // The positions, in the order this instance completed its calls, of the calls the calling
  // thread made since it last asked (empty when the instance keeps no order). Every call of an
  // addon thread then gets one, and the binding hands the outcomes to the JS thread in that order:
  // a failed wait does not overtake the call whose effect failed it. libgridcentric says nothing
  // about order; the simulator does. (A list call may take several library calls.)
  virtual std::vector<std::uint64_t> TakeCallStamps() = 0;
  // True if Shutdown makes every call in flight return promptly, so that threads can be joined.
  virtual bool CanShutDownCalls() const = 0;
  // The environment or the binding is going away: calls in flight and later calls fail with
  // ECANCELED. Idempotent; any thread.
  virtual void Shutdown() = 0;
  // Releases what the instance holds on the JS thread (references, thread-safe functions). Called
  // once on the JS thread, after Shutdown; `canRunJs` is false during environment teardown.
  virtual void ReleaseJs(bool canRunJs) = 0;
};

// Makes the current thread's calls reach `library` for the lifetime of the scope.
class LibraryScope {
public:
  LibraryScope(Library &library, std::uint64_t tag) : library_(library) { library_.Enter(tag); }
  ~LibraryScope() { library_.Leave(); }
  LibraryScope(const LibraryScope &) = delete;
  LibraryScope &operator=(const LibraryScope &) = delete;

private:
  Library &library_;
};

} // namespace sysbind

#endif
