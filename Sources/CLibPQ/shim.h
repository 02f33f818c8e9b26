/* Debian and most Linux distributions keep libpq's headers in include/postgresql. */
#if __has_include(<postgresql/libpq-fe.h>)
#include <postgresql/libpq-fe.h>
#else
#include <libpq-fe.h>
#endif
