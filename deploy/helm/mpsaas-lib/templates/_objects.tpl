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
    # inside the cluster only, for Prometheus (ServiceMonitor); no Ingress routes to it
    - name: management
      port: {{ include "mpsaas-lib.managementPort" . }}
      targetPort: management
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
Traffic in: the http port from networkPolicy.allowFrom (any source when empty); the management port (/q/metrics) from
networkPolicy.monitoringFrom only (the kubelet's probes come from the node, which NetworkPolicy does not filter).
Traffic out: DNS, HTTPS (the AWS APIs, directly or through VPC endpoints), the EKS Pod Identity agent on the node
(networkPolicy.podIdentityAgent) plus networkPolicy.extraEgress.
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
    {{- with .Values.networkPolicy.monitoringFrom }}
    - ports:
        - port: management
          protocol: TCP
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
    {{- if .Values.networkPolicy.podIdentityAgent }}
    # EKS Pod Identity: the agent on the node hands out the pod's credentials (IRSA needs only HTTPS to STS)
    - to:
        - ipBlock:
            cidr: 169.254.170.23/32
        - ipBlock:
            cidr: fd00:ec2::23/128
      ports:
        - port: 80
          protocol: TCP
    {{- end }}
    {{- with .Values.networkPolicy.extraEgress }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  {{- end }}
{{- end -}}
{{- end -}}

{{/* Prometheus Operator scrape of /q/metrics on the management port (quarkus-micrometer-registry-prometheus). */}}
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
    - port: management
      path: /q/metrics
      interval: {{ .Values.serviceMonitor.interval }}
      scrapeTimeout: {{ .Values.serviceMonitor.scrapeTimeout }}
{{- end -}}
{{- end -}}

{{/*
Public entry for the buyer's browser (onboarding-service only: the other services stay inside the cluster). It routes
the buyer's paths only, to the http port: the fulfillment path (suite.onboarding.fulfillment-path of config, default /),
the registration submit /register and the pages' /assets; never /q (health and metrics are on the management port,
which no Ingress reaches). With ingress.alb.enabled: the AWS Load Balancer Controller's internet-facing ALB with IP
targets, HTTPS with the ACM certificate (HTTP redirected), an optional WAF web ACL.
*/}}
{{- define "mpsaas-lib.ingressAnnotations" -}}
{{- $annotations := dict -}}
{{- $alb := .Values.ingress.alb -}}
{{- if $alb.enabled -}}
{{- $_ := set $annotations "alb.ingress.kubernetes.io/scheme" "internet-facing" -}}
{{- $_ := set $annotations "alb.ingress.kubernetes.io/target-type" "ip" -}}
{{- $_ := set $annotations "alb.ingress.kubernetes.io/listen-ports" "[{\"HTTP\": 80}, {\"HTTPS\": 443}]" -}}
{{- $_ := set $annotations "alb.ingress.kubernetes.io/ssl-redirect" "443" -}}
{{- $_ := set $annotations "alb.ingress.kubernetes.io/certificate-arn" (required "ingress.alb.certificateArn: the ACM certificate of the fulfillment URL's host (AWS requires https)" $alb.certificateArn) -}}
{{- $_ := set $annotations "alb.ingress.kubernetes.io/ssl-policy" $alb.sslPolicy -}}
{{- $_ := set $annotations "alb.ingress.kubernetes.io/healthcheck-path" "/assets/onboarding.css" -}}
{{- $_ := set $annotations "alb.ingress.kubernetes.io/success-codes" "200" -}}
{{- with $alb.wafAclArn -}}
{{- $_ := set $annotations "alb.ingress.kubernetes.io/wafv2-acl-arn" . -}}
{{- end -}}
{{- with $alb.groupName -}}
{{- $_ := set $annotations "alb.ingress.kubernetes.io/group.name" . -}}
{{- end -}}
{{- end -}}
{{- toYaml (mergeOverwrite $annotations (deepCopy .Values.ingress.annotations)) -}}
{{- end -}}

{{- define "mpsaas-lib.ingress" -}}
{{- if .Values.ingress.enabled -}}
{{- $fullname := include "mpsaas-lib.fullname" . -}}
{{- $fulfillment := index .Values.config "suite.onboarding.fulfillment-path" | default "/" -}}
{{- $className := .Values.ingress.className | default (ternary "alb" "" .Values.ingress.alb.enabled) -}}
{{- $annotations := include "mpsaas-lib.ingressAnnotations" . | fromYaml -}}
{{- if not .Values.ingress.hosts -}}
{{- fail "ingress.hosts: the fulfillment URL's host name(s), e.g. [signup.example.com]" -}}
{{- end -}}
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {{ $fullname }}
  labels:
    {{- include "mpsaas-lib.labels" . | nindent 4 }}
  {{- with $annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  {{- with $className }}
  ingressClassName: {{ . }}
  {{- end }}
  {{- with .Values.ingress.tls }}
  tls:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  rules:
    {{- range .Values.ingress.hosts }}
    - host: {{ . | quote }}
      http:
        paths:
          {{- range list (list $fulfillment "Exact") (list "/register" "Exact") (list "/assets" "Prefix") }}
          - path: {{ index . 0 }}
            pathType: {{ index . 1 }}
            backend:
              service:
                name: {{ $fullname }}
                port:
                  name: http
          {{- end }}
    {{- end }}
{{- end -}}
{{- end -}}
