/* PROJ's functions that geoctl calls, as stubs that open libproj on first use. A function
   newly called from Swift needs a line here, or the link fails naming it. */
#include <geodesic.h>
#include <proj.h>

#include "deferred_library.h"
#include "proj_deferred.h"

static const char *const files[] = {"libproj.so", "libproj.so.25", "libproj.dylib", NULL};
static geoctl_deferred_library proj = {"PROJ", files, "libproj25 and proj-data (Debian) or PROJ 9", NULL};

GEOCTL_DEFERRED(proj, PJ_CONTEXT *, proj_context_create, (void), ())
GEOCTL_DEFERRED(proj, PJ_CONTEXT *, proj_context_destroy, (PJ_CONTEXT *ctx), (ctx))
GEOCTL_DEFERRED_VOID(proj, proj_context_set_search_paths, (PJ_CONTEXT *ctx, int count_paths, const char *const *paths), (ctx, count_paths, paths))
GEOCTL_DEFERRED(proj, int, proj_context_errno, (PJ_CONTEXT *ctx), (ctx))
GEOCTL_DEFERRED(proj, const char *, proj_context_errno_string, (PJ_CONTEXT *ctx, int err), (ctx, err))
GEOCTL_DEFERRED_VOID(proj, proj_log_func, (PJ_CONTEXT *ctx, void *app_data, PJ_LOG_FUNCTION logf), (ctx, app_data, logf))
GEOCTL_DEFERRED(proj, PJ_INFO, proj_info, (void), ())
GEOCTL_DEFERRED(proj, PJ *, proj_create, (PJ_CONTEXT *ctx, const char *definition), (ctx, definition))
GEOCTL_DEFERRED(proj, PJ *, proj_destroy, (PJ *P), (P))
GEOCTL_DEFERRED(proj, PJ_TYPE, proj_get_type, (const PJ *obj), (obj))
GEOCTL_DEFERRED(proj, int, proj_is_crs, (const PJ *obj), (obj))
GEOCTL_DEFERRED(proj, int, proj_is_equivalent_to_with_ctx,
                (PJ_CONTEXT *ctx, const PJ *obj, const PJ *other, PJ_COMPARISON_CRITERION criterion), (ctx, obj, other, criterion))
GEOCTL_DEFERRED(proj, const char *, proj_get_id_code, (const PJ *obj, int index), (obj, index))
GEOCTL_DEFERRED(proj, const char *, proj_get_id_auth_name, (const PJ *obj, int index), (obj, index))
GEOCTL_DEFERRED(proj, const char *, proj_as_proj_string,
                (PJ_CONTEXT *ctx, const PJ *obj, PJ_PROJ_STRING_TYPE type, const char *const *options), (ctx, obj, type, options))
GEOCTL_DEFERRED(proj, PJ_OBJ_LIST *, proj_identify,
                (PJ_CONTEXT *ctx, const PJ *obj, const char *auth_name, const char *const *options, int **out_confidence),
                (ctx, obj, auth_name, options, out_confidence))
GEOCTL_DEFERRED(proj, int, proj_list_get_count, (const PJ_OBJ_LIST *result), (result))
GEOCTL_DEFERRED(proj, PJ *, proj_list_get, (PJ_CONTEXT *ctx, const PJ_OBJ_LIST *result, int index), (ctx, result, index))
GEOCTL_DEFERRED_VOID(proj, proj_list_destroy, (PJ_OBJ_LIST *result), (result))
GEOCTL_DEFERRED_VOID(proj, proj_int_list_destroy, (int *list), (list))
GEOCTL_DEFERRED(proj, PJ *, proj_crs_get_coordoperation, (PJ_CONTEXT *ctx, const PJ *crs), (ctx, crs))
GEOCTL_DEFERRED(proj, PJ *, proj_crs_get_sub_crs, (PJ_CONTEXT *ctx, const PJ *crs, int index), (ctx, crs, index))
GEOCTL_DEFERRED(proj, PJ *, proj_crs_get_coordinate_system, (PJ_CONTEXT *ctx, const PJ *crs), (ctx, crs))
GEOCTL_DEFERRED(proj, PJ *, proj_get_source_crs, (PJ_CONTEXT *ctx, const PJ *obj), (ctx, obj))
GEOCTL_DEFERRED(proj, PJ *, proj_get_ellipsoid, (PJ_CONTEXT *ctx, const PJ *obj), (ctx, obj))
GEOCTL_DEFERRED(proj, int, proj_ellipsoid_get_parameters,
                (PJ_CONTEXT *ctx, const PJ *ellipsoid, double *out_semi_major_metre, double *out_semi_minor_metre,
                 int *out_is_semi_minor_computed, double *out_inv_flattening),
                (ctx, ellipsoid, out_semi_major_metre, out_semi_minor_metre, out_is_semi_minor_computed, out_inv_flattening))
GEOCTL_DEFERRED(proj, int, proj_cs_get_axis_count, (PJ_CONTEXT *ctx, const PJ *cs), (ctx, cs))
GEOCTL_DEFERRED(proj, int, proj_cs_get_axis_info,
                (PJ_CONTEXT *ctx, const PJ *cs, int index, const char **out_name, const char **out_abbrev,
                 const char **out_direction, double *out_unit_conv_factor, const char **out_unit_name,
                 const char **out_unit_auth_name, const char **out_unit_code),
                (ctx, cs, index, out_name, out_abbrev, out_direction, out_unit_conv_factor, out_unit_name, out_unit_auth_name, out_unit_code))
GEOCTL_DEFERRED(proj, PJ *, proj_normalize_for_visualization, (PJ_CONTEXT *ctx, const PJ *obj), (ctx, obj))
GEOCTL_DEFERRED(proj, PJ *, proj_create_crs_to_crs_from_pj,
                (PJ_CONTEXT *ctx, const PJ *source_crs, const PJ *target_crs, PJ_AREA *area, const char *const *options),
                (ctx, source_crs, target_crs, area, options))
GEOCTL_DEFERRED(proj, size_t, proj_trans_generic,
                (PJ *P, PJ_DIRECTION direction, double *x, size_t sx, size_t nx, double *y, size_t sy, size_t ny,
                 double *z, size_t sz, size_t nz, double *t, size_t st, size_t nt),
                (P, direction, x, sx, nx, y, sy, ny, z, sz, nz, t, st, nt))
GEOCTL_DEFERRED_VOID(proj, geod_init, (struct geod_geodesic *g, double a, double f), (g, a, f))
GEOCTL_DEFERRED_VOID(proj, geod_inverse,
                     (const struct geod_geodesic *g, double lat1, double lon1, double lat2, double lon2, double *ps12,
                      double *pazi1, double *pazi2),
                     (g, lat1, lon1, lat2, lon2, ps12, pazi1, pazi2))
