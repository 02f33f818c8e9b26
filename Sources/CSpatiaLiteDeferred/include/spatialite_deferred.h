#ifndef GEOCTL_SPATIALITE_DEFERRED_H
#define GEOCTL_SPATIALITE_DEFERRED_H
/* SpatiaLite, opened on the first call (see deferred_library.h): only writes, schema changes
   and reads that need its SQL functions load it. SQLite itself stays linked as usual. */
#endif
