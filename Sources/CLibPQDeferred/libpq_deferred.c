/* libpq's functions that geoctl calls, as stubs that open libpq on first use. A function
   newly called from Swift needs a line here, or the link fails naming it. */
#if __has_include(<postgresql/libpq-fe.h>) /* as in CLibPQ's shim.h */
#include <postgresql/libpq-fe.h>
#else
#include <libpq-fe.h>
#endif

#include "deferred_library.h"
#include "libpq_deferred.h"

static const char *const files[] = {"libpq.so", "libpq.so.5", "libpq.5.dylib", "libpq.dylib", NULL};
static geoctl_deferred_library libpq = {"PostgreSQL client (libpq)", files, "libpq5 (Debian) or PostgreSQL's client", NULL};

int geoctl_libpq_open(char *message, size_t length) { return geoctl_deferred_open(&libpq, message, length); }

GEOCTL_DEFERRED(libpq, PGconn *, PQconnectdbParams, (const char *const *keywords, const char *const *values, int expand_dbname), (keywords, values, expand_dbname))
GEOCTL_DEFERRED(libpq, ConnStatusType, PQstatus, (const PGconn *conn), (conn))
GEOCTL_DEFERRED(libpq, char *, PQerrorMessage, (const PGconn *conn), (conn))
GEOCTL_DEFERRED_VOID(libpq, PQfinish, (PGconn *conn), (conn))
GEOCTL_DEFERRED(libpq, PQnoticeProcessor, PQsetNoticeProcessor, (PGconn *conn, PQnoticeProcessor proc, void *arg), (conn, proc, arg))
GEOCTL_DEFERRED(libpq, ExecStatusType, PQresultStatus, (const PGresult *res), (res))
GEOCTL_DEFERRED(libpq, char *, PQresultErrorMessage, (const PGresult *res), (res))
GEOCTL_DEFERRED_VOID(libpq, PQclear, (PGresult *res), (res))
GEOCTL_DEFERRED(libpq, PGresult *, PQexec, (PGconn *conn, const char *query), (conn, query))
GEOCTL_DEFERRED(libpq, PGresult *, PQexecParams,
                (PGconn *conn, const char *command, int nParams, const Oid *paramTypes, const char *const *paramValues,
                 const int *paramLengths, const int *paramFormats, int resultFormat),
                (conn, command, nParams, paramTypes, paramValues, paramLengths, paramFormats, resultFormat))
GEOCTL_DEFERRED(libpq, char *, PQescapeLiteral, (PGconn *conn, const char *str, size_t len), (conn, str, len))
GEOCTL_DEFERRED_VOID(libpq, PQfreemem, (void *ptr), (ptr))
GEOCTL_DEFERRED(libpq, int, PQputCopyEnd, (PGconn *conn, const char *errormsg), (conn, errormsg))
GEOCTL_DEFERRED(libpq, int, PQputCopyData, (PGconn *conn, const char *buffer, int nbytes), (conn, buffer, nbytes))
GEOCTL_DEFERRED(libpq, int, PQgetCopyData, (PGconn *conn, char **buffer, int async), (conn, buffer, async))
GEOCTL_DEFERRED(libpq, PGcancel *, PQgetCancel, (PGconn *conn), (conn))
GEOCTL_DEFERRED(libpq, int, PQcancel, (PGcancel *cancel, char *errbuf, int errbufsize), (cancel, errbuf, errbufsize))
GEOCTL_DEFERRED_VOID(libpq, PQfreeCancel, (PGcancel *cancel), (cancel))
GEOCTL_DEFERRED(libpq, int, PQsocket, (const PGconn *conn), (conn))
GEOCTL_DEFERRED(libpq, PGresult *, PQgetResult, (PGconn *conn), (conn))
GEOCTL_DEFERRED(libpq, int, PQconsumeInput, (PGconn *conn), (conn))
GEOCTL_DEFERRED(libpq, PGnotify *, PQnotifies, (PGconn *conn), (conn))
GEOCTL_DEFERRED(libpq, PGTransactionStatusType, PQtransactionStatus, (const PGconn *conn), (conn))
GEOCTL_DEFERRED(libpq, int, PQntuples, (const PGresult *res), (res))
GEOCTL_DEFERRED(libpq, int, PQnfields, (const PGresult *res), (res))
GEOCTL_DEFERRED(libpq, int, PQgetisnull, (const PGresult *res, int tup_num, int field_num), (res, tup_num, field_num))
GEOCTL_DEFERRED(libpq, char *, PQgetvalue, (const PGresult *res, int tup_num, int field_num), (res, tup_num, field_num))
