import { constants } from 'node:os';

// errno values of the host, which is what libcontract hands back on the system the simulator
// stands in for (and what the native addon's simulator build forwards unchanged).
const hostErrno = constants.errno;

/** errno values the simulator returns, named as in `<errno.h>`. */
export const Errno = {
  EPERM: hostErrno.EPERM,
  ENOENT: hostErrno.ENOENT,
  ESRCH: hostErrno.ESRCH,
  EINTR: hostErrno.EINTR,
  EBADF: hostErrno.EBADF,
  EAGAIN: hostErrno.EAGAIN,
  EACCES: hostErrno.EACCES,
  EBUSY: hostErrno.EBUSY,
  EINVAL: hostErrno.EINVAL,
  ERANGE: hostErrno.ERANGE,
  ENOTSUP: hostErrno.ENOTSUP,
  ENOTEMPTY: hostErrno.ENOTEMPTY,
  EIDRM: hostErrno.EIDRM,
  ETIMEDOUT: hostErrno.ETIMEDOUT,
  EOVERFLOW: hostErrno.EOVERFLOW,
  EMFILE: hostErrno.EMFILE,
} as const;
