// sysbind-contract-sentinel: one per Node process that owns contracts on Linux. It holds the read
// end of a pipe whose only write end is in the owner (close-on-exec), so end-of-file means the
// owner is gone, however it died (SIGKILL included). Then it does what illumos does at owner exit:
// the members of the owner's NOORPHAN contracts are killed (cgroup.kill), the other contracts are
// left to live on as orphans (adoptable), and every cgroup of the owner is removed once it is
// empty, unless another process adopted it meanwhile.
//
//   sysbind-contract-sentinel <owner identity> <registry folder>...
//
// It is not a subreaper and reaps nothing: members whose parents die go to init as usual.
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <string>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <vector>

namespace {

constexpr unsigned kNoOrphan = 0x2; // CT_PR_NOORPHAN

std::string Xattr(const std::string &path, const char *name) {
  char buffer[4096];
  ssize_t length = getxattr(path.c_str(), name, buffer, sizeof buffer);
  return length < 0 ? std::string() : std::string(buffer, static_cast<size_t>(length));
}

bool WriteFile(const std::string &path, const char *text) {
  int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return false;
  bool ok = write(fd, text, strlen(text)) == static_cast<ssize_t>(strlen(text));
  close(fd);
  return ok;
}

// True when cgroup.events says no live process is left (or the cgroup is gone).
bool Unpopulated(const std::string &folder) {
  int fd = open((folder + "/cgroup.events").c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return true;
  char buffer[256];
  ssize_t length = read(fd, buffer, sizeof buffer - 1);
  close(fd);
  if (length <= 0)
    return true;
  buffer[length] = '\0';
  return strstr(buffer, "populated 0") != nullptr;
}

// The owner's contract folders under `registry`.
void Collect(const std::string &registry, const std::string &identity, std::vector<std::string> &out) {
  DIR *dir = opendir(registry.c_str());
  if (dir == nullptr)
    return;
  while (dirent *entry = readdir(dir)) {
    if (entry->d_type != DT_DIR || entry->d_name[0] == '.')
      continue;
    std::string folder = registry + "/" + entry->d_name;
    if (Xattr(folder, "user.sysbind.owner") == identity)
      out.push_back(folder);
  }
  closedir(dir);
}

} // namespace

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s <owner identity> <registry folder>...\n", argv[0]);
    return 2;
  }
  // A sentinel killed by a write to a closed pipe, or by the terminal's signals meant for the
  // owner's process group, would orphan the members it exists to protect.
  signal(SIGPIPE, SIG_IGN);
  signal(SIGINT, SIG_IGN);
  signal(SIGHUP, SIG_IGN);
  signal(SIGQUIT, SIG_IGN);
  syscall(SYS_close_range, 3U, ~0U, 0U);
  int null = open("/dev/null", O_RDWR | O_CLOEXEC);
  if (null >= 0) {
    dup2(null, 1);
    close(null);
  }

  const std::string identity = argv[1];
  char buffer[512];
  for (;;) {
    ssize_t length = read(0, buffer, sizeof buffer);
    if (length == 0)
      break;
    if (length < 0 && errno != EINTR)
      break;
  }

  std::vector<std::string> folders;
  for (int i = 2; i < argc; i++)
    Collect(argv[i], identity, folders);
  for (const std::string &folder : folders) {
    unsigned params =
        static_cast<unsigned>(strtoul(Xattr(folder, "user.sysbind.params").c_str(), nullptr, 10));
    if ((params & kNoOrphan) != 0 && Xattr(folder, "user.sysbind.state") != "orphan")
      WriteFile(folder + "/cgroup.kill", "1");
  }

  // Remove each folder once it is empty, for as long as it is still this owner's.
  int watcher = inotify_init1(IN_CLOEXEC);
  for (const std::string &folder : folders)
    if (watcher >= 0)
      inotify_add_watch(watcher, (folder + "/cgroup.events").c_str(), IN_MODIFY);
  while (!folders.empty()) {
    for (size_t i = 0; i < folders.size();) {
      const std::string &folder = folders[i];
      bool stillOurs = Xattr(folder, "user.sysbind.owner") == identity;
      if (!stillOurs || (Unpopulated(folder) && (rmdir(folder.c_str()) == 0 || errno == ENOENT))) {
        folders[i] = folders.back();
        folders.pop_back();
      } else {
        i++;
      }
    }
    if (folders.empty())
      break;
    // Woken by a change of some cgroup.events, or every second to notice adoptions.
    pollfd wait{watcher, POLLIN, 0};
    if (watcher < 0 || poll(&wait, 1, 1000) > 0) {
      char drain[4096];
      if (watcher >= 0 && read(watcher, drain, sizeof drain) < 0 && errno != EAGAIN && errno != EINTR)
        sleep(1);
    }
  }
  return 0;
}
