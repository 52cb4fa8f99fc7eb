// The IdP's public DNS record: Route53 alias records to the load balancer. Pure.
//
// An alias needs the load balancer's canonical hosted zone id. Reading it from the load balancer
// (aws.lb.getLoadBalancer) is a read of something this same run creates, which fails in preview
// before the load balancer exists; the ids are fixed per region and load balancer type, and
// published by AWS, so they are kept here.

/** Which kind of Elastic Load Balancer: ALBs and NLBs have different canonical hosted zones. */
export enum LoadBalancerType {
    Application = "application",
    Network = "network",
}

/**
 * Route 53 hosted zone ids of Elastic Load Balancing per region, from "Elastic Load Balancing
 * endpoints and quotas" (https://docs.aws.amazon.com/general/latest/gr/elb.html#elb_region), the
 * columns for Application and Network Load Balancers; the same table backs the AWS provider's
 * aws_lb_hosted_zone_id data source (internal/service/elbv2/hosted_zone_id_data_source.go).
 *
 * ap-southeast-5, ap-southeast-7 and mx-central-1 were added only because two independent sources
 * give the same ALB and NLB ids: hashicorp/terraform-provider-aws
 * internal/service/elbv2/hosted_zone_id_data_source.go (hostedZoneIDPerRegionALBMap and
 * hostedZoneIDPerRegionNLBMap; its internal/service/elb/hosted_zone_id_data_source.go gives the same
 * ALB/Classic ids) and kubernetes-sigs/external-dns provider/aws/aws.go (canonicalHostedZones, commit
 * 2bf1bf8af2b70f23579f9147c1f7e9394f7f83d5), both citing the AWS page above. ap-east-2 and
 * ap-southeast-6 are left out: only external-dns lists them, so no second source confirms their ids.
 */
export const ELB_HOSTED_ZONE_IDS: Readonly<Record<LoadBalancerType, Readonly<Record<string, string>>>> = {
    [LoadBalancerType.Application]: {
        "af-south-1": "Z268VQBMOI5EKX",
        "ap-east-1": "Z3DQVH9N71FHZ0",
        "ap-northeast-1": "Z14GRHDCWA56QT",
        "ap-northeast-2": "ZWKZPGTI48KDX",
        "ap-northeast-3": "Z5LXEXXYW11ES",
        "ap-south-1": "ZP97RAFLXTNZK",
        "ap-south-2": "Z0173938T07WNTVAEPZN",
        "ap-southeast-1": "Z1LMS91P8CMLE5",
        "ap-southeast-2": "Z1GM3OXH4ZPM65",
        "ap-southeast-3": "Z08888821HLRG5A9ZRTER",
        "ap-southeast-4": "Z09517862IB2WZLPXG76F",
        "ap-southeast-5": "Z06010284QMVVW7WO5J",
        "ap-southeast-7": "Z0390008CMBRTHFGWBCB",
        "ca-central-1": "ZQSVJUPU6J1EY",
        "ca-west-1": "Z06473681N0SF6OS049SD",
        "cn-north-1": "Z1GDH35T77C1KE",
        "cn-northwest-1": "ZM7IZAIOVVDZF",
        "eu-central-1": "Z215JYRZR1TBD5",
        "eu-central-2": "Z06391101F2ZOEP8P5EB3",
        "eu-north-1": "Z23TAZ6LKFMNIO",
        "eu-south-1": "Z3ULH7SSC9OV64",
        "eu-south-2": "Z0956581394HF5D5LXGAP",
        "eu-west-1": "Z32O12XQLNTSW2",
        "eu-west-2": "ZHURV8PSTC4K8",
        "eu-west-3": "Z3Q77PNBQS71R4",
        "il-central-1": "Z09170902867EHPV2DABU",
        "me-central-1": "Z08230872XQRWHG2XF6I",
        "me-south-1": "ZS929ML54UICD",
        "mx-central-1": "Z023552324OKD1BB28BH5",
        "sa-east-1": "Z2P70J7HTTTPLU",
        "us-east-1": "Z35SXDOTRQ7X7K",
        "us-east-2": "Z3AADJGX6KTTL2",
        "us-gov-east-1": "Z166TLBEWOO7G0",
        "us-gov-west-1": "Z33AYJ8TM3BH4J",
        "us-west-1": "Z368ELLRRE2KJ0",
        "us-west-2": "Z1H1FL5HABSF5",
    },
    [LoadBalancerType.Network]: {
        "af-south-1": "Z203XCE67M25HM",
        "ap-east-1": "Z12Y7K3UBGUAD1",
        "ap-northeast-1": "Z31USIVHYNEOWT",
        "ap-northeast-2": "ZIBE1TIR4HY56",
        "ap-northeast-3": "Z1GWIQ4HH19I5X",
        "ap-south-1": "ZVDDRBQ08TROA",
        "ap-south-2": "Z0711778386UTO08407HT",
        "ap-southeast-1": "ZKVM4W9LS7TM",
        "ap-southeast-2": "ZCT6FZBF4DROD",
        "ap-southeast-3": "Z01971771FYVNCOVWJU1G",
        "ap-southeast-4": "Z01156963G8MIIL7X90IV",
        "ap-southeast-5": "Z026317210H9ACVTRO6FB",
        "ap-southeast-7": "Z054363131YWATEMWRG5L",
        "ca-central-1": "Z2EPGBW3API2WT",
        "ca-west-1": "Z02754302KBB00W2LKWZ9",
        "cn-north-1": "Z3QFB96KMJ7ED6",
        "cn-northwest-1": "ZQEIKTCZ8352D",
        "eu-central-1": "Z3F0SRJ5LGBH90",
        "eu-central-2": "Z02239872DOALSIDCX66S",
        "eu-north-1": "Z1UDT6IFJ4EJM",
        "eu-south-1": "Z23146JA1KNAFP",
        "eu-south-2": "Z1011216NVTVYADP1SSV",
        "eu-west-1": "Z2IFOLAFXWLO4F",
        "eu-west-2": "ZD4D7Y8KGAS4G",
        "eu-west-3": "Z1CMS0P5QUZ6D5",
        "il-central-1": "Z0313266YDI6ZRHTGQY4",
        "me-central-1": "Z00282643NTTLPANJJG2P",
        "me-south-1": "Z3QSRYVP46NYYV",
        "mx-central-1": "Z02031231H3ID6HYJ9A7U",
        "sa-east-1": "ZTK26PT1VY4CU",
        "us-east-1": "Z26RNL4JYFTOTI",
        "us-east-2": "ZLMOA37VPKANP",
        "us-gov-east-1": "Z1ZSMQQ6Q24QQ8",
        "us-gov-west-1": "ZMG1MZ2THAWF1",
        "us-west-1": "Z24FKFUX50B4VW",
        "us-west-2": "Z18D5FSROUN65G",
    },
};

/** The canonical hosted zone id of `type` load balancers in `region`; throws for a region not in the table. */
export function canonicalHostedZoneId(type: LoadBalancerType, region: string): string {
    const id = ELB_HOSTED_ZONE_IDS[type][region];
    if (!id) throw new Error(`no Elastic Load Balancing hosted zone id is known for ${type} load balancers in region ${JSON.stringify(region)}: add it to ELB_HOSTED_ZONE_IDS (components/idp/dns.ts) from AWS's "Elastic Load Balancing endpoints and quotas"`);
    return id;
}

/** What the user must create when the stack has no hosted zone to write the record to. */
export interface ManualDnsRecord {
    name: string;
    /** The load balancer's DNS name the host must resolve to. */
    target: string;
    /** How: an alias in Route53, or a CNAME at any other DNS provider (not at a zone apex). */
    instructions: string;
}

export function manualDnsRecord(host: string, target: string): ManualDnsRecord {
    return {
        name: host,
        target,
        instructions: `create ${host} -> ${target}: a Route53 alias A record to the load balancer, or a CNAME at another DNS provider (a CNAME cannot sit at a zone apex)`,
    };
}
