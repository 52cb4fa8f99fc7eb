export * from "./types";
export * from "./awsIdentity";
export * from "./loadBalancerController";
export * from "./certManager";
export * from "./ingressNginx";
