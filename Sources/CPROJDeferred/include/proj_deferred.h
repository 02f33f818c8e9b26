#ifndef GEOCTL_PROJ_DEFERRED_H
#define GEOCTL_PROJ_DEFERRED_H
/* PROJ, opened on the first call (see deferred_library.h): only a process that transforms
   coordinates, compares CRSs or measures geodesics loads it, with libcurl, libtiff and the
   TLS libraries it brings. */
#endif
