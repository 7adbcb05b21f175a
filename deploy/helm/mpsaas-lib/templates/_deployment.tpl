{{/*
The service's Deployment: hardened pod (non-root, read-only root filesystem with an emptyDir on /tmp, no
capabilities, RuntimeDefault seccomp, no Kubernetes API token), Quarkus health probes on the management port, config
from the ConfigMap and
the existing Secret. replicas is left to the HPA or KEDA when autoscaling is on, so an upgrade never resets it.
*/}}
{{- define "mpsaas-lib.deployment" -}}
{{- $fullname := include "mpsaas-lib.fullname" . -}}
{{- $podSecurityContext := mergeOverwrite (dict "runAsNonRoot" true "seccompProfile" (dict "type" "RuntimeDefault")) (deepCopy .Values.podSecurityContext) -}}
{{- $securityContext := mergeOverwrite (dict "runAsNonRoot" true "allowPrivilegeEscalation" false "readOnlyRootFilesystem" true "privileged" false "capabilities" (dict "drop" (list "ALL")) "seccompProfile" (dict "type" "RuntimeDefault")) (deepCopy .Values.securityContext) -}}
{{- $env := include "mpsaas-lib.secretEnv" . | fromYamlArray -}}
{{- if .Values.config -}}
{{- $env = append $env (dict "name" "QUARKUS_CONFIG_LOCATIONS" "value" (printf "%s/application.properties" (include "mpsaas-lib.configDir" .))) -}}
{{- end -}}
{{- $env = concat $env .Values.extraEnv -}}
{{- $global := include "mpsaas-lib.global" . | fromYaml -}}
{{- $pullSecrets := .Values.imagePullSecrets | default $global.imagePullSecrets -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ $fullname }}
  labels:
    {{- include "mpsaas-lib.labels" . | nindent 4 }}
spec:
  {{- if not .Values.autoscaling.enabled }}
  replicas: {{ .Values.replicaCount }}
  {{- end }}
  revisionHistoryLimit: 5
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: 25%
      maxUnavailable: 0
  selector:
    matchLabels:
      {{- include "mpsaas-lib.selectorLabels" . | nindent 6 }}
  template:
    metadata:
      annotations:
        checksum/config: {{ printf "%s\n%s" (include "mpsaas-lib.configData" .) (include "mpsaas-lib.configProperties" .) | sha256sum }}
        {{- with .Values.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      labels:
        {{- include "mpsaas-lib.labels" . | nindent 8 }}
        {{- with .Values.podLabels }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      serviceAccountName: {{ include "mpsaas-lib.serviceAccountName" . }}
      automountServiceAccountToken: false
      {{- with $pullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with .Values.priorityClassName }}
      priorityClassName: {{ . }}
      {{- end }}
      terminationGracePeriodSeconds: {{ .Values.terminationGracePeriodSeconds }}
      securityContext:
        {{- toYaml $podSecurityContext | nindent 8 }}
      containers:
        - name: {{ .Chart.Name }}
          image: {{ include "mpsaas-lib.image" . | quote }}
          imagePullPolicy: {{ .Values.image.pullPolicy }}
          ports:
            - name: http
              containerPort: {{ include "mpsaas-lib.httpPort" . }}
              protocol: TCP
            # /q/health and /q/metrics: the probes and Prometheus, never an ingress
            - name: management
              containerPort: {{ include "mpsaas-lib.managementPort" . }}
              protocol: TCP
          envFrom:
            - configMapRef:
                name: {{ $fullname }}
          {{- with $env }}
          env:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          startupProbe:
            httpGet:
              path: /q/health/started
              port: management
            {{- toYaml .Values.probes.startup | nindent 12 }}
          livenessProbe:
            httpGet:
              path: /q/health/live
              port: management
            {{- toYaml .Values.probes.liveness | nindent 12 }}
          readinessProbe:
            httpGet:
              path: /q/health/ready
              port: management
            {{- toYaml .Values.probes.readiness | nindent 12 }}
          resources:
            {{- toYaml .Values.resources | nindent 12 }}
          securityContext:
            {{- toYaml $securityContext | nindent 12 }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
            {{- if .Values.config }}
            - name: config
              mountPath: {{ include "mpsaas-lib.configDir" . }}
              readOnly: true
            {{- end }}
      volumes:
        - name: tmp
          emptyDir:
            sizeLimit: {{ .Values.tmpSizeLimit }}
        {{- if .Values.config }}
        - name: config
          configMap:
            name: {{ $fullname }}-config
        {{- end }}
      {{- with .Values.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with .Values.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with .Values.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- if .Values.topologySpread.enabled }}
      {{- /* zones: a rule, over at least minDomains zones (one zone's outage leaves pods elsewhere); nodes: a
      preference. matchLabelKeys: each rollout's ReplicaSet is spread on its own, old pods do not skew the new. */}}
      topologySpreadConstraints:
        {{- range $key, $spread := dict "topology.kubernetes.io/zone" .Values.topologySpread.zone "kubernetes.io/hostname" .Values.topologySpread.node }}
        {{- if and $spread.minDomains (ne $spread.whenUnsatisfiable "DoNotSchedule") }}
        {{- fail (printf "topologySpread: minDomains needs whenUnsatisfiable DoNotSchedule (%s)" $key) }}
        {{- end }}
        - topologyKey: {{ $key }}
          maxSkew: {{ $spread.maxSkew }}
          whenUnsatisfiable: {{ $spread.whenUnsatisfiable }}
          {{- with $spread.minDomains }}
          minDomains: {{ . }}
          {{- end }}
          labelSelector:
            matchLabels:
              {{- include "mpsaas-lib.selectorLabels" $ | nindent 14 }}
          matchLabelKeys:
            - pod-template-hash
        {{- end }}
      {{- end }}
{{- end -}}
