{{/*
Helpers shared by the service charts. Every template takes the service chart's root context, so .Chart is the
service chart (its name, version, appVersion and the mpsaas.io/* annotations that say how the service is built).
*/}}

{{/* Name of every object of a service: the chart name (onboarding-service, ...) unless fullnameOverride is set.
No release prefix, so Service DNS names and IRSA service-account names are predictable. */}}
{{- define "mpsaas-lib.fullname" -}}
{{- default .Chart.Name .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "mpsaas-lib.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "mpsaas-lib.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "mpsaas-lib.selectorLabels" . }}
app.kubernetes.io/version: {{ include "mpsaas-lib.imageTag" . | trunc 63 | trimSuffix "-" | quote }}
app.kubernetes.io/component: {{ .Chart.Name }}
app.kubernetes.io/part-of: mpsaas
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/* The port the service listens on: quarkus.http.port of its application.properties, carried by Chart.yaml. */}}
{{- define "mpsaas-lib.httpPort" -}}
{{- required "Chart.yaml must carry the annotation mpsaas.io/http-port" (index .Chart.Annotations "mpsaas.io/http-port") -}}
{{- end -}}

{{/* The management interface's port (/q/health, /q/metrics): quarkus.management.port, carried by Chart.yaml. */}}
{{- define "mpsaas-lib.managementPort" -}}
{{- required "Chart.yaml must carry the annotation mpsaas.io/management-port" (index .Chart.Annotations "mpsaas.io/management-port") -}}
{{- end -}}

{{- define "mpsaas-lib.global" -}}
{{- toYaml (.Values.global | default dict) -}}
{{- end -}}

{{/* The suite's shared settings: the chart's suite.* with the umbrella's global.suite.* laid over it. */}}
{{- define "mpsaas-lib.suite" -}}
{{- $global := include "mpsaas-lib.global" . | fromYaml -}}
{{- toYaml (mergeOverwrite (deepCopy .Values.suite) (deepCopy ($global.suite | default dict))) -}}
{{- end -}}

{{/* A config key in environment-variable form, as SmallRye Config maps it: suite.api.admin-keys -> SUITE_API_ADMIN_KEYS. */}}
{{- define "mpsaas-lib.envName" -}}
{{- regexReplaceAll "[^A-Za-z0-9]" . "_" | upper -}}
{{- end -}}

{{- define "mpsaas-lib.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "mpsaas-lib.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "mpsaas-lib.imageTag" -}}
{{- $global := include "mpsaas-lib.global" . | fromYaml -}}
{{- $globalImage := $global.image | default dict -}}
{{- .Values.image.tag | default $globalImage.tag | default .Chart.AppVersion -}}
{{- end -}}

{{- define "mpsaas-lib.image" -}}
{{- $global := include "mpsaas-lib.global" . | fromYaml -}}
{{- $globalImage := $global.image | default dict -}}
{{- $registry := .Values.image.registry | default $globalImage.registry | default "" -}}
{{- $repository := ternary .Values.image.repository (printf "%s/%s" $registry .Values.image.repository) (empty $registry) -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" $repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" $repository (include "mpsaas-lib.imageTag" .) -}}
{{- end -}}
{{- end -}}

{{/* The service's own Secret (never one shared by the services: each holds only the keys its service reads). */}}
{{- define "mpsaas-lib.existingSecretName" -}}
{{- .Values.existingSecret.name | default "" -}}
{{- end -}}

{{/*
The ConfigMap's data: the suite's shared settings from suite.* as environment variables (the three services), or the
operator console's from console.* (it reaches no table and no queue: only the services' admin APIs).
*/}}
{{- define "mpsaas-lib.configData" -}}
{{- $data := dict -}}
{{- if hasKey .Values "suite" -}}
{{- $suite := include "mpsaas-lib.suite" . | fromYaml -}}
{{- $data = dict
    "SUITE_AWS_REGION" $suite.awsRegion
    "SUITE_MARKETPLACE_REGION" $suite.marketplaceRegion
    "SUITE_TABLES_CUSTOMERS" $suite.tables.customers
    "SUITE_TABLES_INBOX" $suite.tables.inbox
    "SUITE_TABLES_USAGE" $suite.tables.usage
    "SUITE_QUEUES_NOTIFICATIONS" (join "," $suite.queues.notifications)
    "SUITE_QUEUES_CUSTOMER_EVENTS" $suite.queues.customerEvents
    "SUITE_QUEUES_USAGE" $suite.queues.usage
    "SUITE_QUEUES_METERING_COMMANDS" $suite.queues.meteringCommands -}}
{{- end -}}
{{- if hasKey .Values "console" -}}
{{- $_ := set $data "SUITE_CONSOLE_ENTITLEMENT_URL" .Values.console.entitlementUrl -}}
{{- $_ := set $data "SUITE_CONSOLE_METERING_URL" .Values.console.meteringUrl -}}
{{- end -}}
{{- if and (hasKey .Values "ingress") .Values.ingress.enabled .Values.ingress.alb.enabled -}}
{{- /* behind the ALB every request comes from the ALB: its X-Forwarded-For is believed from the ALB's addresses only */ -}}
{{- $_ := set $data "SUITE_ONBOARDING_TRUSTED_PROXIES" .Values.ingress.alb.trustedProxies -}}
{{- end -}}
{{- range $key, $value := .Values.config -}}
{{- $env := include "mpsaas-lib.envName" $key -}}
{{- if hasKey $data $env -}}
{{- fail (printf "config.%s: set it through suite.* (it is %s already)" $key $env) -}}
{{- end -}}
{{- if and (hasKey $.Values.existingSecret.keys $key) (index $.Values.existingSecret.keys $key) -}}
{{- fail (printf "config.%s: it comes from the Secret (existingSecret.keys), keep it out of the ConfigMap" $key) -}}
{{- end -}}
{{- end -}}
{{- toYaml $data -}}
{{- end -}}

{{/*
config.* as an application.properties file: property names reach the service as written, so map keys keep their
case, quotes and underscores (an environment variable name cannot: SUITE_X_API_CALLS may be x.api-calls or x."api_calls").
*/}}
{{- define "mpsaas-lib.configProperties" -}}
{{- range $key, $value := .Values.config }}
{{ regexReplaceAll "([=: ])" $key "\\${1}" }}={{ toString $value | replace "\\" "\\\\" | replace "\n" "\\n" }}
{{- end }}
{{- end -}}

{{/* Where the service reads config.*: QUARKUS_CONFIG_LOCATIONS points at the mounted file. */}}
{{- define "mpsaas-lib.configDir" -}}
/etc/mpsaas/config
{{- end -}}

{{/* Environment variables read from the existing Secret: one per config key of existingSecret.keys. */}}
{{- define "mpsaas-lib.secretEnv" -}}
{{- $name := include "mpsaas-lib.existingSecretName" . -}}
{{- $env := list -}}
{{- if $name -}}
{{- range $key, $secretKey := .Values.existingSecret.keys -}}
{{- if $secretKey -}}
{{- $env = append $env (dict "name" (include "mpsaas-lib.envName" $key) "valueFrom" (dict "secretKeyRef" (dict "name" $name "key" $secretKey))) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- toYaml $env -}}
{{- end -}}
