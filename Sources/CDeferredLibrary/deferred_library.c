#include "deferred_library.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pthread_mutex_t opening = PTHREAD_MUTEX_INITIALIZER;

int geoctl_deferred_open(geoctl_deferred_library *library, char *message, size_t length) {
    if (__atomic_load_n(&library->handle, __ATOMIC_ACQUIRE)) return 0;
    pthread_mutex_lock(&opening);
    void *handle = __atomic_load_n(&library->handle, __ATOMIC_ACQUIRE);
    char tried[512] = "";
    const char *reason = "";
    for (const char *const *file = library->files; !handle && *file; file++) {
        /* RTLD_LOCAL: its symbols stay out of the global scope, where the stubs are. */
        handle = dlopen(*file, RTLD_NOW | RTLD_LOCAL);
        if (!handle) {
            const char *error = dlerror();
            reason = error ? error : "";
            size_t used = strlen(tried);
            snprintf(tried + used, sizeof tried - used, "%s%s", used ? ", " : "", *file);
        }
    }
    if (handle) __atomic_store_n(&library->handle, handle, __ATOMIC_RELEASE);
    pthread_mutex_unlock(&opening);
    if (handle) return 0;
    if (message && length)
        snprintf(message, length, "the %s library could not be loaded (tried %s: %s); install %s",
                 library->name, tried, reason, library->install_hint);
    return -1;
}

void *geoctl_deferred_symbol(geoctl_deferred_library *library, const char *symbol) {
    char message[1024];
    if (geoctl_deferred_open(library, message, sizeof message) != 0) {
        fprintf(stderr, "geoctl: %s\n", message);
        exit(70);
    }
    void *address = dlsym(__atomic_load_n(&library->handle, __ATOMIC_ACQUIRE), symbol);
    if (!address) {
        fprintf(stderr, "geoctl: the %s library that was loaded has no %s: a different version than geoctl was built with; rebuild geoctl\n",
                library->name, symbol);
        exit(70);
    }
    return address;
}
