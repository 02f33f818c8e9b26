#include <sqlite3.h>
#include <spatialite.h>

/* sqlite3_config is variadic, which Swift cannot call. Memory statistics off: with them on,
   every sqlite3_malloc and sqlite3_free takes a process-wide mutex (6% of a wide import's CPU).
   Only effective before SQLite initialises (SQLITE_MISUSE after, which changes nothing). */
static inline int geoctl_sqlite3_memstatus_off(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
