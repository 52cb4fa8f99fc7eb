// One bad stack configuration per validation rule: the overrides applied to the dev stack file and
// the key the error must name. Shared by the pure loader tests and the whole-program tests.
import { Overrides } from "../harness";

export interface BadConfigCase {
    rule: string;
    overrides: Overrides;
    /** The key the error must name, exactly as reported. */
    key: string;
    /** A fragment of the message saying what was expected. */
    expect: RegExp;
}

const existingVpc = {
    "idp-eks:vpcMode": "existing",
    "idp-eks:availabilityZones": undefined,
    "idp-eks:existingVpcId": "vpc-0123456789abcdef0",
    "idp-eks:existingPublicSubnetIds": ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"],
    "idp-eks:existingPrivateSubnetIds": ["subnet-0123456789abcdef2", "subnet-0123456789abcdef3"],
    "idp-eks:existingPublicSubnetCidrs": ["10.10.224.0/22", "10.10.228.0/22"],
    "idp-eks:existingPrivateSubnetCidrs": ["10.10.0.0/19", "10.10.32.0/19"],
    "idp-eks:existingIntraSubnetIds": ["subnet-0123456789abcdef4", "subnet-0123456789abcdef5"],
    "idp-eks:existingIntraSubnetCidrs": ["10.10.192.0/22", "10.10.196.0/22"],
};
export const EXISTING_VPC_OVERRIDES: Overrides = existingVpc;

export const BAD_CONFIG_CASES: BadConfigCase[] = [
    { rule: "malformed CIDR", overrides: { "idp-eks:vpcCidr": "10.0.0.0/33" }, key: "idp-eks:vpcCidr", expect: /prefix length above 32/ },
    { rule: "CIDR with host bits", overrides: { "idp-eks:vpcCidr": "10.0.0.1/16" }, key: "idp-eks:vpcCidr", expect: /host bits set/ },
    { rule: "VPC CIDR too small", overrides: { "idp-eks:vpcCidr": "10.0.0.0/24" }, key: "idp-eks:vpcCidr", expect: /expected \/16 to \/20/ },
    { rule: "overlapping subnet CIDRs", overrides: { ...existingVpc, "idp-eks:existingPrivateSubnetCidrs": ["10.10.0.0/19", "10.10.16.0/20"] }, key: "idp-eks:existingPrivateSubnetCidrs[1]", expect: /overlaps idp-eks:existingPrivateSubnetCidrs\[0\]/ },
    { rule: "subnet CIDR outside the VPC", overrides: { ...existingVpc, "idp-eks:existingPublicSubnetCidrs": ["10.10.224.0/22", "10.99.0.0/22"] }, key: "idp-eks:existingPublicSubnetCidrs[1]", expect: /not inside vpcCidr/ },
    { rule: "fewer than 2 availability zones", overrides: { "idp-eks:availabilityZones": ["us-east-1a"] }, key: "idp-eks:availabilityZones", expect: /expected 2 to 6/ },
    { rule: "zone outside the region", overrides: { "idp-eks:availabilityZones": ["us-east-1a", "us-west-2b"] }, key: "idp-eks:availabilityZones[1]", expect: /not in aws:region/ },
    { rule: "unknown NAT mode", overrides: { "idp-eks:natGatewayMode": "multi" }, key: "idp-eks:natGatewayMode", expect: /not one of "single", "perAz"/ },
    { rule: "unknown capacity type", overrides: { "idp-eks:nodeCapacityType": "spot" }, key: "idp-eks:nodeCapacityType", expect: /not one of "ON_DEMAND", "SPOT"/ },
    { rule: "unknown VPC mode", overrides: { "idp-eks:vpcMode": "import" }, key: "idp-eks:vpcMode", expect: /not one of "create", "existing"/ },
    { rule: "node group min above desired", overrides: { "idp-eks:nodeMinSize": 3, "idp-eks:nodeDesiredSize": 2 }, key: "idp-eks:nodeMinSize", expect: /nodeMinSize <= nodeDesiredSize <= nodeMaxSize/ },
    { rule: "node group desired above max", overrides: { "idp-eks:nodeDesiredSize": 5, "idp-eks:nodeMaxSize": 4 }, key: "idp-eks:nodeDesiredSize", expect: /nodeMinSize <= nodeDesiredSize <= nodeMaxSize/ },
    { rule: "node count that is not a number", overrides: { "idp-eks:nodeMaxSize": "many" }, key: "idp-eks:nodeMaxSize", expect: /not a whole number/ },
    { rule: "malformed Kubernetes version", overrides: { "idp-eks:kubernetesVersion": "v1.34" }, key: "idp-eks:kubernetesVersion", expect: /expected "1.NN"/ },
    // CloudWatch Logs PutRetentionPolicy accepts only its listed periods (45 days is not one of them).
    { rule: "log retention CloudWatch does not offer", overrides: { "idp-eks:controlPlaneLogRetentionDays": 45 }, key: "idp-eks:controlPlaneLogRetentionDays", expect: /not a CloudWatch Logs retention period \(expected one of 1, 3, 5, .* 3653 days\)/ },
    // EKS user guide calendar (components/cluster/eks-versions.json), tests' today 2026-12-05.
    { rule: "a Kubernetes version past EKS extended support", overrides: { "idp-eks:kubernetesVersion": "1.31", "idp-eks:supportType": "EXTENDED" }, key: "idp-eks:kubernetesVersion", expect: /left EKS extended support on 2026-11-26/ },
    { rule: "a Kubernetes version in extended support with supportType STANDARD", overrides: { "idp-eks:kubernetesVersion": "1.34" }, key: "idp-eks:kubernetesVersion", expect: /in EKS extended support since 2026-12-02, which idp-eks:supportType STANDARD refuses/ },
    { rule: "a Kubernetes version an enabled chart does not support (cert-manager 1.21: 1.33-1.36)", overrides: { "idp-eks:kubernetesVersion": "1.32", "idp-eks:supportType": "EXTENDED" }, key: "idp-eks:kubernetesVersion", expect: /outside the Kubernetes versions idp-eks:certManagerVersion v1\.21\.1 supports \(1\.33-1\.36\)/ },
    { rule: "an unknown support type", overrides: { "idp-eks:supportType": "LTS" }, key: "idp-eks:supportType", expect: /STANDARD/ },
    { rule: "malformed admin ARN", overrides: { "idp-eks:adminPrincipalArns": ["arn:aws:iam::1234:role/admins"] }, key: "idp-eks:adminPrincipalArns[0]", expect: /12-digit account/ },
    // EKS EncryptionConfig takes an alias, but the cluster records the key it resolves to and pulumi-aws
    // then diffs it on every up (terraform-provider-aws#43244): refused, saying why and what to give.
    { rule: "a KMS alias ARN (EKS records the resolved key, so every up would diff)", overrides: { "idp-eks:secretsKmsKeyArn": "arn:aws:kms:us-east-1:111122223333:alias/eks" }, key: "idp-eks:secretsKmsKeyArn", expect: /is a KMS alias ARN: EKS accepts an alias but records the key it resolves to.*aws kms describe-key --key-id alias\/<name>/ },
    { rule: "malformed host name", overrides: { "idp-eks:idpHost": "Auth_Server" }, key: "idp-eks:idpHost", expect: /not a lower-case DNS host name/ },
    { rule: "malformed e-mail address", overrides: { "idp-eks:acmeEmail": "platform-team" }, key: "idp-eks:acmeEmail", expect: /not an e-mail address/ },
    { rule: "missing required key", overrides: { "idp-eks:idpHost": undefined }, key: "idp-eks:idpHost", expect: /is required/ },
    { rule: "missing region", overrides: { "aws:region": undefined }, key: "aws:region", expect: /is required/ },
    { rule: "unknown key (typo)", overrides: { "idp-eks:vpcCird": "10.0.0.0/16" }, key: "idp-eks:vpcCird", expect: /Did you mean idp-eks:vpcCidr\?/ },
    { rule: "a NodePort without client ranges", overrides: { "idp-eks:idpNodePortSourceRanges": undefined }, key: "idp-eks:idpNodePortSourceRanges", expect: /is required when idpNodePort is set/ },
    { rule: "a NodePort client range inside the pods' subnets", overrides: { "idp-eks:idpNodePortSourceRanges": ["10.10.0.0/24"] }, key: "idp-eks:idpNodePortSourceRanges[0]", expect: /overlaps private subnet 10\.10\.0\.0\/19, where pods take their addresses/ },
    { rule: "NodePort client ranges without a NodePort", overrides: { "idp-eks:idpNodePort": undefined }, key: "idp-eks:idpNodePortSourceRanges", expect: /is only used when idpNodePort is set/ },
    { rule: "a key under a misspelt project namespace", overrides: { "idp-ek:idpReplicas": 3 }, key: "idp-ek:idpReplicas", expect: /namespace is "idp-ek", not this project.s "idp-eks"\. Did you mean idp-eks:idpReplicas\?/ },
    { rule: "malformed multi-Region KMS key ARN", overrides: { "idp-eks:secretsKmsKeyArn": "arn:aws:kms:us-east-1:111122223333:key/mrk-xyz" }, key: "idp-eks:secretsKmsKeyArn", expect: /is not a KMS key ARN/ },
    { rule: "public endpoint without allowed CIDRs", overrides: { "idp-eks:publicAccessCidrs": undefined }, key: "idp-eks:publicAccessCidrs", expect: /required when endpointPublicAccess is true/ },
    { rule: "no API endpoint at all", overrides: { "idp-eks:endpointPrivateAccess": false, "idp-eks:endpointPublicAccess": false, "idp-eks:publicAccessCidrs": undefined }, key: "idp-eks:endpointPrivateAccess", expect: /unreachable/ },
    { rule: "malformed node label", overrides: { "idp-eks:nodeLabels": ["workload"] }, key: "idp-eks:nodeLabels[0]", expect: /expected key=value/ },
    { rule: "unknown taint effect", overrides: { "idp-eks:nodeTaints": ["dedicated=idp:NoWay"] }, key: "idp-eks:nodeTaints[0]", expect: /the Kubernetes effects are NoSchedule, PreferNoSchedule and NoExecute, and only PreferNoSchedule suits/ },
    { rule: "instance type of the wrong architecture", overrides: { "idp-eks:nodeInstanceTypes": ["m6i.large"] }, key: "idp-eks:nodeInstanceTypes[0]", expect: /an x86 type but nodeAmiType is AL2023_ARM_64_STANDARD/ },
    { rule: "existing VPC mode without its VPC id", overrides: { ...existingVpc, "idp-eks:existingVpcId": undefined }, key: "idp-eks:existingVpcId", expect: /required when vpcMode is existing/ },
    { rule: "a controller chart version of the wrong form", overrides: { "idp-eks:loadBalancerControllerVersion": "v3.5.0" }, key: "idp-eks:loadBalancerControllerVersion", expect: /expected "MAJOR.MINOR.PATCH"/ },
    { rule: "a cert-manager chart version without its v", overrides: { "idp-eks:certManagerVersion": "1.21.1" }, key: "idp-eks:certManagerVersion", expect: /expected "vMAJOR.MINOR.PATCH"/ },
    { rule: "an ingress-nginx chart version that is not a version", overrides: { "idp-eks:ingressNginxVersion": "latest" }, key: "idp-eks:ingressNginxVersion", expect: /not a chart version/ },
    { rule: "a controller version whose IAM policy is not kept", overrides: { "idp-eks:loadBalancerControllerVersion": "3.4.0" }, key: "idp-eks:loadBalancerControllerVersion", expect: /no upstream IAM policy kept/ },
    { rule: "a hosted zone id of the wrong form", overrides: { "idp-eks:route53HostedZoneId": "zone-123" }, key: "idp-eks:route53HostedZoneId", expect: /not a Route53 hosted zone id/ },
    { rule: "DNS-01 without a hosted zone", overrides: { "idp-eks:acmeSolver": "dns01" }, key: "idp-eks:route53HostedZoneId", expect: /required when certManager is true and acmeSolver is dns01/ },
    { rule: "HTTP-01 without ingress-nginx", overrides: { "idp-eks:ingressNginx": false }, key: "idp-eks:acmeSolver", expect: /ingressNginx is false/ },
    { rule: "ingress-nginx without the load balancer controller", overrides: { "idp-eks:loadBalancerController": false }, key: "idp-eks:ingressNginx", expect: /loadBalancerController is false/ },
    { rule: "an unknown add-on identity mode", overrides: { "idp-eks:addonIdentity": "keys" }, key: "idp-eks:addonIdentity", expect: /not one of "podIdentity", "irsa"/ },
    { rule: "a node port outside 30000-32767", overrides: { "idp-eks:idpNodePort": 29999 }, key: "idp-eks:idpNodePort", expect: /outside the NodePort range 30000-32767/ },
    { rule: "NLB TLS without a certificate source", overrides: { "idp-eks:idpNlb": true }, key: "idp-eks:idpCertificateArn", expect: /required for the NLB's TLS listener/ },
    { rule: "an ALB while the load balancer controller is disabled", overrides: { "idp-eks:idpIngress": "alb", "idp-eks:loadBalancerController": false, "idp-eks:ingressNginx": false, "idp-eks:acmeSolver": "dns01", "idp-eks:route53HostedZoneId": "Z0123456789EXAMPLEZONE" }, key: "idp-eks:idpIngress", expect: /is alb but loadBalancerController is false/ },
    { rule: "an ALB Gateway while the load balancer controller is disabled", overrides: { "idp-eks:idpIngress": "gateway", "idp-eks:loadBalancerController": false, "idp-eks:ingressNginx": false, "idp-eks:acmeSolver": "dns01", "idp-eks:route53HostedZoneId": "Z0123456789EXAMPLEZONE" }, key: "idp-eks:idpIngress", expect: /is gateway but loadBalancerController is false/ },
    { rule: "an ALB Gateway without a certificate source", overrides: { "idp-eks:idpIngress": "gateway" }, key: "idp-eks:idpCertificateArn", expect: /ALB Gateway's HTTPS listener/ },
    { rule: "ALB Gateway client ranges without the gateway", overrides: { "idp-eks:idpGatewaySourceRanges": ["203.0.113.0/24"] }, key: "idp-eks:idpGatewaySourceRanges", expect: /only used when idpIngress is gateway/ },
    { rule: "the Gateway API CRDs without their controller", overrides: { "idp-eks:gatewayApi": true, "idp-eks:loadBalancerController": false, "idp-eks:ingressNginx": false, "idp-eks:idpIngress": "none", "idp-eks:acmeSolver": "dns01", "idp-eks:route53HostedZoneId": "Z0123456789EXAMPLEZONE" }, key: "idp-eks:gatewayApi", expect: /loadBalancerController is false/ },
    // The alias record's hosted zone id comes from AWS's published table; a region it does not list cannot get one.
    { rule: "an alias record in a region without a known ELB hosted zone id", overrides: { "aws:region": "ap-east-2", "idp-eks:availabilityZones": ["ap-east-2a", "ap-east-2b"], "idp-eks:route53HostedZoneId": "Z0123456789EXAMPLEZONE" }, key: "idp-eks:route53HostedZoneId", expect: /hosted zone id of region "ap-east-2"/ },
    { rule: "NGINX while ingress-nginx is disabled", overrides: { "idp-eks:ingressNginx": false, "idp-eks:acmeSolver": "dns01", "idp-eks:route53HostedZoneId": "Z0123456789EXAMPLEZONE" }, key: "idp-eks:idpIngress", expect: /is nginx but ingressNginx is false/ },
    { rule: "a probe path not starting with /", overrides: { "idp-eks:idpReadinessPath": "actuator/health/readiness" }, key: "idp-eks:idpReadinessPath", expect: /start with \// },
    { rule: "replicas not above the PDB minimum", overrides: { "idp-eks:idpReplicas": 2, "idp-eks:idpPdbMinAvailable": 2 }, key: "idp-eks:idpReplicas", expect: /not above idpPdbMinAvailable 2/ },
    { rule: "an image without a tag or digest", overrides: { "idp-eks:idpImage": "111122223333.dkr.ecr.us-east-1.amazonaws.com/idp-server" }, key: "idp-eks:idpImage", expect: /with a tag or digest/ },
    { rule: "an image on the floating latest tag", overrides: { "idp-eks:idpImage": "idp-server:latest" }, key: "idp-eks:idpImage", expect: /floating tag latest/ },
    { rule: "a preStop sleep not longer than the deregistration delay", overrides: { "idp-eks:idpPreStopSleepSeconds": 20 }, key: "idp-eks:idpPreStopSleepSeconds", expect: /deregistration delay 30s must be shorter than the preStop sleep 20s/ },
    { rule: "a grace period not longer than the preStop sleep", overrides: { "idp-eks:idpTerminationGracePeriodSeconds": 40 }, key: "idp-eks:idpTerminationGracePeriodSeconds", expect: /shorter than terminationGracePeriodSeconds 40s/ },
    { rule: "external datastores without their endpoints", overrides: { "idp-eks:databaseMode": "external" }, key: "idp-eks:externalPostgresHost", expect: /required when databaseMode is external/ },
    { rule: "a TLS certificate without its key", overrides: { "idp-eks:idpTlsCertificate": "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----" }, key: "idp-eks:idpTlsPrivateKey", expect: /set together with its pair/ },
    // Issue 15: internal load balancers are discovered in subnets tagged kubernetes.io/role/internal-elb
    // (LBC docs, subnet discovery); without intra subnets those are the private ones, where the VPC CNI
    // gives pods their addresses, so admitting the load balancer admits every pod.
    { rule: "an internal NLB admitted by NetworkPolicy without intra subnets", overrides: { "idp-eks:subnetLayout": "twoTier", "idp-eks:idpNlb": true, "idp-eks:idpNlbScheme": "internal", "idp-eks:idpCertificateArn": "arn:aws:acm:us-east-1:111122223333:certificate/12345678-1234-1234-1234-123456789012" }, key: "idp-eks:idpNlbScheme", expect: /where pods take their addresses.*subnetLayout: threeTier/ },
    { rule: "an internal ALB Gateway admitted by NetworkPolicy without intra subnets", overrides: { "idp-eks:subnetLayout": "twoTier", "idp-eks:idpIngress": "gateway", "idp-eks:idpAlbScheme": "internal", "idp-eks:idpCertificateArn": "arn:aws:acm:us-east-1:111122223333:certificate/12345678-1234-1234-1234-123456789012" }, key: "idp-eks:idpAlbScheme", expect: /where pods take their addresses.*subnetLayout: threeTier/ },
    // EC2 CreateSubnet refuses a subnet overlapping another (InvalidSubnet.Conflict), so a managed
    // datastore's subnet is never one of the cluster's; a CIDR overlapping them would open the
    // datastore port to the control plane and internal load balancers (intra 10.10.192.0/22 here).
    { rule: "an external datastore CIDR inside the cluster's subnets", overrides: { "idp-eks:databaseMode": "external", "idp-eks:externalPostgresHost": "db.example.com", "idp-eks:externalRedisHost": "cache.example.com", "idp-eks:externalPostgresCidrs": ["10.10.0.0/24"], "idp-eks:externalRedisCidrs": ["10.10.216.0/24"] }, key: "idp-eks:externalPostgresCidrs[0]", expect: /overlaps the cluster's private subnet 10\.10\.0\.0\/19/ },
    { rule: "an internal ingress-nginx NLB admitted by NetworkPolicy without intra subnets", overrides: { "idp-eks:subnetLayout": "twoTier", "idp-eks:ingressNginxScheme": "internal" }, key: "idp-eks:ingressNginxScheme", expect: /would admit every pod/ },
    { rule: "an existing VPC in the three-tier layout without intra subnets", overrides: { ...existingVpc, "idp-eks:existingIntraSubnetIds": undefined }, key: "idp-eks:existingIntraSubnetIds", expect: /required when vpcMode is existing and subnetLayout is threeTier/ },
    { rule: "intra subnets given in the two-tier layout", overrides: { ...existingVpc, "idp-eks:subnetLayout": "twoTier" }, key: "idp-eks:existingIntraSubnetIds", expect: /only used when subnetLayout is threeTier/ },
    { rule: "an intra subnet overlapping a private one", overrides: { ...existingVpc, "idp-eks:existingIntraSubnetCidrs": ["10.10.192.0/22", "10.10.32.0/22"] }, key: "idp-eks:existingIntraSubnetCidrs[1]", expect: /overlaps idp-eks:existingPrivateSubnetCidrs\[1\]/ },
    { rule: "an unknown subnet layout", overrides: { "idp-eks:subnetLayout": "flat" }, key: "idp-eks:subnetLayout", expect: /not one of "threeTier", "twoTier"/ },
    { rule: "add-on NetworkPolicies on a cluster that does not enforce them", overrides: { "idp-eks:networkPolicyEnforcement": false, "idp-eks:idpNetworkPolicies": false }, key: "idp-eks:addonNetworkPolicies", expect: /would be silently ignored/ },
    { rule: "NetworkPolicies on a cluster that does not enforce them", overrides: { "idp-eks:networkPolicyEnforcement": false }, key: "idp-eks:idpNetworkPolicies", expect: /would be silently ignored/ },
    { rule: "an extra rule with an invalid CIDR", overrides: { "idp-eks:networkPolicyExtraRules": ["egress 10.0.0.0/33 636"] }, key: "idp-eks:networkPolicyExtraRules[0]", expect: /prefix length above 32/ },
    { rule: "an extra rule whose except is outside its cidr", overrides: { "idp-eks:networkPolicyExtraRules": ["egress 10.50.0.0/16!10.60.0.0/24 636"] }, key: "idp-eks:networkPolicyExtraRules[0]", expect: /except 10.60.0.0\/24 is not strictly inside 10.50.0.0\/16/ },
    { rule: "an extra rule with a port outside 1-65535", overrides: { "idp-eks:networkPolicyExtraRules": ["egress 10.50.0.0/16 70000"] }, key: "idp-eks:networkPolicyExtraRules[0]", expect: /port 70000 is outside 1-65535/ },
    { rule: "an extra rule with endPort below port", overrides: { "idp-eks:networkPolicyExtraRules": ["egress 10.50.0.0/16 9000-8000"] }, key: "idp-eks:networkPolicyExtraRules[0]", expect: /endPort 8000 is below port 9000/ },
    { rule: "an extra rule with an unknown protocol", overrides: { "idp-eks:networkPolicyExtraRules": ["egress 10.50.0.0/16 636/ICMP"] }, key: "idp-eks:networkPolicyExtraRules[0]", expect: /protocol "ICMP" is not TCP, UDP or SCTP/ },
    { rule: "an extra rule with an empty label selector", overrides: { "idp-eks:networkPolicyExtraRules": ["ingress payments/ 8080"] }, key: "idp-eks:networkPolicyExtraRules[0]", expect: /empty pod selector/ },
    { rule: "an extra rule that re-opens all ingress", overrides: { "idp-eks:networkPolicyExtraRules": ["ingress 0.0.0.0/0 8080"] }, key: "idp-eks:networkPolicyExtraRules[0]", expect: /re-open all ingress/ },
    // Extra NGINX routes: an entry that cannot carry traffic is refused, never created unreachable or dropped.
    { rule: "an extra route without its pods behind NetworkPolicies (ingress-nginx could not reach them)", overrides: { "idp-eks:idpExtraRoutes": ["/api=idp-api:80"] }, key: "idp-eks:idpExtraRoutes[0]", expect: /"\/api=idp-api:80" names no backend pods, and the NetworkPolicies of idpNetworkPolicies and addonNetworkPolicies .* e\.g\. \/api=idp-api:80 -> app=idp-api:8081/ },
    { rule: "an extra route without its pods behind the add-on NetworkPolicies only", overrides: { "idp-eks:idpExtraRoutes": ["/api=idp-api:80"], "idp-eks:idpNetworkPolicies": false }, key: "idp-eks:idpExtraRoutes[0]", expect: /NetworkPolicies of addonNetworkPolicies let/ },
    { rule: "extra routes with the ALB Ingress (which sends every path to the IdP)", overrides: { "idp-eks:idpIngress": "alb", "idp-eks:idpCertificateArn": "arn:aws:acm:us-east-1:111122223333:certificate/12345678-1234-1234-1234-123456789012", "idp-eks:idpExtraRoutes": ["/api=idp-api:80 -> app=idp-api:8081"] }, key: "idp-eks:idpExtraRoutes", expect: /is only used when idpIngress is nginx \(idpIngress is alb/ },
    { rule: "extra routes with the ALB Gateway", overrides: { "idp-eks:idpIngress": "gateway", "idp-eks:idpCertificateArn": "arn:aws:acm:us-east-1:111122223333:certificate/12345678-1234-1234-1234-123456789012", "idp-eks:idpExtraRoutes": ["/api=idp-api:80 -> app=idp-api:8081"] }, key: "idp-eks:idpExtraRoutes", expect: /is only used when idpIngress is nginx \(idpIngress is gateway/ },
    { rule: "an extra route whose path does not start with /", overrides: { "idp-eks:idpExtraRoutes": ["api=idp-api:80 -> app=idp-api:8081"] }, key: "idp-eks:idpExtraRoutes[0]", expect: /path "api", which does not start with '\/'/ },
    { rule: "an extra route whose path has a '..' segment (the API server refuses it for pathType Prefix)", overrides: { "idp-eks:idpExtraRoutes": ["/api=idp-api:80 -> app=idp-api:8081", "/a/../b=idp-api:80 -> app=idp-api:8081"] }, key: "idp-eks:idpExtraRoutes[1]", expect: /path "\/a\/..\/b", which contains '\/..\/' \(the API server refuses it/ },
    { rule: "an extra route whose path has a '.' segment", overrides: { "idp-eks:idpExtraRoutes": ["/a/./b=idp-api:80 -> app=idp-api:8081"] }, key: "idp-eks:idpExtraRoutes[0]", expect: /path "\/a\/.\/b", which contains '\/.\/'/ },
    { rule: "an extra route whose path ends in '/..'", overrides: { "idp-eks:idpExtraRoutes": ["/a/..=idp-api:80 -> app=idp-api:8081"] }, key: "idp-eks:idpExtraRoutes[0]", expect: /path "\/a\/..", which ends with '\/..'/ },
    { rule: "an extra route whose path has an encoded '/'", overrides: { "idp-eks:idpExtraRoutes": ["/a%2fb=idp-api:80 -> app=idp-api:8081"] }, key: "idp-eks:idpExtraRoutes[0]", expect: /path "\/a%2fb", which contains '%2f'/ },
    { rule: "an extra route to a Service name that is not a DNS-1035 label", overrides: { "idp-eks:idpExtraRoutes": ["/api=1api:80 -> app=idp-api:8081"] }, key: "idp-eks:idpExtraRoutes[0]", expect: /service "1api", which must be a DNS-1035 label/ },
    { rule: "an extra route with a Service port outside 1-65535", overrides: { "idp-eks:idpExtraRoutes": ["/api=idp-api:0 -> app=idp-api:8081"] }, key: "idp-eks:idpExtraRoutes[0]", expect: /service port "0", which is not a port \(expected 1-65535\)/ },
    { rule: "an extra route with a container port outside 1-65535", overrides: { "idp-eks:idpExtraRoutes": ["/api=idp-api:80 -> app=idp-api:70000"] }, key: "idp-eks:idpExtraRoutes[0]", expect: /container port "70000", which is not a port \(expected 1-65535\)/ },
    { rule: "an extra route whose pods include the IdP's own", overrides: { "idp-eks:idpExtraRoutes": ["/api=idp-api:80 -> app=idp-server:9090"] }, key: "idp-eks:idpExtraRoutes[0]", expect: /selects the IdP's pods with app=idp-server: the route's NetworkPolicy would open port 9090 on them/ },
    { rule: "two extra routes on one path", overrides: { "idp-eks:idpExtraRoutes": ["/api=idp-api:80 -> app=idp-api:8081", "/api/=idp-v2:80 -> app=idp-v2:8081"] }, key: "idp-eks:idpExtraRoutes[1]", expect: /routes path \/api\/, which entry 0 routes already/ },
    { rule: "a frontend with an empty label selector", overrides: { "idp-eks:idpFrontend": "web/" }, key: "idp-eks:idpFrontend", expect: /empty label selector/ },
    { rule: "a list given as a scalar", overrides: { "idp-eks:availabilityZones": "us-east-1a" }, key: "idp-eks:availabilityZones", expect: /is not a list/ },
    { rule: "env given as a scalar", overrides: { "idp-eks:idpEnv": "LOG_LEVEL=debug" }, key: "idp-eks:idpEnv", expect: /"LOG_LEVEL=debug" is not a list .*expected a YAML list, one "- NAME=value" entry per line/ },
    // The namespace the IdP creates and locks down (restricted PSA, default-deny) must be its own.
    ...["kube-system", "default", "kube-public", "kube-node-lease"].map((ns): BadConfigCase => ({ rule: `the IdP in the system namespace ${ns}`, overrides: { "idp-eks:idpNamespace": ns }, key: "idp-eks:idpNamespace", expect: /is a namespace Kubernetes itself creates/ })),
    { rule: "the IdP in cert-manager's namespace", overrides: { "idp-eks:idpNamespace": "cert-manager" }, key: "idp-eks:idpNamespace", expect: /is the namespace of cert-manager \(certManager is true\)/ },
    { rule: "the IdP in ingress-nginx's namespace", overrides: { "idp-eks:idpNamespace": "ingress-nginx" }, key: "idp-eks:idpNamespace", expect: /is the namespace of ingress-nginx \(ingressNginx is true\)/ },
    // Kubernetes ValidateService: two ports of one Service with the same port and protocol are a Duplicate value.
    { rule: "a management port equal to the ClusterIP Service's http port 80", overrides: { "idp-eks:idpManagementPort": 80 }, key: "idp-eks:idpManagementPort", expect: /80 is also the http port of Service idp-server .*Duplicate value/ },
    // The program fills the datastore passwords from their Secrets; server-side apply refuses a name twice (kubernetes/kubernetes#121575).
    { rule: "a plain env value for a password the program takes from a Secret", overrides: { "idp-eks:idpEnv": ["LOG_LEVEL=info", "SPRING_DATASOURCE_PASSWORD=hunter2"] }, key: "idp-eks:idpEnv[1]", expect: /generated password \(from its Secret\)/ },
    // datastores.ts starts postgres with POSTGRES_USER idp: another user name fails to log in.
    { rule: "a plain env value for the in-cluster database user", overrides: { "idp-eks:idpEnv": ["SPRING_DATASOURCE_USERNAME=app"] }, key: "idp-eks:idpEnv[0]", expect: /in-cluster datastore's user, the one postgres is created with/ },
    { rule: "an env name twice in idpEnv", overrides: { "idp-eks:idpEnv": ["LOG_LEVEL=info", "LOG_LEVEL=debug"] }, key: "idp-eks:idpEnv[1]", expect: /sets "LOG_LEVEL" again \(first in idpEnv\[0\]\)/ },
    { rule: "an env name in both idpEnv and idpSecretEnv", overrides: { "idp-eks:idpEnv": ["CLIENT_SECRET=plain"], "idp-eks:idpSecretEnv": ["CLIENT_SECRET=s3cret"] }, key: "idp-eks:idpEnv[0]", expect: /which idpSecretEnv sets too/ },
    { rule: "a secret env entry the program's env would shadow", overrides: { "idp-eks:idpSecretEnv": ["SPRING_DATASOURCE_URL=jdbc:postgresql://db/idp?password=x"] }, key: "idp-eks:idpSecretEnv[0]", expect: /takes precedence over the Secret/ },
    // ACM RequestCertificate: DomainName at most 64 characters (RFC 5280 ub-common-name).
    { rule: "a host longer than ACM's 64 characters when the stack requests its certificate", overrides: { "idp-eks:idpNlb": true, "idp-eks:route53HostedZoneId": "Z0123456789EXAMPLEZONE", "idp-eks:idpHost": `${"a".repeat(50)}.auth.dev.example.com` }, key: "idp-eks:idpHost", expect: /is 71 characters; the ACM certificate .* at most 64/ },
    // CoreDNS / EBS CSI add-ons and the Helm releases need a node; EKS CreateNodegroup refuses minSize above maxSize.
    { rule: "no nodes at creation", overrides: { "idp-eks:nodeMinSize": 0, "idp-eks:nodeDesiredSize": 0 }, key: "idp-eks:nodeDesiredSize", expect: /is below 1: .*need a node/ },
    { rule: "node group min and desired above max", overrides: { "idp-eks:nodeMinSize": 5, "idp-eks:nodeDesiredSize": 5, "idp-eks:nodeMaxSize": 4 }, key: "idp-eks:nodeDesiredSize", expect: /5 is above nodeMaxSize 4/ },
    { rule: "node group min above desired and max", overrides: { "idp-eks:nodeMinSize": 5, "idp-eks:nodeDesiredSize": 2, "idp-eks:nodeMaxSize": 3 }, key: "idp-eks:nodeMinSize", expect: /5 is above nodeDesiredSize 2 and nodeMaxSize 3/ },
    // Nothing the platform runs tolerates a taint; the only node group would repel it all.
    ...["NoSchedule", "NoExecute"].map((effect): BadConfigCase => ({ rule: `a ${effect} taint on the only node group`, overrides: { "idp-eks:nodeTaints": [`dedicated=idp:${effect}`] }, key: "idp-eks:nodeTaints[0]", expect: /nothing the platform runs tolerates it/ })),
    { rule: "one subnet in two tiers of an existing VPC", overrides: { ...existingVpc, "idp-eks:existingPrivateSubnetIds": ["subnet-0123456789abcdef0", "subnet-0123456789abcdef3"] }, key: "idp-eks:existingPrivateSubnetIds[0]", expect: /is also listed in idp-eks:existingPublicSubnetIds\[0\]/ },
    // ELB User Guide: an ALB's subnets need at least a /27 with 8 free addresses.
    { rule: "an existing public subnet smaller than the IdP's internet-facing ALB needs", overrides: { ...existingVpc, "idp-eks:idpIngress": "alb", "idp-eks:existingPublicSubnetCidrs": ["10.10.224.0/28", "10.10.228.0/22"] }, key: "idp-eks:existingPublicSubnetCidrs[0]", expect: /is a \/28; .*ALB .*at least \/27/ },
    { rule: "an existing intra subnet smaller than the IdP's internal ALB needs", overrides: { ...existingVpc, "idp-eks:idpIngress": "alb", "idp-eks:idpAlbScheme": "internal", "idp-eks:existingIntraSubnetCidrs": ["10.10.192.0/22", "10.10.196.0/28"] }, key: "idp-eks:existingIntraSubnetCidrs[1]", expect: /is a \/28; this tier holds internal load balancers.*at least \/27/ },
    { rule: "an existing public subnet smaller than an NLB needs", overrides: { ...existingVpc, "idp-eks:existingPublicSubnetCidrs": ["10.10.224.0/29", "10.10.228.0/22"] }, key: "idp-eks:existingPublicSubnetCidrs[0]", expect: /is a \/29; .*NLB needs 8 free addresses/ },
    // Keys the chosen configuration ignores are "only used when ...", as other keys already are.
    { rule: "an NGINX ClusterIssuer with an ALB Ingress", overrides: { "idp-eks:idpIngress": "alb", "idp-eks:idpCertificateArn": "arn:aws:acm:us-east-1:111122223333:certificate/12345678-1234-1234-1234-123456789012" }, key: "idp-eks:idpClusterIssuer", expect: /is only used when idpIngress is nginx \(idpIngress is alb: the ALB takes its certificate from ACM\)/ },
    { rule: "an NGINX body size with the ALB Gateway", overrides: { "idp-eks:idpIngress": "gateway", "idp-eks:idpClusterIssuer": undefined, "idp-eks:idpNginxProxyBodySize": "20m", "idp-eks:idpCertificateArn": "arn:aws:acm:us-east-1:111122223333:certificate/12345678-1234-1234-1234-123456789012" }, key: "idp-eks:idpNginxProxyBodySize", expect: /is only used when idpIngress is nginx/ },
    { rule: "a TLS key pair with the ALB Gateway", overrides: { "idp-eks:idpIngress": "gateway", "idp-eks:idpClusterIssuer": undefined, "idp-eks:idpTlsCertificate": "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----", "idp-eks:idpTlsPrivateKey": "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----", "idp-eks:idpCertificateArn": "arn:aws:acm:us-east-1:111122223333:certificate/12345678-1234-1234-1234-123456789012" }, key: "idp-eks:idpTlsCertificate", expect: /is only used when idpIngress is nginx/ },
    { rule: "an ingress-nginx scheme without ingress-nginx", overrides: { "idp-eks:ingressNginx": false, "idp-eks:idpIngress": "none", "idp-eks:idpClusterIssuer": undefined, "idp-eks:acmeSolver": "dns01", "idp-eks:route53HostedZoneId": "Z0123456789EXAMPLEZONE", "idp-eks:ingressNginxScheme": "internal" }, key: "idp-eks:ingressNginxScheme", expect: /is only used when ingressNginx is true/ },
    { rule: "an NLB scheme without the NLB", overrides: { "idp-eks:idpNlbScheme": "internal" }, key: "idp-eks:idpNlbScheme", expect: /is only used when idpNlb is true/ },
];
