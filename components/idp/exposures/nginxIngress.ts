// The IdP's NGINX Ingress (class nginx) behind ingress-nginx's NLB, TLS in nginx.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { INGRESS_NGINX_CONTROLLER } from "../../networkPolicy/addons";
import { LoadBalancerType } from "../dns";
import { Route, TLS_SECRET, idpCertificate, nginxIngress } from "../ingress";
import { Exposure, ExposureContext, ExposureKind, ExposurePlan, k8sOptions, statusHostname } from "./types";

export interface NginxExposureArgs {
    proxyBodySize: string;
    proxyReadTimeoutSeconds: number;
    extraRoutes: Route[];
    /** ClusterIssuer of the cert-manager Certificate (unused with `tls`). */
    clusterIssuer: string;
    /** A user-supplied certificate and key instead of cert-manager. */
    tls?: { certificate: pulumi.Input<string>; privateKey: pulumi.Input<string> };
    /** The ingress-nginx release: its admission webhook validates the Ingress. */
    ingressNginx: pulumi.Resource;
    /** The ClusterIssuer resources by name: the Certificate waits for the one it names. */
    clusterIssuers?: Readonly<Record<string, pulumi.Resource>>;
    /** The cert-manager release, when its issuers are not known individually. */
    certManager?: pulumi.Resource;
}

/**
 * ingress-nginx's controller pods proxy every request (and reach cert-manager's HTTP-01 solver);
 * the host names ingress-nginx's NLB, whose targets are those pods, so no gate is on the IdP's
 * pods; TLS in nginx, not from ACM. Pure.
 */
export function planNginxIngress(): ExposurePlan {
    return { kind: ExposureKind.NginxIngress, setting: "nginx", traffic: { proxy: INGRESS_NGINX_CONTROLLER }, loadBalancerType: LoadBalancerType.Network, acmCertificate: false };
}

/** What the Certificate needs: cert-manager and, when its issuers are known by name, the one it names (none with `tls`). Pure. */
export function nginxCertificateProblems(a: Pick<NginxExposureArgs, "clusterIssuer" | "tls" | "clusterIssuers" | "certManager">): string[] {
    if (a.tls) return [];
    if (!a.certManager && !a.clusterIssuers) return ["a cert-manager certificate needs cert-manager (or give tls)"];
    if (a.clusterIssuers && !a.clusterIssuers[a.clusterIssuer]) return [`ClusterIssuer ${JSON.stringify(a.clusterIssuer)} is not one of cert-manager's (${Object.keys(a.clusterIssuers).join(", ")})`];
    return [];
}

export function exposeNginxIngress(ctx: ExposureContext, a: NginxExposureArgs): Exposure {
    const resources: pulumi.Resource[] = [];
    if (a.tls) {
        resources.push(new k8s.core.v1.Secret(`${ctx.name}-tls`, {
            metadata: { name: TLS_SECRET, namespace: ctx.namespace },
            type: "kubernetes.io/tls",
            stringData: { "tls.crt": pulumi.secret(a.tls.certificate), "tls.key": pulumi.secret(a.tls.privateKey) },
        }, k8sOptions(ctx)));
    } else {
        // cert-manager fails a Certificate whose issuer does not exist yet and retries only with
        // back-off, so the Certificate waits for the very ClusterIssuer it names.
        const issuer = a.clusterIssuers?.[a.clusterIssuer];
        resources.push(new k8s.apiextensions.CustomResource(`${ctx.name}-certificate`, idpCertificate(ctx.namespace, ctx.host, a.clusterIssuer), k8sOptions(ctx, a.certManager, issuer)));
    }
    const ingress = new k8s.networking.v1.Ingress(`${ctx.name}-ingress`, nginxIngress(ctx.namespace, { host: ctx.host, ...a }), k8sOptions(ctx, a.ingressNginx));
    resources.push(ingress);
    return {
        ...planNginxIngress(),
        resources,
        // ingress-nginx publishes its controller Service's address in the status of every Ingress it
        // serves (controller.publishService, on by default), so the host name comes from an object
        // this program creates; a read of the controller Service would fail in preview before the
        // chart has made it (pulumi/pulumi#16395).
        hostname: statusHostname(ingress.status.loadBalancer.ingress),
        urls: [`https://${ctx.host}`],
    };
}
