{{/*
KEDA scaling on SQS depth, for the services that consume a queue. Call with (dict "ctx" $ "queues" (list ...)):
one aws-sqs-queue trigger per queue (the HPA KEDA creates takes the highest), plus the CPU target of autoscaling.*.
KEDA needs the queue URL: a queue given as a URL is used as is, a name is completed with keda.awsAccountId.
*/}}
{{- define "mpsaas-lib.queueUrl" -}}
{{- if or (hasPrefix "https://" .queue) (hasPrefix "http://" .queue) -}}
{{- .queue -}}
{{- else if .accountId -}}
{{- printf "https://sqs.%s.amazonaws.com/%s/%s" .region .accountId .queue -}}
{{- else -}}
{{- fail (printf "keda.enabled: set keda.awsAccountId, or give the queue %q as a full URL, so KEDA can find it" .queue) -}}
{{- end -}}
{{- end -}}

{{- define "mpsaas-lib.keda" -}}
{{- $ctx := .ctx -}}
{{- if $ctx.Values.keda.enabled -}}
{{- if not $ctx.Values.autoscaling.enabled -}}
{{- fail "keda.enabled needs autoscaling.enabled: KEDA takes its replica bounds and CPU target from autoscaling.*" -}}
{{- end -}}
{{- $fullname := include "mpsaas-lib.fullname" $ctx -}}
{{- $suite := include "mpsaas-lib.suite" $ctx | fromYaml -}}
{{- $auth := $ctx.Values.keda.authentication -}}
apiVersion: keda.sh/v1alpha1
kind: TriggerAuthentication
metadata:
  name: {{ $fullname }}-aws
  labels:
    {{- include "mpsaas-lib.labels" $ctx | nindent 4 }}
spec:
  podIdentity:
    provider: aws
    {{- if $auth.roleArn }}
    roleArn: {{ $auth.roleArn }}
    {{- else }}
    identityOwner: {{ $auth.identityOwner }}
    {{- end }}
---
apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata:
  name: {{ $fullname }}
  labels:
    {{- include "mpsaas-lib.labels" $ctx | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ $fullname }}
  minReplicaCount: {{ $ctx.Values.autoscaling.minReplicas }}
  maxReplicaCount: {{ $ctx.Values.autoscaling.maxReplicas }}
  pollingInterval: {{ $ctx.Values.keda.pollingInterval }}
  cooldownPeriod: {{ $ctx.Values.keda.cooldownPeriod }}
  advanced:
    horizontalPodAutoscalerConfig:
      behavior:
        scaleDown:
          stabilizationWindowSeconds: {{ $ctx.Values.autoscaling.scaleDownStabilizationSeconds }}
  triggers:
    {{- range .queues }}
    - type: aws-sqs-queue
      authenticationRef:
        name: {{ $fullname }}-aws
      metadata:
        queueURL: {{ include "mpsaas-lib.queueUrl" (dict "queue" . "region" $suite.awsRegion "accountId" $ctx.Values.keda.awsAccountId) | quote }}
        queueLength: {{ $ctx.Values.keda.queueLength | quote }}
        activationQueueLength: {{ $ctx.Values.keda.activationQueueLength | quote }}
        awsRegion: {{ $suite.awsRegion | quote }}
        scaleOnInFlight: "true"
    {{- end }}
    - type: cpu
      metricType: Utilization
      metadata:
        value: {{ $ctx.Values.autoscaling.targetCPUUtilizationPercentage | quote }}
{{- end -}}
{{- end -}}
