// The one place where the binding meets libgridcentric's declarations. The system flavor finds
// the real <gc-guest.h> on its include path, the sim flavor finds the in-repo reconstruction. The
// binding uses only the names below; should the real header differ from the reconstruction, the
// adaptation (renames, wrappers, struct field mapping) belongs here and nowhere else.
#ifndef SYSBIND_GC_API_H
#define SYSBIND_GC_API_H

#include <gc-guest.h>

#endif
