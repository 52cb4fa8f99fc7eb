// The EKS Kubernetes version lifecycle as data (eks-versions.json): support calendar, pinned add-on
// versions, and the Kubernetes ranges of the pinned charts. Pure functions; the date is always an
// argument, so callers (config validation, preview warnings, tests) decide what "today" is.
import data from "./eks-versions.json";
import { SupportType } from "./types";

export interface VersionDates {
    /** When the version became available on EKS (UTC date, YYYY-MM-DD). */
    eksRelease: string;
    /** Extended support (and its billing) starts at the beginning of this day. */
    endOfStandardSupport: string;
    /** From this day EKS no longer supports the version and upgrades control planes itself. */
    endOfExtendedSupport: string;
}

export const SUPPORT_CALENDAR: Readonly<Record<string, VersionDates>> = data.calendar.versions;

export enum SupportStatus {
    Standard = "standard",
    Extended = "extended",
    Retired = "retired",
    /** Not in the calendar kept here: nothing is known about it. */
    Unknown = "unknown",
}

/** Warn this many days before a version leaves standard support. */
export const STANDARD_SUPPORT_WARNING_DAYS = 90;

const DAY_MS = 86_400_000;
const utcDay = (date: string) => Date.parse(`${date}T00:00:00Z`);
const minor = (version: string) => Number(version.split(".")[1]);

/** Calendar versions, newest first. */
export function calendarVersions(): string[] {
    return Object.keys(SUPPORT_CALENDAR).sort((a, b) => minor(b) - minor(a));
}

export function supportStatus(version: string, today: Date): SupportStatus {
    const dates = SUPPORT_CALENDAR[version];
    if (!dates) return SupportStatus.Unknown;
    const now = today.getTime();
    if (now >= utcDay(dates.endOfExtendedSupport)) return SupportStatus.Retired;
    if (now >= utcDay(dates.endOfStandardSupport)) return SupportStatus.Extended;
    return SupportStatus.Standard;
}

/** Whole days from `today` until the start of `date` (UTC), rounded up. */
export function daysUntil(date: string, today: Date): number {
    return Math.ceil((utcDay(date) - today.getTime()) / DAY_MS);
}

/** Versions in standard support on `today`, newest first. */
export function standardVersions(today: Date): string[] {
    return calendarVersions().filter((v) => supportStatus(v, today) === SupportStatus.Standard);
}

/** An add-on whose chart supports a Kubernetes range, as config names it. */
export interface ChartRangeKey {
    /** The config key of the chart version (`ingressNginxVersion`). */
    versionKey: keyof typeof data.charts.ranges;
    chartVersion: string;
}

export interface KubernetesRange {
    min: string;
    /** Absent: no upper bound is published. */
    max?: string;
}

export const CHART_KUBERNETES_RANGES: Readonly<Record<string, Readonly<Record<string, KubernetesRange>>>> = data.charts.ranges;

/** The range kept for a chart version: its exact entry, else its minor release's (`v1.21` covers `v1.21.2`). */
export function chartRange(versionKey: string, chartVersion: string): KubernetesRange | undefined {
    const ranges = CHART_KUBERNETES_RANGES[versionKey] ?? {};
    return ranges[chartVersion] ?? Object.entries(ranges).find(([k]) => chartVersion.startsWith(`${k}.`))?.[1];
}

export function inRange(version: string, range: KubernetesRange): boolean {
    return minor(version) >= minor(range.min) && (range.max === undefined || minor(version) <= minor(range.max));
}

const showRange = (r: KubernetesRange) => (r.max ? `${r.min}-${r.max}` : `${r.min} and later`);

export interface LifecycleProblem {
    /** The config key (without the project prefix) to change. */
    key: string;
    message: string;
}

export interface EksPrices {
    /** Control plane, per cluster-hour. */
    standardHourly: number;
    extendedHourly: number;
}

const HOURS_PER_MONTH = 730;
const money = (n: number) => `$${n.toFixed(2)}`;

/**
 * Problems with the chosen Kubernetes version on `today`: unknown to the calendar, past the end of
 * extended support, in extended support while supportType refuses it (EKS cannot leave extended
 * support once in it), or outside an enabled chart's supported range.
 */
export function versionProblems(version: string, supportType: SupportType, charts: readonly ChartRangeKey[], today: Date, prices: EksPrices): LifecycleProblem[] {
    const problems: LifecycleProblem[] = [];
    const add = (key: string, message: string) => problems.push({ key, message });
    const supported = calendarVersions().filter((v) => supportStatus(v, today) !== SupportStatus.Retired);
    const status = supportStatus(version, today);
    const dates = SUPPORT_CALENDAR[version];
    if (status === SupportStatus.Unknown) {
        add("kubernetesVersion", `"${version}" is not in the EKS support calendar kept in components/cluster/eks-versions.json (have ${calendarVersions().join(", ")}); add its dates from the EKS user guide first`);
    } else if (status === SupportStatus.Retired) {
        add("kubernetesVersion", `"${version}" left EKS extended support on ${dates.endOfExtendedSupport}: EKS no longer supports it; use one of ${supported.join(", ")}`);
    } else if (status === SupportStatus.Extended && supportType === SupportType.Standard) {
        add("kubernetesVersion", `"${version}" is in EKS extended support since ${dates.endOfStandardSupport}, which idp-eks:supportType STANDARD refuses (a cluster cannot leave extended support once in it): upgrade to ${standardVersions(today).join(" or ")}, or set idp-eks:supportType EXTENDED (${money(prices.extendedHourly)}/hour instead of ${money(prices.standardHourly)})`);
    }
    for (const { versionKey, chartVersion } of charts) {
        const range = chartRange(versionKey, chartVersion);
        if (!range) {
            add(versionKey, `"${chartVersion}" has no known supported Kubernetes range in components/cluster/eks-versions.json (have ${Object.keys(CHART_KUBERNETES_RANGES[versionKey] ?? {}).join(", ")}); add it from the chart's documentation first`);
        } else if (!inRange(version, range)) {
            add("kubernetesVersion", `"${version}" is outside the Kubernetes versions idp-eks:${versionKey} ${chartVersion} supports (${showRange(range)}); change one of the two`);
        }
    }
    return problems;
}

/** What `pulumi preview` warns about the version's support on `today` (none when nothing is near). */
export function lifecycleWarnings(version: string, supportType: SupportType, today: Date, prices: EksPrices): string[] {
    const dates = SUPPORT_CALENDAR[version];
    if (!dates) return [];
    const extendedMonthly = `${money(prices.extendedHourly)}/hour, about ${money(prices.extendedHourly * HOURS_PER_MONTH)}/month instead of ${money(prices.standardHourly * HOURS_PER_MONTH)}`;
    const newer = standardVersions(today).filter((v) => minor(v) > minor(version));
    const upgrade = newer.length > 0 ? `raise kubernetesVersion to ${newer.join(" or ")}` : "raise kubernetesVersion once a newer version is in the calendar";
    const warnings: string[] = [];
    const status = supportStatus(version, today);
    if (status === SupportStatus.Extended) {
        warnings.push(`Kubernetes ${version} is in EKS extended support since ${dates.endOfStandardSupport}: the control plane bills ${extendedMonthly}, until ${dates.endOfExtendedSupport}, when EKS upgrades it itself; ${upgrade}.`);
    } else if (status === SupportStatus.Standard) {
        const days = daysUntil(dates.endOfStandardSupport, today);
        if (days <= STANDARD_SUPPORT_WARNING_DAYS) {
            const then = supportType === SupportType.Extended
                ? `supportType EXTENDED then keeps it at ${extendedMonthly}`
                : "supportType STANDARD then has EKS upgrade the control plane alone (nodes and add-ons stay behind)";
            warnings.push(`Kubernetes ${version} leaves EKS standard support on ${dates.endOfStandardSupport} (in ${days} days): ${then}; ${upgrade}.`);
        } else if (supportType === SupportType.Extended) {
            warnings.push(`supportType EXTENDED: when Kubernetes ${version} leaves standard support on ${dates.endOfStandardSupport}, the control plane stays on it at ${extendedMonthly}, instead of being upgraded.`);
        }
    }
    return warnings;
}

/** EKS managed add-ons this project installs. */
export enum EksAddon {
    VpcCni = "vpc-cni",
    KubeProxy = "kube-proxy",
    CoreDns = "coredns",
    PodIdentityAgent = "eks-pod-identity-agent",
    EbsCsiDriver = "aws-ebs-csi-driver",
    MetricsServer = "metrics-server",
}

const PINNED: Readonly<Record<string, Readonly<Record<string, string>>>> = data.addons.pinned;

/** The add-on version pinned for a Kubernetes version, if one is kept. */
export function pinnedAddonVersion(addon: EksAddon, kubernetesVersion: string): string | undefined {
    return PINNED[addon]?.[kubernetesVersion];
}
