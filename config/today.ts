// "Today" for the Kubernetes version lifecycle (support status, preview warnings). An input, so
// tests and reproducible runs pin it: IDP_EKS_TODAY=YYYY-MM-DD, else the clock.
export const TODAY_ENV = "IDP_EKS_TODAY";

export function lifecycleToday(env: NodeJS.ProcessEnv = process.env): Date {
    const pinned = env[TODAY_ENV];
    if (pinned === undefined || pinned === "") return new Date();
    const at = Date.parse(`${pinned}T00:00:00Z`);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(pinned) || Number.isNaN(at)) throw new Error(`${TODAY_ENV}=${JSON.stringify(pinned)} is not a date (expected YYYY-MM-DD)`);
    return new Date(at);
}
