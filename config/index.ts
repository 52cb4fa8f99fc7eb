export * from "./keys";
export * from "./loadConfig";
export * from "./platformArgs";
