import * as assert from "node:assert/strict";
import * as k8s from "@pulumi/kubernetes";
import { ACM_DOMAIN_NAME_MAX, IdpApplication, IngressKind, planExposures, requestsAcmCertificate } from "../../../../components/idp";
import { LoadBalancerScheme } from "../../../../components/addons/types";
import { loadConfig, platformArgs } from "../../../../config";
import { attemptEvaluation } from "../../../../offline/mockCloud";
import { ofType, stackConfig } from "../../../harness";

describe("idp exposures: the ACM certificate the IdP requests", () => {
    const alb = planExposures({ ingress: IngressKind.Alb, alb: { scheme: LoadBalancerScheme.InternetFacing } });
    const nginx = planExposures({ ingress: IngressKind.Nginx });

    it("is requested only when an exposure terminates TLS on an AWS load balancer, none is given and the hosted zone can validate one", () => {
        assert.equal(requestsAcmCertificate(alb, { route53HostedZoneId: "Z1" }), true);
        assert.equal(requestsAcmCertificate(alb, { route53HostedZoneId: "Z1", certificateArn: "arn:aws:acm:us-east-1:111122223333:certificate/x" }), false);
        assert.equal(requestsAcmCertificate(alb, {}), false);
        assert.equal(requestsAcmCertificate(nginx, { route53HostedZoneId: "Z1" }), false);
    });

    // ACM RequestCertificate: DomainName at most 64 characters (RFC 5280 ub-common-name). The component
    // refuses it itself, for users composing IdpApplication without this project's config.
    it("IdpApplication refuses a host longer than ACM takes before registering anything, naming the host", async () => {
        const host = `${"a".repeat(ACM_DOMAIN_NAME_MAX - "example.com".length)}.example.com`;
        const attempt = await attemptEvaluation({ stack: "prod", config: stackConfig("prod"), program: () => {
            const args = platformArgs(loadConfig());
            const provider = new k8s.Provider("k8s", { kubeconfig: "{}" });
            new IdpApplication("idp", { ...args.idp, provider, ingress: IngressKind.Alb, host, certificateArn: undefined, route53HostedZoneId: "Z0123456789EXAMPLEZONE", loadBalancerController: provider });
        } });
        assert.match(String(attempt.error), new RegExp(`host "${host}" is 65 characters; the ACM certificate requested for it takes at most 64`));
        assert.equal(ofType(attempt.resources, "aws:acm/certificate:Certificate").length, 0);
    });
});
