// Pure IPv4 CIDR arithmetic: parsing, containment, overlap and the deterministic subnet plan.
// No Pulumi imports, so config validation and tests can use it directly.

export interface Ipv4Cidr {
    /** Network address as an unsigned 32-bit integer. */
    readonly base: number;
    readonly prefix: number;
}

const CIDR_PATTERN = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** "a.b.c.d/n" as an address and a prefix length, host bits and all; undefined unless well formed. */
function parseAddress(text: string): { address: number; prefix: number } | undefined {
    const m = CIDR_PATTERN.exec(text);
    if (!m) return undefined;
    const octets = m.slice(1, 5).map(Number);
    const prefix = Number(m[5]);
    if (octets.some((o) => o > 255) || prefix > 32) return undefined;
    return { address: octets.reduce((acc, o) => acc * 256 + o, 0), prefix };
}

/** Parses "a.b.c.d/n"; returns undefined unless it is a canonical IPv4 CIDR (no host bits set). */
export function parseCidr(text: string): Ipv4Cidr | undefined {
    const masked = parseCidrMasked(text);
    return masked && masked.base === parseAddress(text)!.address ? masked : undefined;
}

/**
 * Parses "a.b.c.d/n" with host bits allowed, masked to the network address: how the API server reads
 * a NetworkPolicy ipBlock (IsValidCIDRForLegacyField, then ParseCIDRSloppy; only the alpha
 * StrictIPCIDRValidation gate refuses host bits).
 */
export function parseCidrMasked(text: string): Ipv4Cidr | undefined {
    const parsed = parseAddress(text);
    return parsed && { base: parsed.address - (parsed.address % blockSize(parsed.prefix)), prefix: parsed.prefix };
}

/** Why `text` is not a canonical CIDR, or undefined when it is one. */
export function cidrProblem(text: string): string | undefined {
    const m = CIDR_PATTERN.exec(text);
    if (!m) return "is not an IPv4 CIDR (expected a.b.c.d/n)";
    if (m.slice(1, 5).some((o) => Number(o) > 255)) return "has an octet above 255";
    if (Number(m[5]) > 32) return "has a prefix length above 32";
    if (!parseCidr(text)) return "has host bits set (the address must be the network address of the block)";
    return undefined;
}

export function formatCidr(c: Ipv4Cidr): string {
    const octets = [24, 16, 8, 0].map((shift) => Math.floor(c.base / 2 ** shift) % 256);
    return `${octets.join(".")}/${c.prefix}`;
}

function blockSize(prefix: number): number {
    return 2 ** (32 - prefix);
}

/** True when `inner` lies entirely within `outer`. */
export function cidrContains(outer: Ipv4Cidr, inner: Ipv4Cidr): boolean {
    return inner.prefix >= outer.prefix && Math.floor(inner.base / blockSize(outer.prefix)) * blockSize(outer.prefix) === outer.base;
}

export function cidrsOverlap(a: Ipv4Cidr, b: Ipv4Cidr): boolean {
    return cidrContains(a, b) || cidrContains(b, a);
}

/** The `index`-th block of prefix length `prefix` inside `parent`. */
export function subBlock(parent: Ipv4Cidr, prefix: number, index: number): Ipv4Cidr {
    const count = 2 ** (prefix - parent.prefix);
    if (prefix < parent.prefix || index < 0 || index >= count) {
        throw new RangeError(`block ${index} of /${prefix} does not fit in ${formatCidr(parent)}`);
    }
    return { base: parent.base + index * blockSize(prefix), prefix };
}

export interface SubnetPlan {
    readonly publicCidrs: string[];
    readonly privateCidrs: string[];
    /** The intra tier (control-plane ENIs, internal load balancers; no internet route). */
    readonly intraCidrs: string[];
}

/** Most availability zones a plan can hold: one eighth of the VPC is kept for the public tier. */
export const MAX_PLANNED_ZONES = 6;

/**
 * Splits the VPC into eighths: private subnet i takes eighth i (nodes and pods live there, so it is
 * the large tier), the last eighth is cut into eight public subnets for load balancers and NAT, and
 * the seventh eighth (never used by the private tier, which holds at most six zones) is cut into
 * eight intra subnets. A /16 gives /19 private, /22 public and /22 intra subnets; a /20 gives /23,
 * /26 and /26 (EKS wants at least /28 with 6 free addresses for control-plane subnets, an ALB at
 * least /27 with 8 free). The plan depends only on the VPC CIDR and the zone count, so adding a
 * zone, or the intra tier, never moves an existing subnet.
 */
export function planSubnets(vpcCidr: string, zoneCount: number): SubnetPlan {
    const vpc = parseCidr(vpcCidr);
    if (!vpc) throw new Error(`VPC CIDR ${JSON.stringify(vpcCidr)} ${cidrProblem(vpcCidr)}`);
    if (zoneCount < 1 || zoneCount > MAX_PLANNED_ZONES) {
        throw new RangeError(`a subnet plan holds 1 to ${MAX_PLANNED_ZONES} zones, not ${zoneCount}`);
    }
    const publicPool = subBlock(vpc, vpc.prefix + 3, 7);
    const intraPool = subBlock(vpc, vpc.prefix + 3, 6);
    const zones = Array.from({ length: zoneCount }, (_, i) => i);
    return {
        privateCidrs: zones.map((i) => formatCidr(subBlock(vpc, vpc.prefix + 3, i))),
        publicCidrs: zones.map((i) => formatCidr(subBlock(publicPool, publicPool.prefix + 3, i))),
        intraCidrs: zones.map((i) => formatCidr(subBlock(intraPool, intraPool.prefix + 3, i))),
    };
}
