# Minimal Django settings serving MapIt 3.0 (django-mapit on PyPI) for the benchmark.
# Derived from MapIt 3.0's own project/settings.py (git tag v3.0); differences are marked "BENCH".
# Copied from the tested recipe ../shared/bench/serve/mapit_project/ (not in this repository).
# Everything machine-specific comes from the environment, which bench/mapit/run.sh sets.
import os

env = os.environ.get

# MapIt settings (INSTALL.rst: MAPIT_AREA_SRID, MAPIT_COUNTRY, MAPIT_RATE_LIMIT).
MAPIT_AREA_SRID = 4326          # areas are stored in WGS84, as the GeoJSON
MAPIT_COUNTRY = ''              # no country-specific app (no postcode validation needed)
# conf/general.yml-example excludes 127.0.0.1 from rate limiting; the load generator is local.
MAPIT_RATE_LIMIT = {'ips': ['127.0.0.1'], 'user_agents': []}
GOOGLE_ANALYTICS = ''
POSTCODES_AVAILABLE = True
PARTIAL_POSTCODES_AVAILABLE = False

DEBUG = False                   # production mode

# MapIt with DEBUG off caches whole responses for a day (memcached if python-memcached is
# installed, else Django's per-process LocMemCache).  BENCH: default is DummyCache so that every
# request runs the PostGIS lookup; MAPIT_BENCH_CACHE=locmem gives MapIt's own fallback.
if env('MAPIT_BENCH_CACHE', 'dummy') == 'locmem':
    CACHES = {'default': {'BACKEND': 'django.core.cache.backends.locmem.LocMemCache'}}
else:
    CACHES = {'default': {'BACKEND': 'django.core.cache.backends.dummy.DummyCache'}}
CACHE_MIDDLEWARE_SECONDS = 86400
CACHE_MIDDLEWARE_KEY_PREFIX = env('MAPIT_DB_NAME', 'mapit')

DATABASES = {
    'default': {
        'ENGINE': 'django.contrib.gis.db.backends.postgis',
        'NAME': env('MAPIT_DB_NAME', 'mapit'),
        'USER': env('MAPIT_DB_USER', 'postgres'),
        'PASSWORD': env('MAPIT_DB_PASS', ''),
        'HOST': env('PGHOST', ''),          # a Unix-socket directory or a host name
        'PORT': env('PGPORT', ''),
        # BENCH: MapIt does not set it (Django default 0 = new DB connection per request).
        'CONN_MAX_AGE': int(env('MAPIT_CONN_MAX_AGE', '0')),
    }
}

SECRET_KEY = env('DJANGO_SECRET_KEY', 'benchmark-only-not-a-secret')
ALLOWED_HOSTS = ['*']

TIME_ZONE = 'Europe/London'
LANGUAGE_CODE = 'en'
USE_I18N = True
USE_L10N = True
USE_TZ = False

MEDIA_ROOT = ''
MEDIA_URL = ''
STATIC_ROOT = env('MAPIT_STATIC_ROOT', '')
STATIC_URL = '/static/'
STATICFILES_FINDERS = (
    'django.contrib.staticfiles.finders.FileSystemFinder',
    'django.contrib.staticfiles.finders.AppDirectoriesFinder',
)
USE_ETAGS = False

MIDDLEWARE = [
    'django.middleware.http.ConditionalGetMiddleware',
    'django.middleware.cache.UpdateCacheMiddleware',
    'django.contrib.sessions.middleware.SessionMiddleware',
    'django.middleware.common.CommonMiddleware',
    'django.contrib.auth.middleware.AuthenticationMiddleware',
    'django.contrib.messages.middleware.MessageMiddleware',
    'django.middleware.cache.FetchFromCacheMiddleware',
    'mapit.middleware.JSONPMiddleware',
    'mapit.middleware.ViewExceptionMiddleware',
]

ROOT_URLCONF = 'mapit_bench.urls'
WSGI_APPLICATION = 'mapit_bench.wsgi.application'

TEMPLATES = [{
    'BACKEND': 'django.template.backends.django.DjangoTemplates',
    'APP_DIRS': True,
    'OPTIONS': {
        'context_processors': (
            'django.template.context_processors.request',
            'django.contrib.auth.context_processors.auth',
            'django.contrib.messages.context_processors.messages',
            'mapit.context_processors.country',
            'mapit.context_processors.analytics',
        ),
    },
}]

INSTALLED_APPS = [
    'django.contrib.auth',
    'django.contrib.contenttypes',
    'django.contrib.messages',
    'django.contrib.sessions',
    'django.contrib.admin',
    'django.contrib.gis',
    'django.contrib.staticfiles',
    'mapit',
]

# BENCH: errors to stderr (gunicorn's error log) instead of MapIt's mail_admins handler.
LOGGING = {
    'version': 1,
    'disable_existing_loggers': False,
    'handlers': {'console': {'class': 'logging.StreamHandler', 'level': 'WARNING'}},
    'loggers': {'django': {'handlers': ['console'], 'level': 'WARNING'}},
}

DATE_FORMAT = 'j F Y'
