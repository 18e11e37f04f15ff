"""Tandem's settings: one module, every value from the environment.

docs/configuration.md lists each variable. Defaults run on one laptop with no setup
(SQLite, in-process tasks, console e-mail); production sets DEBUG=false and friends.
"""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from tandem.core.env import env_bool, env_choice, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("TANDEM_VAR_DIR", str(BASE_DIR / "var")))

# Off unless asked for: a forgotten variable must not put a server in debug mode.
DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off. On a development machine, set DEBUG=true."
        )
    SECRET_KEY = "insecure-development-key-never-use-in-production-0123456789abcdef"

SITE_URL = env_str("SITE_URL", "http://localhost:8000").rstrip("/")
SITE_NAME = env_str("SITE_NAME", "Tandem")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", SITE_URL)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # allauth's list of passkeys shows "added 3 days ago".
    "django.contrib.humanize",
    "django.forms",
    "django_htmx",
    "template_partials",
    "django_tasks",
    "simple_history",
    "tandem.core",
    "tandem.accounts",
    # After tandem.accounts, whose templates restyle allauth's pages.
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",
    "tandem.programs",
    "tandem.relationships",
    "tandem.notifications",
    "tandem.matching",
    # After tandem.matching, whose db_worker (this one's, with the engine warmed) wins.
    "django_tasks_db",
    "tandem.home",
    "tandem.people",
    "tandem.security",
    "tandem.insights",
    "tandem.board",
    "tandem.interviews",
    "tandem.introductions",
    "tandem.circles",
    "tandem.coaching",
    "tandem.webhooks",
    "tandem.api",
    # django-ninja's own Swagger UI files, served from here rather than a CDN (strict CSP).
    "ninja",
    "tandem.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "tandem.api.middleware.ApiRefuseNulCharactersMiddleware",
    "tandem.core.middleware.RefuseNulCharactersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "tandem.accounts.middleware.SessionIdleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "tandem.core.middleware.PersonTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "tandem.accounts.middleware.MFARequiredMiddleware",
    "tandem.accounts.middleware.NoStoreMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "tandem.urls"
WSGI_APPLICATION = "tandem.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "tandem" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tandem.core.context_processors.site",
                "tandem.notifications.context_processors.unread",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'tandem.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process and the task worker read while the other writes.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
        ),
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    VAR_DIR.mkdir(parents=True, exist_ok=True)
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and not env_bool(
    "DATABASE_JIT", default=False
):
    # PostgreSQL compiles any query its planner prices high (the access policy's, on a
    # large program) before running it: half a second spent to save milliseconds.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = f"{options.get('options', '')} -c jit=off".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Refuses passwords for addresses whose organization requires its single sign-on.
    "tandem.accounts.social.SignOnRequiredBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Sign-in, sign-up, e-mail verification and password reset are django-allauth's flows;
# tandem/accounts/adapters.py limits sign-up to organizations' domains.
ACCOUNT_ADAPTER = "tandem.accounts.adapters.AccountAdapter"
ACCOUNT_FORMS = {
    "login": "tandem.accounts.forms.LoginForm",
    "signup": "tandem.accounts.forms.SignupForm",
    "reset_password": "tandem.accounts.forms.ResetPasswordForm",
    "reset_password_from_key": "tandem.accounts.forms.ResetPasswordKeyForm",
}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
# The address is proven with a code typed into the session that signed up, so nobody can
# prove an address onto an account someone else started with their own password.
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_PREVENT_ENUMERATION = "strict"
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"{SITE_NAME}: "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https:") else "http"
# Rates are per IP, per e-mail address ("key") or per signed-in person; the counters live
# in CACHES, so they hold across web workers.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "10/m/ip",
    "reset_password": "10/m/ip,3/10m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/10s/key,3/10m/key",
    "reauthenticate": "10/m/user",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
}

# Calls an identity provider may make with one SCIM token ("amount/period/key", allauth's
# notation): enough for a full sync of a large organization at a steady pace.
SCIM_RATE_LIMIT = env_str("SCIM_RATE_LIMIT", "1200/m/key")
# Calls one API token may make, in the same notation.
API_RATE_LIMIT = env_str("API_RATE_LIMIT", "600/m/key")
# How long the answer to a write sent with an Idempotency-Key is kept to replay it.
API_IDEMPOTENCY_HOURS = env_int("API_IDEMPOTENCY_HOURS", 24)
# The most items one page of an API list holds (?limit=), and the page size without one.
NINJA_PAGINATION_MAX_LIMIT = 100
NINJA_PAGINATION_PER_PAGE = 50

MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER = SITE_NAME
# Browsers allow WebAuthn on http://localhost; the server side must be told so too.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = SITE_URL.startswith("http:")
# Organization admins, program admins and site staff must add a second factor before they
# can do anything else (tandem/accounts/middleware.py).
MFA_REQUIRED_FOR_ADMINS = env_bool("MFA_REQUIRED_FOR_ADMINS", default=True)

# Single sign-on: each organization admin registers Tandem at their OpenID Connect or SAML
# identity provider (tandem/people/views/sign_on.py); tandem/accounts/social.py decides who
# gets in.
SOCIALACCOUNT_ADAPTER = "tandem.accounts.social.OrganizationSignOnAdapter"
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_STORE_TOKENS = False
# Seconds Tandem waits for an identity provider's discovery, token and userinfo answers.
SOCIALACCOUNT_REQUESTS_TIMEOUT = 5
# Whether an issuer may be plain http on this machine's loopback address (a provider run
# beside Tandem for development or tests). Never in production: Tandem would fetch from it.
SIGN_ON_ALLOW_LOOPBACK_HTTP = env_bool("SIGN_ON_ALLOW_LOOPBACK_HTTP", default=DEBUG)
# Let webhook endpoints be plain http:// and on private or loopback addresses: for tests and
# a receiver run beside Tandem in development only. Off, Tandem calls public HTTPS only.
WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = env_bool("WEBHOOKS_ALLOW_PRIVATE_ADDRESSES", default=False)

# A session ends after this many idle minutes: every request pushes the expiry forward.
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 60)
if SESSION_IDLE_MINUTES < 1:
    raise ImproperlyConfigured("SESSION_IDLE_MINUTES must be at least 1.")
# Sessions are kept this long from their last save; tandem.accounts.middleware's
# SessionIdleMiddleware saves an active person's session once a minute.
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60

# Rate-limit counters and other shared state: Redis when CACHE_URL (or REDIS_URL) names
# one, else a table in the database (created by the accounts migrations).
CACHE_URL = env_str("CACHE_URL") or env_str("REDIS_URL")
if CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    }
elif CACHE_URL == "locmem://":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
elif CACHE_URL:
    raise ImproperlyConfigured("CACHE_URL must be redis://…, rediss://… or locmem://.")
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "tandem_cache",
        }
    }
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
# Files the app keeps for a while, such as exports waiting to be downloaded. No URL serves
# this folder: a view that checks who asks hands out each file.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "files")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Background work: "immediate" runs tasks in-process after commit (the zero-setup
# default); "database" stores them for `manage.py db_worker`.
TASK_BACKEND = env_choice("TASK_BACKEND", "immediate", ("immediate", "database", "dummy"))
TASKS = {
    "default": {
        "BACKEND": {
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
            "database": "django_tasks_db.DatabaseBackend",
            "dummy": "django_tasks.backends.dummy.DummyBackend",
        }[TASK_BACKEND]
    }
}
# A task row still RUNNING after this long belongs to a worker that died; the scheduler
# puts it back in the queue. Longer than any task runs, and well under a day (after a
# day, an unfinished e-mail claim is given up as abandoned; see notifications/tasks.py).
TASK_RECOVER_AFTER_MINUTES = env_int("TASK_RECOVER_AFTER_MINUTES", 30)
if not 1 <= TASK_RECOVER_AFTER_MINUTES <= 720:
    raise ImproperlyConfigured("TASK_RECOVER_AFTER_MINUTES must be between 1 and 720.")

# Security events (sign-ins, failures, second factors, exports, concern access) older than
# this are deleted by `manage.py prune_security_log`.
SECURITY_LOG_RETENTION_DAYS = env_int("SECURITY_LOG_RETENTION_DAYS", 365)
if SECURITY_LOG_RETENTION_DAYS < 1:
    raise ImproperlyConfigured("SECURITY_LOG_RETENTION_DAYS must be at least 1.")
# Webhook deliveries that finished (delivered or failed) longer ago than this are deleted
# by the scheduler once a day.
WEBHOOKS_LOG_RETENTION_DAYS = env_int("WEBHOOKS_LOG_RETENTION_DAYS", 30)
if WEBHOOKS_LOG_RETENTION_DAYS < 1:
    raise ImproperlyConfigured("WEBHOOKS_LOG_RETENTION_DAYS must be at least 1.")
# A person suggested for a warm introduction who has not answered after this many days is
# taken as "not this time"; they are reminded once halfway. The scheduler expires them.
INTRODUCTION_SUGGESTION_EXPIRY_DAYS = env_int("INTRODUCTION_SUGGESTION_EXPIRY_DAYS", 14)
if INTRODUCTION_SUGGESTION_EXPIRY_DAYS < 1:
    raise ImproperlyConfigured("INTRODUCTION_SUGGESTION_EXPIRY_DAYS must be at least 1.")

EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Tandem <tandem@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY", default=False) else None
)
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # The task backend logs every task it runs; keep the console for what matters.
        "django_tasks": {"level": "WARNING"},
    },
}

FORM_RENDERER = "tandem.core.forms.FormRenderer"
