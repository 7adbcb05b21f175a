package io.mpsaas.deploy.support;

import java.util.List;
import java.util.Map;

/** Reading a rendered Deployment: its pod template, its container, which service it runs. */
public final class Pods {

    private Pods() {
    }

    /** The service (chart) an object belongs to: its app.kubernetes.io/name label. */
    public static String service(Manifests.Obj obj) {
        return (String) obj.map("metadata.labels").get("app.kubernetes.io/name");
    }

    public static Manifests.Obj deploymentOf(Manifests manifests, String service) {
        List<Manifests.Obj> found = manifests.matching(o -> o.kind().equals("Deployment") && service.equals(service(o)));
        if (found.size() != 1) {
            throw new AssertionError("expected one Deployment of " + service + ", found " + found);
        }
        return found.get(0);
    }

    public static Map<String, Object> podLabels(Manifests.Obj deployment) {
        return deployment.map("spec.template.metadata.labels");
    }

    public static Map<String, Object> container(Manifests.Obj deployment) {
        List<Object> containers = deployment.list("spec.template.spec.containers");
        if (containers.size() != 1) {
            throw new AssertionError(deployment + ": expected one container, found " + containers.size());
        }
        return Maps.map(containers.get(0));
    }

    /** The container port with this name. */
    public static Integer containerPort(Manifests.Obj deployment, String name) {
        for (Object port : Maps.list(container(deployment).get("ports"))) {
            Map<String, Object> p = Maps.map(port);
            if (name.equals(p.get("name"))) {
                return (Integer) p.get("containerPort");
            }
        }
        return null;
    }

    /** Whether a selector's labels all appear on the pods. */
    public static boolean selects(Map<String, Object> selector, Map<String, Object> labels) {
        return !selector.isEmpty() && labels.entrySet().containsAll(selector.entrySet());
    }
}
