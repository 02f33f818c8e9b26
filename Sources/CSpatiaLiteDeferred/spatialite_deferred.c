/* SpatiaLite's functions that geoctl calls, as stubs that open libspatialite on first use. A
   function newly called from Swift needs a line here, or the link fails naming it. */
#include <sqlite3.h>
#include <spatialite.h>

#include "deferred_library.h"
#include "spatialite_deferred.h"

static const char *const files[] = {"libspatialite.so", "libspatialite.so.7", "libspatialite.so.8", "libspatialite.dylib", NULL};
static geoctl_deferred_library spatialite = {"SpatiaLite", files, "libspatialite7 (Debian) or SpatiaLite 5", NULL};

GEOCTL_DEFERRED(spatialite, const char *, spatialite_version, (void), ())
GEOCTL_DEFERRED(spatialite, void *, spatialite_alloc_connection, (void), ())
GEOCTL_DEFERRED_VOID(spatialite, spatialite_init_ex, (sqlite3 *db_handle, const void *ptr, int verbose), (db_handle, ptr, verbose))
GEOCTL_DEFERRED_VOID(spatialite, spatialite_cleanup_ex, (const void *ptr), (ptr))
