{{/*
The service's configuration: the shared settings as environment variables, config.* as a file (ConfigMap -config).
Their hash is on the pod template, so a change rolls the pods.
*/}}
{{- define "mpsaas-lib.configMap" -}}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ include "mpsaas-lib.fullname" . }}
  labels:
    {{- include "mpsaas-lib.labels" . | nindent 4 }}
data:
  {{- include "mpsaas-lib.configData" . | nindent 2 }}
{{- with .Values.config }}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ include "mpsaas-lib.fullname" $ }}-config
  labels:
    {{- include "mpsaas-lib.labels" $ | nindent 4 }}
data:
  application.properties: |
    {{- include "mpsaas-lib.configProperties" $ | trim | nindent 4 }}
{{- end }}
{{- end -}}

{{- define "mpsaas-lib.service" -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "mpsaas-lib.fullname" . }}
  labels:
    {{- include "mpsaas-lib.labels" . | nindent 4 }}
  {{- with .Values.service.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  type: {{ .Values.service.type }}
  selector:
    {{- include "mpsaas-lib.selectorLabels" . | nindent 4 }}
  ports:
    - name: http
      port: {{ .Values.service.port }}
      targetPort: http
      protocol: TCP
{{- end -}}

{{/* The pod's identity; with serviceAccount.roleArn, EKS (IRSA) gives the pod that IAM role's credentials. */}}
{{- define "mpsaas-lib.serviceAccount" -}}
{{- if .Values.serviceAccount.create -}}
{{- $annotations := deepCopy .Values.serviceAccount.annotations -}}
{{- with .Values.serviceAccount.roleArn -}}
{{- $_ := set $annotations "eks.amazonaws.com/role-arn" . -}}
{{- end -}}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ include "mpsaas-lib.serviceAccountName" . }}
  labels:
    {{- include "mpsaas-lib.labels" . | nindent 4 }}
  {{- with $annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
automountServiceAccountToken: false
{{- end -}}
{{- end -}}

{{/* CPU-driven scaling; not rendered when KEDA scales the service (KEDA owns its own HPA then). */}}
{{- define "mpsaas-lib.hpa" -}}
{{- if and .Values.autoscaling.enabled (not (and (hasKey .Values "keda") .Values.keda.enabled)) -}}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include "mpsaas-lib.fullname" . }}
  labels:
    {{- include "mpsaas-lib.labels" . | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ include "mpsaas-lib.fullname" . }}
  minReplicas: {{ .Values.autoscaling.minReplicas }}
  maxReplicas: {{ .Values.autoscaling.maxReplicas }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ .Values.autoscaling.targetCPUUtilizationPercentage }}
    {{- with .Values.autoscaling.targetMemoryUtilizationPercentage }}
    - type: Resource
      resource:
        name: memory
        target:
          type: Utilization
          averageUtilization: {{ . }}
    {{- end }}
  behavior:
    scaleDown:
      stabilizationWindowSeconds: {{ .Values.autoscaling.scaleDownStabilizationSeconds }}
{{- end -}}
{{- end -}}

{{- define "mpsaas-lib.pdb" -}}
{{- if .Values.podDisruptionBudget.enabled -}}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "mpsaas-lib.fullname" . }}
  labels:
    {{- include "mpsaas-lib.labels" . | nindent 4 }}
spec:
  maxUnavailable: {{ .Values.podDisruptionBudget.maxUnavailable }}
  unhealthyPodEvictionPolicy: AlwaysAllow
  selector:
    matchLabels:
      {{- include "mpsaas-lib.selectorLabels" . | nindent 6 }}
{{- end -}}
{{- end -}}

{{/*
Traffic in: only the http port, from networkPolicy.allowFrom (any source when empty). Traffic out: DNS and HTTPS
(the AWS APIs, directly or through VPC endpoints) plus networkPolicy.extraEgress.
*/}}
{{- define "mpsaas-lib.networkPolicy" -}}
{{- if .Values.networkPolicy.enabled -}}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ include "mpsaas-lib.fullname" . }}
  labels:
    {{- include "mpsaas-lib.labels" . | nindent 4 }}
spec:
  podSelector:
    matchLabels:
      {{- include "mpsaas-lib.selectorLabels" . | nindent 6 }}
  policyTypes:
    - Ingress
    {{- if .Values.networkPolicy.restrictEgress }}
    - Egress
    {{- end }}
  ingress:
    - ports:
        - port: http
          protocol: TCP
      {{- with .Values.networkPolicy.allowFrom }}
      from:
        {{- toYaml . | nindent 8 }}
      {{- end }}
  {{- if .Values.networkPolicy.restrictEgress }}
  egress:
    - ports:
        - port: 53
          protocol: UDP
        - port: 53
          protocol: TCP
    - ports:
        - port: 443
          protocol: TCP
    {{- with .Values.networkPolicy.extraEgress }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  {{- end }}
{{- end -}}
{{- end -}}

{{/* Prometheus Operator scrape of /q/metrics (needs quarkus-micrometer-registry-prometheus in the service). */}}
{{- define "mpsaas-lib.serviceMonitor" -}}
{{- if .Values.serviceMonitor.enabled -}}
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: {{ include "mpsaas-lib.fullname" . }}
  labels:
    {{- include "mpsaas-lib.labels" . | nindent 4 }}
    {{- with .Values.serviceMonitor.labels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  selector:
    matchLabels:
      {{- include "mpsaas-lib.selectorLabels" . | nindent 6 }}
  namespaceSelector:
    matchNames:
      - {{ .Release.Namespace }}
  endpoints:
    - port: http
      path: /q/metrics
      interval: {{ .Values.serviceMonitor.interval }}
      scrapeTimeout: {{ .Values.serviceMonitor.scrapeTimeout }}
{{- end -}}
{{- end -}}

{{/* Public entry for the buyer's browser (onboarding-service only: the other services stay inside the cluster). */}}
{{- define "mpsaas-lib.ingress" -}}
{{- if .Values.ingress.enabled -}}
{{- $fullname := include "mpsaas-lib.fullname" . -}}
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {{ $fullname }}
  labels:
    {{- include "mpsaas-lib.labels" . | nindent 4 }}
  {{- with .Values.ingress.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  {{- with .Values.ingress.className }}
  ingressClassName: {{ . }}
  {{- end }}
  {{- with .Values.ingress.tls }}
  tls:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  rules:
    {{- range .Values.ingress.hosts }}
    - http:
        paths:
          {{- range .paths }}
          - path: {{ .path }}
            pathType: {{ .pathType }}
            backend:
              service:
                name: {{ $fullname }}
                port:
                  name: http
          {{- end }}
      {{- with .host }}
      host: {{ . | quote }}
      {{- end }}
    {{- end }}
{{- end -}}
{{- end -}}
