// Kubernetes resource quantities (k8s.io/apimachinery resource.Quantity: 500m, 1Gi, 1e3), for config
// checks and the mocked cloud's Kubernetes rules. Pure.

/** Parses a Kubernetes quantity (resource.Quantity) into a number of base units; exact enough to compare. */
export function parseQuantity(q: string | number): number | undefined {
    if (typeof q === "number") return q;
    const m = /^([+-]?[0-9.]+)(?:(m|k|M|G|T|P|E)|(Ki|Mi|Gi|Ti|Pi|Ei)|[eE]([+-]?\d+))?$/.exec(q.trim());
    if (!m || !/^[+-]?(\d+\.?\d*|\.\d+)$/.test(m[1])) return undefined;
    const base = Number(m[1]);
    const decimal: Record<string, number> = { m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };
    const binary: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
    if (m[2]) return base * decimal[m[2]];
    if (m[3]) return base * binary[m[3]];
    if (m[4]) return base * 10 ** Number(m[4]);
    return base;
}
