// The IdP behind an ALB made through the Gateway API by the load balancer controller: the path
// after ingress-nginx. TLS from ACM at the ALB (the ALB Gateway ignores certificateRefs, LBC#4494).
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { LoadBalancerScheme } from "../../addons/types";
import { LoadBalancerType } from "../dns";
import { TLS13_POLICY } from "../loadBalancing";
import { ReadinessGate } from "../rolloutTimeout";
import { IDP_LABELS, IDP_NAME, SERVICE_HTTP_PORT } from "../workload";
import { Exposure, ExposureContext, ExposureKind, ExposurePlan, k8sOptions } from "./types";

const GATEWAY_API = "gateway.networking.k8s.io/v1" as const;
const LBC_GATEWAY = "gateway.k8s.aws/v1" as const;

export interface AlbGatewayArgs {
    scheme: LoadBalancerScheme;
    /** Client CIDRs the ALB's security group admits; empty: the controller's default (anywhere). */
    sourceRanges: string[];
    readinessPath: string;
    deregistrationDelaySeconds: number;
}

/**
 * The ALB's settings (attached to the Gateway by `infrastructure.parametersRef`): scheme, the 443
 * listener's ACM certificate and TLS 1.3 policy, and the client ranges. `gateway.k8s.aws/v1` is the
 * storage version from controller v3.5.0 (v1beta1 is deprecated). Pure.
 */
export function loadBalancerConfiguration(namespace: string, a: AlbGatewayArgs, certificateArn: string) {
    return {
        apiVersion: LBC_GATEWAY,
        kind: "LoadBalancerConfiguration" as const,
        metadata: { name: IDP_NAME, namespace, labels: IDP_LABELS },
        spec: {
            scheme: a.scheme,
            listenerConfigurations: [{ protocolPort: "HTTPS:443", defaultCertificate: certificateArn, sslPolicy: TLS13_POLICY }],
            ...(a.sourceRanges.length > 0 ? { sourceRanges: a.sourceRanges } : {}),
        },
    };
}

/** HTTP 80 (for the redirect) and HTTPS 443 listeners for the host, routes from this namespace only. Pure. */
export function gateway(namespace: string, host: string, gatewayClassName: string) {
    const listener = (name: string, protocol: "HTTP" | "HTTPS", port: number) => ({ name, protocol, port, hostname: host, allowedRoutes: { namespaces: { from: "Same" } } });
    return {
        apiVersion: GATEWAY_API,
        kind: "Gateway" as const,
        metadata: {
            name: IDP_NAME,
            namespace,
            labels: IDP_LABELS,
            // The controller writes the ALB's DNS name to status.addresses once it exists; the
            // provider waits for it so the DNS record and the outputs get a real value.
            annotations: { "pulumi.com/waitFor": "jsonpath={.status.addresses[0].value}" },
        },
        spec: {
            gatewayClassName,
            infrastructure: { parametersRef: { group: "gateway.k8s.aws", kind: "LoadBalancerConfiguration", name: IDP_NAME } },
            listeners: [listener("http", "HTTP", 80), listener("https", "HTTPS", 443)],
        },
    };
}

const parentRef = (sectionName: "http" | "https") => ({ group: "gateway.networking.k8s.io", kind: "Gateway", name: IDP_NAME, sectionName });

/** HTTPS 443 to the IdP Service's http port. Pure. */
export function httpsRoute(namespace: string, host: string) {
    return {
        apiVersion: GATEWAY_API,
        kind: "HTTPRoute" as const,
        metadata: { name: IDP_NAME, namespace, labels: IDP_LABELS },
        spec: {
            parentRefs: [parentRef("https")],
            hostnames: [host],
            rules: [{ backendRefs: [{ name: IDP_NAME, port: SERVICE_HTTP_PORT }] }],
        },
    };
}

/** HTTP 80: its only rule redirects to https with 301 (the port follows the scheme: 443). Pure. */
export function httpRedirectRoute(namespace: string, host: string) {
    return {
        apiVersion: GATEWAY_API,
        kind: "HTTPRoute" as const,
        metadata: { name: `${IDP_NAME}-redirect`, namespace, labels: IDP_LABELS },
        spec: {
            parentRefs: [parentRef("http")],
            hostnames: [host],
            rules: [{ filters: [{ type: "RequestRedirect", requestRedirect: { scheme: "https", statusCode: 301 } }] }],
        },
    };
}

/**
 * The IdP Service's target group: ip targets (Gateway target groups default to instance), HTTP
 * health checks on the readiness path, and the deregistration delay of the rollout invariant. Pure.
 */
export function targetGroupConfiguration(namespace: string, a: AlbGatewayArgs) {
    return {
        apiVersion: LBC_GATEWAY,
        kind: "TargetGroupConfiguration" as const,
        metadata: { name: IDP_NAME, namespace, labels: IDP_LABELS },
        spec: {
            targetReference: { kind: "Service", name: IDP_NAME },
            defaultConfiguration: {
                targetType: "ip",
                healthCheckConfig: { healthCheckProtocol: "HTTP", healthCheckPath: a.readinessPath, matcher: { httpCode: "200" } },
                targetGroupAttributes: [{ key: "deregistration_delay.timeout_seconds", value: String(a.deregistrationDelaySeconds) }],
            },
        },
    };
}

/**
 * An ALB with ip targets (the TargetGroupConfiguration's targetType): it reaches the pods from the
 * subnets its scheme puts it in, and the controller's pod readiness gates cover Gateway target
 * groups (v3.5.0), so its gate is on every IdP pod; TLS from ACM at the ALB. Pure.
 */
export function planAlbGateway(scheme: LoadBalancerScheme): ExposurePlan {
    return { kind: ExposureKind.AlbGateway, setting: "alb", traffic: { loadBalancerScheme: scheme }, loadBalancerType: LoadBalancerType.Application, readinessGate: ReadinessGate.Alb, acmCertificate: true };
}

export interface AlbGatewayExposureArgs {
    scheme: LoadBalancerScheme;
    sourceRanges: string[];
    certificateArn: pulumi.Input<string>;
    gatewayClassName: pulumi.Input<string>;
    /** The controller's release (after the CRDs) and the GatewayClass. */
    loadBalancerController: pulumi.Resource;
    gatewayClass: pulumi.Resource;
}

export function exposeAlbGateway(ctx: ExposureContext, a: AlbGatewayExposureArgs): Exposure {
    const settings: AlbGatewayArgs = { scheme: a.scheme, sourceRanges: a.sourceRanges, readinessPath: ctx.readinessPath, deregistrationDelaySeconds: ctx.rollout.deregistrationDelaySeconds };
    const after = (...deps: pulumi.Resource[]) => k8sOptions(ctx, a.loadBalancerController, a.gatewayClass, ...deps);
    const lbConfigSpec = loadBalancerConfiguration(ctx.namespace, settings, "");
    const lbConfig = new k8s.apiextensions.CustomResource(`${ctx.name}-lbconfig`, {
        ...lbConfigSpec,
        spec: pulumi.output(a.certificateArn).apply((arn) => loadBalancerConfiguration(ctx.namespace, settings, arn).spec),
    }, after());
    // The target group settings exist before the route makes the target group.
    const tgConfig = new k8s.apiextensions.CustomResource(`${ctx.name}-tgconfig`, targetGroupConfiguration(ctx.namespace, settings), after());
    const gw = new k8s.apiextensions.CustomResource(`${ctx.name}-gateway`, {
        ...gateway(ctx.namespace, ctx.host, ""),
        spec: pulumi.output(a.gatewayClassName).apply((cls) => gateway(ctx.namespace, ctx.host, cls).spec),
        // Declared (and never sent) so the resource has a `status` output, read once the provider has waited for it.
        status: undefined,
    }, after(lbConfig));
    const https = new k8s.apiextensions.CustomResource(`${ctx.name}-route-https`, httpsRoute(ctx.namespace, ctx.host), after(gw, tgConfig));
    const redirect = new k8s.apiextensions.CustomResource(`${ctx.name}-route-redirect`, httpRedirectRoute(ctx.namespace, ctx.host), after(gw));
    return {
        ...planAlbGateway(a.scheme),
        resources: [lbConfig, tgConfig, gw, https, redirect],
        hostname: (gw as unknown as { status: pulumi.Output<{ addresses?: { value?: string }[] } | undefined> }).status.apply((s) => s?.addresses?.[0]?.value),
        urls: [`https://${ctx.host}`],
    };
}
