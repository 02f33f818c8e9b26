#ifndef GEOCTL_DEFERRED_LIBRARY_H
#define GEOCTL_DEFERRED_LIBRARY_H
/*
 * A C library opened with dlopen on the first call into it, instead of by the dynamic loader
 * at every start of the process.
 *
 * PROJ, SpatiaLite and libpq bring some forty more shared libraries with them (libcurl,
 * GnuTLS, Kerberos, LDAP, libxml2…): linked the usual way, the loader maps and relocates all
 * of them before `main`, about 20 ms of every geoctl process, whether it projects, writes
 * SpatiaLite's metadata or talks to PostgreSQL or not. Each such library has a small C target
 * of stubs: functions with the library's own names and prototypes (from its header) that
 * open the library on first use, look the real function up once and call it. Swift code
 * calls the library as before; the module maps no longer link it.
 */
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/** One deferred library: how to find it and what to tell the user when it is missing. */
typedef struct geoctl_deferred_library {
    /** For messages: "PROJ". */
    const char *name;
    /** File names tried in order, NULL-terminated: the unversioned development link first
        (it is the library the headers came from), then the run-time sonames. */
    const char *const *files;
    /** What to install when none loads. */
    const char *install_hint;
    /** The dlopen handle once open (set once; read with acquire ordering). */
    void *handle;
} geoctl_deferred_library;

/** Opens `library` if it is not open yet. 0 on success; otherwise -1 and, when `message` is
    not NULL, a sentence saying what failed and what to install. Thread-safe. */
int geoctl_deferred_open(geoctl_deferred_library *library, char *message, size_t length);

/** The address of `symbol` in `library`, opening it first. When the library cannot be opened
    or lacks the symbol, prints why on stderr and exits with status 70 (the program cannot run
    on this installation: nothing sensible can be returned to the caller). */
void *geoctl_deferred_symbol(geoctl_deferred_library *library, const char *symbol);

/** A stub with the real function's name and prototype: `params` as in the header, `args` the
    parameter names in parentheses. The function's address is looked up once per stub. */
#define GEOCTL_DEFERRED_CALL(library, name, args)                                              \
    static void *cached;                                                                       \
    void *function = __atomic_load_n(&cached, __ATOMIC_ACQUIRE);                               \
    if (!function) {                                                                           \
        function = geoctl_deferred_symbol(&(library), #name);                                  \
        __atomic_store_n(&cached, function, __ATOMIC_RELEASE);                                 \
    }
#define GEOCTL_DEFERRED(library, type, name, params, args)                                     \
    type name params {                                                                         \
        GEOCTL_DEFERRED_CALL(library, name, args)                                              \
        return ((__typeof__(&name))function) args;                                             \
    }
#define GEOCTL_DEFERRED_VOID(library, name, params, args)                                      \
    void name params {                                                                         \
        GEOCTL_DEFERRED_CALL(library, name, args)                                              \
        ((__typeof__(&name))function) args;                                                    \
    }

#ifdef __cplusplus
}
#endif
#endif
