// The IdP's NGINX Ingress (class nginx) behind ingress-nginx's NLB, TLS in nginx.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { LoadBalancerType } from "../dns";
import { Route, TLS_SECRET, idpCertificate, nginxIngress } from "../ingress";
import { Exposure, ExposureContext, ExposureTraffic, k8sOptions } from "./types";

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

/** The ingress-nginx controller pods proxy every request. Pure. */
export function nginxTraffic(): ExposureTraffic {
    return { viaIngressNginx: true };
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
        if (!a.certManager && !a.clusterIssuers) throw new Error(`${ctx.name}: a cert-manager certificate needs cert-manager (or give tls)`);
        // cert-manager fails a Certificate whose issuer does not exist yet and retries only with
        // back-off, so the Certificate waits for the very ClusterIssuer it names.
        const issuer = a.clusterIssuers?.[a.clusterIssuer];
        if (a.clusterIssuers && !issuer) throw new Error(`${ctx.name}: ClusterIssuer ${JSON.stringify(a.clusterIssuer)} is not one of cert-manager's (${Object.keys(a.clusterIssuers).join(", ")})`);
        resources.push(new k8s.apiextensions.CustomResource(`${ctx.name}-certificate`, idpCertificate(ctx.namespace, ctx.host, a.clusterIssuer), k8sOptions(ctx, a.certManager, issuer)));
    }
    const ingress = new k8s.networking.v1.Ingress(`${ctx.name}-ingress`, nginxIngress(ctx.namespace, { host: ctx.host, ...a }), k8sOptions(ctx, a.ingressNginx));
    resources.push(ingress);
    return {
        resources,
        // ingress-nginx publishes its controller Service's address in the status of every Ingress it
        // serves (controller.publishService, on by default), so the host name comes from an object
        // this program creates; a read of the controller Service would fail in preview before the
        // chart has made it (pulumi/pulumi#16395).
        hostname: ingress.status.loadBalancer.ingress.apply((i) => i?.[0]?.hostname),
        loadBalancerType: LoadBalancerType.Network,
        dualStack: false,
        urls: [`https://${ctx.host}`],
        traffic: nginxTraffic(),
    };
}
