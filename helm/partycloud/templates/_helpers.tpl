{{/* ------------------------------------------------------------------ names */}}

{{/* Chart name, overridable with nameOverride. */}}
{{- define "partycloud.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Fully qualified app name, cut to leave room for the longest suffix ("-migrate").
The release name alone when it already contains the chart name.
*/}}
{{- define "partycloud.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 52 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 52 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 52 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* name-version for the helm.sh/chart label. */}}
{{- define "partycloud.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* ------------------------------------------------------------------ labels */}}

{{- define "partycloud.selectorLabels" -}}
app.kubernetes.io/name: {{ include "partycloud.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "partycloud.labels" -}}
helm.sh/chart: {{ include "partycloud.chart" . }}
{{ include "partycloud.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: partycloud
{{- end }}

{{/* Selector labels of one component: (dict "root" $ "component" "web"). */}}
{{- define "partycloud.componentSelectorLabels" -}}
{{ include "partycloud.selectorLabels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/* All labels of one component: (dict "root" $ "component" "web"). */}}
{{- define "partycloud.componentLabels" -}}
{{ include "partycloud.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/* ------------------------------------------------------------------ accounts, image */}}

{{- define "partycloud.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "partycloud.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
ServiceAccount of the migration hook. The hook runs before the release's own objects
exist (pre-install), so it cannot use a ServiceAccount the chart creates: it takes
migrations.serviceAccountName, else a pre-existing account (serviceAccount.create=false),
else the namespace's "default" account (empty result = field omitted).
*/}}
{{- define "partycloud.migrationsServiceAccountName" -}}
{{- if .Values.migrations.serviceAccountName }}
{{- .Values.migrations.serviceAccountName }}
{{- else if not .Values.serviceAccount.create }}
{{- include "partycloud.serviceAccountName" . }}
{{- end }}
{{- end }}

{{- define "partycloud.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion | toString) }}
{{- end }}

{{/* The Secret the pods read: the pre-made one or the chart's own. */}}
{{- define "partycloud.secretName" -}}
{{- default (include "partycloud.fullname" .) .Values.existingSecret }}
{{- end }}

{{/* The Secret the migration hook reads (its own hook copy unless existingSecret). */}}
{{- define "partycloud.migrationsSecretName" -}}
{{- default (printf "%s-migrate" (include "partycloud.fullname" .)) .Values.existingSecret }}
{{- end }}

{{/* ------------------------------------------------------------------ connection URLs */}}

{{/* Percent-encode a URL user/password part (urlquery writes spaces as "+"). */}}
{{- define "partycloud.urlEscape" -}}
{{- . | toString | urlquery | replace "+" "%20" }}
{{- end }}

{{/* True (non-empty) when a URL carries a password in its userinfo. */}}
{{- define "partycloud.urlHasPassword" -}}
{{- if . }}{{- if contains ":" (get (urlParse .) "userinfo") }}true{{- end }}{{- end }}
{{- end }}

{{/* True (non-empty) when the database is given in values (url or host). */}}
{{- define "partycloud.databaseConfigured" -}}
{{- with .Values.postgresql.external }}{{- if or .url .host }}true{{- end }}{{- end }}
{{- end }}

{{- define "partycloud.redisConfigured" -}}
{{- with .Values.redis.external }}{{- if or .url .host }}true{{- end }}{{- end }}
{{- end }}

{{/* REDIS_URL is built in the pod from a password in existingSecret (see podEnv). */}}
{{- define "partycloud.redisPasswordFromSecret" -}}
{{- if and .Values.existingSecret .Values.redis.external.existingSecretPasswordKey }}true{{- end }}
{{- end }}

{{/*
DATABASE_URL: (dict "root" $ "direct" bool). direct=false is what web/worker/beat use (through
PgBouncer when pgbouncer.enabled), direct=true is what the migration job uses (PostgreSQL itself).
The password is only included when the chart owns the Secret (no existingSecret).
*/}}
{{- define "partycloud.databaseUrl" -}}
{{- $root := .root }}
{{- $pg := $root.Values.postgresql.external }}
{{- $bouncer := and $root.Values.pgbouncer.enabled (not .direct) }}
{{- if $pg.url }}
{{- if $bouncer }}
{{- $u := urlParse $pg.url }}
{{- $_ := set $u "host" (printf "%s:%d" $root.Values.pgbouncer.host (int $root.Values.pgbouncer.port)) }}
{{- urlJoin $u }}
{{- else }}
{{- $pg.url }}
{{- end }}
{{- else }}
{{- $host := ternary $root.Values.pgbouncer.host $pg.host $bouncer }}
{{- $port := ternary $root.Values.pgbouncer.port $pg.port $bouncer | int }}
{{- $auth := include "partycloud.urlEscape" $pg.user }}
{{- if and $pg.password (not $root.Values.existingSecret) }}
{{- $auth = printf "%s:%s" $auth (include "partycloud.urlEscape" $pg.password) }}
{{- end }}
{{- printf "postgres://%s@%s:%d/%s" $auth $host $port (include "partycloud.urlEscape" $pg.database) }}
{{- end }}
{{- end }}

{{/* REDIS_URL from values (password only when the chart owns the Secret). */}}
{{- define "partycloud.redisUrl" -}}
{{- $r := .Values.redis.external }}
{{- if $r.url }}
{{- $r.url }}
{{- else }}
{{- $scheme := ternary "rediss" "redis" $r.tls }}
{{- $auth := "" }}
{{- if and $r.password (not .Values.existingSecret) }}
{{- $auth = printf ":%s@" (include "partycloud.urlEscape" $r.password) }}
{{- end }}
{{- printf "%s://%s%s:%d/%d" $scheme $auth $r.host (int $r.port) (int $r.database) }}
{{- end }}
{{- end }}

{{/* ------------------------------------------------------------------ validation */}}

{{/*
Checks the JSON schema cannot express. Included by the ConfigMap, which every
install renders, so `helm template/lint/install` fail early with a clear message.
*/}}
{{- define "partycloud.validate" -}}
{{- $v := .Values }}
{{- if not $v.baseDomain }}
{{- fail "baseDomain is required (the root host; tenants answer at <slug>.<baseDomain>)" }}
{{- end }}
{{- if $v.existingSecret }}
{{- if include "partycloud.urlHasPassword" $v.postgresql.external.url }}
{{- fail "postgresql.external.url must not contain a password with existingSecret: it would land in a ConfigMap. Put PGPASSWORD (or the whole DATABASE_URL) into the existing Secret." }}
{{- end }}
{{- if $v.postgresql.external.password }}
{{- fail "postgresql.external.password is not used with existingSecret: put PGPASSWORD (or DATABASE_URL) into the existing Secret." }}
{{- end }}
{{- if include "partycloud.urlHasPassword" $v.redis.external.url }}
{{- fail "redis.external.url must not contain a password with existingSecret: put REDIS_URL into the existing Secret, or use redis.external.host with redis.external.existingSecretPasswordKey." }}
{{- end }}
{{- if $v.redis.external.password }}
{{- fail "redis.external.password is not used with existingSecret: use redis.external.existingSecretPasswordKey (or REDIS_URL in the existing Secret)." }}
{{- end }}
{{- if and $v.redis.external.existingSecretPasswordKey (not $v.redis.external.host) }}
{{- fail "redis.external.existingSecretPasswordKey needs redis.external.host (the URL is built in the pod)." }}
{{- end }}
{{- else }}
{{- if not $v.secrets.djangoSecretKey }}
{{- fail "Set secrets.djangoSecretKey (>= 50 random characters) or existingSecret." }}
{{- end }}
{{- if not $v.secrets.fieldEncryptionKey }}
{{- fail "Set secrets.fieldEncryptionKey or existingSecret." }}
{{- end }}
{{- if not (include "partycloud.databaseConfigured" .) }}
{{- fail "Set postgresql.external.url or postgresql.external.host (or existingSecret with DATABASE_URL)." }}
{{- end }}
{{- if not (include "partycloud.redisConfigured" .) }}
{{- fail "Set redis.external.url or redis.external.host (or existingSecret with REDIS_URL)." }}
{{- end }}
{{- if $v.redis.external.existingSecretPasswordKey }}
{{- fail "redis.external.existingSecretPasswordKey only applies with existingSecret; use redis.external.password." }}
{{- end }}
{{- end }}
{{- if $v.pgbouncer.enabled }}
{{- if ne $v.pgbouncer.poolMode "session" }}
{{- fail "pgbouncer.poolMode must be \"session\": transaction pooling mixes search_path (the tenant) between clients." }}
{{- end }}
{{- if not $v.pgbouncer.host }}
{{- fail "pgbouncer.enabled needs pgbouncer.host." }}
{{- end }}
{{- if not (include "partycloud.databaseConfigured" .) }}
{{- fail "pgbouncer.enabled needs postgresql.external.url or .host in values (the migration job connects to PostgreSQL directly)." }}
{{- end }}
{{- end }}
{{- include "partycloud.validateSearch" . }}
{{- include "partycloud.validateObjectStorage" . }}
{{- include "partycloud.validateLive" . }}
{{- include "partycloud.validateMetrics" . }}
{{- end }}

{{- define "partycloud.validateMetrics" -}}
{{- $m := .Values.metrics }}
{{- if and $m.serviceMonitor.enabled (not $m.enabled) }}
{{- fail "metrics.serviceMonitor.enabled needs metrics.enabled." }}
{{- end }}
{{- if $m.enabled }}
{{- if .Values.existingSecret }}
{{- if $m.token }}
{{- fail "metrics.token is not used with existingSecret: put METRICS_TOKEN into the existing Secret." }}
{{- end }}
{{- else if lt (len $m.token) 32 }}
{{- fail "metrics.enabled needs metrics.token (>= 32 random characters), or existingSecret with METRICS_TOKEN." }}
{{- end }}
{{- end }}
{{- end }}

{{- define "partycloud.validateLive" -}}
{{- $l := .Values.live }}
{{- if $l.enabled }}
{{- if not (and $l.rtmpUrl $l.hlsBaseUrl) }}
{{- fail "live.enabled needs live.rtmpUrl (where encoders push, rtmp://…/live) and live.hlsBaseUrl (https://…/shls, the live Service's hls port behind TLS)." }}
{{- end }}
{{- if .Values.existingSecret }}
{{- if or $l.hookSecret $l.hlsSecret }}
{{- fail "live.hookSecret / live.hlsSecret are not used with existingSecret: put LIVE_HOOK_SECRET and LIVE_HLS_SECRET into the existing Secret." }}
{{- end }}
{{- else }}
{{- if not (and (regexMatch "^[A-Za-z0-9_-]{32,}$" $l.hookSecret) (regexMatch "^[A-Za-z0-9_-]{32,}$" $l.hlsSecret)) }}
{{- fail "live.enabled needs live.hookSecret and live.hlsSecret: >= 32 URL-safe characters each (python -c \"import secrets; print(secrets.token_urlsafe(32))\")." }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}

{{- define "partycloud.validateSearch" -}}
{{- $v := .Values }}
{{- if include "partycloud.urlHasPassword" $v.search.external.url }}
{{- fail "search.external.url must not contain a password (it goes into a ConfigMap): put ELASTICSEARCH_URL into the Secret (existingSecret or secrets.extraEnv) and leave search.external.url empty." }}
{{- end }}
{{- if $v.elasticsearch.enabled }}
{{- if $v.search.external.url }}
{{- fail "Choose one Elasticsearch: elasticsearch.enabled (in the cluster) or search.external.url, not both." }}
{{- end }}
{{- if $v.existingSecret }}
{{- if not $v.elasticsearch.existingSecretPasswordKey }}
{{- fail "elasticsearch.enabled with existingSecret needs elasticsearch.existingSecretPasswordKey (the key holding the elastic user's password)." }}
{{- end }}
{{- if $v.elasticsearch.password }}
{{- fail "elasticsearch.password is not used with existingSecret: put the password into the existing Secret (elasticsearch.existingSecretPasswordKey)." }}
{{- end }}
{{- else if not $v.elasticsearch.password }}
{{- fail "elasticsearch.enabled needs elasticsearch.password (or existingSecret with elasticsearch.existingSecretPasswordKey)." }}
{{- end }}
{{- end }}
{{- end }}

{{- define "partycloud.validateObjectStorage" -}}
{{- $v := .Values }}
{{- $o := $v.objectStorage }}
{{- if and $v.minio.enabled $o.external.endpoint }}
{{- fail "Choose one object store: minio.enabled (in the cluster) or objectStorage.external.endpoint, not both." }}
{{- end }}
{{- if and $v.existingSecret (or $o.accessKey $o.secretKey) }}
{{- fail "objectStorage.accessKey/secretKey are not used with existingSecret: put S3_ACCESS_KEY and S3_SECRET_KEY into the existing Secret (or use objectStorage.existingSecret)." }}
{{- end }}
{{- if and $o.existingSecret (or $o.accessKey $o.secretKey) }}
{{- fail "objectStorage.accessKey/secretKey are not used with objectStorage.existingSecret." }}
{{- end }}
{{- if $v.minio.enabled }}
{{- if not (include "partycloud.s3PublicEndpoint" .) }}
{{- fail "minio.enabled needs objectStorage.publicEndpoint (the address browsers upload to) or minio.ingress.enabled." }}
{{- end }}
{{- if not (or $o.existingSecret $v.existingSecret (and $o.accessKey $o.secretKey)) }}
{{- fail "minio.enabled needs credentials: objectStorage.accessKey and objectStorage.secretKey (>= 8 characters), objectStorage.existingSecret, or existingSecret with S3_ACCESS_KEY/S3_SECRET_KEY." }}
{{- end }}
{{- if and $o.secretKey (lt (len $o.secretKey) 8) }}
{{- fail "objectStorage.secretKey must have at least 8 characters (MinIO refuses shorter root passwords)." }}
{{- end }}
{{- end }}
{{- end }}

{{/* ------------------------------------------------------------------ search and objects */}}

{{/* True (non-empty) when the pods use an S3 store (in the cluster or external). */}}
{{- define "partycloud.s3Enabled" -}}
{{- if or .Values.minio.enabled .Values.objectStorage.external.endpoint }}true{{- end }}
{{- end }}

{{- define "partycloud.minioName" -}}
{{- printf "%s-minio" (include "partycloud.fullname" .) }}
{{- end }}

{{- define "partycloud.liveName" -}}
{{- printf "%s-live" (include "partycloud.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The volume SRS writes HLS and recordings to, shared with the worker (live.enabled). */}}
{{- define "partycloud.liveMediaClaim" -}}
{{- default (printf "%s-media" (include "partycloud.liveName" .)) .Values.live.media.existingClaim }}
{{- end }}

{{- define "partycloud.elasticsearchName" -}}
{{- printf "%s-elasticsearch" (include "partycloud.fullname" .) }}
{{- end }}

{{- define "partycloud.minioIngressHost" -}}
{{- default (printf "s3.%s" .Values.baseDomain) .Values.minio.ingress.host }}
{{- end }}

{{/* S3_ENDPOINT: the in-cluster MinIO Service or the external endpoint. */}}
{{- define "partycloud.s3Endpoint" -}}
{{- if .Values.minio.enabled }}
{{- printf "http://%s:9000" (include "partycloud.minioName" .) }}
{{- else }}
{{- .Values.objectStorage.external.endpoint }}
{{- end }}
{{- end }}

{{/* S3_PUBLIC_ENDPOINT: given, else the MinIO ingress host (empty: the same as S3_ENDPOINT). */}}
{{- define "partycloud.s3PublicEndpoint" -}}
{{- if .Values.objectStorage.publicEndpoint }}
{{- .Values.objectStorage.publicEndpoint }}
{{- else if and .Values.minio.enabled .Values.minio.ingress.enabled }}
{{- printf "%s://%s" (ternary "https" "http" .Values.minio.ingress.tls.enabled) (include "partycloud.minioIngressHost" .) }}
{{- end }}
{{- end }}

{{/*
Where the S3 credentials are: (list secretName accessKeyKey secretKeyKey), as JSON.
objectStorage.existingSecret, else the release's existingSecret, else the chart's Secret.
*/}}
{{- define "partycloud.s3CredentialsRef" -}}
{{- $o := .Values.objectStorage }}
{{- if $o.existingSecret }}
{{- list $o.existingSecret $o.accessKeyKey $o.secretKeyKey | toJson }}
{{- else }}
{{- list (include "partycloud.secretName" .) "S3_ACCESS_KEY" "S3_SECRET_KEY" | toJson }}
{{- end }}
{{- end }}

{{/* The Secret key holding the elastic user's password (in the pods' Secret). */}}
{{- define "partycloud.elasticPasswordKey" -}}
{{- if .Values.existingSecret }}{{ .Values.elasticsearch.existingSecretPasswordKey }}{{ else }}ELASTIC_PASSWORD{{ end }}
{{- end }}

{{/* MINIO_API_CORS_ALLOW_ORIGIN: given, else the site's own origins. */}}
{{- define "partycloud.minioCorsOrigins" -}}
{{- if .Values.minio.corsAllowOrigins }}
{{- join "," .Values.minio.corsAllowOrigins }}
{{- else }}
{{- $origins := list }}
{{- range $scheme := list "https" "http" }}
{{- $origins = append $origins (printf "%s://%s" $scheme $.Values.baseDomain) }}
{{- $origins = append $origins (printf "%s://*.%s" $scheme $.Values.baseDomain) }}
{{- range $.Values.config.extraAllowedHosts }}
{{- $origins = append $origins (printf "%s://%s" $scheme .) }}
{{- end }}
{{- end }}
{{- join "," $origins }}
{{- end }}
{{- end }}

{{/* ------------------------------------------------------------------ environment */}}

{{/*
Non-secret environment, as ConfigMap data: (dict "root" $ "direct" bool); direct as in
partycloud.databaseUrl. The same data feeds the release ConfigMap and the migration
hook's copy, so both always agree.
*/}}
{{- define "partycloud.configData" -}}
{{- $root := .root }}
{{- $v := $root.Values }}
{{- $hosts := concat (list $v.baseDomain (printf ".%s" $v.baseDomain)) $v.config.extraAllowedHosts -}}
DJANGO_SETTINGS_MODULE: {{ $v.config.djangoSettingsModule | quote }}
BASE_DOMAIN: {{ $v.baseDomain | quote }}
{{- $public := $v.config.publicExtraHosts }}
{{- if $v.live.enabled }}
{{- /* The media server calls the hooks at the web Service's name: the group root answers there. */}}
{{- $hosts = append $hosts (include "partycloud.fullname" $root) }}
{{- $public = append $public (include "partycloud.fullname" $root) }}
{{- end }}
ALLOWED_HOSTS: {{ join "," $hosts | quote }}
PUBLIC_EXTRA_HOSTS: {{ join "," $public | quote }}
SITE_PORT: {{ $v.config.sitePort | toString | quote }}
SECURE_SSL_REDIRECT: {{ ternary "true" "false" $v.config.secureSslRedirect | quote }}
LOG_LEVEL: {{ $v.config.logLevel | quote }}
PYTHONUNBUFFERED: "1"
PYTHONDONTWRITEBYTECODE: "1"
{{- if $v.postgresql.external.sslmode }}
PGSSLMODE: {{ $v.postgresql.external.sslmode | quote }}
{{- end }}
{{- if and $v.existingSecret (include "partycloud.databaseConfigured" $root) }}
DATABASE_URL: {{ include "partycloud.databaseUrl" (dict "root" $root "direct" .direct) | quote }}
{{- end }}
{{- if and $v.existingSecret (include "partycloud.redisConfigured" $root) (not (include "partycloud.redisPasswordFromSecret" $root)) }}
REDIS_URL: {{ include "partycloud.redisUrl" $root | quote }}
{{- end }}
{{- with $v.search.external.url }}
ELASTICSEARCH_URL: {{ . | quote }}
{{- end }}
SEARCH_ANALYZER: {{ $v.search.analyzer | quote }}
{{- with $v.search.indexPrefix }}
SEARCH_INDEX_PREFIX: {{ . | quote }}
{{- end }}
{{- if include "partycloud.s3Enabled" $root }}
S3_ENDPOINT: {{ include "partycloud.s3Endpoint" $root | quote }}
{{- with include "partycloud.s3PublicEndpoint" $root }}
S3_PUBLIC_ENDPOINT: {{ . | quote }}
{{- end }}
{{- else }}
# No S3 store: files go to the pod's writable emptyDir (lost with the pod; one pod only).
STORAGE_ROOT: "/tmp/partycloud-objects"
{{- end }}
S3_REGION: {{ $v.objectStorage.region | quote }}
S3_BUCKET_PREFIX: {{ $v.objectStorage.bucketPrefix | quote }}
{{- if $v.live.enabled }}
LIVE_RTMP_URL: {{ $v.live.rtmpUrl | quote }}
LIVE_HLS_BASE_URL: {{ $v.live.hlsBaseUrl | quote }}
LIVE_PLAYBACK_TTL_SECONDS: {{ $v.live.playbackTtlSeconds | toString | quote }}
LIVE_RECORDINGS_DIR: "/media/live/recordings"
LIVE_HLS_DIR: "/media/live/hls"
LIVE_FORWARD_RTMP_URL: "rtmp://127.0.0.1:1935/hls/{name}?vhost=playback"
LIVE_CONTROL_URL: ""
{{- end }}
{{- if $v.metrics.enabled }}
# Each web process keeps its Prometheus figures here (the pod's writable /tmp); scrapes sum them.
PROMETHEUS_MULTIPROC_DIR: "/tmp/prometheus-multiproc"
METRICS_CELERY_QUEUES: {{ join "," $v.metrics.celeryQueues | quote }}
{{- end }}
{{- range $name, $value := $v.config.extraEnv }}
{{ $name }}: {{ $value | toString | quote }}
{{- end }}
{{- end }}

{{/* Secret environment, as Secret data (base64): (dict "root" $ "direct" bool). */}}
{{- define "partycloud.secretData" -}}
{{- $root := .root }}
{{- $v := $root.Values -}}
DJANGO_SECRET_KEY: {{ $v.secrets.djangoSecretKey | b64enc | quote }}
FIELD_ENCRYPTION_KEYS: {{ $v.secrets.fieldEncryptionKey | b64enc | quote }}
DATABASE_URL: {{ include "partycloud.databaseUrl" (dict "root" $root "direct" .direct) | b64enc | quote }}
REDIS_URL: {{ include "partycloud.redisUrl" $root | b64enc | quote }}
{{- with $v.objectStorage.accessKey }}
S3_ACCESS_KEY: {{ . | b64enc | quote }}
{{- end }}
{{- with $v.objectStorage.secretKey }}
S3_SECRET_KEY: {{ . | b64enc | quote }}
{{- end }}
{{- if $v.live.enabled }}
LIVE_HOOK_SECRET: {{ $v.live.hookSecret | b64enc | quote }}
LIVE_HLS_SECRET: {{ $v.live.hlsSecret | b64enc | quote }}
{{- end }}
{{- with $v.elasticsearch.password }}
ELASTIC_PASSWORD: {{ . | b64enc | quote }}
{{- end }}
{{- if and $v.metrics.enabled $v.metrics.token }}
METRICS_TOKEN: {{ $v.metrics.token | b64enc | quote }}
{{- end }}
{{- range $name, $value := $v.secrets.extraEnv }}
{{ $name }}: {{ $value | toString | b64enc | quote }}
{{- end }}
{{- end }}

{{/*
envFrom + env of every PartyCloud container: (dict "root" $ "configMap" name "secret" name).
The Secret comes last in envFrom, so a key in it wins over the ConfigMap.
*/}}
{{- define "partycloud.podEnv" -}}
{{- $root := .root }}
{{- $r := $root.Values.redis.external -}}
envFrom:
  - configMapRef:
      name: {{ .configMap }}
  - secretRef:
      name: {{ .secret }}
{{- $o := $root.Values.objectStorage }}
{{- $s3FromOwnSecret := and (include "partycloud.s3Enabled" $root) $o.existingSecret }}
{{- if or (include "partycloud.redisPasswordFromSecret" $root) .extraEnv $s3FromOwnSecret $root.Values.elasticsearch.enabled }}
env:
{{- if include "partycloud.redisPasswordFromSecret" $root }}
  # Kubernetes expands $(REDIS_PASSWORD) from the variable defined just before.
  - name: REDIS_PASSWORD
    valueFrom:
      secretKeyRef:
        name: {{ $root.Values.existingSecret }}
        key: {{ $r.existingSecretPasswordKey }}
  - name: REDIS_URL
    value: {{ printf "%s://:$(REDIS_PASSWORD)@%s:%d/%d" (ternary "rediss" "redis" $r.tls) $r.host (int $r.port) (int $r.database) | quote }}
{{- end }}
{{- if $s3FromOwnSecret }}
  - name: S3_ACCESS_KEY
    valueFrom:
      secretKeyRef:
        name: {{ $o.existingSecret }}
        key: {{ $o.accessKeyKey }}
  - name: S3_SECRET_KEY
    valueFrom:
      secretKeyRef:
        name: {{ $o.existingSecret }}
        key: {{ $o.secretKeyKey }}
{{- end }}
{{- if $root.Values.elasticsearch.enabled }}
  # The in-cluster Elasticsearch: its password from the Secret, expanded into the URL.
  - name: ELASTIC_PASSWORD
    valueFrom:
      secretKeyRef:
        name: {{ .secret }}
        key: {{ include "partycloud.elasticPasswordKey" $root }}
  - name: ELASTICSEARCH_URL
    value: {{ printf "http://elastic:$(ELASTIC_PASSWORD)@%s:9200" (include "partycloud.elasticsearchName" $root) | quote }}
{{- end }}
{{- with .extraEnv }}
{{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}
{{- end }}

{{/* ------------------------------------------------------------------ pod pieces */}}

{{/* Scheduling: a component's own setting, else the chart-wide one. (dict "root" $ "c" .Values.web) */}}
{{- define "partycloud.scheduling" -}}
{{- with (default .root.Values.nodeSelector .c.nodeSelector) }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with (default .root.Values.affinity .c.affinity) }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with (default .root.Values.tolerations .c.tolerations) }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{/* Pod annotations: config checksums (so config changes roll the pods) + user annotations. */}}
{{- define "partycloud.podAnnotations" -}}
{{- $root := .root -}}
checksum/config: {{ include (print $root.Template.BasePath "/configmap.yaml") $root | sha256sum }}
checksum/secret: {{ include (print $root.Template.BasePath "/secret.yaml") $root | trim | default $root.Values.existingSecret | sha256sum }}
{{- with $root.Values.podAnnotations }}
{{ toYaml . }}
{{- end }}
{{- with .c.podAnnotations }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{- define "partycloud.imagePullSecrets" -}}
{{- with .Values.imagePullSecrets -}}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}
