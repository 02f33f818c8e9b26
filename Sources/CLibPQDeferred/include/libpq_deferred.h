#ifndef GEOCTL_LIBPQ_DEFERRED_H
#define GEOCTL_LIBPQ_DEFERRED_H
#include <stddef.h>
/* libpq, the PostgreSQL client, opened on the first call (see deferred_library.h): only a
   `--store postgresql://…` needs it. */

/** Opens libpq now: 0 when it is there; otherwise -1 and the reason in `message`, so that
    connecting can fail with an ordinary error instead of exiting. */
int geoctl_libpq_open(char *message, size_t length);
#endif
