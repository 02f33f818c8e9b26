// The reentrant GEOS C API only: GEOS_USE_ONLY_R_API hides the non-reentrant functions.
#define GEOS_USE_ONLY_R_API
#include <geos_c.h>
