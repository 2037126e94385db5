#include "sim_library.h"

#include "js_ready.h"
#include "records.h"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cmath>
#include <cstring>

namespace sysbind {
namespace sim {
namespace {

thread_local SimLibrary *currentLibrary = nullptr;
thread_local std::uint64_t currentTag = 0;
thread_local std::vector<std::uint64_t> callStamps;
thread_local bool lastCallInterrupted = false;

int ToInt(const Napi::Value &value) {
  if (!value.IsNumber())
    return 0;
  double number = value.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(number))
    return 0;
  if (number < INT_MIN)
    return INT_MIN;
  if (number > INT_MAX)
    return INT_MAX;
  return static_cast<int>(number);
}

void CopyText(char *destination, std::size_t size, const std::string &text) {
  std::size_t length = text.size() < size - 1 ? text.size() : size - 1;
  std::memcpy(destination, text.data(), length);
  destination[length] = '\0';
}

// The integer `fields` of a record the simulator returned, each clamped to an int.
template <typename Record, std::size_t N>
Record RecordOf(const Napi::Object &object, const IntField<Record> (&fields)[N]) {
  Record record{};
  for (const IntField<Record> &field : fields)
    record.*field.member = ToInt(object.Get(field.key));
  return record;
}

gc_domain_info_t DomainOf(const Napi::Object &object) {
  gc_domain_info_t domain = RecordOf(object, kDomainIntFields);
  Napi::Value ip = object.Get("ip");
  CopyText(domain.ip, sizeof domain.ip, ip.IsString() ? ip.As<Napi::String>().Utf8Value() : std::string());
  return domain;
}

gc_ticket_info_t TicketOf(const Napi::Object &object) {
  gc_ticket_info_t ticket = RecordOf(object, kTicketIntFields);
  ticket.independent = object.Get("independent").ToBoolean().Value() ? 1 : 0;
  return ticket;
}

template <typename Entry, typename Convert>
bool ArrayInto(const Napi::Value &value, std::vector<Entry> &entries, Convert convert) {
  if (!value.IsArray())
    return false;
  Napi::Array array = value.As<Napi::Array>();
  for (uint32_t index = 0; index < array.Length(); ++index) {
    Napi::Value entry = array.Get(index);
    if (!entry.IsObject())
      return false;
    entries.push_back(convert(entry.As<Napi::Object>()));
  }
  return true;
}

} // namespace

SimLibrary::SimLibrary(Napi::Env env, Napi::Object api)
    : jsThread_(std::this_thread::get_id()), env_(env), api_(Napi::Persistent(api)) {}

std::shared_ptr<SimLibrary> SimLibrary::Create(Napi::Env env, Napi::Object api) {
  auto library = std::make_shared<SimLibrary>(env, api);
  napi_value name = Napi::String::New(env, "gridcentric simulator calls");
  auto *finalizeData = new std::weak_ptr<SimLibrary>(library);
  napi_status status = napi_create_threadsafe_function(env, nullptr, nullptr, name, 0, 1, finalizeData,
                                                       Finalize, nullptr, CallJs, &library->function_);
  if (status != napi_ok) {
    delete finalizeData;
    throw Napi::Error::New(env, "cannot create the simulator's thread-safe function");
  }
  // Shim calls never keep the process alive on their own: the binding's completion channel does
  // that while a controller call is in flight.
  napi_unref_threadsafe_function(env, library->function_);
  library->open_ = true;
  return library;
}

SimLibrary *SimLibrary::Current() {
  return currentLibrary;
}

std::uint64_t SimLibrary::CurrentTag() {
  return currentTag;
}

void SimLibrary::Enter(std::uint64_t tag) {
  currentLibrary = this;
  currentTag = tag;
  if (tag == 0)
    return;
  std::lock_guard<std::mutex> lock(mutex_);
  tags_[tag] = ActiveTag{};
  order_.push_back(tag);
}

void SimLibrary::Leave() {
  if (currentTag != 0) {
    std::lock_guard<std::mutex> lock(mutex_);
    tags_.erase(currentTag);
    auto queued = std::find(order_.begin(), order_.end(), currentTag);
    if (queued != order_.end()) {
      order_.erase(queued);
      changed_.notify_all();
    }
  }
  currentLibrary = nullptr;
  currentTag = 0;
}

const char *SimLibrary::Intern(const std::string &text) {
  std::lock_guard<std::mutex> lock(mutex_);
  return interned_.insert(text).first->c_str();
}

void SimLibrary::Done(SimCall &call) {
  call.done = true;
  if (call.ordered && call.stamp == 0)
    call.stamp = ++lastStamp_;
  changed_.notify_all();
}

void SimLibrary::Finish(SimCall &call, int error) {
  call.ret = -1;
  call.error = error;
  Done(call);
}

bool SimLibrary::TakeInterrupted() {
  bool interrupted = lastCallInterrupted;
  lastCallInterrupted = false;
  return interrupted;
}

std::uint64_t SimLibrary::LastStamp() {
  std::lock_guard<std::mutex> lock(mutex_);
  return lastStamp_;
}

std::vector<std::uint64_t> SimLibrary::TakeCallStamps() {
  std::vector<std::uint64_t> stamps;
  stamps.swap(callStamps);
  return stamps;
}

void SimLibrary::Run(const std::shared_ptr<SimCall> &call) {
  if (std::this_thread::get_id() == jsThread_) {
    // Marshalling to the JS thread from the JS thread would wait on itself.
    if (!IsQuick(call->function)) {
      Finish(*call, EDEADLK);
      return;
    }
    Start(env_, call);
    std::lock_guard<std::mutex> lock(mutex_);
    if (!call->done)
      Finish(*call, EIO); // a quick call must complete before it returns
    return;
  }
  std::unique_lock<std::mutex> lock(mutex_);
  call->ordered = true;
  // Every way out of here leaves the call done and stamped; the binding takes the stamps later.
  struct StampOnReturn {
    const SimCall &call;
    ~StampOnReturn() {
      if (call.stamp != 0)
        callStamps.push_back(call.stamp);
      lastCallInterrupted = call.interrupted;
    }
  } stampOnReturn{*call};
  if (shutDown_) {
    Finish(*call, ECANCELED);
    return;
  }
  if (call->tag != 0) {
    auto active = tags_.find(call->tag);
    if (active != tags_.end()) {
      if (active->second.interruptRequested) {
        call->interrupted = true;
        Finish(*call, EINTR);
        return;
      }
      active->second.call = call;
    }
    // Wait for the calls entered before this one to be posted first.
    changed_.wait(lock, [&] {
      return shutDown_ || call->done || order_.empty() || order_.front() == call->tag ||
             std::find(order_.begin(), order_.end(), call->tag) == order_.end();
    });
    if (shutDown_ || call->done) {
      if (!call->done)
        Finish(*call, ECANCELED);
      return;
    }
  }
  inFlight_.insert(call);
  std::unique_ptr<Message> message(new Message{weak_from_this(), call, false});
  if (open_ && napi_call_threadsafe_function(function_, message.get(), napi_tsfn_nonblocking) == napi_ok) {
    message.release(); // now owned by the queue, freed by CallJs
  } else {
    Finish(*call, ECANCELED);
  }
  if (call->tag != 0 && !order_.empty() && order_.front() == call->tag) {
    order_.pop_front();
    changed_.notify_all();
  }
  changed_.wait(lock, [&] { return call->done || shutDown_; });
  if (!call->done)
    Finish(*call, ECANCELED);
  inFlight_.erase(call);
  if (call->tag != 0) {
    auto active = tags_.find(call->tag);
    if (active != tags_.end())
      active->second.call.reset();
  }
}

bool SimLibrary::Post(std::unique_ptr<Message> message) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!open_)
    return false;
  if (napi_call_threadsafe_function(function_, message.get(), napi_tsfn_nonblocking) != napi_ok)
    return false;
  message.release();
  return true;
}

void SimLibrary::CallJs(napi_env env, napi_value, void *, void *data) {
  std::unique_ptr<Message> message(static_cast<Message *>(data));
  try {
    Dispatch(env, std::move(message));
  } catch (...) {
    // No exception may cross into Node's C callback; the caller is woken by Shutdown or EIO.
  }
}

void SimLibrary::Dispatch(napi_env env, std::unique_ptr<Message> message) {
  // Teardown: the thread-safe function is being finalized. The caller is woken by Shutdown.
  if (env == nullptr || message == nullptr)
    return;
  std::shared_ptr<SimLibrary> library = message->library.lock();
  if (library == nullptr)
    return;
  if (!CanRunJs(env)) {
    // A terminating worker: the simulator cannot answer; the caller fails as at shutdown.
    std::lock_guard<std::mutex> lock(library->mutex_);
    if (!message->call->done)
      library->Finish(*message->call, ECANCELED);
    return;
  }
  Napi::HandleScope scope(env);
  if (message->cancel) {
    library->RunCancel(message->call);
  } else {
    library->Start(Napi::Env(env), message->call);
  }
}

void SimLibrary::Start(Napi::Env env, const std::shared_ptr<SimCall> &call) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    // Interrupted or cancelled while it waited in the queue: it never reaches the simulator.
    if (call->done)
      return;
    call->dispatched = true;
  }
  try {
    if (api_.IsEmpty()) {
      std::lock_guard<std::mutex> lock(mutex_);
      Finish(*call, ECANCELED);
      return;
    }
    Napi::Object api = api_.Value();
    Napi::Value member = api.Get(FunctionName(call->function));
    if (!member.IsFunction()) {
      std::lock_guard<std::mutex> lock(mutex_);
      Finish(*call, ENOSYS);
      return;
    }
    std::weak_ptr<SimLibrary> weak = weak_from_this();
    Napi::Function done = Napi::Function::New(env, [weak, call](const Napi::CallbackInfo &info) {
      if (auto library = weak.lock())
        library->Completed(info, call);
    });
    Napi::Value cancel =
        TakesArgument(call->function)
            ? member.As<Napi::Function>().Call(api, {Napi::Number::New(env, call->arg), done})
            : member.As<Napi::Function>().Call(api, {done});
    if (IsBlockingWait(call->function) && cancel.IsFunction()) {
      bool completed;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        completed = call->done;
      }
      if (!completed)
        cancels_[call.get()] = Napi::Persistent(cancel.As<Napi::Function>());
    }
  } catch (const Napi::Error &) {
    // The GcGuestApi threw instead of completing: the C call fails, the process goes on.
    std::lock_guard<std::mutex> lock(mutex_);
    if (!call->done)
      Finish(*call, EIO);
  }
}

void SimLibrary::Completed(const Napi::CallbackInfo &info, const std::shared_ptr<SimCall> &call) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (call->done)
      return; // interrupted, cancelled, or a second completion
  }
  cancels_.erase(call.get());
  int ret = ToInt(info[0]);
  int error = ToInt(info[1]);
  SimCall outputs(call->function, call->arg, call->tag);
  bool wellFormed = info[0].IsNumber();
  if (wellFormed && ret != -1) {
    try {
      Napi::Value out = info[2];
      switch (call->function) {
      case SimFunction::Version:
      case SimFunction::MyIp:
        wellFormed = out.IsString();
        if (wellFormed)
          outputs.text = out.As<Napi::String>().Utf8Value();
        break;
      case SimFunction::WaitDomain:
      case SimFunction::WaitAny:
        wellFormed = out.IsObject();
        if (wellFormed)
          outputs.exit = RecordOf(out.As<Napi::Object>(), kExitFields);
        break;
      case SimFunction::ListTickets:
        wellFormed = ArrayInto(out, outputs.tickets, TicketOf);
        break;
      case SimFunction::ListCloneDomains:
      case SimFunction::ListTicketDomains:
        wellFormed = ArrayInto(out, outputs.domains, DomainOf);
        break;
      default:
        break;
      }
    } catch (const Napi::Error &) {
      wellFormed = false;
    }
  }
  std::lock_guard<std::mutex> lock(mutex_);
  if (call->done)
    return;
  if (!wellFormed || (ret == -1 && error <= 0)) {
    // A completion the C API cannot express: report an I/O error rather than invent a result.
    Finish(*call, EIO);
    return;
  }
  call->ret = ret;
  call->error = ret == -1 ? error : 0;
  call->text = std::move(outputs.text);
  call->exit = outputs.exit;
  call->domains = std::move(outputs.domains);
  call->tickets = std::move(outputs.tickets);
  Done(*call);
}

void SimLibrary::RunCancel(const std::shared_ptr<SimCall> &call) {
  // On the JS thread, like the simulator's completions: either the simulator answered first (the
  // answer stands and is routed by the binding) or the wait is withdrawn there before the call
  // returns EINTR. So nothing the simulator reaped is ever dropped.
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (call->done)
      return;
  }
  auto found = cancels_.find(call.get());
  if (found != cancels_.end()) {
    Napi::FunctionReference cancel = std::move(found->second);
    cancels_.erase(found);
    try {
      Napi::HandleScope scope(env_);
      cancel.Call({});
    } catch (const Napi::Error &) {
      // A cancel function that throws withdrew nothing we can fix; the C call still returns.
    }
  }
  std::lock_guard<std::mutex> lock(mutex_);
  if (call->done)
    return; // the cancel function completed it instead
  call->interrupted = true;
  Finish(*call, EINTR);
}

bool SimLibrary::Interrupt(std::uint64_t tag) {
  std::shared_ptr<SimCall> call;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto active = tags_.find(tag);
    if (active == tags_.end())
      return true;
    active->second.interruptRequested = true;
    call = active->second.call;
    if (call == nullptr || call->done)
      return true;
    if (!call->dispatched) {
      // Still on its way to the JS thread: it never reaches the simulator.
      call->interrupted = true;
      Finish(*call, EINTR);
      return true;
    }
  }
  // The simulator has the call: withdraw it there, on the JS thread and never from here, since
  // the caller may hold a lock and the cancel function is user code.
  Post(std::unique_ptr<Message>(new Message{weak_from_this(), call, true}));
  return true;
}

void SimLibrary::Shutdown() {
  std::lock_guard<std::mutex> lock(mutex_);
  shutDown_ = true;
  for (const auto &call : inFlight_) {
    if (!call->done)
      Finish(*call, ECANCELED);
  }
  changed_.notify_all();
}

void SimLibrary::ReleaseJs(bool canRunJs) {
  if (canRunJs) {
    // Withdraw the waits still registered in the simulator, so it keeps no trace of us.
    for (auto &entry : cancels_) {
      try {
        entry.second.Call({});
      } catch (const Napi::Error &) {
      }
    }
  }
  cancels_.clear();
  api_.Reset();
  std::lock_guard<std::mutex> lock(mutex_);
  if (open_) {
    open_ = false;
    napi_release_threadsafe_function(function_, napi_tsfn_abort);
  }
}

void SimLibrary::Finalize(napi_env, void *finalizeData, void *) {
  std::unique_ptr<std::weak_ptr<SimLibrary>> weak(static_cast<std::weak_ptr<SimLibrary> *>(finalizeData));
  if (auto library = weak->lock()) {
    // Nothing can reach the simulator any more: calls still waiting fail as at shutdown.
    std::lock_guard<std::mutex> lock(library->mutex_);
    library->open_ = false;
    library->function_ = nullptr;
    library->shutDown_ = true;
    for (const auto &call : library->inFlight_) {
      if (!call->done)
        library->Finish(*call, ECANCELED);
    }
    library->changed_.notify_all();
  }
}

} // namespace sim
} // namespace sysbind
